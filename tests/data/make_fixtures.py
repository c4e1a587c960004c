"""Write the reader fixtures in this folder (committed; re-run to regenerate): python tests/data/make_fixtures.py

Every economy variant holds the same five postings written the way a different finance system would write them,
so the tests can check that all variants read to identical values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
ECONOMY = HERE / "economy"
BAROMETER = HERE / "barometer"

# (date, account, project, text, amount)
POSTINGS = [
    (dt.date(2019, 1, 15), "5.46.61", "INT19-01", "Honorar", "1234.50"),
    (dt.date(2019, 2, 28), "5.46.61.001", "INT19-01", "Tolk", "250.00"),
    (dt.date(2019, 3, 31), "5.46.60", "INT19-02", "Korrektion", "-1234.50"),
    (dt.date(2019, 6, 30), "5.46.65.003", "", "Repatriering", "15000.00"),
    (dt.date(2019, 12, 31), "5.46.60.002", "INT19-02", "Lokaleleje", "1000000.00"),
]


def danish(amount: str, negative_style: str = "lead") -> str:
    from decimal import Decimal

    value = Decimal(amount)
    whole, frac = f"{abs(value):.2f}".split(".")
    text = f"{int(whole):,}".replace(",", ".") + "," + frac
    if value >= 0:
        return text
    return {"lead": "-" + text, "trail": text + "-", "paren": "(" + text + ")"}[negative_style]


def write(path: Path, text: str, encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def economy_files() -> None:
    # 1. Windows-1252, ';', title rows, dd-mm-yyyy, trailing minus, dotted accounts, a total row "I alt".
    lines = [
        "Posteringsliste – Jobcentret",
        "Udtræk pr. 15-01-2020",
        "",
        "Bogføringsdato;Konto;Projekt;Posteringstekst;Beløb",
    ]
    for d, acc, proj, text, amount in POSTINGS:
        lines.append(f"{d:%d-%m-%Y};{acc};{proj};{text} æøå;{danish(amount, 'trail')}")
    lines.append(";;;I alt;1.015.250,00")
    write(ECONOMY / "semikolon_cp1252.csv", "\r\n".join(lines) + "\r\n", "cp1252")

    # 2. UTF-8 with BOM, ',' separator, quoted Danish amounts, dd.mm.yyyy, parentheses, other column names.
    lines = ["Dato,Kontonr,Aktivitet,Tekst,Beløb kr."]
    for d, acc, proj, text, amount in POSTINGS:
        lines.append(f'{d:%d.%m.%Y},{acc},{proj},"{text}, betalt","{danish(amount, "paren")}"')
    write(ECONOMY / "komma_utf8bom.csv", "\ufeff" + "\n".join(lines) + "\n", "utf-8")

    # 3. UTF-8, tab separated, ISO dates, leading minus, undotted accounts (8 digits).
    lines = ["dato\tkonto\tprojekt\ttekst\tbeloeb\tantal"]
    for d, acc, proj, text, amount in POSTINGS:
        digits = acc.replace(".", "").ljust(8, "0") if acc.count(".") == 3 else acc.replace(".", "")
        lines.append(f"{d:%Y-%m-%d}\t{digits}\t{proj}\t{text}\t{danish(amount)}\t1")
    write(ECONOMY / "tab_utf8.csv", "\n".join(lines) + "\n", "utf-8")

    # 4. XLSX with title rows, real dates, numeric amounts, one Excel serial date, and a total row without a date.
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Udtræk"
    ws.append(["Økonomiudtræk fra KMD Opus"])
    ws.append(["Periode: 2019"])
    ws.append([])
    ws.append(["Bogføringsdato", "Konto", "Projekt", "Posteringstekst", "Beløb"])
    for k, (d, acc, proj, text, amount) in enumerate(POSTINGS):
        date_cell: object = (d - dt.date(1899, 12, 30)).days if k == 1 else d
        ws.append([date_cell, acc, proj or None, text, float(amount)])
    ws.append([None, None, None, None, 1015250.0])
    wb.save(ECONOMY / "titelrækker.xlsx")

    # 5. XLSX with every cell as text, the Danish way.
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Bogføringsdato", "Konto", "Projekt", "Posteringstekst", "Beløb"])
    for d, acc, proj, text, amount in POSTINGS:
        ws.append([f"{d:%d-%m-%Y}", acc, proj, text, danish(amount)])
    wb.save(ECONOMY / "tekstceller.xlsx")

    # Error fixture: a bad amount on line 57 and a bad date on line 40.
    lines = ["Bogføringsdato;Konto;Projekt;Posteringstekst;Beløb"]
    for n in range(2, 61):
        amount = "12,3,4" if n == 57 else f"{n}.000,00"
        date = "31-02-2019" if n == 40 else "15-03-2019"
        lines.append(f"{date};5.46.60;INT19-01;Post {n};{amount}")
    write(ECONOMY / "fejl_linje57.csv", "\n".join(lines) + "\n", "utf-8")


def barometer_files() -> None:
    BAROMETER.mkdir(parents=True, exist_ok=True)
    # Wide xlsx: title and metadata rows, 'Kommune' header, every name spelling, symbols, percentages, a footnote.
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Beskæftigelse"
    ws.append(["Integrationsbarometer: andel i beskæftigelse efter 3 år"])
    ws.append(["Indikator:", "beskaeftigelse_3aar"])
    ws.append(["Enhed:", "pct"])
    ws.append([])
    ws.append(["Kommune", "2018", "2019"])
    ws.append(["Frederiksberg Kommune", 41.5, "42,0"])
    ws.append(["Københavns Kommune", "38,5%", 39])
    ws.append(["Nordfyns", "..", "..."])
    ws.append(["Vesthimmerlands Kommune", "-", 12])
    ws.append(["Bornholms Regionskommune", 30, 31.25])
    ws.append(["0326 Kalundborg", 37, 38])
    ws.append(["Hele landet", 40.1, 41.2])
    ws.append(["Region Hovedstaden", 39, 40])
    ws.append(["Christiansø", None, None])
    ws.append([])
    ws.append(["Kilde: Integrationsbarometer.dk, udtrukket til test. '..' = for usikkert til at blive offentliggjort."])
    wb.save(BAROMETER / "bred.xlsx")

    # Wide csv: 'Område' header, quarters in three spellings, ';' and Windows-1252.
    text = "Jobindsats: antal IGU-forløb\r\nIndikator: igu_forloeb\r\n\r\nOmråde;2019K1;2019Q2;2019 3. kvt.\r\nÆrø;1;2;3\r\nAarhus;10;11;12\r\nHele landet;100;110;120\r\n"
    write(BAROMETER / "bred_kvartal.csv", text, "cp1252")

    # Long csv: indikator;kommune;periode;værdi with months, rolling years and Y01.
    text = "indikator;kommune;periode;værdi\nledighed;147;2019M09;3,5%\nledighed;147;2019M10;3,4%\nledighed;0;2019M09;4,1%\nydelse;Frederiksberg;2019QMAT04;1.234\nydelse;Frederiksberg;2019Y01;1.300\nydelse;Hele landet;2019QMAT04;..\n"
    write(BAROMETER / "lang.csv", text, "utf-8")

    # Long xlsx in Jobindsats' style: title rows, Område/Periode/Antal, no indicator column (the config gives it).
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Jobindsats.dk – Integrationsgrunduddannelse (IGU)"])
    ws.append(["Udtrukket 2020-02-01"])
    ws.append([])
    ws.append(["Område", "Periode", "Antal"])
    for area, period, value in [
        ("Nordfyns", "2019M11", 3),
        ("Nordfyns", "2019M12", 4),
        ("Uoplyst kommune", "2019M12", 1),
        ("Hele landet", "2019M12", 412),
    ]:
        ws.append([area, period, value])
    wb.save(BAROMETER / "jobindsats.xlsx")

    # Errors: an unknown area, a malformed value and a bad period header.
    text = "Indikator: test\nKommune;2019;2019X9\nFrederiksborg;1;2\nFrederiksberg;12,3,4;3\n"
    write(BAROMETER / "fejl.csv", text, "utf-8")


if __name__ == "__main__":
    economy_files()
    barometer_files()
    print("wrote fixtures under", HERE)
