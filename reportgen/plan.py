"""The action plan (handleplan): its YAML shape, validation and the domain objects the criteria engine uses.

Key names are the contract (DESIGN §4): staff write these files, so every problem is reported with the file, line,
field, what is wrong and what was expected, and an unknown key is an error rather than silently ignored.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from reportgen.errors import InputError, Problem
from reportgen.sources.danish import Period, parse_danish_number, parse_period
from reportgen.sources.municipalities import registry
from reportgen.yamlpos import dotted, line_of, load_with_lines

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
        return Target(">=", Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
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
        raise ValueError(f"{value!r} is not an id{SEP}a short text such as \"3\" or \"3.1\"")
    return str(value)


Id = Annotated[str, BeforeValidator(_id)]

# --- criteria -----------------------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class _CriterionBase(_Strict):
    id: Id
    text: str = Field(min_length=1)
    deadline: dt.date | None = None
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
    against: Union[Literal["national"], list[Union[int, str]]] = "national"
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
    area: Union[int, str, None] = None


class BudgetCriterion(_CriterionBase):
    """Spending on the initiative's economy filter stays within its budget."""

    kind: Literal["budget"]
    target: TargetField = Target("<=", Decimal(1), True)


class EconomyCountCriterion(_CriterionBase):
    """The count of grants (or postings) on the given accounts in a period."""

    kind: Literal["economy_count"]
    accounts: list[str] = Field(min_length=1)
    period: PeriodField
    target: TargetField | None = None
    better: Literal["higher", "lower"] = "lower"


class QualitativeCriterion(_CriterionBase):
    """Status and comment as reported by the initiative's contact person in the measurement sheet."""

    kind: Literal["qualitative"]
    measure: MeasureKey


Criterion = Annotated[
    Union[
        CountCriterion,
        RatioCriterion,
        BenchmarkCriterion,
        TrendCriterion,
        GapCriterion,
        BudgetCriterion,
        EconomyCountCriterion,
        QualitativeCriterion,
    ],
    Field(discriminator="kind"),
]
CRITERION_KINDS = ("count", "ratio", "benchmark", "trend", "gap", "budget", "economy_count", "qualitative")

# --- plan ---------------------------------------------------------------------------------------------------------


class EconomyFilter(_Strict):
    projects: list[str] = []
    accounts: list[str] = []

    @model_validator(mode="after")
    def _not_empty(self) -> "EconomyFilter":
        if not self.projects and not self.accounts:
            raise ValueError(f"the economy filter is empty{SEP}'projects' and/or 'accounts'")
        return self


class Initiative(_Strict):
    id: Id
    title: str = Field(min_length=1)
    goal: str
    committees: list[str] = Field(min_length=1)
    contact: str = Field(min_length=1)
    budget: dict[int, Decimal] = {}
    economy: EconomyFilter | None = None
    criteria: list[Criterion] = Field(min_length=1)

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


class PlanPeriod(_Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> "PlanPeriod":
        if self.end < self.start:
            raise ValueError(f"the period ends before it starts{SEP}end on or after start")
        return self


class Plan(_Strict):
    title: str = Field(min_length=1)
    municipality: Union[int, str]
    period: PlanPeriod
    pool: Decimal | None = None
    committees: dict[str, str] = Field(min_length=1)
    goals: dict[str, str] = Field(min_length=1)
    initiatives: list[Initiative] = Field(min_length=1)

    @field_validator("municipality")
    @classmethod
    def _known_municipality(cls, value: Union[int, str]) -> Union[int, str]:
        area = registry().lookup(value)
        if area is None or not area.is_municipality:
            raise ValueError(f"{value!r} is not a Danish municipality{SEP}a kommunekode such as 147 or a name such as Frederiksberg")
        return value

    @property
    def municipality_code(self) -> int:
        area = registry().lookup(self.municipality)
        assert area is not None
        return area.code

    @property
    def municipality_name(self) -> str:
        return registry().by_code[self.municipality_code].name

    @property
    def slug(self) -> str:
        """The output folder name: municipality and title, so plans of different municipalities never collide."""
        return slugify(f"{self.municipality_name} {self.title}")

    def initiative(self, initiative_id: str) -> Initiative:
        for initiative in self.initiatives:
            if initiative.id == initiative_id:
                return initiative
        raise KeyError(initiative_id)

    def deadline_of(self, criterion: Any) -> dt.date:
        return criterion.deadline or self.period.end

    def measures(self, initiative: Initiative) -> list[str]:
        """The measurement keys the initiative's criteria read from the measurement sheets, in order."""
        out: list[str] = []
        for c in initiative.criteria:
            for key in (getattr(c, "measure", None), getattr(c, "numerator", None), getattr(c, "denominator", None)):
                if key and key not in out:
                    out.append(key)
        return out

    def indicators(self) -> list[str]:
        out: list[str] = []
        for initiative in self.initiatives:
            for c in initiative.criteria:
                for key in (getattr(c, "indicator", None), getattr(c, "reference", None)):
                    if key and key not in out:
                        out.append(key)
        return out


def slugify(text: str) -> str:
    s = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "plan"


# --- loading ------------------------------------------------------------------------------------------------------


def _strip_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Remove the discriminator tag pydantic puts into locations inside ``criteria[i]``."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        if (
            i >= 2
            and part in CRITERION_KINDS
            and isinstance(loc[i - 1], int)
            and loc[i - 2] == "criteria"
        ):
            continue
        out.append(part)
    return tuple(out)


def _problem_from_pydantic(error: Any, display: str, lines: dict[tuple[object, ...], int], model_fields: dict[tuple[str, ...], list[str]]) -> Problem:
    loc = _strip_tags(tuple(error["loc"]))
    kind = error["type"]
    field = dotted(loc) or "(top level)"
    if kind == "extra_forbidden":
        parent = tuple(p for p in loc[:-1] if not isinstance(p, int))
        allowed = model_fields.get(parent)
        expected = "one of: " + ", ".join(allowed) if allowed else "a known key"
        return Problem(display, f"unknown key {loc[-1]!r}", expected, row=line_of(lines, loc), column=dotted(loc[:-1]) or None)
    if kind == "missing":
        return Problem(display, f"missing field {loc[-1]!r}", "the field is required", row=line_of(lines, loc[:-1]), column=dotted(loc[:-1]) or None)
    if kind == "union_tag_invalid":
        return Problem(display, f"unknown criterion kind {error['input'].get('kind') if isinstance(error['input'], dict) else error['input']!r}", "one of: " + ", ".join(CRITERION_KINDS), row=line_of(lines, loc + ("kind",)), column=field)
    if kind == "union_tag_not_found":
        return Problem(display, "criterion has no 'kind'", "one of: " + ", ".join(CRITERION_KINDS), row=line_of(lines, loc), column=field)
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    what, _, expected = message.partition(SEP)
    if not expected and (kind.endswith("_parsing") or kind.endswith("_type") or kind.startswith("too_")):
        expected = what
        what = f"{error.get('input')!r} is not valid"
    return Problem(display, f"{field}: {what}" if field not in what else what, expected, row=line_of(lines, loc), column=None)


def _allowed_keys() -> dict[tuple[str, ...], list[str]]:
    criterion_keys = sorted({k for m in (CountCriterion, RatioCriterion, BenchmarkCriterion, TrendCriterion, GapCriterion, BudgetCriterion, EconomyCountCriterion, QualitativeCriterion) for k in m.model_fields})
    return {
        (): list(Plan.model_fields),
        ("period",): list(PlanPeriod.model_fields),
        ("initiatives",): list(Initiative.model_fields),
        ("initiatives", "economy"): list(EconomyFilter.model_fields),
        ("initiatives", "criteria"): criterion_keys,
    }


def load_plan(path: Path, display: str | None = None) -> Plan:
    """Load and validate a plan file; raise InputError listing every problem found."""
    display = display or str(path)
    data, lines = load_with_lines(path, display)
    if not isinstance(data, dict):
        raise InputError.at(display, "the plan is not a mapping of keys", "title, municipality, period, committees, goals, initiatives", row=1)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        allowed = _allowed_keys()
        raise InputError([_problem_from_pydantic(e, display, lines, allowed) for e in exc.errors()]) from None
    problems = _cross_check(plan, display, lines)
    if problems:
        raise InputError(problems)
    return plan


def _cross_check(plan: Plan, display: str, lines: dict[tuple[object, ...], int]) -> list[Problem]:
    """What a schema cannot say: references between parts of the plan, unique ids, sensible deadlines."""
    problems: list[Problem] = []

    def add(loc: tuple[object, ...], what: str, expected: str) -> None:
        problems.append(Problem(display, what, expected, row=line_of(lines, loc), column=dotted(loc)))

    seen_initiatives: set[str] = set()
    seen_criteria: set[str] = set()
    for i, initiative in enumerate(plan.initiatives):
        loc: tuple[object, ...] = ("initiatives", i)
        if initiative.id in seen_initiatives:
            add(loc + ("id",), f"initiative id {initiative.id!r} is used twice", "a unique id per initiative")
        seen_initiatives.add(initiative.id)
        if initiative.goal not in plan.goals:
            add(loc + ("goal",), f"unknown goal {initiative.goal!r}", "one of the goals: " + ", ".join(plan.goals))
        for j, code in enumerate(initiative.committees):
            if code not in plan.committees:
                add(loc + ("committees", j), f"unknown committee {code!r}", "one of the committees: " + ", ".join(plan.committees))
        for year in initiative.budget:
            if not plan.period.start.year <= year <= plan.period.end.year:
                add(loc + ("budget", year), f"budget year {year} is outside the plan period", f"a year from {plan.period.start.year} to {plan.period.end.year}")
        for k, criterion in enumerate(initiative.criteria):
            cloc = loc + ("criteria", k)
            if criterion.id in seen_criteria:
                add(cloc + ("id",), f"criterion id {criterion.id!r} is used twice", "a unique id per criterion")
            seen_criteria.add(criterion.id)
            if criterion.deadline and criterion.deadline < plan.period.start:
                add(cloc + ("deadline",), f"deadline {criterion.deadline} is before the plan starts", f"a date on or after {plan.period.start}")
            if isinstance(criterion, BudgetCriterion):
                if not initiative.budget:
                    add(cloc, "a budget criterion needs the initiative's budget", "budget: {year: amount}")
                if initiative.economy is None:
                    add(cloc, "a budget criterion needs the initiative's economy filter", "economy: {projects: [...], accounts: [...]}")
            if isinstance(criterion, BenchmarkCriterion) and criterion.against != "national":
                for m, other in enumerate(criterion.against):
                    area = registry().lookup(other)
                    if area is None or not area.is_municipality:
                        add(cloc + ("against", m), f"{other!r} is not a Danish municipality", "'national' or a list of kommunekoder or names")
            if isinstance(criterion, RatioCriterion) and not criterion.target.percent and criterion.target.value > 1:
                add(cloc + ("target",), f"ratio target {criterion.target.value} is above 1", "a share written as a percentage such as '>= 80%'")
    return problems
