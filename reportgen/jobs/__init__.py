"""Library entry points for the scheduled jobs: what is due (``due``), building what is due (``run --due``) and
e-mailing what is built (``send``). Like ``pipeline``, the CLI only maps flags to these functions.

Nothing is built or sent twice: a pack in place that was built from the same inputs is not rebuilt, a pack that was
sent is never rebuilt, and the send ledger decides who still needs a message. The lock of the output folder is held
while building and while sending, so a pack being built is never sent.
"""

from reportgen.jobs.due import CalendarLine, DueRun, calendar_status, run_due
from reportgen.jobs.notices import Issues
from reportgen.jobs.sending import SendRequest, SendResult, issues_of, send_packs
from reportgen.jobs.state import recipients_of, schedule
from reportgen.jobs.unattended import Outcome, run_unattended

__all__ = [
    "CalendarLine",
    "DueRun",
    "Issues",
    "Outcome",
    "SendRequest",
    "SendResult",
    "calendar_status",
    "issues_of",
    "recipients_of",
    "run_due",
    "run_unattended",
    "schedule",
    "send_packs",
]
