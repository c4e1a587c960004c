"""What the renderers add to the Danish text formats: status colours and the template filters.

The formats themselves (``tal``, ``kr``, ``pct``, ``pp``, ``dato``) are in ``reportgen.domain.danish_text``, shared
with the criteria engine's sentences, so a figure reads the same in an explanation and in a table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportgen.domain.danish_text import dato, kr, pct, pp, tal
from reportgen.domain.status import Status

STATUS_COLOURS = {  # fill colours (RRGGBB) used in Word and Excel, behind the status word printed in black
    Status.NOT_MET: "D35050",  # red, the darkest
    Status.MET: "50A948",  # green
    Status.NO_DATA: "AEAEAE",  # mid grey
    Status.BEHIND: "FABC41",  # amber
    Status.ON_TRACK: "D0E68B",  # light green-yellow
    Status.NOT_MEASURED: "F3F3F3",  # the lightest grey
}
"""Each fill has its own lightness (about 9 steps of CIE L* apart, also apart in a printer's grey), so the statuses
stay apart on screen and in black-and-white print, and black text on each has a contrast of at least 4,5:1 (WCAG AA).
The status word is always printed: a fill is an aid, never the only carrier (tests/test_status_rules.py)."""


def status_label(status: str) -> str:
    """``met`` -> ``Opfyldt``."""
    return Status(status).label


FILTERS: dict[str, Callable[..., Any]] = {
    "kr": kr,
    "pct": pct,
    "tal": tal,
    "dato": dato,
    "pp": pp,
    "status": status_label,
}
