"""Generate a synthetic economy export for the benchmarks: Windows-1252, ';', decimal comma, thousands dot.

python bench/generate.py --rows 5000000      # about 400 MB, written to bench/data/ (git-ignored)
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    print(generate(parser.parse_args().rows))
