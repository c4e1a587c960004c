"""``reportgen send``: e-mail the built packs that are due to their recipients, each message exactly once (the send
ledger), each in its window, corrections only when asked for."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.config import Config, SmtpConfig
from reportgen.delivery.ledger import Delivery, Ledger
from reportgen.delivery.mail import Letter, SendFailure, SendUnconfirmed, SmtpSettings, compose, mailer, size_of
from reportgen.delivery.schedule import DuePack
from reportgen.domain.danish_text import dato
from reportgen.errors import DeliveryError, InputError
from reportgen.jobs.letters import pack_letter, status_changes
from reportgen.jobs.notices import Issues, command
from reportgen.jobs.state import Folder, deliveries, recipients_of, schedule
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
    correction: bool = False


@dataclass
class SendResult:
    planned: list[Planned] = field(default_factory=list)
    sent: list[Planned] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # built packs not sent now, each with why (Danish)
    unconfirmed: list[Planned] = field(default_factory=list)
    failed: list[tuple[Planned, str]] = field(default_factory=list)
    corrections_waiting: list[str] = field(default_factory=list)  # labels of corrected packs not sent
    missing: dict[str, str] = field(default_factory=dict)  # folder -> why: due now and not built, or no recipients


@dataclass(frozen=True)
class SendRequest:
    """Which packs to send. Without ``meeting``/``committee``: each built calendar pack in its window (from its due
    date until its meeting; the annual follow-up from its date). ``meeting``/``committee`` name packs to send now,
    in or out of their window, ad hoc packs too. ``correction`` sends a pack rebuilt after it was sent; ``resend``
    sends again what was sent or is unconfirmed; ``dry_run`` only says what would be sent."""

    today: dt.date
    meeting: dt.date | None = None
    committee: str | None = None
    dry_run: bool = False
    resend: bool = False
    correction: bool = False
    command: str = "reportgen send"

    @property
    def named(self) -> bool:
        return self.meeting is not None or self.committee is not None


def smtp_of(config: Config) -> SmtpConfig:
    """The ``[smtp]`` section; InputError (exit 2) when there is none, since nothing can be e-mailed then."""
    if config.model.smtp is None:
        raise InputError.at(
            config.display(config.path),
            "no [smtp] section: the packs cannot be e-mailed",
            "[smtp] host, port, security and sender (see the README, Schedule and e-mail)",
            column="smtp",
        )
    return config.model.smtp


def smtp_settings(config: Config) -> SmtpSettings:
    smtp = smtp_of(config)
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
    """E-mail the packs in place that are to be sent now (``SendRequest``) to their recipients (the committee's; all
    committees' for the annual follow-up). What failed is in ``result.failed`` (see ``issues_of``)."""
    smtp = smtp_of(config)
    root = config.pack_root(plan.slug)
    result = SendResult()
    with output_lock(root, request.command, recover_first=not request.dry_run):
        folder = Folder.read(config, plan)
        calendar = {p.spec.folder: p for p in schedule(config, plan, request.today)}
        earlier = folder.earlier
        for _, recorded in sorted(folder.in_place.items()):
            why_not = _why_not_now(recorded.record, calendar.get(recorded.record.folder), request)
            if why_not:
                result.skipped.append(f"{recorded.record.label}: {why_not}")
            else:
                _plan_pack(config, plan, smtp, recorded, folder, earlier, request, result)
        if not request.named:
            result.missing = _due_and_missing(config, calendar, folder, request.today)
        _check_sizes(smtp, result)
        if request.dry_run or not result.planned:
            return result
        settings = smtp_settings(config)
        _deliver(settings, folder.ledger, result, request.command)
        _record_emails(folder.ledger, {p.manifest for p in result.sent})
    return result


def _why_not_now(pack: PackRecord, due: DuePack | None, request: SendRequest) -> str:
    """Why a built pack is not sent now (Danish, for the console and the notice), or "" when it is."""
    if pack.sample:
        return "bygget af eksempeldata (EKSEMPELDATA-filer); erstat dem med jeres egne data og byg pakken igen"
    if request.named:
        if pack.kind == "annual":
            return "" if request.committee is None and request.meeting is None else "ikke valgt"
        if request.committee is not None and pack.committee != request.committee:
            return "ikke valgt"
        if request.meeting is not None and pack.meeting != request.meeting:
            return "ikke valgt"
        return ""
    if pack.unscheduled:
        return "ad hoc-pakke (bygget med --unscheduled); sendes kun med --meeting/--committee"
    if due is None:
        return "mødet er ikke i mødekalenderen; send den med --meeting/--committee"
    if request.today < due.due:
        return f"ikke aktuel før {dato(due.due)}"
    if pack.kind == "committee" and pack.meeting is not None and request.today > pack.meeting:
        return f"mødet den {dato(pack.meeting)} er holdt"
    return ""


def _due_and_missing(config: Config, calendar: dict[str, DuePack], folder: Folder, today: dt.date) -> dict[str, str]:
    """The calendar's packs that are in their window today but not built, or have no recipients (folder -> why)."""
    missing: dict[str, str] = {}
    for name, pack in calendar.items():
        in_window = pack.due <= today and (pack.spec.meeting is None or today <= pack.spec.meeting)
        if not in_window or folder.sent_state(name) == "sent":
            continue
        if name not in folder.in_place:
            if pack.spec.kind == "committee":  # an annual follow-up stays due for a year; only meetings press
                missing[name] = f"{pack.spec.label}: due since {pack.due} and not built (reportgen run --due)"
        elif not recipients_of(config, folder.in_place[name].record):
            missing[name] = f"{pack.spec.label}: no recipients in [committees.{pack.spec.committee}]"
    return missing


def _plan_pack(
    config: Config,
    plan: Plan,
    smtp: SmtpConfig,
    recorded: RecordedPack,
    folder: Folder,
    earlier: list[RecordedPack],
    request: SendRequest,
    result: SendResult,
) -> None:
    pack = recorded.record
    if not recipients_of(config, pack):
        result.skipped.append(f"{pack.label}: ingen modtagere i [committees.{pack.committee}]")
        return
    root = config.pack_root(plan.slug)
    letter: Letter | None = None
    for delivery in deliveries(config, pack):
        state = folder.states.get(delivery.key)
        earlier_versions = folder.ledger.sent_keys(pack.folder, delivery.recipient)
        correction = state != "sent" and any(e.get("key") != delivery.key for e in earlier_versions)
        if state == "sent" and not request.resend:
            result.skipped.append(f"{pack.label} til {delivery.recipient}: allerede sendt")
            continue
        if state == "pending" and not request.resend:
            result.unconfirmed.append(_planned(smtp, delivery, pack_letter(plan, root, pack), recorded))
            continue
        if correction and not request.correction:
            result.skipped.append(
                f"{pack.label} til {delivery.recipient}: rettet udgave af en sendt pakke; sendes kun med --correction"
            )
            if pack.label not in result.corrections_waiting:
                result.corrections_waiting.append(pack.label)
            continue
        if correction:
            sent_files = earlier_versions[-1].get("attachments", [])
            changes = status_changes(_version(earlier, pack.folder, sent_files), pack)
            result.planned.append(_planned(smtp, delivery, pack_letter(plan, root, pack, correction=changes), recorded))
            result.planned[-1].correction = True
            continue
        letter = letter or pack_letter(plan, root, pack)
        result.planned.append(_planned(smtp, delivery, letter, recorded))


def _planned(smtp: SmtpConfig, delivery: Delivery, letter: Letter, recorded: RecordedPack) -> Planned:
    message = compose(letter, smtp.sender, delivery.recipient, delivery.message_id("x"))
    return Planned(delivery, letter, size_of(message), recorded.manifest, recorded.record.pack_id)


def _version(earlier: list[RecordedPack], folder: str, files: list[dict[str, str]]) -> PackRecord | None:
    """The recorded pack of ``folder`` whose files are exactly ``files`` (a version that was sent)."""
    wanted = sorted((f.get("name", ""), f.get("sha256", "")) for f in files)
    for recorded in earlier:
        pack = recorded.record
        if pack.folder == folder and sorted((f.name, f.sha256) for f in pack.files) == wanted:
            return pack
    return None


def _check_sizes(smtp: SmtpConfig, result: SendResult) -> None:
    limit = smtp.max_message_mb * 1_000_000
    too_large = sorted({(p.delivery.pack, p.size) for p in result.planned if p.size > limit})
    if too_large:
        raise DeliveryError(
            "; ".join(
                f"pack {pack} makes an e-mail of {size / 1_000_000:.1f} MB, more than [smtp] max_message_mb = "
                f"{smtp.max_message_mb:g}"
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
            except SendUnconfirmed as unknown:  # the ledger keeps 'pending': sent again only with --resend
                result.unconfirmed.append(planned)
                log.warning("unconfirmed: %s to %s: %s", d.pack, d.recipient, unknown.reason)
                continue
            except SendFailure as failure:
                ledger.record(d, "failed", message_id=message["Message-ID"], reply=failure.reason)
                result.failed.append((planned, failure.reason))
                log.warning("not sent: %s to %s: %s", d.pack, d.recipient, failure.reason)
                continue
            ledger.record(d, "sent", message_id=message["Message-ID"], reply=reply)
            result.sent.append(planned)
            log.info("sent %s to %s (%s)", d.pack, d.recipient, reply)


def _record_emails(ledger: Ledger, manifests: set[Path]) -> None:
    """The manifests' ``emails``: what was sent of their packs, from the ledger."""
    for manifest in manifests:

        def change(data: Manifest) -> None:
            data.emails = [e for p in data.packs for e in ledger.sent(p.folder)]

        update_manifest(manifest, change)


def failure_text(result: SendResult, command: str) -> str:
    lines = [f"{len(result.failed)} of {len(result.planned)} e-mails were not sent:"]
    lines += [f"  {p.delivery.pack} to {p.delivery.recipient}: {why}" for p, why in result.failed]
    lines.append(f"the packs are written; run '{command}' again to send what is missing")
    return "\n".join(lines)


def issues_of(config: Config, result: SendResult) -> Issues:
    """What of a send needs a person: failures and corrections waiting."""
    issues = Issues(
        failed=[f"{p.delivery.pack} til {p.delivery.recipient}: {why}" for p, why in result.failed],
        corrections=list(result.corrections_waiting),
        delivered=[f"{p.delivery.recipient} ({p.delivery.pack})" for p in result.sent],
    )
    if result.failed:
        issues.commands.append(command(config, "send"))
    if result.corrections_waiting:
        issues.commands.append(command(config, "send", "--correction"))
    return issues
