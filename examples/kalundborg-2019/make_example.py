"""Generate the Kalundborg example inputs (python examples/kalundborg-2019/make_example.py).

Figures published in Kalundborg Kommune's Integrationspolitik (2019), from the national Integrationsbarometer, are
used as they stand ("policy" below); everything else is illustrative and marked so:
  - 9th grade, Danish, grade 2 or more (2017): 92 pct. of pupils of Danish origin in Kalundborg (97 pct. nationally),
    58 pct. of pupils of non-Western origin (86 pct. nationally)            -> karakter2_dansk / karakter2_ikke_vestlig
  - youth education completed: 56 pct. of Danish young people, 46 pct. of non-Western  -> ungdomsuddannelse_*
  - refugees and family-reunified with 3 years' residence in work, 2nd quarter 2018: 38 pct. -> beskaeftigelse_3aar
  - non-Western immigrants and descendants on public support: 39 pct.        -> offentlig_forsoergelse
  - integration benefit recipients in company-oriented activation, August 2018: 29 pct. -> virksomhedsrettet_aktivering
  - repatriation support granted to three persons in 2018                    -> the economy export (account 5.46.65)
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from openpyxl import Workbook

from examples.common import wide_workbook
from reportgen.outputs import atomic_write_bytes

YEARS = ["2015", "2016", "2017"]
TABLES = {
    # key: (title, unit, periods, {area: values})    policy figures are the last period of each row unless noted
    "karakter2_dansk": (
        "Andel med mindst 2 i dansk ved 9. klasses afgangsprøve, elever med dansk oprindelse",
        "pct",
        YEARS,
        {"Kalundborg": [90, 91, 92], "Holbæk": [93, 94, 94], "Slagelse": [91, 92, 93], "Hele landet": [96, 96, 97]},
    ),
    "karakter2_ikke_vestlig": (
        "Andel med mindst 2 i dansk ved 9. klasses afgangsprøve, elever med ikke-vestlig oprindelse",
        "pct",
        YEARS,
        {"Kalundborg": [54, 60, 58], "Holbæk": [80, 81, 83], "Slagelse": [75, 74, 78], "Hele landet": [84, 85, 86]},
    ),
    "ungdomsuddannelse_dansk": (
        "Andel unge med dansk oprindelse, der har gennemført en ungdomsuddannelse",
        "pct",
        YEARS,
        {"Kalundborg": [55, 57, 56], "Hele landet": [73, 74, 74]},
    ),
    "ungdomsuddannelse_ikke_vestlig": (
        "Andel unge med ikke-vestlig baggrund, der har gennemført en ungdomsuddannelse",
        "pct",
        YEARS,
        {"Kalundborg": [44, 45, 46], "Hele landet": [55, 56, 57]},
    ),
    "danskuddannelse_5aar": (
        "Andel kursister i integrationsprogrammet, der består danskuddannelsen inden for 5 år",
        "pct",
        YEARS,
        {"Kalundborg": [60, 58, 57], "Hele landet": [62, 63, 63]},
    ),  # illustrative
    "igu_forloeb": (
        "Antal registrerede IGU-forløb",
        "antal",
        ["2017", "2018"],
        {"Kalundborg": [2, 6], "Hele landet": [760, 1530]},
    ),  # illustrative
    "beskaeftigelse_3aar": (
        "Andel flygtninge og familiesammenførte med 3 års ophold, der er i arbejde",
        "pct",
        ["2016K2", "2017K2", "2018K2"],
        {"Kalundborg": [28, 33, 38], "Hele landet": [31, 37, 42]},
    ),  # policy: 38 (2018K2); the rest illustrative
    "offentlig_forsoergelse": (
        "Andel ikke-vestlige indvandrere og efterkommere på offentlig forsørgelse (fuldtidspersoner)",
        "pct",
        ["2017K2", "2018K2"],
        {"Kalundborg": [42, 39], "Hele landet": [38, 36]},
    ),  # policy: 39; the rest illustrative
    "virksomhedsrettet_aktivering": (
        "Andel integrationsydelsesmodtagere i virksomhedsrettet aktivering",
        "pct",
        ["2017M08", "2018M08"],
        {"Kalundborg": [24, 29], "Hele landet": [27, 27]},
    ),  # policy: 29 (August 2018)
    "andel_jobparate": (
        "Andel jobparate integrationsydelsesmodtagere i integrationsprogrammet",
        "pct",
        ["2017M08", "2018M08"],
        {"Kalundborg": [35, 41], "Hele landet": [38, 40]},
    ),  # illustrative: the policy's figure was lost
    "udsatte_boligomraader": (
        "Antal udsatte boligområder",
        "antal",
        ["2017", "2018"],
        {"Kalundborg": [1, 0], "Hele landet": [43, 43]},
    ),  # illustrative
}


def economy() -> bytes:
    """The jobcentre's economy export (xlsx, title rows): repatriation grants on 5.46.65 and other postings."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Posteringer"
    ws.append(["Jobcenter Kalundborg – udtræk fra økonomisystemet"])
    ws.append(["Periode: 01-01-2018 – 31-12-2019"])
    ws.append([])
    ws.append(["Bogføringsdato", "Funktion/art", "Aktivitet", "Tekst", "Beløb", "Antal bevillinger"])
    rows = [
        (dt.date(2018, 3, 14), "5.46.65.002", "REP", "Repatrieringsstøtte", 142_311.00, 1),  # policy: three in 2018
        (dt.date(2018, 8, 2), "5.46.65.002", "REP", "Repatrieringsstøtte", 98_650.00, 1),
        (dt.date(2018, 11, 20), "5.46.65.002", "REP", "Repatrieringsstøtte", 121_400.00, 1),
        (dt.date(2019, 2, 11), "5.46.65.002", "REP", "Repatrieringsstøtte", 131_250.00, 1),  # 2019: illustrative
        (dt.date(2019, 4, 29), "5.46.65.002", "REP", "Repatrieringsstøtte", 87_900.00, 1),
        (dt.date(2019, 5, 6), "5.46.65.002", "REP", "Tilbagebetaling, annulleret rejse", -87_900.00, -1),
        (dt.date(2019, 6, 17), "5.46.65.002", "REP", "Repatrieringsstøtte", 154_000.00, 1),
        (dt.date(2019, 9, 3), "5.46.65.002", "REP", "Repatrieringsstøtte", 66_125.00, 1),
        (dt.date(2019, 11, 25), "5.46.65.002", "REP", "Repatrieringsstøtte", 119_480.00, 1),
    ]
    for month in range(1, 13):  # other integration postings, not repatriation
        rows.append(
            (dt.date(2019, month, 10), "5.46.60.001", "INT", "Integrationsprogram", 210_000.00 + 1000 * month, None)
        )
        rows.append((dt.date(2019, month, 20), "5.46.61.001", "DANSK", "Danskuddannelse", 95_000.00, None))
    for row in sorted(rows):
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    atomic_write_bytes(
        HERE / "inputs" / "barometer" / "integrationsbarometer.xlsx",
        wide_workbook(
            TABLES,
            "Det Nationale Integrationsbarometer (de tal, Kalundborgs integrationspolitik nævner); "
            "øvrige tal er illustrative",
        ),
    )
    atomic_write_bytes(HERE / "inputs" / "economy" / "oekonomi_2018_2019.xlsx", economy())
    print("wrote example inputs under", HERE)


if __name__ == "__main__":
    main()
