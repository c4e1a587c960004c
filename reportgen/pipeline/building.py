"""Building packs: evaluate the plan as of each pack's date, build each template context, then publish (or, on a dry
run, only say what would be written)."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.config import Config
from reportgen.domain.danish_text import dato
from reportgen.domain.packs import PackSpec
from reportgen.errors import ProblemLog
from reportgen.evaluate import InitiativeResult, evaluate
from reportgen.outputs import RecordedPack, earlier_packs
from reportgen.pipeline.checking import check_environment
from reportgen.pipeline.inputs import Inputs, read_inputs
from reportgen.pipeline.planning import plan_packs
from reportgen.plan import Plan
from reportgen.privacy import PrivacyGuard
from reportgen.render.context import build_context

if TYPE_CHECKING:
    import pandas as pd

    from reportgen.render.charts import ChartMaker

Progress = Callable[[int, int], None]
log = logging.getLogger("reportgen.pipeline")


@dataclass(frozen=True)
class BuildOptions:
    """How to build: ``dry_run`` writes nothing; ``pdf`` adds the Word report as tagged PDF made by LibreOffice,
    ``pdf_appendix`` the Excel appendix too; ``strict_privacy`` refuses to publish when a CPR number was masked;
    ``command`` is what the manifest records as the command that built the packs."""

    dry_run: bool = False
    pdf: bool = False
    pdf_appendix: bool = False
    strict_privacy: bool = False
    command: str = "reportgen run"


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


@dataclass
class Evaluated:
    """The plan evaluated once per as-of date, with the observations it was evaluated on."""

    results: dict[dt.date, list[InitiativeResult]] = field(default_factory=dict)
    observations: dict[dt.date, pd.DataFrame] = field(default_factory=dict)

    def at(self, config: Config, inputs: Inputs, as_of: dt.date) -> tuple[list[InitiativeResult], pd.DataFrame]:
        if as_of not in self.results:
            log.info("evaluating %d criteria as of %s", sum(len(i.criteria) for i in inputs.plan.initiatives), as_of)
            self.observations[as_of] = inputs.observations(as_of)
            self.results[as_of] = evaluate(
                inputs.plan,
                self.observations[as_of],
                as_of,
                has_economy=inputs.has_economy,
                min_count=config.model.privacy.min_count,
            )
        return self.results[as_of], self.observations[as_of]


@dataclass
class Contexts:
    """What publishing needs: each pack's template context, the evaluations, the privacy gate and the warnings."""

    packs: list[tuple[PackSpec, dict[str, Any]]]
    evaluated: Evaluated
    guard: PrivacyGuard
    warnings: list[str]


def run_packs(
    config: Config,
    *,
    today: dt.date,
    plan: Plan | None = None,
    meeting: dt.date | None = None,
    committees: Sequence[str] = (),
    annual: int | None = None,
    unscheduled: bool = False,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
) -> RunResult:
    """``reportgen run``: read the inputs, choose the packs (``plan_packs``) and build them."""
    inputs = read_inputs(config, plan=plan)
    specs = plan_packs(
        config,
        inputs.plan,
        today=today,
        meeting=meeting,
        committees=tuple(committees),
        annual=annual,
        unscheduled=unscheduled,
    )
    return build_packs(config, specs, inputs=inputs, options=options, progress=progress)


def build_packs(
    config: Config,
    specs: Sequence[PackSpec],
    *,
    inputs: Inputs,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
) -> RunResult:
    """Build the packs and publish them under the plan's output folder with a manifest. Nothing is written when any
    input is invalid (InputError) or with ``options.dry_run``."""
    from reportgen.render.charts import ChartMaker

    if options.pdf or options.pdf_appendix:
        from reportgen.render.pdf import require_office

        require_office()
    if not options.dry_run:
        environment = ProblemLog()
        check_environment(config, environment)
        environment.raise_if_errors()
    root = config.pack_root(inputs.plan.slug)
    now = config.now()
    with tempfile.TemporaryDirectory(prefix="reportgen-charts-") as chart_dir:
        charts = None if options.dry_run else ChartMaker(Path(chart_dir))
        contexts = pack_contexts(config, inputs, specs, now=now, root=root, charts=charts)
        contexts.guard.raise_if_strict(options.strict_privacy)
        if options.dry_run:
            packs = [
                BuiltPack(spec, root / spec.folder, [root / spec.folder / n for n in spec.file_names()], summary(ctx))
                for spec, ctx in contexts.packs
            ]
            return RunResult(packs, None, contexts.warnings, dry_run=True)
        from reportgen.pipeline.publishing import publish

        return publish(config, inputs, contexts, root=root, now=now, options=options, progress=progress)


def pack_contexts(
    config: Config,
    inputs: Inputs,
    specs: Sequence[PackSpec],
    *,
    now: dt.datetime,
    root: Path,
    charts: ChartMaker | None,
) -> Contexts:
    """Evaluate and build the template context of every pack; every text passes the privacy gate."""
    earlier = earlier_packs(root)
    contexts = Contexts([], Evaluated(), PrivacyGuard(), [str(p) for p in inputs.problems.warnings])
    for spec in specs:
        results, observations = contexts.evaluated.at(config, inputs, spec.as_of)
        context = build_context(
            inputs.plan,
            results,
            observations,
            spec,
            inputs.sources,
            contexts.guard,
            generated=now,
            min_count=config.model.privacy.min_count,
            previous=previous_pack(spec, earlier),
            charts=charts,
            sample=bool(inputs.sample_files),
        )
        if spec.kind == "committee" and not context["initiatives"]:
            contexts.warnings.append(f"committee {spec.committee} owns no initiatives in the plan; its pack lists none")
        contexts.packs.append((spec, context))
    return contexts


def previous_pack(spec: PackSpec, earlier: list[RecordedPack]) -> dict[str, Any] | None:
    """The pack to compare with: the same committee's pack for its latest earlier meeting (or the annual follow-up
    of the latest earlier year), as its manifest recorded it, wherever that manifest was archived."""
    if spec.kind == "committee" and spec.meeting is not None:
        meeting = spec.meeting
        mine = [
            p
            for p in earlier
            if p.record.kind == "committee"
            and p.record.committee == spec.committee
            and p.record.meeting is not None
            and p.record.meeting < meeting
        ]
    else:
        year = spec.year or 0
        mine = [p for p in earlier if p.record.kind == "annual" and (p.record.year or 0) < year]
    mine = [p for p in mine if p.record.criteria]
    if not mine:
        return None
    latest = max(mine, key=lambda p: (p.record.meeting or dt.date.min, p.record.year or 0, p.created))
    record = latest.record
    if record.kind == "committee" and record.meeting is not None:
        label = f"status til mødet den {dato(record.meeting)}"
    else:
        label = f"årlig status {record.year}"
    return {"label": label, "criteria": {c.id: c.model_dump() for c in record.criteria}}


def summary(context: dict[str, Any]) -> dict[str, Any]:
    """A pack's counts for the manifest and the console: initiatives, criteria by status, the overall status."""
    return {
        "initiatives": len(context["initiatives"]),
        "criteria": {s["status"]: s["count"] for s in context["status_counts"]},
        "overall_status": context["overall_status"],
    }
