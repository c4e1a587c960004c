"""Measurement sheets filled in by initiative owners.

One sheet ``Målinger`` with the columns ``Indsats, Måling, Periode, Værdi, Kommentar`` (a title above the header is
fine). ``Værdi`` is a number (cumulative count, or a percentage) or, for qualitative criteria, a status word
(``Opfyldt``, ``På vej``, ``Bagud``, ``Ikke opfyldt``).

The reader does not know the plan. Its settings carry the vocabulary the sheet may use (initiative id -> the
measurement keys its criteria read), which the pipeline takes from the plan; an unknown id or key is an error naming
the sheet, row and column, with the nearest valid key suggested. Without a vocabulary (the plan itself is invalid)
the sheet is still read, so its other problems are reported too.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.domain.numbers import bounded, parse_danish_number, to_decimal
from reportgen.domain.observations import MEASUREMENT_COLUMNS as COLUMNS
from reportgen.domain.observations import MEASUREMENT_SHEET as SHEET
from reportgen.domain.observations import SourceNote, SourceNotes, observations_frame, title_lines
from reportgen.domain.periods import PERIOD_EXPECTED, parse_period
from reportgen.domain.status import STATUS_WORDS
from reportgen.errors import InputError, ProblemLog
from reportgen.readers import Settings, read_each
from reportgen.readers.tables import column_letter, find_header, is_blank, iter_data_rows, norm_header, read_xlsx_sheets

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class MeasurementSettings(Settings):
    """``keys``: initiative id -> the measurement keys its criteria read (None: accept any); ``area``: the
    municipality's kommunekode, recorded on every observation."""

    area: int
    keys: Mapping[str, Sequence[str]] | None = field(default=None)


def _suggest(value: str, options: list[str]) -> str:
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else ""


def read_measurements(
    path: Path, display: str, settings: MeasurementSettings, problems: ProblemLog, notes: SourceNotes | None = None
) -> pd.DataFrame:
    """Read one measurement sheet into observations; problems with single rows are added to ``problems``, the
    sheet's title and contact person to ``notes``."""
    sheets = read_xlsx_sheets(path, display)
    if SHEET not in sheets:
        raise InputError.at(
            display, f"no sheet named {SHEET!r}", f"a sheet {SHEET!r} with the columns " + ", ".join(COLUMNS)
        )
    rows = sheets[SHEET]
    if notes is not None:
        titles = title_lines(rows[:10])
        contact = next(
            (t.partition(".")[0].removeprefix("Kontakt:").strip() for t in titles if t.startswith("Kontakt:")), None
        )
        notes[display] = SourceNote(f"Målinger fra {contact}" if contact else (titles[0] if titles else None))
    wanted = {norm_header(c) for c in COLUMNS[:4]}
    header = find_header(rows, lambda cells: wanted <= set(cells))
    if header is None:
        raise InputError.at(
            display,
            "no header row with the columns " + ", ".join(COLUMNS[:4]),
            "the header " + ", ".join(COLUMNS),
            sheet=SHEET,
        )
    names = [norm_header(c) for c in rows[header]]
    col = {c: names.index(norm_header(c)) if norm_header(c) in names else None for c in COLUMNS}
    measures = settings.keys
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], tuple[int, Any]] = {}
    for line, row in iter_data_rows(rows, header):
        cell = partial(_cell, row, col)
        where = partial(_where, line, col)

        raw_initiative = cell("Indsats")
        initiative_id = _as_id(raw_initiative)
        if measures is not None and initiative_id not in measures:
            problems.error(
                display,
                f"unknown initiative {raw_initiative!r}{_suggest(initiative_id, list(measures))}",
                "an initiative id from the plan: " + ", ".join(measures),
                **where("Indsats"),
            )
            continue
        measure = str(cell("Måling") or "").strip()
        if measures is not None and measure not in measures[initiative_id]:
            known = list(measures[initiative_id])
            problems.error(
                display,
                f"initiative {initiative_id} has no measurement {measure!r}{_suggest(measure, known)}",
                "one of: " + (", ".join(known) if known else "(this initiative's criteria read no measurements)"),
                **where("Måling"),
            )
            continue
        try:
            period = parse_period(cell("Periode")).code
        except ValueError as exc:
            problems.error(display, str(exc), PERIOD_EXPECTED, **where("Periode"))
            continue
        value, label, unit = _value(cell("Værdi"))
        if value is None and label is None and not is_blank(cell("Værdi")):
            problems.error(
                display,
                f"{cell('Værdi')!r} is neither a number nor a status",
                "a number, a percentage, or one of: Opfyldt, På vej, Bagud, Ikke opfyldt",
                **where("Værdi"),
            )
            continue
        key = (initiative_id, measure, period)
        if key in seen and seen[key][1] != (value, label):
            problems.error(
                display,
                f"initiative {initiative_id}, {measure!r}, {period} is also given on row {seen[key][0]} with another "
                "value",
                "one value per initiative, measurement and period: delete the row that is wrong",
                **where("Værdi"),
            )
            continue
        seen.setdefault(key, (line, (value, label)))
        comment = cell("Kommentar")
        out.append(
            {
                "source": display,
                "indicator": measure,
                "area": settings.area,
                "period": period,
                "value": value,
                "unit": unit,
                "initiative": initiative_id,
                "label": label,
                "comment": None if is_blank(comment) else str(comment).strip(),
            }
        )
    return observations_frame(out)


def _cell(row: list[Any], col: dict[str, int | None], name: str) -> Any:
    j = col[name]
    return row[j] if j is not None and j < len(row) else None


def _where(line: int, col: dict[str, int | None], name: str) -> dict[str, Any]:
    return {"sheet": SHEET, "row": line, "column": f"{column_letter(col[name] or 0)} ({name})"}


def _as_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    return text.removeprefix("Indsats").strip()


def _value(cell: Any) -> tuple[float | None, str | None, str]:
    """(number, status label, unit). Percentages are stored as shares with unit ``pct``."""
    if is_blank(cell):
        return None, None, "antal"
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        try:
            return float(bounded(to_decimal(cell))), None, "antal"
        except ValueError:  # infinity, NaN, 1e309: reported as not a number
            return None, None, "antal"
    text = str(cell).strip()
    if text.casefold() in STATUS_WORDS:
        return None, str(STATUS_WORDS[text.casefold()]), "status"
    try:
        parsed = parse_danish_number(text)
    except ValueError:
        return None, None, "antal"
    if parsed.percent:
        return float(parsed.value / Decimal(100)), None, "pct"
    return float(parsed.value), None, "antal"


def read_all_measurements(
    paths: list[Path],
    displays: list[str],
    settings: MeasurementSettings,
    problems: ProblemLog,
    notes: SourceNotes | None = None,
) -> pd.DataFrame:
    import pandas as pd

    frames = read_each(
        paths, displays, lambda path, display: read_measurements(path, display, settings, problems, notes), problems
    )
    if not frames:
        return observations_frame()
    combined = pd.concat(frames, ignore_index=True)
    keys = ["initiative", "indicator", "period"]
    both = combined[combined.duplicated(keys, keep=False)]
    for (initiative, measure, period), group in both.groupby(keys, sort=True):
        values = {(None if v != v else v, lbl) for v, lbl in zip(group["value"], group["label"], strict=True)}
        files = list(dict.fromkeys(group["source"]))
        if len(values) > 1 and len(files) > 1:
            problems.error(
                files[-1],
                f"initiative {initiative}, {measure!r}, {period} is also given in {files[0]} with another value",
                "one value per initiative, measurement and period across all measurement sheets",
                sheet=SHEET,
            )
    return combined
