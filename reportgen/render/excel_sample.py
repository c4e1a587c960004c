"""The mark of a pack built from sample data (``EKSEMPELDATA-…`` inputs from ``reportgen init``) in the appendix."""

from __future__ import annotations

from typing import Any


def mark_sample(wb: Any) -> None:
    """A pack built from sample data says so at the top of every printed page of every sheet."""
    for ws in wb.worksheets:
        for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
            header.left.text = "EKSEMPELDATA – ikke rigtige tal"
            header.left.font = "Calibri,Bold"
            header.left.color = "C00000"
