"""What each sheet of the Excel appendix shows: per header name, the value taken from a context record and its
number format (see templates/README.md for the columns a template may hold)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FMT = {
    "antal": "#,##0",
    "kr": '#,##0 "kr."',
    "pct": "0.0%",
    "pp": '0.0 "procentpoint"',
    "num": "#,##0.0",
    "date": "dd-mm-yyyy",
}
SHEETS = ["Overblik", "Succeskriterier", "Økonomi", "Barometer", "Datagrundlag"]

# header name -> (value from record, format key or None)
Column = tuple[Callable[[dict[str, Any]], Any], str | None]


def unit_format(record: dict[str, Any]) -> str:
    """The number format of a figure by its unit and the decimals it is shown with (see the precision rule)."""
    unit, decimals = record.get("unit", "num"), record.get("decimals")
    if decimals is None or unit not in ("pct", "pp", "antal"):
        return FMT.get(unit, FMT["num"])
    places = "." + "0" * decimals if decimals else ""
    return {"pct": f"0{places}%", "pp": f'0{places} "procentpoint"', "antal": f"#,##0{places}"}[unit]


OVERBLIK: dict[str, Column] = {
    "Indsats": (lambda r: r["id"], None),
    "Titel": (lambda r: r["title"], None),
    "Målsætning": (lambda r: r["goal"], None),
    "Udvalg": (lambda r: ", ".join(r["committee_codes"]), None),
    "Kontakt": (lambda r: r["contact"], None),
    # how the criteria stand ("1 af 8 opfyldt · 2 bagud · 5 på vej"), never the worst criterion alone
    "Status": (lambda r: r["distribution_text"], None),
    "Succeskriterier": (lambda r: len(r["criteria"]), "antal"),
    "Opfyldt": (lambda r: r["criteria_met"], "antal"),
    "Budget": (lambda r: r["budget"], "kr"),
    "Forbrugt": (lambda r: r["spent"], "kr"),
    "Forbrugt af budget": (lambda r: r["spent_share"], "pct"),
    "Vurdering": (lambda r: assessment_cell(r["assessment"]), None),
}


def assessment_cell(shown: list[dict[str, str]]) -> str | None:
    """The written assessments in one cell, one line each: ``Kontaktpersonens vurdering (4. kvartal 2020): …``."""
    lines = [f"{a['who']}{f' ({p})' if (p := a['period_text']) else ''}: {a['text']}" for a in shown]
    return "\n".join(lines) or None


SUCCESKRITERIER: dict[str, Column] = {
    "Indsats": (lambda r: r["initiative_id"], None),
    "Indsatstitel": (lambda r: r["initiative_title"], None),
    "Nr.": (lambda r: r["id"], None),
    "Succeskriterium": (lambda r: r["text"], None),
    "Type": (lambda r: r["kind_label"], None),
    "Mål": (lambda r: r["target_text"], None),
    "Målværdi": (lambda r: r["target"], "unit"),
    "Faktisk": (lambda r: r["suppressed"] or r["actual"], "unit"),
    "Enhed": (
        lambda r: {"pct": "%", "pp": "procentpoint", "kr": "kr.", "antal": "antal", "status": "vurdering"}.get(
            r["unit"], r["unit"]
        ),
        None,
    ),
    "Status": (lambda r: r["status_label"], "status"),
    "Forklaring": (lambda r: r["explanation"], None),
    "Periode": (lambda r: r["period_text"], None),
    "Frist": (lambda r: r["deadline"], "date"),
    "Bemærkning": (lambda r: r["note"], None),
}
BAROMETER: dict[str, Column] = {
    "Indikator": (lambda r: r["label"], None),
    "Titel": (lambda r: r["title"], None),
    "Periode": (lambda r: r["period_text"], None),
    "Kommune": (lambda r: r["home"], "unit"),
    "Hele landet": (lambda r: r["national"], "unit"),
    "Enhed": (lambda r: "%" if r["unit"] == "pct" else r["unit"], None),
    "Kilde": (lambda r: r["source"], None),
}
DATAGRUNDLAG: dict[str, Column] = {  # what a reader needs; file paths, sizes and checksums stay in manifest.json
    "Type": (lambda r: r["kind_label"], None),
    "Kilde": (lambda r: r["description"], None),
    "Rækker": (lambda r: r["rows"], "antal"),
}
# Earlier header names a staff template may still use: filled as the column they name, headed by today's name.
ALIASES = {
    "Kriterier": "Succeskriterier",
    "Budget (kr.)": "Budget",
    "Forbrug (kr.)": "Forbrugt",
    "Forbrug (pct.)": "Forbrugt af budget",
    "Kriterie": "Nr.",
    "Succeskriterie": "Succeskriterium",
}
# Per sheet: the columns that identify a row (its id and short text), repeated on every page of a wide print.
TITLE_COLUMNS = {
    "Overblik": ("Indsats", "Titel"),
    "Succeskriterier": ("Nr.", "Succeskriterium"),
    "Barometer": ("Indikator",),
    "Datagrundlag": ("Type",),
}
