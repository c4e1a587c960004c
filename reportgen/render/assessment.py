"""The written assessments (*Vurdering*) of an initiative, as the template context shows them.

Two voices, in this order: the secretariat's (the plan's ``assessment``, *Administrationens vurdering*) and the contact
person's latest (the measurement workbook's ``Vurdering`` sheet, *Kontaktpersonens vurdering*, with its period). The
contact person's counts when its period started on or before the pack's as-of date, as every other measurement does.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from reportgen.domain.observations import ASSESSMENT_KEY
from reportgen.domain.periods import parse_period
from reportgen.plan import Initiative

if TYPE_CHECKING:
    import pandas as pd

SECRETARIAT = "Administrationens vurdering"
CONTACT = "Kontaktpersonens vurdering"
SHORT_MAX = 200
"""The longest ``assessment_short``, the ellipsis included."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")


def assessments(initiative: Initiative, observations: pd.DataFrame, as_of: dt.date, t: Any) -> dict[str, Any]:
    """``assessment`` (a list of ``{who, period_text, text}``, empty when there is none) and ``assessment_short``
    (the first one's first sentence, or at most ``SHORT_MAX`` characters ending on a word with "…"). Every text has
    passed ``t``, the privacy gate."""
    shown: list[dict[str, str]] = []
    if initiative.assessment:
        text = t(initiative.assessment, f"handleplan: indsats {initiative.id}, vurdering")
        shown.append({"who": SECRETARIAT, "period_text": "", "text": text})
    latest = _latest(initiative.id, observations, as_of)
    if latest is not None:
        period, raw = latest
        text = t(raw, f"målingsark: indsats {initiative.id}, vurdering {period}")
        shown.append({"who": CONTACT, "period_text": parse_period(period).label_da(), "text": text})
    return {"assessment": shown, "assessment_short": short(shown[0]["text"]) if shown else ""}


def _latest(initiative_id: str, observations: pd.DataFrame, as_of: dt.date) -> tuple[str, str] | None:
    """(period code, text) of the contact person's newest assessment whose period started by ``as_of``."""
    rows = observations[(observations["indicator"] == ASSESSMENT_KEY) & (observations["initiative"] == initiative_id)]
    found = [
        (parse_period(str(p)), str(p), str(c))
        for p, c in zip(rows["period"], rows["comment"], strict=True)
        if isinstance(c, str) and c.strip()
    ]
    found = [f for f in found if f[0].start <= as_of]
    if not found:
        return None
    _, code, text = max(found, key=lambda f: f[0])
    return code, text


def short(text: str) -> str:
    """The first sentence when it is short enough, else the text cut after a whole word with "…"."""
    first = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(first) <= SHORT_MAX:
        return first
    cut = first[: SHORT_MAX - 1]
    if first[SHORT_MAX - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"
