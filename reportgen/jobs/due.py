"""``reportgen due`` (what the calendar holds) and ``reportgen run --due`` (build what is due)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from reportgen.config import Config
from reportgen.delivery.schedule import DuePack, due_now
from reportgen.domain.danish_text import dato
from reportgen.domain.packs import PackSpec
from reportgen.errors import InputError
from reportgen.jobs.state import Folder, SentState, schedule
from reportgen.outputs import RecordedPack
from reportgen.pipeline import BuildOptions, Inputs, RunResult, build_packs, input_hashes, read_inputs
from reportgen.plan import Plan

log = logging.getLogger("reportgen.jobs")


@dataclass
class CalendarLine:
    pack: DuePack
    built: bool
    sent: SentState


def calendar_status(config: Config, plan: Plan, today: dt.date) -> list[CalendarLine]:
    """For ``reportgen due``: every coming meeting's pack (and annual follow-up not yet sent), its due date, and
    whether it is built and sent."""
    folder = Folder.read(config, plan)
    lines = []
    for pack in schedule(config, plan, today):
        sent = folder.sent_state(pack.spec.folder)
        coming = pack.spec.kind == "committee" and pack.spec.meeting is not None and pack.spec.meeting >= today
        unsent_annual = pack.spec.kind == "annual" and sent != "sent" and pack.due.year >= today.year - 1
        if coming or unsent_annual:
            lines.append(CalendarLine(pack, pack.spec.folder in folder.in_place, sent))
    return lines


@dataclass
class DueRun:
    today: dt.date
    built: RunResult | None = None
    refused: list[str] = field(default_factory=list)  # why each refused pack was refused
    refused_packs: set[str] = field(default_factory=set)  # the refused packs' folders
    skipped: list[str] = field(default_factory=list)  # due packs already built from the same inputs, or sent

    def refuse(self, spec: PackSpec, why: str) -> None:
        self.refused.append(f"{spec.label}: {why}")
        self.refused_packs.add(spec.folder)

    def add(self, built: RunResult) -> None:
        """Add one pack's build to what this run built."""
        if self.built is None:
            self.built = built
            return
        self.built.packs += built.packs
        self.built.warnings += [w for w in built.warnings if w not in self.built.warnings]
        self.built.archived.update(built.archived)
        self.built.manifest = built.manifest


def run_due(
    config: Config,
    plan: Plan,
    *,
    today: dt.date,
    allow_stale: bool = False,
    options: BuildOptions = BuildOptions(),  # noqa: B008 - frozen, so one shared default is safe
) -> DueRun:
    """Build exactly the packs that are due and not yet built from the same inputs; never rebuild a sent pack.

    Each pack is decided and built on its own, so one committee's refusal never stops another's pack. Refused
    (``refused``, with the reason) unless ``allow_stale``: a pack whose inputs are all unchanged since the last pack
    sent for the same committee, or whose newest figures are older than ``[schedule] max_data_age_days``. Always
    refused: a pack that needs a configured input that provides nothing, and any pack when an input is invalid."""
    result = DueRun(today)
    due = due_now(schedule(config, plan, today), today)
    if not due:
        return result
    folder = Folder.read(config, plan)
    current = input_hashes(config)
    earlier = folder.earlier
    wanted = [pack.spec for pack in due if _wanted(pack, folder, current, earlier, result, allow_stale=allow_stale)]
    if not wanted:
        return result
    try:
        inputs = read_inputs(config, plan=plan)
    except InputError as exc:
        first = exc.problems[0] if exc.problems else None
        more = f" (and {len(exc.problems) - 1} more; reportgen validate lists them)" if len(exc.problems) > 1 else ""
        for spec in wanted:
            result.refuse(spec, f"invalid input: {first}{more}")
        return result
    for spec in wanted:
        why = _refusal(config, plan, inputs, spec, today, allow_stale=allow_stale)
        if why:
            result.refuse(spec, why)
            continue
        try:
            built = build_packs(config, [spec], inputs=inputs, options=options)
        except InputError as exc:  # a template or the privacy gate refused this pack; the others go on
            result.refuse(spec, str(exc.problems[0] if exc.problems else exc))
            continue
        result.add(built)
        log.info("built %s", spec.folder)
    return result


def _refusal(config: Config, plan: Plan, inputs: Inputs, spec: PackSpec, today: dt.date, *, allow_stale: bool) -> str:
    """Why an unattended run must not build this pack, or ""."""
    initiatives = None if spec.kind == "annual" else {i.id for i in plan.initiatives if spec.committee in i.committees}
    missing = inputs.missing_for(initiatives)
    if missing:
        return "; ".join(missing) + " (add the input, or build the pack by hand with reportgen run)"
    limit = config.model.schedule.max_data_age_days
    newest = inputs.newest_figure(today)
    if limit and not allow_stale and (newest is None or (today - newest).days > limit):
        shown = dato(newest) if newest else "none"
        return (
            f"the newest figure is from {shown}, more than {limit} days before {today} "
            "([schedule] max_data_age_days; --allow-stale builds it anyway)"
        )
    return ""


def _wanted(
    pack: DuePack,
    folder: Folder,
    current: dict[str, str],
    earlier: list[RecordedPack],
    result: DueRun,
    *,
    allow_stale: bool,
) -> bool:
    """Whether a due pack is to be built; if not, why is added to ``result``."""
    name = pack.spec.folder
    if folder.sent_state(name) in ("sent", "partly", "unconfirmed"):
        result.skipped.append(f"{pack.spec.label}: already sent")
        return False
    recorded = folder.in_place.get(name)
    if recorded is not None and recorded.inputs == current:
        result.skipped.append(f"{pack.spec.label}: already built from the same inputs")
        return False
    last = _last_sent(folder, pack.spec, earlier)
    if not allow_stale and last is not None and last.inputs == current:
        result.refuse(
            pack.spec,
            f"every input is unchanged since the pack for {last.record.label} was sent "
            "(new exports or measurement sheets are needed; --allow-stale builds it anyway)",
        )
        return False
    return True


def _last_sent(folder: Folder, spec: PackSpec, earlier: list[RecordedPack]) -> RecordedPack | None:
    """The newest pack of the same committee (or the newest annual follow-up) that was sent to every recipient."""
    for recorded in earlier:  # newest manifest first
        pack = recorded.record
        same = pack.kind == spec.kind and (spec.kind == "annual" or pack.committee == spec.committee)
        if same and folder.sent_to_all(pack):
            return recorded
    return None
