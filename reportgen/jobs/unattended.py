"""``reportgen run --due --send``: the one command cron runs. Builds each due pack on its own, sends what is in its
window, and tells the secretariat about every refusal and failure (or stderr and the run log, when even the notice
cannot be sent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportgen.config import Config
from reportgen.errors import InputError
from reportgen.jobs.due import DueRun, run_due
from reportgen.jobs.notices import Issues, command, notify
from reportgen.jobs.sending import SendRequest, SendResult, issues_of, send_packs, smtp_settings
from reportgen.pipeline import BuildOptions
from reportgen.plan import Plan


@dataclass
class Outcome:
    """What an unattended run did, what needs a person, and whether the secretariat was told."""

    due: DueRun | None
    sent: SendResult | None
    issues: Issues
    notified: bool

    @property
    def exit_code(self) -> int:
        """4 when a message (or the notice) could not be delivered, 2 when a pack was refused or is missing."""
        if self.issues.failed or (self.issues and not self.notified):
            return 4
        if self.issues.refused or self.issues.missing:
            return 2
        return 0


def run_unattended(
    config: Config,
    plan: Plan,
    *,
    today: dt.date,
    allow_stale: bool = False,
    options: BuildOptions = BuildOptions(),  # noqa: B008 - frozen, so one shared default is safe
) -> Outcome:
    due = run_due(config, plan, today=today, allow_stale=allow_stale, options=options)
    issues = Issues(refused=list(due.refused))
    if due.refused:
        issues.commands.append(command(config, "validate"))
        issues.commands.append(command(config, "run", "--due", "--send"))
    sent = None
    try:
        sent = send_packs(config, plan, SendRequest(today=today, command=options.command))
    except InputError as exc:  # no [smtp], no password: nothing can be sent, and that must be said
        issues.failed += [str(p) for p in exc.problems]
    if sent is not None:
        more = issues_of(config, sent)
        issues.failed += more.failed
        issues.corrections += more.corrections
        issues.delivered += more.delivered
        # a refused pack is not also reported as missing
        issues.missing += [why for name, why in sent.missing.items() if name not in due.refused_packs]
        if issues.missing:
            issues.commands.append(command(config, "run", "--due", "--send"))
        issues.commands += more.commands
    return Outcome(due, sent, issues, tell_secretariat(config, plan, issues, today))


def tell_secretariat(config: Config, plan: Plan, issues: Issues, today: dt.date) -> bool:
    """Send the notice of ``issues`` (True when there is nothing to tell, or it was told)."""
    if not issues:
        return True
    try:
        settings = smtp_settings(config)
    except InputError:
        settings = None
    return notify(config, plan, settings, issues, today)
