"""What the renderers add to the Danish text formats: status colours and the template filters.

The formats themselves (``tal``, ``kr``, ``pct``, ``pp``, ``dato``) are in ``reportgen.domain.danish_text``, shared
with the criteria engine's sentences, so a figure reads the same in an explanation and in a table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportgen.domain.danish_text import dato, kr, pct, pp, tal
from reportgen.domain.status import Status

STATUS_COLOURS = {  # fill colours (RRGGBB) used in Word and Excel
    Status.MET: "C6EFCE",
    Status.ON_TRACK: "E2F0D9",
    Status.BEHIND: "FFEB9C",
    Status.NOT_MET: "FFC7CE",
    Status.NO_DATA: "D9D9D9",
}


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
