"""What the cells of an indicator table mean: the header names of the long layout, the metadata and title rows
above a table (``Indikator: key``, ``Enhed: pct``), a value cell (a number, a percentage or one of Statistics
Denmark's symbols), an area cell and a footnote below the table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportgen.domain.areas import registry
from reportgen.domain.numbers import bounded, parse_danish_number, to_decimal
from reportgen.errors import ProblemLog
from reportgen.readers.tables import Row, is_blank, norm_header

AREA_NAMES = {"kommune", "omraade", "omrade", "area", "kommunenavn", "kommunekode", "geografi", "region"}
PERIOD_NAMES = {"periode", "tid", "aar", "kvartal", "maaned", "period", "time", "year"}
VALUE_NAMES = {"vaerdi", "indhold", "value", "andel", "antal", "pct", "procent"}
INDICATOR_NAMES = {"indikator", "indicator", "noegletal", "maal"}
AREA_EXPECTED = "a municipality name or kommunekode, Hele landet, a region, Christiansø or Uoplyst kommune"

METADATA_KEYS = {"indikator", "indicator", "enhed", "unit", "kilde", "source", "note", "udtrukket", "periode"}
TITLE_PREFIXES = (
    "integrationsbarometer – ",
    "integrationsbarometer - ",
    "integrationsbarometer: ",
    "jobindsats: ",
    "jobindsats.dk – ",
)


def indicator_key(label: str) -> str:
    """A label such as ``Straffelov i alt`` as a plan key: ``straffelov_i_alt``."""
    s = label.casefold().strip()
    s = re.sub(r"[^0-9a-zæøå]+", "_", s)
    return s.strip("_")


@dataclass
class Metadata:
    """What the rows above a table say: the indicator key, the unit and the title."""

    indicator: str | None = None
    unit: str | None = None
    title: str | None = None


def metadata(rows: list[Row], header: int) -> Metadata:
    """The metadata of the rows above the header: the first one-cell text row that is no ``Key: value`` row is the
    title (without the publisher's prefix); ``Indikator: key`` and ``Enhed: …`` (or the key and value in two
    cells) give the indicator and the unit."""
    meta = Metadata()
    for row in rows[:header]:
        cells = [c for c in row if not is_blank(c)]
        is_metadata = (
            isinstance(cells[0], str) and norm_header(cells[0].partition(":")[0]) in METADATA_KEYS if cells else False
        )
        if meta.title is None and len(cells) == 1 and isinstance(cells[0], str) and not is_metadata:
            meta.title = _title(cells[0])
        for i, cell in enumerate(cells):
            text = str(cell)
            key, sep, rest = text.partition(":")
            value = rest.strip() if sep and rest.strip() else (str(cells[i + 1]).strip() if i + 1 < len(cells) else "")
            k = norm_header(key if sep else text)
            if k in ("indikator", "indicator") and value:
                meta.indicator = indicator_key(value)
            elif k in ("enhed", "unit") and value:
                meta.unit = unit_of(value)
    return meta


def _title(text: str) -> str:
    title = text.strip()
    for prefix in TITLE_PREFIXES:
        if title.casefold().startswith(prefix):
            title = title[len(prefix) :]
    return title[:1].upper() + title[1:]


def unit_of(text: str) -> str:
    """The unit an ``Enhed:`` row names: ``pct``, ``kr`` or (anything else) ``antal``."""
    t = text.casefold().strip().rstrip(".")
    if t in ("pct", "%", "procent", "andel", "pct"):
        return "pct"
    if t in ("kr", "dkk", "kroner"):
        return "kr"
    return "antal"


def cell_value(cell: Any, unit: str, symbols: Mapping[str, str]) -> tuple[float | None, str | None, str]:
    """(value as stored, error message or None, unit). Percentages become shares with unit ``pct``, whether the file
    says so (``Enhed: pct``) or the cell does (``38,5%``); ``symbols`` (from the config) are missing or zero."""
    if is_blank(cell):
        return None, None, unit
    if isinstance(cell, bool):
        return None, f"{cell!r} is not a number", unit
    if isinstance(cell, (int, float)):
        try:
            number = bounded(to_decimal(cell), cell)
        except ValueError as exc:
            return None, str(exc), unit
        percent_sign = False
    else:
        text = str(cell).strip()
        if text in symbols:
            return (0.0 if symbols[text] == "zero" else None), None, unit
        try:
            parsed = parse_danish_number(text)
        except ValueError:
            return None, f"{text!r} is not a number", unit
        number, percent_sign = parsed.value, parsed.percent
    if unit == "pct" or percent_sign:
        return float(number / Decimal(100)), None, "pct"
    return float(number), None, unit


def area_code(cell: Any, display: str, sheet: str | None, row: int, column: str, problems: ProblemLog) -> int | None:
    """The kommunekode an area cell names; an unknown area is reported and None."""
    try:
        return registry().resolve(cell).code
    except ValueError as exc:
        problems.error(display, str(exc), AREA_EXPECTED, sheet=sheet, row=row, column=column)
        return None


def is_footnote(row: Row) -> bool:
    """A footnote/source line below the table: text in the first cell and nothing else."""
    first = row[0] if row else None
    rest = [c for c in row[1:] if not is_blank(c)]
    return (
        isinstance(first, str)
        and not rest
        and (len(first) > 30 or first.lower().startswith(("kilde", "note", "anm", "*", "fodnote", "¹", "1)", "a)")))
    )
