"""Generate a synthetic economy export for the benchmarks: Windows-1252, ';', decimal comma, thousands dot.

python bench/generate.py --rows 5000000      # about 400 MB, written to bench/data/ (git-ignored)
python bench/generate.py --municipalities 98 # 98 municipality folders (config, plan, inputs), as `reportgen init`
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

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


def generate(rows: int, seed: int = 1) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"oekonomi_{rows}.csv"
    if path.exists():
        return path
    rng = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="cp1252", newline="") as fh:
        fh.write("Posteringsudtræk – syntetiske data\r\n\r\nBogføringsdato;Konto;Projekt;Posteringstekst;Beløb\r\n")
        chunk = []
        for _ in range(rows):
            amount = rng.randint(-50_000, 2_000_000) / 100
            whole, frac = f"{abs(amount):.2f}".split(".")
            text = f"{int(whole):,}".replace(",", ".") + "," + frac + ("-" if amount < 0 else "")
            chunk.append(
                f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.choice((2019, 2020))};"
                f"5.46.{rng.choice((60, 61, 65))}.00{rng.randint(1, 9)};"
                f"INT19-{rng.randint(1, 12):02d};{rng.choice(TEXTS)};{text}\r\n"
            )
            if len(chunk) == 100_000:
                fh.write("".join(chunk))
                chunk.clear()
        fh.write("".join(chunk))
    tmp.replace(path)
    return path


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
    if target.is_dir() and len(list(target.glob("*/reportgen.toml"))) == len(areas):
        return target
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for area in areas:
        initialise(tmp / f"{area.code}-{area.name.lower().replace(' ', '-')}", str(area.code), today=MUNICIPALITIES_DAY)
    shutil.rmtree(target, ignore_errors=True)
    tmp.replace(target)
    return target


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=None, help="an economy export of this many rows")
    parser.add_argument("--municipalities", type=int, default=None, help="this many municipality folders (max 98)")
    args = parser.parse_args()
    if args.municipalities:
        print(municipalities(args.municipalities))
    if args.rows or not args.municipalities:
        print(generate(args.rows or 1_000_000))
