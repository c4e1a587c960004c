"""``reportgen send``: e-mail the built packs to their recipients, each message exactly once (the send ledger)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.config import Config
from reportgen.delivery.ledger import Delivery, Ledger
from reportgen.delivery.mail import Attachment, Letter, SendFailure, SmtpSettings, compose, mailer, size_of
from reportgen.domain.danish_text import dato
from reportgen.errors import DeliveryError, InputError
from reportgen.jobs.state import Folder, deliveries, recipients_of
from reportgen.outputs import Manifest, PackRecord, RecordedPack, output_lock, update_manifest
from reportgen.plan import Plan

log = logging.getLogger("reportgen.jobs")


@dataclass
class Planned:
    delivery: Delivery
    letter: Letter
    size: int
    manifest: Path
    pack_id: str


@dataclass
class SendResult:
    planned: list[Planned] = field(default_factory=list)
    sent: list[Planned] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unconfirmed: list[Planned] = field(default_factory=list)
    failed: list[tuple[Planned, str]] = field(default_factory=list)
    notice_sent: bool = False


@dataclass(frozen=True)
class SendRequest:
    """Which packs to send: ``meeting``/``committee`` narrow the choice; ``resend`` sends again, also what the
    ledger cannot confirm; ``dry_run`` only says what would be sent."""

    today: dt.date
    meeting: dt.date | None = None
    committee: str | None = None
    dry_run: bool = False
    resend: bool = False
    command: str = "reportgen send"


def smtp_settings(config: Config) -> SmtpSettings:
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


def send_packs(config: Config, plan: Plan, request: SendRequest) -> SendResult:
    """E-mail the completed packs in place to their recipients (the committee's; all committees' for the annual
    follow-up). Without ``meeting``/``committee``: every committee pack whose meeting is today or later and every
    annual follow-up. Each recipient gets each pack once (the ledger). Raises DeliveryError (exit 4) after a
    failure, having e-mailed a notice to the secretariat."""
    root = config.pack_root(plan.slug)
    result = SendResult()
    with output_lock(root, request.command, recover_first=not request.dry_run):
        folder = Folder.read(config, plan)
        for _, recorded in sorted(folder.in_place.items()):
            if _selected(recorded.record, request):
                _plan_pack(config, plan, root, recorded, folder, request, result)
        _check_sizes(config, result)
        if request.dry_run or not result.planned:
            return result
        settings = smtp_settings(config)
        _deliver(settings, folder.ledger, result, request.command)
        _record_emails(folder.ledger, {p.manifest for p in result.sent})
        if result.failed:
            result.notice_sent = _notify(config, settings, result, request.command)
            raise DeliveryError(_failure_text(result, request.command))
    return result


def _plan_pack(
    config: Config,
    plan: Plan,
    root: Path,
    recorded: RecordedPack,
    folder: Folder,
    request: SendRequest,
    result: SendResult,
) -> None:
    pack = recorded.record
    if not recipients_of(config, pack):
        result.skipped.append(f"{pack.label}: no recipients in [committees.{pack.committee}]")
        return
    letter = _letter(plan, root, pack)
    for delivery in deliveries(config, pack):
        state = folder.states.get(delivery.key)
        message = compose(letter, config.model.smtp.sender, delivery.recipient, delivery.message_id("x"))
        planned = Planned(delivery, letter, size_of(message), recorded.manifest, pack.pack_id)
        if state == "sent" and not request.resend:
            result.skipped.append(f"{pack.label} to {delivery.recipient}: already sent")
        elif state == "pending" and not request.resend:
            result.unconfirmed.append(planned)
        else:
            result.planned.append(planned)


def _check_sizes(config: Config, result: SendResult) -> None:
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


def _deliver(settings: SmtpSettings, ledger: Ledger, result: SendResult, command: str) -> None:
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


def _selected(pack: PackRecord, request: SendRequest) -> bool:
    if pack.kind == "annual":
        return request.meeting is None and request.committee is None
    if request.committee is not None and pack.committee != request.committee:
        return False
    if request.meeting is not None:
        return pack.meeting == request.meeting
    return pack.meeting is not None and pack.meeting >= request.today


def _letter(plan: Plan, root: Path, pack: PackRecord) -> Letter:
    folder = root / pack.folder
    attachments = [Attachment(folder / f.name, f.sha256) for f in pack.files]
    kinds = {".docx": "Word", ".xlsx": "Excel", ".pdf": "PDF"}
    listed = "\n".join(
        f"  - {a.path.name} ({kinds.get(a.path.suffix, a.path.suffix)}, {max(1, round(a.size / 1000))} kB)"
        for a in attachments
    )
    if pack.kind == "annual":
        subject = f"Årlig status {pack.year} – {plan.title}"
        what = f"den årlige status for {pack.year} på {plan.title}"
    else:
        code = pack.committee or ""
        name = plan.committees.get(code, code)
        meeting = dato(pack.meeting) if pack.meeting else ""
        subject = f"Status på {plan.title} til mødet i {name} den {meeting}"
        what = f"status på {plan.title} til mødet i {name} den {meeting}"
    body = (
        f"Hermed {what}.\n\nVedhæftet:\n{listed}\n\nTallene er opgjort pr. {dato(pack.as_of)}. Materialet indeholder "
        f"kun sammentalte tal og ingen personoplysninger.\n\nMed venlig hilsen\n{plan.municipality_name} Kommune\n\n"
        f"(Udsendt af reportgen. Pakkens id: {pack.pack_id})\n"
    )
    return Letter(subject, body, attachments)


def _record_emails(ledger: Ledger, manifests: set[Path]) -> None:
    """The manifests' ``emails``: what was sent of their packs, from the ledger."""
    for manifest in manifests:

        def change(data: Manifest) -> None:
            data.emails = [e for p in data.packs for e in ledger.sent(p.folder)]

        update_manifest(manifest, change)


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
