"""Measurement sheets filled in by initiative owners.

One sheet ``Målinger`` with the columns ``Indsats, Måling, Periode, Værdi, Kommentar`` (a title above the header is
fine). ``Værdi`` is a number (cumulative count, or a percentage) or, for qualitative criteria, a status word
(``Opfyldt``, ``På vej``, ``Bagud``, ``Ikke opfyldt``). An optional sheet ``Vurdering`` holds the contact person's
written assessment of each initiative (``reportgen.readers.assessments``).

The reader does not know the plan. Its settings carry the vocabulary the sheet may use (initiative id -> the
measurement keys its criteria read), which the pipeline takes from the plan; an unknown id or key is an error naming
the sheet, row and column, with the nearest valid key suggested. Without a vocabulary (the plan itself is invalid)
the sheet is still read, so its other problems are reported too.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.domain.numbers import bounded, parse_danish_number, to_decimal
from reportgen.domain.observations import (
    ASSESSMENT_KEY,
    ASSESSMENT_SHEET,
    SourceNote,
    SourceNotes,
    observations_frame,
    title_lines,
)
from reportgen.domain.observations import MEASUREMENT_COLUMNS as COLUMNS
from reportgen.domain.observations import MEASUREMENT_SHEET as SHEET
from reportgen.domain.periods import PERIOD_EXPECTED, parse_period
from reportgen.domain.status import STATUS_WORDS
from reportgen.errors import InputError, ProblemLog
from reportgen.readers import Settings, read_each
from reportgen.readers.assessments import read_assessments
from reportgen.readers.tables import column_letter, find_header, is_blank, iter_data_rows, norm_header, read_xlsx_sheets

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class MeasurementSettings(Settings):
    """``keys``: initiative id -> the measurement keys its criteria read (None: accept any); ``area``: the
    municipality's kommunekode, recorded on every observation."""

    area: int
    keys: Mapping[str, Sequence[str]] | None = field(default=None)
    labels: Mapping[str, str] = field(default_factory=dict)
    """The plan's labels (key -> Danish label): a *Måling* cell may name a measurement by its label."""


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
            display, f"no sheet named {SHEET!r}", f"a sheet {SHEET!r} with the columns " + ", ".join(COLUMNS[:5])
        )
    rows = sheets[SHEET]
    if notes is not None:
        notes[display] = _source_note(rows)
    wanted = {norm_header(c) for c in COLUMNS[:4]}
    header = find_header(rows, lambda cells: wanted <= set(cells))
    if header is None:
        raise InputError.at(
            display,
            "no header row with the columns " + ", ".join(COLUMNS[:4]),
            "the header " + ", ".join(COLUMNS[:5]),
            sheet=SHEET,
        )
    names = [norm_header(c) for c in rows[header]]
    col = {c: names.index(norm_header(c)) if norm_header(c) in names else None for c in COLUMNS}
    sheet = _Sheet(display, settings, problems, col)
    out = [found for line, row in iter_data_rows(rows, header) if (found := sheet.observation(line, row)) is not None]
    if ASSESSMENT_SHEET in sheets:
        out += read_assessments(sheets[ASSESSMENT_SHEET], display, settings.keys, settings.area, problems)
    return observations_frame(out)


def _source_note(rows: list[Any]) -> SourceNote:
    """The sheet as a reader knows it: the measurements of its contact person (the ``Kontakt:`` line), else its
    title."""
    titles = title_lines(rows[:10])
    contact = next(
        (t.partition(".")[0].removeprefix("Kontakt:").strip() for t in titles if t.startswith("Kontakt:")), None
    )
    return SourceNote(f"Målinger fra {contact}" if contact else (titles[0] if titles else None))


@dataclass
class _Sheet:
    """One measurement sheet being read: where its columns are, what it may name, and the figures seen so far."""

    display: str
    settings: MeasurementSettings
    problems: ProblemLog
    col: dict[str, int | None]
    seen: dict[tuple[str, str, str], tuple[int, Any]] = field(default_factory=dict)

    def error(self, line: int, column: str, what: str, expected: str) -> None:
        self.problems.error(self.display, what, expected, **_where(line, self.col, column))

    def observation(self, line: int, row: list[Any]) -> dict[str, Any] | None:
        """A data row as an observation; None (with the problem reported) where a cell is wrong."""
        cell = partial(_cell, row, self.col)
        key = cell("Nøgle")
        known = self._known_measure(line, cell("Indsats"), cell("Måling") if is_blank(key) else key)
        if known is None or not self._label_agrees(line, *known, cell("Måling")):
            return None
        initiative_id, measure = known
        try:
            period = parse_period(cell("Periode")).code
        except ValueError as exc:
            self.error(line, "Periode", str(exc), PERIOD_EXPECTED)
            return None
        value, label, unit = _value(cell("Værdi"))
        if value is None and label is None and not is_blank(cell("Værdi")):
            self.error(
                line,
                "Værdi",
                f"{cell('Værdi')!r} is neither a number nor a status",
                "a number, a percentage, or one of: Opfyldt, På vej, Bagud, Ikke opfyldt",
            )
            return None
        if self._given_before(line, (initiative_id, measure, period), (value, label)):
            return None
        comment = cell("Kommentar")
        return {
            "source": self.display,
            "indicator": measure,
            "area": self.settings.area,
            "period": period,
            "value": value,
            "unit": unit,
            "initiative": initiative_id,
            "label": label,
            "comment": None if is_blank(comment) else str(comment).strip(),
        }

    def _known_measure(self, line: int, raw_initiative: Any, raw_measure: Any) -> tuple[str, str] | None:
        """(initiative id, measurement key) where the vocabulary knows both (or there is none); else None, with the
        nearest valid key suggested."""
        measures = self.settings.keys
        initiative_id = _as_id(raw_initiative)
        if measures is not None and initiative_id not in measures:
            self.error(
                line,
                "Indsats",
                f"unknown initiative {raw_initiative!r}{_suggest(initiative_id, list(measures))}",
                "an initiative id from the plan: " + ", ".join(measures),
            )
            return None
        measure = str(raw_measure or "").strip()
        if measures is not None and measure not in measures[initiative_id]:
            measure = self._by_label(measure, measures[initiative_id])
        if measures is not None and measure not in measures[initiative_id]:
            known = list(measures[initiative_id])
            self.error(
                line,
                "Måling",
                f"initiative {initiative_id} has no measurement {measure!r}{_suggest(measure, known)}",
                "one of: " + (", ".join(known) if known else "(this initiative's criteria read no measurements)"),
            )
            return None
        return initiative_id, measure

    def _label_agrees(self, line: int, initiative_id: str, measure: str, shown: Any) -> bool:
        """A row's visible *Måling* may not name another of the initiative's measurements than its hidden key says:
        a label typed over with another measurement's name would send the figure there without a word. (A label the
        plan has renamed since the sheet was made is fine: the key decides.)"""
        if is_blank(shown) or self.col["Nøgle"] is None or self.settings.keys is None:
            return True
        text = str(shown).strip().casefold()
        labels = self.settings.labels
        other = next(
            (
                k
                for k in self.settings.keys[initiative_id]
                if k != measure and text in (k, labels.get(k, "").casefold())
            ),
            None,
        )
        if other is None:
            return True
        self.error(
            line,
            "Måling",
            f"the row says {str(shown).strip()!r}, another measurement than the one it is for: "
            f"{labels.get(measure, measure)!r} (the hidden column Nøgle)",
            "each measurement on its own row, as the sheet was made",
        )
        return False

    def _by_label(self, text: str, keys: Sequence[str]) -> str:
        """The key whose Danish label ``text`` is (case aside), among ``keys``; else ``text`` unchanged."""
        folded = text.casefold()
        return next((k for k in keys if self.settings.labels.get(k, "").casefold() == folded), text)

    def _given_before(self, line: int, key: tuple[str, str, str], value: tuple[float | None, str | None]) -> bool:
        """The same initiative, measurement and period on an earlier row with another value: reported (True)."""
        if key in self.seen and self.seen[key][1] != value:
            initiative_id, measure, period = key
            self.error(
                line,
                "Værdi",
                f"initiative {initiative_id}, {measure!r}, {period} is also given on row {self.seen[key][0]} with "
                "another value",
                "one value per initiative, measurement and period: delete the row that is wrong",
            )
            return True
        self.seen.setdefault(key, (line, value))
        return False


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
        text = measure == ASSESSMENT_KEY  # an assessment: its text is what must agree
        values = {
            (None if math.isnan(v) else v, lbl, c if text else None)
            for v, lbl, c in zip(group["value"], group["label"], group["comment"], strict=True)
        }
        files = list(dict.fromkeys(group["source"]))
        if len(values) > 1 and len(files) > 1:
            problems.error(
                files[-1],
                f"initiative {initiative}, {period} has another assessment in {files[0]}"
                if text
                else f"initiative {initiative}, {measure!r}, {period} is also given in {files[0]} with another value",
                "one assessment per initiative and period across all measurement sheets"
                if text
                else "one value per initiative, measurement and period across all measurement sheets",
                sheet=ASSESSMENT_SHEET if text else SHEET,
            )
    return combined
