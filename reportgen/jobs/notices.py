"""Notices to the secretariat: every refusal and every delivery failure of an unattended run is said to a person.

One notice per run, listing everything that needs a person, with the exact commands to run. The same notice is not
sent twice on the same day (the send ledger records it). When it cannot be sent, the caller prints it to stderr
(cron mails that to the job's owner) and the run log, and the command exits non-zero.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shlex
from dataclasses import dataclass, field

from reportgen.config import Config
from reportgen.delivery.ledger import LEDGER_NAME, Delivery, Ledger
from reportgen.delivery.mail import Letter, SendFailure, SendUnconfirmed, SmtpSettings, compose, mailer
from reportgen.jobs.letters import notice_letter
from reportgen.plan import Plan

log = logging.getLogger("reportgen.jobs")


@dataclass
class Issues:
    """What went wrong or waits for a person, in Danish-friendly lines for the notice."""

    refused: list[str] = field(default_factory=list)  # packs not built: stale, missing or invalid input
    failed: list[str] = field(default_factory=list)  # messages not delivered
    corrections: list[str] = field(default_factory=list)  # corrected packs waiting for send --correction
    missing: list[str] = field(default_factory=list)  # due packs that are not built or have no recipients
    delivered: list[str] = field(default_factory=list)  # who did get their message, when some did not
    commands: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.refused or self.failed or self.corrections or self.missing)

    def subject(self) -> str:
        parts = []
        if self.refused:
            parts.append(f"{_n(len(self.refused), 'pakke', 'pakker')} ikke bygget")
        if self.missing:
            parts.append(f"{_n(len(self.missing), 'forfalden pakke', 'forfaldne pakker')} ikke klar til udsendelse")
        if self.failed:
            parts.append(f"{_n(len(self.failed), 'e-mail', 'e-mails')} ikke sendt")
        if self.corrections:
            parts.append(f"{_n(len(self.corrections), 'rettet udgave venter', 'rettede udgaver venter')}")
        return "reportgen: " + ", ".join(parts)

    def lines(self) -> list[str]:
        return (
            [f"Ikke bygget: {x}" for x in self.refused]
            + [f"Ikke klar: {x}" for x in self.missing]
            + [f"Ikke sendt: {x}" for x in self.failed]
            + ([f"Modtaget: {x}" for x in self.delivered] if self.failed else [])
            + [f"Rettet udgave venter (sendes med --correction): {x}" for x in self.corrections]
        )

    def text(self) -> str:
        """The notice as plain text, for stderr and the log when it cannot be e-mailed."""
        body = "\n".join(f"  {line}" for line in self.lines())
        commands = "\n".join(f"  {c}" for c in dict.fromkeys(self.commands))
        return f"{self.subject()}\n{body}" + (f"\nrun:\n{commands}" if commands else "")


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def command(config: Config, *words: str) -> str:
    """A command the secretariat can paste, with the config's absolute path."""
    return shlex.join(["reportgen", *words, "--config", str(config.path)])


def notify(config: Config, plan: Plan, settings: SmtpSettings | None, issues: Issues, today: dt.date) -> bool:
    """E-mail ``issues`` to ``[smtp] secretariat`` once per day and content; True when it was sent (or had been
    already today), False when it could not be (no secretariat, no SMTP, or the server refused)."""
    smtp = config.model.smtp
    if not issues or smtp is None or not smtp.secretariat or settings is None:
        return False
    letter = notice_letter(issues.subject(), issues.lines(), issues.commands)
    digest = hashlib.sha256(letter.body.encode()).hexdigest()[:16]
    delivery = Delivery(f"notice-{today.isoformat()}", smtp.secretariat, (("notice", digest),))
    ledger = Ledger(config.pack_root(plan.slug) / LEDGER_NAME)
    if ledger.states().get(delivery.key) == "sent":
        return True
    return _send_notice(settings, ledger, delivery, letter)


def _send_notice(settings: SmtpSettings, ledger: Ledger, delivery: Delivery, letter: Letter) -> bool:
    message = compose(letter, settings.sender, delivery.recipient, delivery.message_id(settings.domain))
    ledger.record(delivery, "pending", message_id=message["Message-ID"])
    try:
        with mailer(SmtpSettings(**{**settings.__dict__, "retries": 1})) as m:
            reply = m.send(message, delivery.recipient)
    except (SendFailure, SendUnconfirmed) as failure:
        ledger.record(delivery, "failed", message_id=message["Message-ID"], reply=failure.reason)
        log.warning("the notice to %s was not sent: %s", delivery.recipient, failure.reason)
        return False
    ledger.record(delivery, "sent", message_id=message["Message-ID"], reply=reply)
    return True
