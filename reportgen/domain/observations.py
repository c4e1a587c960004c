"""The tables that pass between the readers and the criteria engine, and the measurement sheet's layout.

**Observations** (``OBSERVATION_COLUMNS``), one row per figure:

* ``source`` — the input file (as shown to the user) or ``økonomi`` for economy aggregates;
* ``indicator`` — the key the plan's criteria use (``beskaeftigelse_3aar``, ``deltagere``, ``forbrug``);
* ``area`` — the kommunekode (0 is Hele landet);
* ``period`` — the canonical period code (``reportgen.domain.periods.Period.code``);
* ``value`` — a float that stays NaN when the figure is missing or suppressed (never 0);
* ``unit`` — ``pct`` (stored as a share), ``antal``, ``kr`` or ``status``;
* ``initiative`` — the initiative id where the row belongs to one;
* ``label`` and ``comment`` — a reported status key and the contact person's comment (measurement sheets); an
  assessment row (``indicator`` ``ASSESSMENT_KEY``, unit ``tekst``, no value) holds its text in ``comment``;
* ``title`` — an indicator's name as its file gives it, for headings in the reports.

**Postings** (``POSTING_COLUMNS``), the economy exports as read: ``dato`` (datetime64), ``konto`` (account digits),
``projekt``, ``oere`` (the amount in integer øre, exact), ``antal`` (grants, NaN when the export has none), ``file``
and ``line``. Only aggregates of postings ever leave the evaluation layer; sums of money are exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

OBSERVATION_COLUMNS = [
    "source",
    "indicator",
    "area",
    "period",
    "value",
    "unit",
    "initiative",
    "label",
    "comment",
    "title",
]
POSTING_COLUMNS = ["dato", "konto", "projekt", "oere", "antal", "file", "line"]

MEASUREMENT_SHEET = "Målinger"
MEASUREMENT_COLUMNS = ["Indsats", "Måling", "Periode", "Værdi", "Kommentar", "Nøgle"]
"""The measurement sheet initiative owners fill in: sheet name and columns (`collect` writes it; a reader reads it).
`collect` shows the measurement's Danish label under *Måling* and its key in the hidden column *Nøgle*; a sheet
without *Nøgle* names the measurement by key or label under *Måling*."""

ASSESSMENT_SHEET = "Vurdering"
ASSESSMENT_COLUMNS = ["Indsats", "Titel", "Periode", "Vurdering"]
"""The measurement workbook's second sheet: the contact person's written assessment of each initiative, one row per
initiative and period (``Titel`` is there for the reader of the sheet and is not read)."""
ASSESSMENT_KEY = "Vurdering"
"""The ``indicator`` of an assessment row in the observations table (``comment`` holds the text). No plan key can
take it: plan keys are lower-case."""
ASSESSMENT_MAX_CHARS = 1500
"""The longest assessment, in the plan or in a measurement sheet: a paragraph a council member reads."""


def one_paragraph(text: str) -> str:
    """Free text as one paragraph: line breaks and runs of spaces become one space."""
    return " ".join(text.split())


@dataclass(frozen=True)
class SourceNote:
    """What an input file says about itself, so a report can name it as a reader understands it: its title (the first
    title row) and its own note about the figures (a ``Kilde:`` or ``Note:`` line, or a second title row)."""

    title: str | None = None
    note: str | None = None


SourceNotes = dict[str, SourceNote]
"""The notes of the files read, by the file as shown to the user."""


def title_lines(rows: Iterable[Iterable[Any]]) -> list[str]:
    """The text of one-cell rows (title rows above a table, footnotes below it)."""
    out = []
    for row in rows:
        cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
        if len(cells) == 1:
            out.append(cells[0])
    return out


def observations_frame(rows: Iterable[dict[str, Any]] = ()) -> pd.DataFrame:
    """A DataFrame in the canonical schema (also when empty)."""
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=OBSERVATION_COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["area"] = frame["area"].astype("int64")
    return frame


def empty_postings() -> pd.DataFrame:
    """A postings table with no rows."""
    import pandas as pd

    return pd.DataFrame(columns=POSTING_COLUMNS)
