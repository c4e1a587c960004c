"""Library entry points for the scheduled jobs: what is due (``due``), building what is due (``run --due``) and
e-mailing what is built (``send``). Like ``pipeline``, the CLI only maps flags to these functions.

Nothing is built or sent twice: a pack in place that was built from the same inputs is not rebuilt, a pack that was
sent is never rebuilt, and the send ledger decides who still needs a message. The lock of the output folder is held
while building and while sending, so a pack being built is never sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.config import Config
from reportgen.delivery.ledger import LEDGER_NAME, Delivery, Ledger
from reportgen.delivery.mail import Attachment, Letter, SendFailure, SmtpSettings, compose, mailer, size_of
from reportgen.delivery.schedule import DuePack, calendar, due_now, today_in
from reportgen.domain.danish_text import dato
from reportgen.domain.packs import PackSpec
from reportgen.errors import DeliveryError, InputError
from reportgen.outputs import earlier_packs, output_lock, packs_in_place, update_manifest
from reportgen.pipeline import RunResult, build_packs, input_hashes, read_inputs
from reportgen.plan import Plan, load_plan

log = logging.getLogger(__name__)


def root_of(config: Config, plan: Plan) -> Path:
    return config.output_dir / plan.slug


def schedule(config: Config, plan: Plan, today: dt.date) -> list[DuePack]:
    """Every pack of the calendar: the configured meetings and the plan years' annual follow-ups."""
    s = config.model.schedule
    years = range(plan.period.start.year, plan.period.end.year + 1)
    meetings = [(m.committee, m.date) for m in config.model.meetings]
    return calendar(meetings, lead_days=s.lead_days, annual=s.annual, years=years, today=today)


def today_of(config: Config, today: dt.date | None) -> dt.date:
    return today or today_in(config.model.schedule.timezone)


# --- due ------------------------------------------------------------------------------------------------------------


@dataclass
class CalendarLine:
    pack: DuePack
    built: bool
    sent: str  # "sent", "partly", "unconfirmed", "" (not sent)


def calendar_status(config: Config, *, today: dt.date | None = None) -> tuple[dt.date, list[CalendarLine]]:
    """For ``reportgen due``: every coming meeting's pack (and annual follow-up not yet sent), its due date, and
    whether it is built and sent."""
    plan = load_plan(config.plan_path, config.display(config.plan_path))
    day = today_of(config, today)
    root = root_of(config, plan)
    in_place = packs_in_place(root)
    states = Ledger(root / LEDGER_NAME).states()
    lines = []
    for pack in schedule(config, plan, day):
        sent = _sent_state(config, plan, pack.spec.folder, in_place, states)
        coming = pack.spec.kind == "committee" and pack.spec.meeting is not None and pack.spec.meeting >= day
        unsent_annual = pack.spec.kind == "annual" and sent != "sent" and pack.due.year >= day.year - 1
        if coming or unsent_annual:
            lines.append(CalendarLine(pack, pack.spec.folder in in_place, sent))
    return day, lines


def _sent_state(
    config: Config, plan: Plan, folder: str, in_place: dict[str, dict[str, Any]], states: dict[str, str]
) -> str:
    entry = in_place.get(folder)
    if entry is None:
        return ""
    deliveries = [d for d in _deliveries(config, plan, entry) if d]
    if not deliveries:
        return ""
    found = [states.get(d.key, "") for d in deliveries]
    if all(s == "sent" for s in found):
        return "sent"
    if any(s == "pending" for s in found):
        return "unconfirmed"
    return "partly" if any(s == "sent" for s in found) else ""


def recipients_of(config: Config, plan: Plan, entry: dict[str, Any]) -> list[str]:
    """A committee pack goes to its committee's recipients; the annual follow-up to every committee's."""
    committees = config.model.committees
    if entry.get("kind") == "annual":
        return list(dict.fromkeys(r for c in committees.values() for r in c.recipients))
    code = entry.get("committee")
    return list(committees[code].recipients) if code in committees else []


def _deliveries(config: Config, plan: Plan, entry: dict[str, Any]) -> list[Delivery]:
    attachments = tuple((f["name"], f["sha256"]) for f in entry.get("files", []))
    return [Delivery(entry["folder"], r, attachments) for r in recipients_of(config, plan, entry)]


# --- run --due ------------------------------------------------------------------------------------------------------


@dataclass
class DueRun:
    today: dt.date
    built: RunResult | None = None
    refused: list[str] = field(default_factory=list)  # why each stale pack was refused
    skipped: list[str] = field(default_factory=list)  # due packs already built from the same inputs, or sent


def run_due(
    config: Config,
    *,
    today: dt.date | None = None,
    allow_stale: bool = False,
    command: str,
    strict_privacy: bool = False,
) -> DueRun:
    """Build exactly the packs that are due and not yet built from the same inputs; never rebuild a sent pack.
    A due pack whose inputs are all unchanged since the last pack sent for the same committee, or whose newest
    figures are older than ``[schedule] max_data_age_days``, is refused (``refused``) unless ``allow_stale``."""
    plan = load_plan(config.plan_path, config.display(config.plan_path))
    day = today_of(config, today)
    root = root_of(config, plan)
    result = DueRun(day)
    due = due_now(schedule(config, plan, day), day)
    if not due:
        return result
    in_place = packs_in_place(root)
    states = Ledger(root / LEDGER_NAME).states()
    current = input_hashes(config)
    wanted: list[PackSpec] = []
    for pack in due:
        folder = pack.spec.folder
        if _sent_state(config, plan, folder, in_place, states) in ("sent", "partly", "unconfirmed"):
            result.skipped.append(f"{pack.label}: already sent")
            continue
        entry = in_place.get(folder)
        if entry is not None and entry.get("_inputs") == current:
            result.skipped.append(f"{pack.label}: already built from the same inputs")
            continue
        last = _last_sent(config, plan, root, pack.spec, states)
        if not allow_stale and last is not None and last.get("_inputs") == current:
            result.refused.append(
                f"{pack.label}: every input is unchanged since the pack for {_pack_name(last)} was sent "
                "(new exports or measurement sheets are needed; --allow-stale builds it anyway)"
            )
            continue
        wanted.append(pack.spec)
    if not wanted:
        return result
    inputs = read_inputs(config)
    limit = config.model.schedule.max_data_age_days
    newest = inputs.newest_figure(day)
    if limit and not allow_stale and (newest is None or (day - newest).days > limit):
        shown = dato(newest) if newest else "none"
        for spec in wanted:
            result.refused.append(
                f"{_spec_name(spec)}: the newest figure is from {shown}, more than {limit} days before {day} "
                "([schedule] max_data_age_days; --allow-stale builds it anyway)"
            )
        return result
    result.built = build_packs(config, specs=wanted, inputs=inputs, command=command, strict_privacy=strict_privacy)
    for built in result.built.packs:
        log.info("built %s", built.folder.name)
    return result


def _spec_name(spec: PackSpec) -> str:
    return f"annual follow-up {spec.year}" if spec.kind == "annual" else f"{spec.committee} meeting {spec.meeting}"


def _pack_name(entry: dict[str, Any]) -> str:
    if entry.get("kind") == "annual":
        return f"annual follow-up {entry.get('year')}"
    return f"{entry.get('committee')} meeting {entry.get('meeting')}"


def _last_sent(config: Config, plan: Plan, root: Path, spec: PackSpec, states: dict[str, str]) -> dict[str, Any] | None:
    """The newest pack of the same committee (or the newest annual follow-up) that was sent to every recipient."""
    for entry in earlier_packs(root):  # newest manifest first
        same = entry.get("kind") == spec.kind and (spec.kind == "annual" or entry.get("committee") == spec.committee)
        deliveries = _deliveries(config, plan, entry) if same else []
        if deliveries and all(states.get(d.key) == "sent" for d in deliveries):
            return entry
    return None


# --- send -----------------------------------------------------------------------------------------------------------


@dataclass
class Planned:
    delivery: Delivery
    letter: Letter
    size: int
    manifest: str


@dataclass
class SendResult:
    planned: list[Planned] = field(default_factory=list)
    sent: list[Planned] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unconfirmed: list[Planned] = field(default_factory=list)
    failed: list[tuple[Planned, str]] = field(default_factory=list)
    notice_sent: bool = False


def smtp_settings(config: Config) -> SmtpSettings:
    import os

    smtp = config.model.smtp
    password = os.environ.get(smtp.password_env) if smtp.user else None
    if smtp.user and password is None:
        raise InputError.at(
            config.display(config.path),
            f"the SMTP password is not in the environment variable {smtp.password_env}",
            f"export {smtp.password_env}=… before reportgen send (the password is never read from the file)",
            column="smtp.password_env",
        )
    return SmtpSettings(
        host=smtp.host,
        port=smtp.port,
        security=smtp.security,
        sender=smtp.sender,
        user=smtp.user,
        password=password,
        timeout=smtp.timeout,
        cafile=str(config.resolve(smtp.cafile)) if smtp.cafile else None,
        retries=smtp.retries,
        retry_delay_s=smtp.retry_delay_s,
    )


def send_packs(
    config: Config,
    *,
    meeting: dt.date | None = None,
    committee: str | None = None,
    today: dt.date | None = None,
    dry_run: bool = False,
    resend: bool = False,
    command: str = "reportgen send",
) -> SendResult:
    """E-mail the completed packs in place to their recipients (the committee's; all committees' for the annual
    follow-up). Without ``--meeting``/``--committee``: every committee pack whose meeting is today or later and every
    annual follow-up. Each recipient gets each pack once (the ledger); ``resend`` sends again, also what the ledger
    cannot confirm. Raises DeliveryError (exit 4) after a failure, having e-mailed a notice to the secretariat."""
    plan = load_plan(config.plan_path, config.display(config.plan_path))
    day = today_of(config, today)
    root = root_of(config, plan)
    result = SendResult()
    with output_lock(root, command):
        ledger = Ledger(root / LEDGER_NAME)
        states = ledger.states()
        for _, entry in sorted(packs_in_place(root).items()):
            if not _selected(entry, meeting=meeting, committee=committee, today=day):
                continue
            recipients = recipients_of(config, plan, entry)
            if not recipients:
                result.skipped.append(f"{_pack_name(entry)}: no recipients in [committees.{entry.get('committee')}]")
                continue
            letter = _letter(config, plan, root, entry)
            for delivery in _deliveries(config, plan, entry):
                state = states.get(delivery.key)
                message = compose(letter, config.model.smtp.sender, delivery.recipient, delivery.message_id("x"))
                planned = Planned(delivery, letter, size_of(message), entry["_manifest"])
                if state == "sent" and not resend:
                    result.skipped.append(f"{_pack_name(entry)} to {delivery.recipient}: already sent")
                elif state == "pending" and not resend:
                    result.unconfirmed.append(planned)
                else:
                    result.planned.append(planned)
        limit = config.model.smtp.max_message_mb * 1_000_000
        too_large = sorted({(p.delivery.pack, p.size) for p in result.planned if p.size > limit})
        if too_large:
            raise DeliveryError(
                "; ".join(
                    f"pack {pack} makes an e-mail of {size / 1_000_000:.1f} MB, more than [smtp] max_message_mb = "
                    f"{config.model.smtp.max_message_mb:g}"
                    for pack, size in too_large
                )
                + "; nothing was sent (raise the limit, or send the pack another way)"
            )
        if dry_run or not result.planned:
            return result
        settings = smtp_settings(config)
        with mailer(settings) as m:
            for planned in result.planned:
                d = planned.delivery
                message = compose(planned.letter, settings.sender, d.recipient, d.message_id(settings.domain))
                ledger.record(d, "pending", message_id=message["Message-ID"], command=command)
                try:
                    reply = m.send(message, d.recipient)
                except SendFailure as failure:
                    ledger.record(d, "failed", message_id=message["Message-ID"], reply=failure.reason)
                    result.failed.append((planned, failure.reason))
                    log.warning("not sent: %s to %s: %s", d.pack, d.recipient, failure.reason)
                    continue
                ledger.record(d, "sent", message_id=message["Message-ID"], reply=reply)
                result.sent.append(planned)
                log.info("sent %s to %s (%s)", d.pack, d.recipient, reply)
        _record_emails(ledger, {p.manifest for p in result.sent})
        if result.failed:
            result.notice_sent = _notify(config, settings, result, command)
            raise DeliveryError(_failure_text(result, command))
    return result


def _selected(entry: dict[str, Any], *, meeting: dt.date | None, committee: str | None, today: dt.date) -> bool:
    if entry.get("kind") == "annual":
        return meeting is None and committee is None
    if committee is not None and entry.get("committee") != committee:
        return False
    if meeting is not None:
        return entry.get("meeting") == meeting.isoformat()
    return str(entry.get("meeting", "")) >= today.isoformat()


def _letter(config: Config, plan: Plan, root: Path, entry: dict[str, Any]) -> Letter:
    folder = root / entry["folder"]
    attachments = [Attachment(folder / f["name"], f["sha256"]) for f in entry.get("files", [])]
    kinds = {".docx": "Word", ".xlsx": "Excel", ".pdf": "PDF"}
    listed = "\n".join(
        f"  - {a.path.name} ({kinds.get(a.path.suffix, a.path.suffix)}, {max(1, round(a.size / 1000))} kB)"
        for a in attachments
    )
    pack_id = pack_id_of(entry)
    as_of = dato(dt.date.fromisoformat(entry["as_of"])) if entry.get("as_of") else ""
    if entry.get("kind") == "annual":
        subject = f"Årlig status {entry.get('year')} – {plan.title}"
        what = f"den årlige status for {entry.get('year')} på {plan.title}"
    else:
        name = plan.committees.get(entry.get("committee", ""), entry.get("committee", ""))
        meeting = dato(dt.date.fromisoformat(entry["meeting"]))
        subject = f"Status på {plan.title} til mødet i {name} den {meeting}"
        what = f"status på {plan.title} til mødet i {name} den {meeting}"
    body = (
        f"Hermed {what}.\n\nVedhæftet:\n{listed}\n\nTallene er opgjort pr. {as_of}. Materialet indeholder kun "
        f"sammentalte tal og ingen personoplysninger.\n\nMed venlig hilsen\n{plan.municipality_name} Kommune\n\n"
        f"(Udsendt af reportgen. Pakkens id: {pack_id})\n"
    )
    return Letter(subject, body, attachments)


def pack_id_of(entry: dict[str, Any]) -> str:
    """A short, stable id of a pack's exact files (the manifest id printed by ``send --dry-run``)."""
    files = ",".join(f"{f['name']}:{f['sha256']}" for f in entry.get("files", []))
    return f"{entry.get('folder')}/{hashlib.sha256(files.encode()).hexdigest()[:12]}"


def _record_emails(ledger: Ledger, manifests: set[str]) -> None:
    """The manifests' ``emails``: what was sent of their packs, from the ledger."""
    for manifest in manifests:

        def change(data: dict[str, Any]) -> None:
            data["emails"] = [e for p in data.get("packs", []) for e in ledger.sent(p.get("folder", ""))]

        update_manifest(Path(manifest), change)


def _failure_text(result: SendResult, command: str) -> str:
    lines = [f"{len(result.failed)} of {len(result.planned)} e-mails were not sent:"]
    lines += [f"  {p.delivery.pack} to {p.delivery.recipient}: {why}" for p, why in result.failed]
    lines.append(f"the packs are written; run '{command}' again to send what is missing")
    if result.notice_sent:
        lines.append("a notice was e-mailed to the secretariat")
    return "\n".join(lines)


def _notify(config: Config, settings: SmtpSettings, result: SendResult, command: str) -> bool:
    """One notice to the secretariat: who got the mail, who did not and why, and the command to run again."""
    to = config.model.smtp.secretariat
    if not to:
        return False
    got = "\n".join(f"  - {p.delivery.recipient} ({p.delivery.pack})" for p in result.sent) or "  (ingen)"
    missing = "\n".join(f"  - {p.delivery.recipient} ({p.delivery.pack}): {why}" for p, why in result.failed)
    body = (
        "reportgen kunne ikke sende alle e-mails.\n\n"
        f"Modtaget:\n{got}\n\nIkke modtaget:\n{missing}\n\n"
        f"Pakkerne er skrevet. Send det manglende igen med:\n  {command}\n"
    )
    delivery = Delivery("notice", to, tuple((p.delivery.pack, p.delivery.key[:12]) for p, _ in result.failed))
    message = compose(
        Letter("reportgen: udsendelsen mislykkedes delvist", body),
        settings.sender,
        to,
        delivery.message_id(settings.domain),
    )
    try:
        with mailer(SmtpSettings(**{**settings.__dict__, "retries": 1})) as m:
            m.send(message, to)
    except SendFailure as failure:
        log.warning("the notice to %s was not sent either: %s", to, failure.reason)
        return False
    return True
