"""Reading every input of a run: the plan, the economy exports, the indicator files and the measurement sheets, with
every problem of every file collected before anything is decided."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.config import Config
from reportgen.domain.areas import registry
from reportgen.domain.observations import SourceNotes, observations_frame
from reportgen.errors import InputError, ProblemLog
from reportgen.evaluate.economy import economy_observations
from reportgen.outputs import sha256_of
from reportgen.plan import BudgetCriterion, EconomyCountCriterion, Plan, load_plan
from reportgen.plan.model import indicators_of
from reportgen.readers.economy import read_economy
from reportgen.readers.indicators import read_indicators
from reportgen.readers.measurements import MeasurementSettings, read_all_measurements, read_measurements

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("reportgen.pipeline")


@dataclass(frozen=True)
class MissingInput:
    """A configured input that provides nothing the plan needs, and the initiatives that needed it."""

    reason: str
    initiatives: frozenset[str]


@dataclass
class Inputs:
    """Everything read for one run: the plan, the postings, the other observations and what each file contributed."""

    plan: Plan
    postings: pd.DataFrame
    indicators_and_measurements: pd.DataFrame
    sources: list[dict[str, Any]]
    has_economy: bool
    problems: ProblemLog
    missing: list[MissingInput] = field(default_factory=list)

    @property
    def sample_files(self) -> list[str]:
        """The inputs that are sample data (``EKSEMPELDATA-…``, written by ``reportgen init``): a pack built while
        any is read says so on every page and is never sent."""
        return [s["display"] for s in self.sources if Path(s["path"]).name.upper().startswith(SAMPLE_PREFIX)]

    def missing_for(self, initiatives: set[str] | None) -> list[str]:
        """Why a pack following ``initiatives`` (None: every initiative) would lack an input it needs."""
        return [m.reason for m in self.missing if initiatives is None or m.initiatives & initiatives]

    def observations(self, as_of: dt.date) -> pd.DataFrame:
        """The observations table as of a date: economy aggregates only from postings dated on or before it (so a
        pack made again from a later export shows the same figures), everything else as read."""
        import pandas as pd

        postings = self.postings
        if not postings.empty:
            postings = postings[postings["dato"] <= pd.Timestamp(as_of)]
        frames = [
            f for f in (economy_observations(postings, self.plan), self.indicators_and_measurements) if not f.empty
        ]
        return pd.concat(frames, ignore_index=True) if frames else self.indicators_and_measurements

    def newest_figure(self, today: dt.date) -> dt.date | None:
        """The end of the newest period any figure is for (a posting's date for the economy), up to ``today``."""
        import pandas as pd

        from reportgen.domain.periods import parse_period

        dates: list[dt.date] = []
        known = self.indicators_and_measurements
        known = known[known["value"].notna() | known["label"].notna()]
        periods = [parse_period(p) for p in dict.fromkeys(known["period"])]
        dates += [min(p.end, today) for p in periods if p.start <= today]
        if not self.postings.empty:
            postings = self.postings[self.postings["dato"] <= pd.Timestamp(today)]
            if not postings.empty:
                dates.append(postings["dato"].max().date())
        return max(dates, default=None)


@dataclass(frozen=True)
class InputPaths:
    """The files the config's globs select, by kind."""

    economy: list[Path]
    barometer: list[Path]
    measurements: list[Path]

    def all(self) -> list[Path]:
        return [*self.economy, *self.barometer, *self.measurements]


def load_plan_of(config: Config) -> Plan:
    """The config's plan, loaded and validated (InputError listing every problem)."""
    return load_plan_file(config.plan_path, config.display(config.plan_path))


PLAN_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
SAMPLE_PREFIX = "EKSEMPELDATA"
"""Input files whose name starts with this are sample data."""


def load_plan_file(path: Path, display: str) -> Plan:
    """A plan from its YAML file or its plan workbook (``.xlsx``), validated the same way; a workbook's problems
    name the sheet, row and column."""
    if path.suffix.lower() not in PLAN_WORKBOOK_SUFFIXES:
        return load_plan(path, display)
    from reportgen.plan.loading import validate_plan
    from reportgen.plan.workbook_reading import PlanRows
    from reportgen.readers.danish import parse_date
    from reportgen.readers.library_warnings import reported_warnings
    from reportgen.readers.tables import read_xlsx_sheets

    if not path.is_file():
        raise InputError.at(display, "file not found", "an existing plan workbook (.xlsx)")
    rows, warned = PlanRows(display, parse_date), ProblemLog()
    with reported_warnings(display, warned):  # openpyxl's warnings (a date cell holding no date) named, not printed
        sheets = read_xlsx_sheets(path, display)
    data = rows.build(sheets)
    if rows.problems or warned.errors:
        raise InputError([*warned.errors, *rows.problems])
    return validate_plan(data, display, rows.locate)


def read_inputs(config: Config, problems: ProblemLog | None = None, *, plan: Plan | None = None) -> Inputs:
    """Read every input (and the plan, unless it is given); collect every problem, then raise InputError if any is
    an error.

    An invalid plan does not stop the reading: every input is still read (measurement sheets without checking their
    keys against the plan), so one run reports the problems of every file."""
    import pandas as pd

    problems = problems if problems is not None else ProblemLog()
    if plan is None:
        try:
            plan = load_plan_of(config)
        except InputError as exc:
            for problem in exc.problems:
                problems.add(problem)
    if plan is not None:
        _check_config_against_plan(config, plan, problems)
    paths = input_paths(config)
    log.info(
        "reading %d economy exports, %d indicator files and %d measurement sheets",
        len(paths.economy),
        len(paths.barometer),
        len(paths.measurements),
    )
    notes: SourceNotes = {}
    postings = read_economy(paths.economy, _shown(config, paths.economy), config.model.economy, problems, notes)
    indicators = read_indicators(
        paths.barometer, _shown(config, paths.barometer), config.model.barometer, problems, notes
    )
    settings = measurement_settings(plan) if plan is not None else MeasurementSettings(area=0)
    measurements = read_all_measurements(
        paths.measurements, _shown(config, paths.measurements), settings, problems, notes
    )
    if plan is None:
        raise InputError(problems.errors)
    sources = _source_records(config, paths, (postings, indicators, measurements), notes)
    missing = _check_coverage(config, plan, paths, indicators, problems)
    _check_labels(config, plan, indicators, problems)
    problems.raise_if_errors()
    frames = [f for f in (indicators, measurements) if not f.empty]
    other = pd.concat(frames, ignore_index=True) if frames else observations_frame()
    return Inputs(plan, postings, other, sources, bool(paths.economy), problems, missing)


def _shown(config: Config, paths: list[Path]) -> list[str]:
    return [config.display(p) for p in paths]


def _source_records(
    config: Config, paths: InputPaths, frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], notes: SourceNotes
) -> list[dict[str, Any]]:
    """What each input file is and contributed, for the manifest and the documents' source lists."""
    sources: list[dict[str, Any]] = []
    postings, indicators, measurements = frames
    for kind, files, frame, key in (
        ("økonomi", paths.economy, postings, "file"),
        ("barometer", paths.barometer, indicators, "source"),
        ("målinger", paths.measurements, measurements, "source"),
    ):
        for p in files:
            display = config.display(p)
            note = notes.get(display)
            sources.append(
                {
                    "path": relative_to(p, config.base),
                    "display": display,
                    "kind": kind,
                    "size": p.stat().st_size,
                    "sha256": sha256_of(p),
                    "rows": int((frame[key] == display).sum()) if not frame.empty else 0,
                    "title": note.title if note else None,
                    "note": note.note if note else None,
                }
            )
    return sources


def _check_coverage(
    config: Config, plan: Plan, paths: InputPaths, indicators: pd.DataFrame, problems: ProblemLog
) -> list[MissingInput]:
    """Warnings for what the plan follows and no input provides; returns them with the initiatives concerned."""
    missing: list[MissingInput] = []
    economy = frozenset(
        i.id
        for i in plan.initiatives
        if i.economy is not None or any(isinstance(c, (BudgetCriterion, EconomyCountCriterion)) for c in i.criteria)
    )
    if not paths.economy and economy:
        problems.warning(
            config.display(config.path),
            "no economy exports found",
            "files matching [inputs] economy",
            column="inputs.economy",
        )
        missing.append(MissingInput("no economy exports found ([inputs] economy)", economy))
    measured = frozenset(i.id for i in plan.initiatives if plan.measures(i))
    if not paths.measurements and measured:
        problems.warning(
            config.display(config.path),
            "no measurement sheets found",
            "files matching [inputs] measurements",
            column="inputs.measurements",
        )
        missing.append(MissingInput("no measurement sheets found ([inputs] measurements)", measured))
    provided = set() if indicators.empty else set(indicators["indicator"])
    for indicator in plan.indicators():
        if indicator not in provided:
            problems.warning(
                config.display(config.plan_path),
                f"no data for indicator {indicator!r}; its criteria report 'Mangler data'",
                "an indicator file that provides it",
            )
            users = frozenset(i.id for i in plan.initiatives for c in i.criteria if indicator in indicators_of(c))
            missing.append(MissingInput(f"no data for indicator {indicator!r} ([inputs] barometer)", users))
    return missing


def _check_labels(config: Config, plan: Plan, indicators: pd.DataFrame, problems: ProblemLog) -> None:
    """Every measurement and indicator key a report may name needs a Danish label: from the plan's ``labels``, or
    for an indicator the title its file gives it. A key without one is a warning (council text would show it)."""
    titled = set() if indicators.empty else set(indicators.loc[indicators["title"].notna(), "indicator"])
    measures = [m for i in plan.initiatives for m in plan.measures(i)]
    unlabelled = [k for k in dict.fromkeys(measures) if not plan.label_of(k)]
    unlabelled += [k for k in plan.indicators() if not plan.label_of(k) and k not in titled]
    for key in unlabelled:
        problems.warning(
            config.display(config.plan_path),
            f"{key!r} has no Danish label, so council text would name it by its key",
            f"labels: {{{key}: <how the report should name it>}} in the plan",
            column="labels",
        )


def input_hashes(config: Config) -> dict[str, str]:
    """The SHA-256 of every input file and of the plan, by path relative to the config: what a pack is built from."""
    return {relative_to(p, config.base): sha256_of(p) for p in [*input_paths(config).all(), config.plan_path]}


def measurement_settings(plan: Plan) -> MeasurementSettings:
    """What a measurement sheet may contain: the plan's initiatives and the measurement keys their criteria read."""
    return MeasurementSettings(area=plan.municipality_code, keys=plan.measurement_keys(), labels=dict(plan.labels))


def read_measurement_sheet(path: Path, display: str, plan: Plan, problems: ProblemLog) -> pd.DataFrame:
    """Read one measurement sheet, checking its initiative ids and measurement keys against the plan."""
    return read_measurements(path, display, measurement_settings(plan), problems)


def _check_config_against_plan(config: Config, plan: Plan, problems: ProblemLog) -> None:
    """The config's municipality and committees must be the plan's."""
    configured = config.model.municipality
    if configured is not None and registry().resolve(configured).code != plan.municipality_code:
        problems.error(
            config.display(config.path),
            f"municipality {configured!r} differs from the plan's ({plan.municipality!r})",
            "the same municipality in reportgen.toml and the plan",
            column="municipality",
        )
    for code in [m.committee for m in config.model.meetings] + list(config.model.committees):
        if code not in plan.committees:
            problems.error(
                config.display(config.path),
                f"committee {code!r} is not in the plan",
                "one of: " + ", ".join(plan.committees),
                column="meetings/committees",
            )


def input_paths(config: Config) -> InputPaths:
    """The economy exports, indicator files and measurement sheets the config's globs select. A file matched as an
    economy export is not also read as an indicator file; indicator files are spreadsheets or CSV."""
    inputs = config.model.inputs
    economy = config.expand(inputs.economy)
    barometer = [
        p
        for p in config.expand(inputs.barometer)
        if p not in set(economy) and p.suffix.lower() in (".xlsx", ".xlsm", ".csv", ".txt")
    ]
    return InputPaths(economy, barometer, config.expand(inputs.measurements))


def relative_to(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)
