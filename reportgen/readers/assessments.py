"""The contact person's written assessment (*Vurdering*) in a measurement workbook.

An optional second sheet ``Vurdering`` with the columns ``Indsats, Titel, Periode, Vurdering``: one row per initiative
and period, the assessment as free text of at most ``ASSESSMENT_MAX_CHARS`` characters (line breaks are joined into
one paragraph). A row whose ``Vurdering`` is empty is a row not filled in and is skipped. A workbook without the sheet
has no assessments. Each assessment becomes an observation row (``indicator`` ``ASSESSMENT_KEY``, the text in
``comment``); control characters are refused for every cell when the workbook is read (``tables``), and CPR numbers
are masked where the text reaches a document (the privacy gate), as for the ``Kommentar`` column.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from reportgen.domain.observations import ASSESSMENT_COLUMNS as COLUMNS
from reportgen.domain.observations import ASSESSMENT_KEY, ASSESSMENT_MAX_CHARS, one_paragraph
from reportgen.domain.observations import ASSESSMENT_SHEET as SHEET
from reportgen.domain.periods import PERIOD_EXPECTED, parse_period
from reportgen.errors import InputError, ProblemLog
from reportgen.readers.tables import Row, column_letter, find_header, is_blank, iter_data_rows, norm_header

REQUIRED = ("Indsats", "Periode", "Vurdering")
LIMIT_TEXT = f"{ASSESSMENT_MAX_CHARS:,}".replace(",", ".")


def read_assessments(
    rows: list[Row], display: str, keys: Mapping[str, Sequence[str]] | None, area: int, problems: ProblemLog
) -> list[dict[str, Any]]:
    """The assessments of one workbook's ``Vurdering`` sheet as observation rows; problems with single rows are added
    to ``problems``. ``keys`` (initiative id -> measurement keys) says which initiatives exist (None: any)."""
    if all(is_blank(c) for row in rows for c in row):
        return []
    wanted = {norm_header(c) for c in REQUIRED}
    header = find_header(rows, lambda cells: wanted <= set(cells))
    if header is None:
        raise InputError.at(
            display,
            "no header row with the columns " + ", ".join(REQUIRED),
            "the header " + ", ".join(COLUMNS) + f" on the sheet {SHEET!r} (or no such sheet)",
            sheet=SHEET,
        )
    names = [norm_header(c) for c in rows[header]]
    col = {c: names.index(norm_header(c)) for c in REQUIRED}
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    for line, row in iter_data_rows(rows, header):
        found = _assessment(line, row, col, display, keys, problems)
        if found is None:
            continue
        initiative, period, text = found
        before = seen.setdefault((initiative, period), (line, text))
        if before[1] != text:
            problems.error(
                display,
                f"initiative {initiative}, {period} has another assessment on row {before[0]}",
                "one assessment per initiative and period: delete the row that is wrong",
                **_where(line, col, "Vurdering"),
            )
            continue
        if before[0] == line:
            out.append(_observation(display, area, initiative, period, text))
    return out


def _assessment(
    line: int,
    row: Row,
    col: dict[str, int],
    display: str,
    keys: Mapping[str, Sequence[str]] | None,
    problems: ProblemLog,
) -> tuple[str, str, str] | None:
    """(initiative id, period code, text) of a filled-in row; None for a row not filled in or (reported) a wrong one."""

    def cell(name: str) -> Any:
        return row[col[name]] if col[name] < len(row) else None

    def error(name: str, what: str, expected: str) -> None:
        problems.error(display, what, expected, **_where(line, col, name))

    if is_blank(cell("Vurdering")):
        return None
    text = one_paragraph(str(cell("Vurdering")))
    if len(text) > ASSESSMENT_MAX_CHARS:
        error(
            "Vurdering",
            f"an assessment of {len(text):,} characters".replace(",", "."),
            f"at most {LIMIT_TEXT} characters: shorten the text",
        )
        return None
    initiative = _as_id(cell("Indsats"))
    if not initiative:
        error("Indsats", "an assessment without an initiative", "the initiative id the assessment is about")
        return None
    if keys is not None and initiative not in keys:
        close = difflib.get_close_matches(initiative, list(keys), n=1, cutoff=0.5)
        error(
            "Indsats",
            f"unknown initiative {cell('Indsats')!r}" + (f"; did you mean {close[0]!r}?" if close else ""),
            "an initiative id from the plan: " + ", ".join(keys),
        )
        return None
    try:
        period = parse_period(cell("Periode")).code
    except ValueError as exc:
        error("Periode", str(exc), PERIOD_EXPECTED)
        return None
    return initiative, period, text


def _observation(display: str, area: int, initiative: str, period: str, text: str) -> dict[str, Any]:
    return {
        "source": display,
        "indicator": ASSESSMENT_KEY,
        "area": area,
        "period": period,
        "value": None,
        "unit": "tekst",
        "initiative": initiative,
        "label": None,
        "comment": text,
    }


def _where(line: int, col: dict[str, int], name: str) -> dict[str, Any]:
    return {"sheet": SHEET, "row": line, "column": f"{column_letter(col[name])} ({name})"}


def _as_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    return text.removeprefix("Indsats").strip()
