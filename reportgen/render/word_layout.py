"""The finish of a rendered Word report, which no template can give, because it depends on the figures:

* **words whole**: every table column is at least as wide as its longest word (measured with the font's metrics:
  Carlito, metric-compatible with the templates' Calibri, or a wider fallback font), taken from the columns with room
  to spare; a number and its unit (``250.000 kr.``, ``38 pct.``, ``4. kvt.``) are joined by a non-breaking space and
  a minus sign before a figure is U+2212, so neither is split over two lines;
* **tables kept whole**: a table of at most ``SMALL_TABLE_ROWS`` rows stays on one page (every row but the last keeps
  with the next), and a table followed by its source line (style *Kilde*) keeps with it;
* **properties**: the extended properties (docProps/app.xml) name reportgen as the application, nothing else.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

SMALL_TABLE_ROWS = 6
"""A table of at most this many rows (header included) is never split over two pages."""

NBSP = "\u00a0"
MINUS = "\u2212"
_UNIT = re.compile(r"(\d) (kr\.|pct\.|procentpoint|%)")
_QUARTER = re.compile(r"(\d\.) (kvt\.)")
_MINUS = re.compile(r"(^|[\s(\[/])-(?=\d)")
_SPACES = re.compile(r"[ \t\n]+")  # not \s: a non-breaking space joins a word
_BREAKS = re.compile(r"[^-/]*[-/]?")  # a line may break after a hyphen or a slash
CELL_MARGINS_TWIPS = 2 * 108 + 40  # Table Grid's left and right cell margins and a little air
DEFAULT_POINTS = 10.0


def finish(document: Any, application: str) -> None:
    """Apply the finish to a rendered python-docx document (before it is saved)."""
    body = document.element.body
    _join_units(body)
    for table in body.iter(_w("tbl")):
        _fit_columns(table)
        _keep_together(table)
    _application(document, application)


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def whole_words(text: str) -> str:
    """``250.000 kr.`` with a non-breaking space, ``-1`` as ``−1``: a figure and its unit or sign on one line."""
    text = _UNIT.sub(lambda m: m.group(1) + NBSP + m.group(2), text)
    text = _QUARTER.sub(lambda m: m.group(1) + NBSP + m.group(2), text)
    return _MINUS.sub(lambda m: m.group(1) + MINUS, text)


def _join_units(body: Any) -> None:
    for t in body.iter(_w("t")):
        if t.text:
            t.text = whole_words(t.text)


@cache
def _font(bold: bool, points: float) -> Any:
    """The font a cell's text is measured with (LibreOffice's stand-in for Calibri; a wider font when it is missing).
    Pillow finds Carlito by its file name among the system's fonts; only when it does not is matplotlib's font
    search asked (which imports matplotlib: a third of a pack's time when the pack draws no chart)."""
    from PIL import ImageFont

    size = max(1, round(points * 10))
    try:
        return ImageFont.truetype(CARLITO_FILES[bold], size=size)
    except OSError:
        from matplotlib import font_manager

        properties = font_manager.FontProperties(family=["Carlito", "DejaVu Sans"], weight="bold" if bold else "normal")
        return ImageFont.truetype(font_manager.findfont(properties), size=size)


CARLITO_FILES = {False: "Carlito-Regular.ttf", True: "Carlito-Bold.ttf"}


def word_width(word: str, *, bold: bool = False, points: float = DEFAULT_POINTS) -> float:
    """The width of ``word`` in twips (1/20 point) at ``points``."""
    return _width(word, bold, points)


@lru_cache(maxsize=8192)
def _width(word: str, bold: bool, points: float) -> float:
    """Measured once per word and format: a pack's tables repeat their words (statuses, units, periods)."""
    return float(_font(bold, points).getlength(word)) / 10 * 20


def _run_format(run: Any) -> tuple[bool, float]:
    r_pr = run.find(_w("rPr"))
    bold, points = False, DEFAULT_POINTS
    if r_pr is not None:
        b = r_pr.find(_w("b"))
        bold = b is not None and b.get(_w("val"), "true") not in ("0", "false")
        sz = r_pr.find(_w("sz"))
        if sz is not None and sz.get(_w("val"), "").isdigit():
            points = int(sz.get(_w("val"))) / 2
    return bold, points


def longest_word(cell: Any) -> float:
    """The width in twips of the widest unbreakable piece of text in a table cell."""
    widest = 0.0
    for run in cell.iter(_w("r")):
        text = "".join(t.text or "" for t in run.iter(_w("t")))
        bold, points = _run_format(run)
        for word in _SPACES.split(text):
            for piece in _BREAKS.findall(word):
                if piece:
                    widest = max(widest, word_width(piece, bold=bold, points=points))
    return widest


def fitted_widths(widths: list[int], needs: list[float]) -> list[int]:
    """Column widths (twips) as close to ``widths`` as lets each column hold its need, with the same total: what a
    column lacks is taken from the others in proportion to their room to spare."""
    total = sum(widths)
    needs = [min(float(n), float(total)) for n in needs]
    if sum(needs) >= total:
        return [round(n * total / sum(needs)) for n in needs]
    lacking = sum(max(0.0, n - w) for w, n in zip(widths, needs, strict=True))
    spare = [max(0.0, w - n) for w, n in zip(widths, needs, strict=True)]
    out = [
        max(float(w), n) - (lacking * s / sum(spare) if s else 0.0)
        for w, n, s in zip(widths, needs, spare, strict=True)
    ]
    rounded = [round(x) for x in out]
    rounded[-1] += total - sum(rounded)
    return rounded


def _fit_columns(table: Any) -> None:
    grid = table.find(_w("tblGrid"))
    rows = table.findall(_w("tr"))
    if grid is None or not rows or any(True for _ in table.iter(_w("gridSpan"))):
        return
    cols = grid.findall(_w("gridCol"))
    if any(len(r.findall(_w("tc"))) != len(cols) for r in rows):
        return
    widths = [int(c.get(_w("w"), "0")) for c in cols]
    if not all(widths):
        return
    needs = [max(longest_word(r.findall(_w("tc"))[j]) for r in rows) + CELL_MARGINS_TWIPS for j in range(len(cols))]
    if all(n <= w for n, w in zip(needs, widths, strict=True)):
        return
    fitted = fitted_widths(widths, needs)
    for col, width in zip(cols, fitted, strict=True):
        col.set(_w("w"), str(width))
    for row in rows:
        for cell, width in zip(row.findall(_w("tc")), fitted, strict=True):
            tc_pr = cell.find(_w("tcPr"))
            tc_w = tc_pr.find(_w("tcW")) if tc_pr is not None else None
            if tc_w is not None:
                tc_w.set(_w("w"), str(width))
                tc_w.set(_w("type"), "dxa")


def _set(parent: Any, tag: str, *, first: bool = False) -> None:
    """Add an empty ``tag`` to ``parent`` unless it has one; ``first``: right after a style (``w:pPr`` order)."""
    from docx.oxml import OxmlElement

    if parent.find(_w(tag)) is None:
        element = OxmlElement(f"w:{tag}")
        if first:
            styled = len(parent) and parent[0].tag == _w("pStyle")
            parent.insert(1 if styled else 0, element)
        else:
            parent.append(element)


def _properties_of(element: Any, tag: str) -> Any:
    from docx.oxml import OxmlElement

    props = element.find(_w(tag))
    if props is None:
        props = OxmlElement(f"w:{tag}")
        element.insert(0, props)
    return props


def _keep_together(table: Any) -> None:
    """A small table on one page; a table with its source line."""
    rows = table.findall(_w("tr"))
    followed = table.getnext()
    captioned = followed is not None and followed.tag == _w("p") and _style(followed) == "Kilde"
    small = len(rows) <= SMALL_TABLE_ROWS
    for k, row in enumerate(rows):
        _set(_properties_of(row, "trPr"), "cantSplit")
        if (small and k < len(rows) - 1) or (k == len(rows) - 1 and captioned):
            for p in row.iter(_w("p")):
                _set(_properties_of(p, "pPr"), "keepNext", first=True)


def _style(paragraph: Any) -> str:
    p_pr = paragraph.find(_w("pPr"))
    style = p_pr.find(_w("pStyle")) if p_pr is not None else None
    return str(style.get(_w("val"))) if style is not None else ""


APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>{application}</Application><DocSecurity>0</DocSecurity></Properties>"
)


def _application(document: Any, application: str) -> None:
    """docProps/app.xml names ``application`` (the template's own may name the program that made the template)."""
    from xml.sax.saxutils import escape

    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_XML.format(application=escape(application)).encode("utf-8")
