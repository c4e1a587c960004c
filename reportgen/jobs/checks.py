"""What ``validate`` checks of the schedule and the e-mail: that delivery is configured or clearly not, that every
meeting falls on a working day, and that nothing that becomes an e-mail header can break a line."""

from __future__ import annotations

import unicodedata

from reportgen.config import Config
from reportgen.delivery.schedule import holiday_name, is_working_day
from reportgen.errors import ProblemLog
from reportgen.plan import Plan


def check_delivery(config: Config, plan: Plan, problems: ProblemLog) -> None:
    shown = config.display(config.path)
    smtp = config.model.smtp
    if smtp is None:
        problems.warning(
            shown,
            "no [smtp] section: packs are built but never e-mailed, and nobody is told of a refusal",
            "[smtp] with host, port, security, sender and secretariat to e-mail the packs",
            column="smtp",
        )
    else:
        for code in dict.fromkeys(m.committee for m in config.model.meetings):
            committee = config.model.committees.get(code)
            if committee is None or not committee.recipients:
                problems.error(
                    shown,
                    f"committee {code} meets in the calendar but has no recipients, so its packs would never be sent",
                    f'[committees.{code}] recipients = ["name@kommune.dk"]',
                    column=f"committees.{code}.recipients",
                )
        if not smtp.secretariat:
            problems.warning(
                shown,
                "no [smtp] secretariat: refusals and failures of unattended runs are told only on stderr",
                '[smtp] secretariat = "sekretariat@kommune.dk"',
                column="smtp.secretariat",
            )
    _check_headers(config, plan, problems)
    _check_meeting_days(config, problems)


def _line_break(value: str) -> str | None:
    """The first character that would break an e-mail header (any line or paragraph separator, any control)."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char == "\x85":
            return f"U+{ord(char):04X}"
    return None


def _check_headers(config: Config, plan: Plan, problems: ProblemLog) -> None:
    """Subjects repeat the plan's title and the committees' names; From/To are addresses."""
    values: list[tuple[str, str, str]] = [(config.display(config.plan_path), "title", plan.title)]
    values += [(config.display(config.plan_path), f"committees.{c}", n) for c, n in plan.committees.items()]
    values += [(config.display(config.plan_path), "municipality", plan.municipality_name)]
    smtp = config.model.smtp
    if smtp is not None:
        values += [(config.display(config.path), "smtp.sender", smtp.sender)]
        values += [(config.display(config.path), "smtp.secretariat", smtp.secretariat or "")]
    for code, committee in config.model.committees.items():
        values += [(config.display(config.path), f"committees.{code}.recipients", r) for r in committee.recipients]
    for file, column, value in values:
        found = _line_break(value)
        if found:
            problems.error(
                file,
                f"{column} holds a line break or control character ({found}); it would break the e-mail's headers",
                "text on one line",
                column=column,
            )


def _check_meeting_days(config: Config, problems: ProblemLog) -> None:
    for meeting in config.model.meetings:
        if not is_working_day(meeting.date):
            why = holiday_name(meeting.date) or ("a Saturday" if meeting.date.weekday() == 5 else "a Sunday")
            problems.warning(
                config.display(config.path),
                f"the {meeting.committee} meeting on {meeting.date} is on {why}",
                "a meeting date on a working day (check the calendar for a typo)",
                column="meetings",
            )
