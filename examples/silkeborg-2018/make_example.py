"""Generate the Silkeborg example inputs (python examples/silkeborg-2018/make_example.py). All figures are
illustrative: the strategy sets the criteria, not the results.

  inputs/barometer/integrationsbarometer.xlsx   wide layout: share of newly arrived refugees in work within a year
  inputs/barometer/lokale_maalinger.csv         long layout (indikator;kommune;periode;værdi, Windows-1252):
                                                the municipality's own follow-up of criteria 2-5
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from examples.common import wide_workbook
from reportgen.outputs import atomic_write_bytes

TABLES = {
    "beskaeftigelse_1aar": (
        "Andel nytilkomne flygtninge og familiesammenførte i beskæftigelse efter 1 år",
        "pct",
        ["2016K4", "2017K4", "2018K4"],
        {
            "Silkeborg": [22, 35, 47],
            "Aarhus": [18, 27, 36],
            "Herning": [25, 38, 49],
            "Viborg": [21, 33, 45],
            "Hele landet": [20, 32, 44],
        },
    ),
}
LOCAL = [  # indikator, periode, værdi
    ("i_uddannelse", "2016K2", "21"),
    ("i_uddannelse", "2017K2", "27"),
    ("i_uddannelse", "2018K2", "34"),
    ("foreningsdeltagende", "2016", "40"),
    ("foreningsdeltagende", "2017", "58"),
    ("foreningsdeltagende", "2018", "71"),
    ("benytter_sundhedstilbud", "2016", "52,0%"),
    ("benytter_sundhedstilbud", "2017", "57,5%"),
    ("benytter_sundhedstilbud", "2018", "61,0%"),
    ("trivsel_familier", "2016", "64,0%"),
    ("trivsel_familier", "2017", "66,5%"),
    ("trivsel_familier", "2018", "63,5%"),
]


def main() -> None:
    atomic_write_bytes(
        HERE / "inputs" / "barometer" / "integrationsbarometer.xlsx",
        wide_workbook(TABLES, "illustrative tal i Integrationsbarometerets format"),
    )
    lines = ["Silkeborg Kommune – egne opgørelser af integrationsstrategiens succeskriterier 2016-2018"]
    lines += ["indikator;kommune;periode;værdi"]
    lines += [f"{key};Silkeborg Kommune;{period};{value}" for key, period, value in LOCAL]
    lines += ["Kilde: Silkeborg Kommune, Integration (illustrative tal)"]
    atomic_write_bytes(
        HERE / "inputs" / "barometer" / "lokale_maalinger.csv", ("\r\n".join(lines) + "\r\n").encode("cp1252")
    )
    print("wrote example inputs under", HERE)


if __name__ == "__main__":
    main()
