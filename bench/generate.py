"""Generate a synthetic economy export for the benchmarks: Windows-1252, ';', decimal comma, thousands dot.

The export is written as the finance systems write them: a title row and a blank row above the header, dates in
mixed forms (``31-12-2019``, ``31.12.2019``, ``31/12/2019``, ``2019-12-31``), amounts with thousands dots and a
trailing minus (``1.234,50-``), Danish letters in the free text, and a trailing total row (``I alt``).

python bench/generate.py --rows 5000000      # about 330 MB, written to bench/data/ (git-ignored)
"""

from __future__ import annotations

import argparse
import random
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    print(generate(parser.parse_args().rows))
