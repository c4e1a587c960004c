"""Generate a synthetic economy export for the benchmarks: Windows-1252, ';', decimal comma, thousands dot.

The export is written as the finance systems write them: a title row and a blank row above the header, dates in
mixed forms (``31-12-2019``, ``31.12.2019``, ``31/12/2019``, ``2019-12-31``), amounts with thousands dots and a
trailing minus (``1.234,50-``), Danish letters in the free text, and a trailing total row (``I alt``).

python bench/generate.py --rows 5000000      # about 330 MB, written to bench/data/ (git-ignored)
python bench/generate.py --municipalities 98 # 98 municipality folders (config, plan, inputs), as `reportgen init`
python bench/generate.py --indicators 50     # 50 indicator files: all 98 municipalities x 10 years, and a
                                             # municipality folder whose annual pack shows all 50 (the charts' bench)

``scaled_plan`` writes the shipped plan repeated N times (770 and 7.700 criteria) with the observations its criteria
read, for the criteria engine's benchmark.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
TEXTS = [
    "Honorar underviser",
    "Lokaleleje",
    "Tolkebistand",
    "Materialer",
    "Forplejning",
    "Transport",
    "Løn projektmedarbejder",
]
DATE_FORMS = ("{d:02d}-{m:02d}-{y}", "{d:02d}.{m:02d}.{y}", "{d}/{m}/{y}", "{y}-{m:02d}-{d:02d}")
VERSION = 2  # bumped when the generated export changes, so a cached file of an older form is not reused


def amount_text(oere: int) -> str:
    """Øre as the finance system writes kroner: ``1.234,50`` and ``1.234,50-`` for a negative amount."""
    whole, frac = divmod(abs(oere), 100)
    return f"{whole:,}".replace(",", ".") + f",{frac:02d}" + ("-" if oere < 0 else "")


def generate(rows: int, seed: int = 1, folder: Path = DATA) -> Path:
    """The export of ``rows`` postings (written once, then reused from ``folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"oekonomi_v{VERSION}_{rows}.csv"
    if path.exists():
        return path
    rng = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    total = 0
    with tmp.open("w", encoding="cp1252", newline="") as fh:
        fh.write("Posteringsudtræk – syntetiske data\r\n\r\nBogføringsdato;Konto;Projekt;Posteringstekst;Beløb\r\n")
        chunk = []
        for _ in range(rows):
            oere = rng.randint(-50_000, 2_000_000)
            total += oere
            date = rng.choice(DATE_FORMS).format(d=rng.randint(1, 28), m=rng.randint(1, 12), y=rng.choice((2019, 2020)))
            chunk.append(
                f"{date};5.46.{rng.choice((60, 61, 65))}.00{rng.randint(1, 9)};"
                f"INT19-{rng.randint(1, 12):02d};{rng.choice(TEXTS)};{amount_text(oere)}\r\n"
            )
            if len(chunk) == 100_000:
                fh.write("".join(chunk))
                chunk.clear()
        fh.write("".join(chunk))
        fh.write(f"I alt;;;;{amount_text(total)}\r\n")
    tmp.replace(path)
    return path


ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2020-12-08"
"""The date the scaled plans are evaluated as of (the shipped example's last AUU meeting)."""


def scaled_plan(factor: int, folder: Path) -> tuple[Path, Path]:
    """The shipped plan with its initiatives repeated ``factor`` times (copy n > 0 suffixes every initiative and
    criterion id with ``-n``) and the example's observations as of ``AS_OF`` repeated with them: each copy's
    measurements and economy rows under its own initiative id, the indicators shared as a real plan shares them.

    Writes ``handleplan_x<factor>.yaml`` and ``observations_x<factor>.pkl`` (a pickled DataFrame) into ``folder``;
    returns both paths."""
    import datetime as dt
    import os

    import pandas as pd
    import yaml

    from reportgen.config import load_config
    from reportgen.pipeline.inputs import read_inputs

    plan_path = folder / f"handleplan_x{factor}.yaml"
    obs_path = folder / f"observations_x{factor}.pkl"
    if plan_path.exists() and obs_path.exists():
        return plan_path, obs_path
    folder.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = yaml.safe_load((ROOT / "inputs" / "handleplan_2019.yaml").read_text(encoding="utf-8"))
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        observations = read_inputs(load_config(ROOT / "reportgen.toml")).observations(dt.date.fromisoformat(AS_OF))
    finally:
        os.chdir(here)
    initiatives = data["initiatives"]
    shared = observations[observations["initiative"].isna()]
    own = observations[observations["initiative"].notna()]
    copies: list[dict[str, Any]] = []
    frames = [shared]
    for n in range(factor):
        suffix = f"-{n}" if n else ""
        renamed = {}
        for initiative in initiatives:
            copy = dict(initiative, id=f"{initiative['id']}{suffix}")
            copy["criteria"] = [dict(c, id=f"{c['id']}{suffix}") for c in initiative["criteria"]]
            renamed.update(
                {f"economy_count:{c['id']}": f"economy_count:{c['id']}{suffix}" for c in initiative["criteria"]}
            )
            copies.append(copy)
        rows = own.copy()
        rows["initiative"] = rows["initiative"].astype(str) + suffix
        rows["indicator"] = rows["indicator"].replace(renamed)
        frames.append(rows)
    data["initiatives"] = copies
    plan_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pd.concat(frames, ignore_index=True).to_pickle(obs_path)
    return plan_path, obs_path


INIT_SOURCES = (
    "pipeline/initialise.py",
    "pipeline/init_texts.py",
    "render/plan_workbook.py",
    "render/measurement_sheet.py",
)
"""What a folder made by ``reportgen init`` depends on: a made folder is reused only while these are unchanged."""
MADE = ".bench-made"
"""The marker written last into a generated folder: what it was made from (an interrupted or stale folder has none,
or another)."""


def _recipe(**parts: object) -> str:
    """What a generated folder is made from: the parts, and the sources of ``reportgen init``."""
    source = ROOT / "reportgen"
    digest = hashlib.sha256(b"".join((source / name).read_bytes() for name in INIT_SOURCES)).hexdigest()[:16]
    return json.dumps({**parts, "init": digest}, sort_keys=True, default=str)


def _reusable(target: Path, recipe: str) -> bool:
    marker = target / MADE
    return marker.is_file() and marker.read_text(encoding="utf-8") == recipe


def _publish(tmp: Path, target: Path, recipe: str) -> Path:
    """Move a folder made in ``tmp`` into place, marked with its recipe."""
    (tmp / MADE).write_text(recipe, encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    tmp.replace(target)
    return target


MUNICIPALITIES_DAY = dt.date(2025, 11, 15)
"""The day the municipality folders are made on: each plan runs 2025-2026, so ``--annual 2025`` builds a pack."""


def municipalities(count: int, folder: Path | None = None) -> Path:
    """``count`` municipality folders (the first ``count`` of the 98, by kommunekode), each exactly what
    ``reportgen init FOLDER --municipality NAME`` writes: a config, a plan workbook and sample inputs. Returns the
    folder holding them; an existing complete set is reused."""
    from reportgen.domain.areas import registry
    from reportgen.pipeline.initialise import initialise

    areas = registry().municipalities[:count]
    target = folder or DATA / f"kommuner-{count}"
    recipe = _recipe(municipalities=count, day=MUNICIPALITIES_DAY)
    if _reusable(target, recipe):
        return target
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for area in areas:
        initialise(tmp / f"{area.code}-{area.name.lower().replace(' ', '-')}", str(area.code), today=MUNICIPALITIES_DAY)
    return _publish(tmp, target, recipe)


INDICATORS_VERSION = 1  # bumped when indicator_files writes other files, so an older folder is made again
INDICATOR_YEARS = range(2016, 2026)
"""Ten years of every indicator, up to the year of the municipality folders' annual follow-up (2025)."""


def indicator_files(count: int, folder: Path, seed: int = 1) -> list[Path]:
    """``count`` indicator files in the Integrationsbarometer's wide layout (title row, ``Indikator:`` and ``Enhed:``
    rows, one column per year, a source line below): every municipality, kommunegruppe and Hele landet over
    ``INDICATOR_YEARS``. Four in five are shares (``pct``), the rest counts; a few figures are missing (``..``). The
    first is the indicator the sample plans follow (``beskaeftigelse``)."""
    from reportgen.domain.areas import registry

    rng = random.Random(seed)
    areas = registry()
    names = [a.official_name for a in areas.municipalities]
    names += [areas.by_code[code].name for code in sorted({a.group for a in areas.municipalities if a.group})]
    names.append("Hele landet")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        key = "beskaeftigelse" if n == 0 else f"indikator_{n:02d}"  # in file indikator_{n:02d}.csv
        share = n % 5 != 4
        lines = [
            f"Integrationsbarometer – syntetisk indikator {n + 1}{' (andel)' if share else ' (antal)'}",
            f"Indikator:;{key}",
            f"Enhed:;{'pct' if share else 'antal'}",
            "",
            "Område;" + ";".join(str(y) for y in INDICATOR_YEARS),
        ]
        for name in names:
            level = rng.uniform(20, 60) if share else rng.randint(5, 400)
            values = []
            for k in range(len(INDICATOR_YEARS)):
                value = level * (1 + 0.03 * k) + rng.uniform(-2, 2)
                text = f"{value:.1f}".replace(".", ",") if share else str(max(0, round(value)))
                values.append(".." if rng.random() < 0.02 else text)
            lines.append(f"{name};" + ";".join(values))
        lines += ["", "Kilde: syntetiske tal til benchmark"]
        path = folder / f"indikator_{n:02d}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def indicator_municipality(count: int, folder: Path | None = None) -> Path:
    """A municipality folder as ``reportgen init`` writes it (Frederiksberg), its sample indicator file replaced by
    ``count`` indicator files of every municipality: its annual follow-up for 2025 shows ``count`` indicators, each
    with its chart. An existing complete folder is reused."""
    from reportgen.pipeline.initialise import initialise

    if count < 1:
        raise ValueError(f"{count} indicators: at least 1")
    target = folder or DATA / f"indikatorer-{count}"
    recipe = _recipe(indicators=count, years=list(INDICATOR_YEARS), day=MUNICIPALITIES_DAY, version=INDICATORS_VERSION)
    if _reusable(target, recipe):
        return target
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    initialise(tmp, "147", today=MUNICIPALITIES_DAY)
    for sample in (tmp / "inputs" / "barometer").glob("*.csv"):
        sample.unlink()
    indicator_files(count, tmp / "inputs" / "barometer")
    return _publish(tmp, target, recipe)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=None, help="an economy export of this many rows")
    parser.add_argument("--municipalities", type=int, default=None, help="this many municipality folders (max 98)")
    parser.add_argument(
        "--indicators", type=int, default=None, help="this many indicator files, and a folder whose pack shows them"
    )
    args = parser.parse_args()
    if args.municipalities:
        print(municipalities(args.municipalities))
    if args.indicators:
        print(indicator_municipality(args.indicators))
    if args.rows or not (args.municipalities or args.indicators):
        print(generate(args.rows or 1_000_000))
