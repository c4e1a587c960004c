"""``reportgen init``: a new municipality's folder, ready to validate and run at once.

The folder holds a commented ``reportgen.toml``, a plan workbook to fill in (``handleplan.xlsx``, or YAML), the
inputs layout with a README in each folder saying what goes there, and sample data. Every sample file is named
``EKSEMPELDATA-…``: a pack built from any of them says *EKSEMPELDATA* on every page and cannot be sent, so
nothing made up reaches a committee. Staff replace the sample files with their own and delete them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.domain.areas import NATIONAL, Area, registry
from reportgen.errors import InputError, UsageError
from reportgen.outputs import atomic_write_bytes, atomic_write_text
from reportgen.pipeline.init_texts import (
    BAROMETER_README,
    ECONOMY_README,
    FOLDER_README,
    MEASUREMENTS_README,
    config_text,
)
from reportgen.pipeline.inputs import SAMPLE_PREFIX
from reportgen.plan import Plan
from reportgen.plan.loading import validate_plan
from reportgen.plan.serialize import plan_yaml
from reportgen.plan.workbook_format import plan_rows
from reportgen.render.measurement_sheet import build_workbook, measurement_rows
from reportgen.render.plan_workbook import plan_workbook_bytes


def municipality_of(value: str) -> Area:
    """The municipality named by ``value`` (name in any common spelling, or kommunekode); an unknown one is a usage
    error suggesting the nearest name."""
    area = registry().lookup(value)
    if area is None or not area.is_municipality:
        hint = registry().suggest(value)
        did_you_mean = f"; did you mean {hint!r}?" if hint else ""
        raise UsageError.at("--municipality", f"{value!r} is not a Danish municipality{did_you_mean}", _EXPECTED)
    return area


_EXPECTED = "one of the 98 municipalities by name or kommunekode, e.g. Vejle or 630"


def initialise(folder: Path, municipality: str, *, today: dt.date, plan_format: str = "xlsx") -> list[Path]:
    """Write a new municipality's folder and return the files written. The folder must be new or empty."""
    area = municipality_of(municipality)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError.at(str(folder), "the folder exists and is not empty", "a new or empty folder")
    plan = sample_plan(area, today)
    plan_name = "handleplan.xlsx" if plan_format == "xlsx" else "handleplan.yaml"
    files: dict[str, bytes | str] = {
        "reportgen.toml": config_text(area, plan_name),
        "README.md": FOLDER_README.format(kommune=area.official_name, plan=plan_name),
        "inputs/economy/README.md": ECONOMY_README,
        "inputs/barometer/README.md": BAROMETER_README,
        "inputs/maalinger/README.md": MEASUREMENTS_README,
        f"inputs/economy/{SAMPLE_PREFIX}-oekonomi.csv": sample_economy(plan),
        f"inputs/barometer/{SAMPLE_PREFIX}-indikatorer.csv": sample_indicators(area, plan),
    }
    if plan_format == "xlsx":
        files[plan_name] = plan_workbook_bytes(plan_rows(plan), municipality=area.official_name)
    else:
        files[plan_name] = plan_yaml(plan)
    rows = measurement_rows(plan)
    for contact, entries in rows.items():
        last = f"{today.year}K{(today.month - 1) // 3 + 1}"
        files[f"inputs/maalinger/{SAMPLE_PREFIX}-maalinger.xlsx"] = build_workbook(
            plan, contact, entries, last, sample_measurements(plan, last)
        )
    written: list[Path] = []
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            atomic_write_bytes(target, content)
        else:
            atomic_write_text(target, content)
        written.append(target)
    return written


def sample_plan(area: Area, today: dt.date) -> Plan:
    """A small plan of two sample initiatives the secretariat replaces: one with a budget, counts and a share from
    the measurement sheet, and one that follows an indicator against the kommunegruppe."""
    year = today.year
    data: dict[str, Any] = {
        "title": f"Integrationsindsatsen {year}-{year + 1} (eksempel)",
        "municipality": area.code,
        "period": {"start": dt.date(year, 1, 1), "end": dt.date(year + 1, 12, 31)},
        "pool": 400000,
        "committees": {"BEU": "Beskæftigelsesudvalget"},
        "goals": {"arbejdsmarked": "Flere flygtninge og familiesammenførte i job eller uddannelse"},
        "labels": {
            "deltagere": "deltagere",
            "i_job_eller_uddannelse": "deltagere i job eller uddannelse",
            "samarbejde": "samarbejdet med virksomhederne",
            "beskaeftigelse": "andel flygtninge og familiesammenførte i beskæftigelse",
        },
        "initiatives": _sample_initiatives(year),
    }
    try:
        return validate_plan(data, "handleplan", lambda _path: {})
    except InputError as exc:  # the sample is ours: a failure here is a bug, not the user's input
        raise RuntimeError(f"the sample plan is invalid: {exc}") from None


def _sample_initiatives(year: int) -> list[dict[str, Any]]:
    return [
        {
            "id": "1",
            "title": "EKSEMPEL: Virksomhedsrettet forløb for flygtninge",
            "goal": "arbejdsmarked",
            "committees": ["BEU"],
            "contact": "Teamleder, Jobcenter",
            "budget": {year: 400000},
            "economy": {"projects": ["EKS-01"]},
            "criteria": [
                _criterion("1.1", "40 borgere deltager i forløbet", "count", measure="deltagere", target=">= 40"),
                _criterion(
                    "1.2",
                    "Mindst 30 pct. af deltagerne er i job eller uddannelse efter forløbet",
                    "ratio",
                    numerator="i_job_eller_uddannelse",
                    denominator="deltagere",
                    target=">= 30%",
                ),
                _criterion("1.3", "Forbruget holder sig inden for budgettet", "budget"),
            ],
        },
        {
            "id": "2",
            "title": "EKSEMPEL: Samarbejde med virksomhederne",
            "goal": "arbejdsmarked",
            "committees": ["BEU"],
            "contact": "Teamleder, Jobcenter",
            "criteria": [
                _criterion("2.1", "Samarbejdet med virksomhederne er styrket", "qualitative", measure="samarbejde"),
                _criterion(
                    "2.2",
                    "Andelen af flygtninge og familiesammenførte i beskæftigelse er over landsgennemsnittet",
                    "benchmark",
                    indicator="beskaeftigelse",
                    against="national",
                ),
                _criterion(
                    "2.3",
                    "Andelen af flygtninge og familiesammenførte i beskæftigelse er over kommunegruppens",
                    "benchmark",
                    indicator="beskaeftigelse",
                    against="kommunegruppe",
                ),
            ],
        },
    ]


def _criterion(cid: str, text: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": cid, "text": text, "kind": kind, **fields}


def sample_economy(plan: Plan) -> str:
    """Monthly postings on the sample project until today's month, in the finance system's usual CSV export."""
    rng = random.Random(plan.municipality_code)  # noqa: S311 - made-up sample figures, reproducible
    year = plan.period.start.year
    lines = [f"{SAMPLE_PREFIX} – opdigtede posteringer; erstat filen med økonomisystemets udtræk", ""]
    lines.append("Bogføringsdato;Konto;Projekt;Posteringstekst;Beløb")
    for month in range(1, 13):
        amount = Decimal(rng.randint(20000, 32000))
        lines.append(f"15-{month:02d}-{year};5.68.90.001;EKS-01;Eksempel: forløb, {month:02d}/{year};{amount},00")
    return "\n".join(lines) + "\n"


def sample_indicators(area: Area, plan: Plan) -> str:
    """The indicator the sample plan follows, for the municipality, its kommunegruppe and Hele landet (wide
    layout, as the Integrationsbarometer and a fetched Statbank table are read)."""
    rng = random.Random(area.code)  # noqa: S311 - made-up sample figures, reproducible
    years = list(range(plan.period.start.year - 4, plan.period.start.year))
    rows = [area.official_name, registry().by_code[area.group].name if area.group else None, "Hele landet"]
    lines = [
        f"{SAMPLE_PREFIX} – Andel flygtninge og familiesammenførte i beskæftigelse",
        "Indikator:;beskaeftigelse",
        "Enhed:;pct",
        "",
        "Område;" + ";".join(str(y) for y in years),
    ]
    for name in rows:
        if name is None:
            continue
        level = 40 + rng.random() * 10
        values = [f"{level + 1.5 * k + rng.random():.1f}".replace(".", ",") for k in range(len(years))]
        lines.append(f"{name};" + ";".join(values))
    lines += ["", f"Kilde: {SAMPLE_PREFIX} (opdigtede tal) – hent de rigtige med reportgen fetch"]
    assert NATIONAL == 0  # noqa: S101 - "Hele landet" is the national area the readers know
    return "\n".join(lines) + "\n"


def sample_measurements(plan: Plan, last: str) -> dict[tuple[str, str, str], object]:
    """Made-up figures for the sample initiatives' measurements, for the first quarters of the plan."""
    year = plan.period.start.year
    quarters = [f"{year}K{q}" for q in range(1, 5) if f"{year}K{q}" <= last] or [f"{year}K1"]
    values: dict[tuple[str, str, str], object] = {}
    for k, quarter in enumerate(quarters, start=1):
        values[("1", "deltagere", quarter)] = 9 * k
        values[("1", "i_job_eller_uddannelse", quarter)] = 2 * k
        values[("2", "samarbejde", quarter)] = ("På vej", "Eksempel: tre nye virksomhedsaftaler.")
    return values
