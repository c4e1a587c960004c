"""The library entry point: load, read, evaluate, render, publish. The CLI only maps flags to these functions.

>>> from reportgen.config import load_config
>>> from reportgen.pipeline import build_packs
>>> result = build_packs(load_config("reportgen.toml"), committees=["AUU"], meeting=date(2020, 3, 10))
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import __version__
from reportgen.config import Config
from reportgen.domain.areas import registry
from reportgen.domain.danish_text import dato, slugify
from reportgen.domain.observations import SourceNotes, observations_frame
from reportgen.domain.packs import PackSpec
from reportgen.domain.periods import period_of_date
from reportgen.errors import InputError, Problem, ProblemLog, UsageError
from reportgen.evaluate import InitiativeResult, evaluate
from reportgen.evaluate.economy import economy_observations
from reportgen.outputs import (
    Staging,
    archive_stamp,
    atomic_write_bytes,
    earlier_packs,
    output_lock,
    sha256_of,
)
from reportgen.plan import BudgetCriterion, EconomyCountCriterion, Plan, load_plan
from reportgen.privacy import PrivacyGuard
from reportgen.readers.economy import read_economy
from reportgen.readers.indicators import read_indicators
from reportgen.readers.measurements import MeasurementSettings, read_all_measurements
from reportgen.readers.measurements import read_measurements as read_measurement_sheet
from reportgen.render.context import build_context

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Inputs:
    """Everything read for one run: the plan, the postings, the other observations and what each file contributed."""

    plan: Plan
    postings: pd.DataFrame
    indicators_and_measurements: pd.DataFrame
    sources: list[dict[str, Any]]
    has_economy: bool
    problems: ProblemLog

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


@dataclass
class BuiltPack:
    spec: PackSpec
    folder: Path
    files: list[Path]
    summary: dict[str, Any]


@dataclass
class RunResult:
    packs: list[BuiltPack]
    manifest: Path | None
    warnings: list[str] = field(default_factory=list)
    archived: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False


def read_inputs(config: Config, problems: ProblemLog | None = None) -> Inputs:
    """Load the plan and read every input; collect every problem, then raise InputError if any is an error.

    An invalid plan does not stop the reading: every input is still read (measurement sheets without checking their
    keys against the plan), so one run reports the problems of every file."""
    import pandas as pd

    problems = problems if problems is not None else ProblemLog()
    try:
        plan: Plan | None = load_plan(config.plan_path, config.display(config.plan_path))
    except InputError as exc:
        for problem in exc.problems:
            problems.add(problem)
        plan = None
    if plan is not None:
        _check_config_against_plan(config, plan, problems)

    economy_paths, barometer_paths, measurement_paths = _input_paths(config)
    notes: SourceNotes = {}
    economy_shown = [config.display(p) for p in economy_paths]
    postings = read_economy(economy_paths, economy_shown, config.model.economy, problems, notes)
    barometer_shown = [config.display(p) for p in barometer_paths]
    indicators = read_indicators(barometer_paths, barometer_shown, config.model.barometer, problems, notes)
    settings = measurement_settings(plan) if plan is not None else MeasurementSettings(area=0)
    measurement_shown = [config.display(p) for p in measurement_paths]
    measurements = read_all_measurements(measurement_paths, measurement_shown, settings, problems, notes)
    if plan is None:
        raise InputError(problems.errors)

    sources: list[dict[str, Any]] = []
    for kind, paths, frame, key in (
        ("økonomi", economy_paths, postings, "file"),
        ("barometer", barometer_paths, indicators, "source"),
        ("målinger", measurement_paths, measurements, "source"),
    ):
        for p in paths:
            display = config.display(p)
            rows = int((frame[key] == display).sum()) if not frame.empty else 0
            sources.append(
                {
                    "path": _relative(p, config.base),
                    "display": display,
                    "kind": kind,
                    "size": p.stat().st_size,
                    "sha256": sha256_of(p),
                    "rows": rows,
                    "title": notes[display].title if display in notes else None,
                    "note": notes[display].note if display in notes else None,
                }
            )
    needs_economy = any(
        i.economy is not None or any(isinstance(c, (BudgetCriterion, EconomyCountCriterion)) for c in i.criteria)
        for i in plan.initiatives
    )
    if not economy_paths and needs_economy:
        problems.warning(
            config.display(config.path),
            "no economy exports found",
            "files matching [inputs] economy",
            column="inputs.economy",
        )
    if not measurement_paths and any(plan.measures(i) for i in plan.initiatives):
        problems.warning(
            config.display(config.path),
            "no measurement sheets found",
            "files matching [inputs] measurements",
            column="inputs.measurements",
        )
    missing = [i for i in plan.indicators() if indicators.empty or not (indicators["indicator"] == i).any()]
    for indicator in missing:
        problems.warning(
            config.display(config.plan_path),
            f"no data for indicator {indicator!r}; its criteria report 'Mangler data'",
            "an indicator file that provides it",
        )
    _check_labels(config, plan, indicators, problems)
    problems.raise_if_errors()
    frames = [f for f in (indicators, measurements) if not f.empty]
    other = pd.concat(frames, ignore_index=True) if frames else observations_frame()
    return Inputs(plan, postings, other, sources, bool(economy_paths), problems)


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
    economy, barometer, measurements = _input_paths(config)
    paths = [*economy, *barometer, *measurements, config.plan_path]
    return {_relative(p, config.base): sha256_of(p) for p in paths}


def measurement_settings(plan: Plan) -> MeasurementSettings:
    """What a measurement sheet may contain: the plan's initiatives and the measurement keys their criteria read."""
    return MeasurementSettings(area=plan.municipality_code, keys=plan.measurement_keys())


def read_measurements(path: Path, display: str, plan: Plan, problems: ProblemLog) -> pd.DataFrame:
    """Read one measurement sheet, checking its initiative ids and measurement keys against the plan."""
    return read_measurement_sheet(path, display, measurement_settings(plan), problems)


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


def _input_paths(config: Config) -> tuple[list[Path], list[Path], list[Path]]:
    """The economy exports, indicator files and measurement sheets the config's globs select. A file matched as an
    economy export is not also read as an indicator file; indicator files are spreadsheets or CSV."""
    inputs = config.model.inputs
    economy = config.expand(inputs.economy)
    barometer = [
        p
        for p in config.expand(inputs.barometer)
        if p not in set(economy) and p.suffix.lower() in (".xlsx", ".xlsm", ".csv", ".txt")
    ]
    return economy, barometer, config.expand(inputs.measurements)


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)


def plan_packs(
    config: Config,
    plan: Plan,
    *,
    meeting: dt.date | None = None,
    committees: list[str] | tuple[str, ...] = (),
    annual: int | None = None,
    today: dt.date | None = None,
) -> list[PackSpec]:
    """Which packs a run builds.

    ``annual``: the annual follow-up for that year (as of 31 December, or ``today`` if earlier and given).
    Otherwise one committee pack per committee: at ``meeting`` if given, else the committee's next meeting on or
    after today, else its latest meeting. A pack's as-of date is ``today`` when given, else the earlier of the
    meeting date and the current date, so a pack made again later shows the same figures.
    """
    wall = dt.date.today()
    unknown = [c for c in committees if c not in plan.committees]
    if unknown:
        raise UsageError(
            [
                Problem("--committee", f"unknown committee {c!r}", "one of: " + ", ".join(plan.committees))
                for c in unknown
            ]
        )
    specs: list[PackSpec] = []
    if annual is not None:
        if not plan.period.start.year <= annual <= plan.period.end.year + 1:
            raise UsageError(
                Problem(
                    "--annual",
                    f"{annual} is outside the plan period",
                    f"a year from {plan.period.start.year} to {plan.period.end.year}",
                )
            )
        year_end = dt.date(annual, 12, 31)
        specs.append(PackSpec("annual", as_of=today or min(year_end, wall), year=annual))
        if not committees and meeting is None:
            return specs
    calendar = config.model.meetings
    chosen = list(committees) or list(plan.committees)
    reference = today or wall
    for code in chosen:
        if meeting is not None:
            date = meeting
        else:
            dates = sorted(m.date for m in calendar if m.committee == code)
            if not dates:
                if committees:
                    raise UsageError(
                        Problem(
                            "--committee",
                            f"committee {code!r} has no meeting in the calendar",
                            "--meeting DATE, or [[meetings]] in reportgen.toml",
                        )
                    )
                continue
            upcoming = [d for d in dates if d >= reference]
            date = upcoming[0] if upcoming else dates[-1]
        specs.append(PackSpec("committee", as_of=today or min(date, wall), committee=code, meeting=date))
    if not specs:
        raise UsageError(
            Problem(
                config.display(config.path),
                "no meetings in the calendar and no --meeting given",
                "[[meetings]] in reportgen.toml or --meeting DATE",
            )
        )
    return specs


def build_packs(
    config: Config,
    *,
    meeting: dt.date | None = None,
    committees: list[str] | tuple[str, ...] = (),
    annual: int | None = None,
    today: dt.date | None = None,
    dry_run: bool = False,
    pdf: bool = False,
    pdf_appendix: bool = False,
    command: str = "reportgen run",
    now: dt.datetime | None = None,
    specs: list[PackSpec] | None = None,
    inputs: Inputs | None = None,
    progress: Callable[[int, int], None] | None = None,
    strict_privacy: bool = False,
) -> RunResult:
    """Build the packs and publish them under ``<output>/<plan-slug>/`` with a manifest. Nothing is written when
    any input is invalid (InputError) or with ``dry_run``. ``pdf`` adds the Word report as tagged PDF (PDF/UA,
    PDF/A-2b) made by LibreOffice; ``pdf_appendix`` the Excel appendix too."""
    import tempfile

    from reportgen.render.charts import ChartMaker

    if pdf or pdf_appendix:
        from reportgen.render.pdf import require_office

        require_office()
    inputs = inputs or read_inputs(config)
    if not dry_run:
        environment = ProblemLog()
        check_environment(config, environment)
        environment.raise_if_errors()
    plan = inputs.plan
    if specs is None:
        specs = plan_packs(config, plan, meeting=meeting, committees=committees, annual=annual, today=today)
    now = now or dt.datetime.now().astimezone()
    root = config.output_dir / plan.slug
    earlier = earlier_packs(root)
    with tempfile.TemporaryDirectory(prefix="reportgen-charts-") as chart_dir:
        charts = None if dry_run else ChartMaker(Path(chart_dir))
        guard = PrivacyGuard()
        warnings = [str(p) for p in inputs.problems.warnings]
        evaluated: dict[dt.date, list[InitiativeResult]] = {}
        observations: dict[dt.date, pd.DataFrame] = {}
        contexts: list[tuple[PackSpec, dict[str, Any]]] = []
        for spec in specs:
            if spec.as_of not in evaluated:
                observations[spec.as_of] = inputs.observations(spec.as_of)
                evaluated[spec.as_of] = evaluate(
                    plan,
                    observations[spec.as_of],
                    spec.as_of,
                    has_economy=inputs.has_economy,
                    min_count=config.model.privacy.min_count,
                )
            context = build_context(
                plan,
                evaluated[spec.as_of],
                observations[spec.as_of],
                spec,
                inputs.sources,
                guard,
                generated=now,
                min_count=config.model.privacy.min_count,
                previous=previous_pack(spec, earlier),
                charts=charts,
            )
            if spec.kind == "committee" and not context["initiatives"]:
                warnings.append(f"committee {spec.committee} owns no initiatives in the plan; its pack lists none")
            contexts.append((spec, context))
        guard.raise_if_strict(strict_privacy)
        if dry_run:
            packs = [
                BuiltPack(spec, root / spec.folder, [root / spec.folder / n for n in spec.file_names()], _summary(ctx))
                for spec, ctx in contexts
            ]
            return RunResult(packs, None, warnings, dry_run=True)
        return _publish(
            config, inputs, contexts, evaluated, guard, warnings, root, now, command, pdf, pdf_appendix, progress
        )


def _publish(
    config: Config,
    inputs: Inputs,
    contexts: list[tuple[PackSpec, dict[str, Any]]],
    evaluated: dict[dt.date, list[InitiativeResult]],
    guard: PrivacyGuard,
    warnings: list[str],
    root: Path,
    now: dt.datetime,
    command: str,
    pdf: bool,
    pdf_appendix: bool,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Render every pack into a staging folder, convert to PDF if asked, move them into place, write the manifest."""
    from reportgen.render.excel import render_excel
    from reportgen.render.word import render_word

    plan = inputs.plan
    with output_lock(root, command):
        staging = Staging(root)
        try:
            built: list[BuiltPack] = []
            for done, (spec, context) in enumerate(contexts):
                if progress:
                    progress(done, len(contexts))
                folder = staging.folder(spec.folder)
                word_name, excel_name = spec.file_names()
                word_key = "annual" if spec.kind == "annual" else "status"
                excel_key = "annual_appendix" if spec.kind == "annual" else "appendix"
                render_word(config.template(word_key), context, folder / word_name, config.template_display(word_key))
                warnings += render_excel(
                    config.template(excel_key), context, folder / excel_name, config.template_display(excel_key)
                )
                names = [word_name, excel_name]
                if pdf or pdf_appendix:
                    from reportgen.render.pdf import convert_to_pdf

                    sources = [folder / word_name] + ([folder / excel_name] if pdf_appendix else [])
                    names += [p.name for p in convert_to_pdf(sources)]
                built.append(
                    BuiltPack(spec, root / spec.folder, [root / spec.folder / n for n in names], _summary(context))
                )
            stamp = archive_stamp(now)
            file_hashes = {
                spec.folder: {p.name: sha256_of(p) for p in sorted(staging.path.joinpath(spec.folder).iterdir())}
                for spec, _ in contexts
            }
            archived = staging.plan_archive(stamp)
            by_folder = {spec.folder: context for spec, context in contexts}
            manifest = {
                "tool": "reportgen",
                "version": __version__,
                "created": now.isoformat(timespec="seconds"),
                "command": command,
                "config": {"path": str(config.path), "sha256": sha256_of(config.path)},
                "plan": {
                    "path": _relative(config.plan_path, config.base),
                    "sha256": sha256_of(config.plan_path),
                    "title": plan.title,
                    "municipality": plan.municipality_code,
                },
                "inputs": inputs.sources,
                "packs": [
                    {
                        "folder": b.spec.folder,
                        "kind": b.spec.kind,
                        "committee": b.spec.committee,
                        "meeting": b.spec.meeting,
                        "year": b.spec.year,
                        "as_of": b.spec.as_of,
                        "files": [
                            {"name": name, "sha256": digest} for name, digest in file_hashes[b.spec.folder].items()
                        ],
                        "results": b.summary,
                        "criteria": [
                            {"id": c["id"], "status": c["status"], "actual_text": c["actual_text"]}
                            for i in by_folder[b.spec.folder]["initiatives"]
                            for c in i["criteria"]
                        ],
                    }
                    for b in built
                ],
                "results": _results(evaluated),
                "archived": archived,
                "warnings": warnings,
                "emails": [],
            }
            manifest = guard.scrub(manifest, "manifest.json")  # file names, titles and messages it repeats
            manifest["privacy"] = {"findings": guard.findings, "min_count": config.model.privacy.min_count}
            manifest_path = staging.publish(manifest, archived, stamp)
        except BaseException:
            staging.discard()
            raise
    for finding in guard.findings:
        warnings.append(f"{finding['where']}: {finding['what']}")
    return RunResult(built, manifest_path, warnings, archived)


def previous_pack(spec: PackSpec, earlier: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The pack to compare with: the same committee's pack for its latest earlier meeting (or the annual follow-up
    of the latest earlier year), as its manifest recorded it, wherever that manifest was archived."""
    if spec.kind == "committee":
        assert spec.meeting is not None
        mine = [p for p in earlier if p.get("kind") == "committee" and p.get("committee") == spec.committee]
        mine = [p for p in mine if p.get("meeting") and p["meeting"] < spec.meeting.isoformat()]
        key = "meeting"
    else:
        mine = [p for p in earlier if p.get("kind") == "annual" and (p.get("year") or 0) < (spec.year or 0)]
        key = "year"
    mine = [p for p in mine if p.get("criteria")]
    if not mine:
        return None
    latest = max(mine, key=lambda p: (str(p[key]), str(p.get("_created", ""))))
    if spec.kind == "committee":
        label = f"status til mødet den {dato(dt.date.fromisoformat(latest['meeting']))}"
    else:
        label = f"årlig status {latest['year']}"
    return {"label": label, "criteria": {c["id"]: c for c in latest["criteria"]}}


def _results(evaluated: dict[dt.date, list[InitiativeResult]]) -> list[dict[str, Any]]:
    out = []
    for as_of, results in evaluated.items():
        for r in results:
            out.append(
                {
                    "as_of": as_of,
                    "initiative": r.initiative.id,
                    "status": r.status,
                    "criteria": [c.as_dict() for c in r.criteria],
                }
            )
    return out


def _summary(context: dict[str, Any]) -> dict[str, Any]:
    return {
        "initiatives": len(context["initiatives"]),
        "criteria": {s["status"]: s["count"] for s in context["status_counts"]},
        "overall_status": context["overall_status"],
    }


def check_environment(config: Config, problems: ProblemLog) -> None:
    """What a run needs of the machine, checked before anything is written: every template is a file, and the
    output folder is a folder this user can write in (or can be made)."""
    for name in ("status", "appendix", "annual", "annual_appendix"):
        template = config.template(name)
        if not template.is_file():
            problems.error(
                config.template_display(name), "template not found", "a template file; see templates/README.md"
            )
    folder = config.output_dir
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    shown = config.display(folder)
    if not existing.is_dir():
        problems.error(shown, f"{config.display(existing)} is a file, not a folder", "a folder for the packs")
    elif not os.access(existing, os.W_OK | os.X_OK):
        problems.error(shown, f"no permission to write in {config.display(existing)}", "a folder this user can write")


def validate(config: Config) -> list[Problem]:
    """Every problem with the config, plan, inputs and templates (errors and warnings); writes nothing the user
    sees (the templates are tried in a scratch folder that is removed)."""
    problems = ProblemLog()
    try:
        inputs = read_inputs(config, problems)
    except InputError as exc:
        for p in exc.problems:
            if p not in problems.problems:
                problems.add(p)
        return problems.problems
    check_environment(config, problems)
    if not problems.errors:
        check_templates(config, inputs, problems)
    return problems.problems


def check_templates(config: Config, inputs: Inputs, problems: ProblemLog) -> None:
    """Render every template once, with the plan's real figures, into a scratch folder: a template that is missing,
    broken or names an unknown variable is an error naming it; what openpyxl cannot keep is a warning."""
    import tempfile

    from reportgen.errors import TemplateError
    from reportgen.render.excel import render_excel
    from reportgen.render.word import render_word

    plan = inputs.plan
    end = plan.period.end
    committee = PackSpec("committee", as_of=end, committee=next(iter(plan.committees)), meeting=end)
    annual = PackSpec("annual", as_of=end, year=end.year)
    observations = inputs.observations(end)
    results = evaluate(plan, observations, end, has_economy=inputs.has_economy)
    with tempfile.TemporaryDirectory(prefix="reportgen-validate-") as scratch:
        for spec, word_key, excel_key in ((committee, "status", "appendix"), (annual, "annual", "annual_appendix")):
            context = build_context(
                plan, results, observations, spec, inputs.sources, PrivacyGuard(), generated=dt.datetime.now()
            )
            try:
                render_word(
                    config.template(word_key), context, Path(scratch) / "x.docx", config.template_display(word_key)
                )
            except TemplateError as exc:
                for problem in exc.problems:
                    problems.add(problem)
            try:
                shown = config.template_display(excel_key)
                for warning in render_excel(config.template(excel_key), context, Path(scratch) / "x.xlsx", shown):
                    problems.warning(shown, warning.removeprefix(f"{shown}: "), "a template reportgen can fill")
            except TemplateError as exc:
                for problem in exc.problems:
                    problems.add(problem)


def collect_sheets(plan: Plan, folder: Path, *, today: dt.date, dry_run: bool = False) -> list[Path]:
    """Write a pre-filled measurement sheet per contact person into ``folder``, for the quarter of ``today`` (the
    plan's first or last quarter when ``today`` is outside the plan's period)."""
    from reportgen.render.measurement_sheet import build_workbook, measurement_rows

    # The period being collected: the quarter of today, but never one outside the plan's period.
    period = period_of_date(min(max(today, plan.period.start), plan.period.end), "Q").code
    written = []
    for contact, rows in measurement_rows(plan).items():
        target = folder / f"maalinger-{slugify(contact)}.xlsx"
        if not dry_run:
            atomic_write_bytes(target, build_workbook(plan, contact, rows, period))
        written.append(target)
    return written
