"""The Danish e-mails: a pack's letter (and the corrected version's), and the notices to the secretariat. Every text
passes the privacy gate before it is sent (subjects and bodies repeat the plan's and the committees' names)."""

from __future__ import annotations

from pathlib import Path

from reportgen.delivery.mail import Attachment, Letter
from reportgen.domain.danish_text import dato
from reportgen.domain.personal_data import masked
from reportgen.domain.status import Status
from reportgen.outputs import PackRecord
from reportgen.plan import Plan

_KINDS = {".docx": "Word", ".xlsx": "Excel", ".pdf": "PDF"}


def pack_letter(plan: Plan, root: Path, pack: PackRecord, *, correction: str | None = None) -> Letter:
    """The e-mail of a pack: a Danish subject and body naming the committee, the meeting and the attachments. A
    corrected version (``correction``: what changed since the version sent) says so in its subject and body."""
    folder = root / pack.folder
    attachments = [Attachment(folder / f.name, f.sha256) for f in pack.files]
    listed = "\n".join(
        f"  - {a.path.name} ({_KINDS.get(a.path.suffix, a.path.suffix)}, {max(1, round(a.size / 1000))} kB)"
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
    opening = f"Hermed {what}."
    if correction is not None:
        subject = f"Rettet: {subject}"
        opening = (
            f"Hermed en rettet udgave af {what}. Den erstatter den udgave, I tidligere har modtaget.\n\n{correction}"
        )
    body = (
        f"{opening}\n\nVedhæftet:\n{listed}\n\nTallene er opgjort pr. {dato(pack.as_of)}. Materialet indeholder "
        f"kun sammentalte tal og ingen personoplysninger.\n\nMed venlig hilsen\n{plan.municipality_name} Kommune\n\n"
        f"(Udsendt af reportgen. Pakkens id: {pack.pack_id})\n"
    )
    return Letter(masked(subject), masked(body), attachments)


def status_changes(sent: PackRecord | None, current: PackRecord) -> str:
    """What changed between the version sent and the corrected one, in one Danish paragraph."""
    if sent is None:
        return "Den tidligere udgave kan ikke længere findes i arkivet, så ændringerne kan ikke opgøres."
    before = {c.id: c.status for c in sent.criteria}
    changed = [
        f"{c.id}: {_label(before[c.id])} → {_label(c.status)}"
        for c in current.criteria
        if c.id in before and before[c.id] != c.status
    ]
    if not changed:
        return "Ingen kriteriers status er ændret; rettelsen gælder tal eller tekst."
    return "Ændret status siden den tidligere udgave: " + "; ".join(changed) + "."


def _label(status: str) -> str:
    try:
        return Status(status).label
    except ValueError:
        return status


def notice_letter(subject: str, lines: list[str], commands: list[str]) -> Letter:
    """A notice to the secretariat: what happened, and the exact commands to run."""
    body = "reportgen har brug for jeres opmærksomhed.\n\n" + "\n".join(f"  - {line}" for line in lines)
    if commands:
        body += "\n\nKør derefter:\n" + "\n".join(f"  {c}" for c in dict.fromkeys(commands))
    body += "\n\n(Sendt automatisk af reportgen.)\n"
    return Letter(masked(subject), masked(body))
