"""The action plan (handleplan): its shape, field by field, and the objects the criteria engine uses.

Key names are the contract: staff write these files, so every field says what it accepts, and an unknown key is an
error rather than silently ignored (``StrictModel``). Loading, line numbers and cross-checks are in ``loading``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from reportgen.domain.accounts import ACCOUNT_EXPECTED, normalise_account
from reportgen.domain.areas import registry
from reportgen.domain.danish_text import slugify
from reportgen.domain.models import StrictModel
from reportgen.domain.numbers import MAGNITUDE_EXPECTED, bounded, parse_danish_number
from reportgen.domain.observations import ASSESSMENT_MAX_CHARS, one_paragraph
from reportgen.domain.periods import Period, parse_period

SEP = "||"  # separates "what is wrong" from "what was expected" inside validator messages
KEY = re.compile(r"^[a-z0-9_æøå]+$")
TARGET_EXPECTED = "a comparison such as '>= 20', '>= 80%' or '<= 5'"

# --- targets ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A comparison such as ``>= 20`` or ``>= 80%``. Percent targets hold the share (0.8) and ``percent=True``."""

    op: str
    value: Decimal
    percent: bool = False

    def holds(self, actual: Decimal) -> bool:
        return {
            ">=": actual >= self.value,
            ">": actual > self.value,
            "<=": actual <= self.value,
            "<": actual < self.value,
            "=": actual == self.value,
        }[self.op]

    @property
    def higher_is_better(self) -> bool:
        return self.op in (">=", ">")

    def __str__(self) -> str:
        return f"{self.op} {self.value}"


_TARGET = re.compile(r"^\s*(>=|<=|≥|≤|>|<|=|==)?\s*(.+?)\s*$")


def parse_target(value: Any) -> Target:
    if isinstance(value, Target):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r} is not a target{SEP}{TARGET_EXPECTED}")
    if isinstance(value, (int, float)):
        given = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        try:
            return Target(">=", bounded(given, value))
        except ValueError as exc:
            raise ValueError(f"{exc}{SEP}{TARGET_EXPECTED}") from None
    m = _TARGET.match(str(value))
    if not m:
        raise ValueError(f"{value!r} is not a target{SEP}{TARGET_EXPECTED}")
    op = {"≥": ">=", "≤": "<=", "==": "=", None: ">="}.get(m.group(1), m.group(1))
    try:
        # Danish rules, except that a dot which cannot be a thousands separator ("12.5%") is read as a decimal point.
        text = m.group(2).strip()
        if re.fullmatch(r"\d+\.(\d{1,2}|\d{4,})\s*%?", text):
            text = text.replace(".", ",")
        number = parse_danish_number(text)
    except ValueError:
        raise ValueError(f"{str(value)!r} is not a target{SEP}{TARGET_EXPECTED}") from None
    if number.percent:
        return Target(op, number.value / 100, True)
    return Target(op, number.value)


TargetField = Annotated[Target, BeforeValidator(parse_target)]


def _parse_period_field(value: Any) -> Period:
    if isinstance(value, Period):
        return value
    try:
        return parse_period(value)
    except ValueError as exc:
        raise ValueError(f"{exc}{SEP}a period such as 2019, 2019K3 or 2019M09") from None


PeriodField = Annotated[Period, BeforeValidator(_parse_period_field)]


def _key(value: Any) -> str:
    if not isinstance(value, str) or not KEY.match(value):
        raise ValueError(f"{value!r} is not a valid key{SEP}lower-case letters, digits and _ such as 'deltagere'")
    return value


MeasureKey = Annotated[str, BeforeValidator(_key)]


def _id(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f'{value!r} is not an id{SEP}a short text such as "3" or "3.1"')
    return str(value)


Id = Annotated[str, BeforeValidator(_id)]

# --- criteria -----------------------------------------------------------------------------------------------------


class _CriterionBase(StrictModel):
    id: Id
    text: str = Field(min_length=1)
    deadline: dt.date | None = None
    first_measurement: dt.date | None = None
    """When the criterion is first measured (by default the plan's start): missing figures before it are not due."""
    note: str | None = None


class CountCriterion(_CriterionBase):
    """The latest cumulative value of a measure reaches the target."""

    kind: Literal["count"]
    measure: MeasureKey
    target: TargetField


class RatioCriterion(_CriterionBase):
    """numerator / denominator reaches the target (a share)."""

    kind: Literal["ratio"]
    numerator: MeasureKey
    denominator: MeasureKey
    target: TargetField


class BenchmarkCriterion(_CriterionBase):
    """The municipality is better than the national figure (or a list of municipalities) in the same latest period."""

    kind: Literal["benchmark"]
    indicator: MeasureKey
    against: Literal["national", "kommunegruppe"] | list[int | str] = "national"
    """``national`` (Hele landet), ``kommunegruppe`` (the municipality's group of Statistics Denmark: the group's own
    figure when the indicator file has it, else the average of the group's other municipalities), or a list of
    municipalities (their average)."""
    better: Literal["higher", "lower"] = "higher"


class TrendCriterion(_CriterionBase):
    """The indicator moved the better way from the baseline period to the latest."""

    kind: Literal["trend"]
    indicator: MeasureKey
    baseline: PeriodField
    better: Literal["higher", "lower"] = "higher"
    rule: Literal["exact", "barometer"] = "exact"


class GapCriterion(_CriterionBase):
    """The gap between two indicators moved the better way from the baseline period to the latest."""

    kind: Literal["gap"]
    indicator: MeasureKey
    reference: MeasureKey
    baseline: PeriodField
    better: Literal["smaller", "larger"] = "smaller"
    area: int | str | None = None


class BudgetCriterion(_CriterionBase):
    """Spending on the initiative's economy filter stays within its budget."""

    kind: Literal["budget"]
    target: TargetField = Target("<=", Decimal(1), True)


class EconomyCountCriterion(_CriterionBase):
    """The count of grants (or postings) on the given accounts in a period."""

    kind: Literal["economy_count"]
    accounts: list[Account] = Field(min_length=1)
    period: PeriodField
    target: TargetField | None = None
    better: Literal["higher", "lower"] = "lower"


class QualitativeCriterion(_CriterionBase):
    """Status and comment as reported by the initiative's contact person in the measurement sheet."""

    kind: Literal["qualitative"]
    measure: MeasureKey


Criterion = Annotated[
    CountCriterion
    | RatioCriterion
    | BenchmarkCriterion
    | TrendCriterion
    | GapCriterion
    | BudgetCriterion
    | EconomyCountCriterion
    | QualitativeCriterion,
    Field(discriminator="kind"),
]
CRITERION_TYPES = (
    CountCriterion,
    RatioCriterion,
    BenchmarkCriterion,
    TrendCriterion,
    GapCriterion,
    BudgetCriterion,
    EconomyCountCriterion,
    QualitativeCriterion,
)
CRITERION_KINDS = ("count", "ratio", "benchmark", "trend", "gap", "budget", "economy_count", "qualitative")

# --- plan ---------------------------------------------------------------------------------------------------------


def _account(value: Any) -> str:
    try:
        normalise_account(value)
    except ValueError as exc:
        raise ValueError(f"{exc}{SEP}{ACCOUNT_EXPECTED}") from None
    return str(value).strip()


def _amount(value: Decimal) -> Decimal:
    try:
        return bounded(value)
    except ValueError as exc:
        raise ValueError(f"{exc}{SEP}an amount in kr. {MAGNITUDE_EXPECTED}") from None


Account = Annotated[str, BeforeValidator(_account)]
Amount = Annotated[Decimal, AfterValidator(_amount)]


class EconomyFilter(StrictModel):
    projects: list[str] = []
    accounts: list[Account] = []

    @model_validator(mode="after")
    def _not_empty(self) -> EconomyFilter:
        if not self.projects and not self.accounts:
            raise ValueError(f"the economy filter is empty{SEP}'projects' and/or 'accounts'")
        return self


class Initiative(StrictModel):
    id: Id
    title: str = Field(min_length=1)
    goal: str
    committees: list[str] = Field(min_length=1)
    contact: str = Field(min_length=1)
    budget: dict[int, Amount] = {}
    economy: EconomyFilter | None = None
    criteria: list[Criterion] = Field(min_length=1)
    assessment: str | None = None
    """The secretariat's written assessment (*Administrationens vurdering*): one paragraph of free text."""

    @field_validator("assessment")
    @classmethod
    def _assessment_paragraph(cls, value: str | None) -> str | None:
        if value is None:
            return None
        text = one_paragraph(value)
        if len(text) > ASSESSMENT_MAX_CHARS:
            limit = f"{ASSESSMENT_MAX_CHARS:,}".replace(",", ".")
            raise ValueError(
                f"the assessment has {len(text):,} characters".replace(",", ".") + f"{SEP}at most {limit} characters"
            )
        return text or None

    @field_validator("budget")
    @classmethod
    def _budget_positive(cls, value: dict[int, Decimal]) -> dict[int, Decimal]:
        for year, amount in value.items():
            if amount < 0:
                raise ValueError(f"budget for {year} is negative{SEP}an amount in kr. of 0 or more")
        return value

    @property
    def budget_total(self) -> Decimal:
        return sum(self.budget.values(), Decimal(0))


class PlanPeriod(StrictModel):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> PlanPeriod:
        if self.end < self.start:
            raise ValueError(f"the period ends before it starts{SEP}end on or after start")
        return self


class Plan(StrictModel):
    title: str = Field(min_length=1)
    municipality: int | str
    period: PlanPeriod
    pool: Amount | None = None
    committees: dict[str, str] = Field(min_length=1)
    goals: dict[str, str] = Field(min_length=1)
    initiatives: list[Initiative] = Field(min_length=1)
    labels: dict[MeasureKey, Annotated[str, Field(min_length=1)]] = {}
    """Danish labels of the measurement and indicator keys, as council text names them (key -> label)."""

    @field_validator("municipality")
    @classmethod
    def _known_municipality(cls, value: int | str) -> int | str:
        area = registry().lookup(value)
        if area is None or not area.is_municipality:
            raise ValueError(
                f"{value!r} is not a Danish municipality{SEP}a kommunekode such as 147 or a name such as Frederiksberg"
            )
        return value

    @property
    def municipality_code(self) -> int:
        return registry().resolve(self.municipality).code  # known: checked by _known_municipality

    @property
    def municipality_name(self) -> str:
        return registry().by_code[self.municipality_code].name

    @property
    def slug(self) -> str:
        """The output folder name: municipality and title, so plans of different municipalities never collide."""
        return slugify(f"{self.municipality_name} {self.title}")

    def label_of(self, key: str) -> str | None:
        """The Danish label the plan gives a measurement or indicator key (None if it gives none)."""
        return self.labels.get(key)

    def deadline_of(self, criterion: Criterion) -> dt.date:
        """The criterion's deadline, by default the end of the plan period."""
        return criterion.deadline or self.period.end

    def first_measurement_of(self, criterion: Criterion) -> dt.date:
        """When the criterion is first measured, by default the start of the plan period."""
        return criterion.first_measurement or self.period.start

    def measures(self, initiative: Initiative) -> list[str]:
        """The measurement keys the initiative's criteria read from the measurement sheets, in order."""
        out: list[str] = []
        for c in initiative.criteria:
            for key in measures_of(c):
                if key not in out:
                    out.append(key)
        return out

    def measurement_keys(self) -> dict[str, list[str]]:
        """Initiative id -> the measurement keys its criteria read (what a measurement sheet may contain)."""
        return {i.id: self.measures(i) for i in self.initiatives}

    def indicators(self) -> list[str]:
        """The indicator keys the criteria follow, in order."""
        out: list[str] = []
        for initiative in self.initiatives:
            for c in initiative.criteria:
                for key in indicators_of(c):
                    if key not in out:
                        out.append(key)
        return out


def measures_of(criterion: Criterion) -> list[str]:
    """The measurement-sheet keys a criterion reads."""
    match criterion:
        case CountCriterion() | QualitativeCriterion():
            return [criterion.measure]
        case RatioCriterion():
            return [criterion.numerator, criterion.denominator]
        case _:
            return []


def indicators_of(criterion: Criterion) -> list[str]:
    """The indicator keys a criterion follows."""
    match criterion:
        case GapCriterion():
            return [criterion.indicator, criterion.reference]
        case BenchmarkCriterion() | TrendCriterion():
            return [criterion.indicator]
        case _:
            return []
