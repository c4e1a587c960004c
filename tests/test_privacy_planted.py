"""A distinct CPR number planted in every text field of every input kind — plan, economy export, indicator workbook
and CSV, measurement sheets, file names, a committee code, an initiative id, an indicator key — and a full run of
every command that writes or prints: no output file, member of a .docx/.xlsx, file or folder name, manifest, log or
console line may hold any of them, in any of the forms ``DDMMYY-SSSS``, ``DDMMYYSSSS`` or ``DDMMYY SSSS``."""

from __future__ import annotations

import itertools
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from reportgen.privacy import CPR_MASK, is_cpr


class Planter:
    """Hands out distinct CPR numbers with valid dates, in the three written forms, and remembers them."""

    def __init__(self) -> None:
        self.numbers: list[str] = []
        self._seq = itertools.count(1)

    def __call__(self) -> str:
        n = next(self._seq)
        digits = f"{(n % 28) + 1:02d}{(n % 12) + 1:02d}{(50 + n) % 100:02d}{1000 + n:04d}"
        assert is_cpr(digits)
        self.numbers.append(digits)
        form = n % 3
        return digits[:6] + ("-" if form == 0 else " " if form == 1 else "") + digits[6:]

    def leaks(self, text: str) -> list[str]:
        squeezed = re.sub(r"(?<=\d)[-\s](?=\d)", "", text)
        return [d for d in self.numbers if d in squeezed]


def plant_plan(root: Path, cpr: Planter, committee: str, initiative: str, indicator: str) -> None:
    path = root / "inputs" / "handleplan_2019.yaml"
    text = path.read_text(encoding="utf-8").replace("igu_forloeb", indicator)
    plan: dict[str, Any] = yaml.safe_load(text)
    plan["title"] = f"{plan['title']} {cpr()}"
    plan["goals"] = {k: f"{v} {cpr()}" for k, v in plan["goals"].items()}
    names = {k: f"{v} {cpr()}" for k, v in plan["committees"].items()}
    names[committee] = names.pop("KFU")
    plan["committees"] = names
    plan["labels"] = {k: f"{v} {cpr()}" for k, v in plan["labels"].items()}
    for item in plan["initiatives"]:
        item["title"] = f"{item['title']} {cpr()}"
        item["contact"] = f"{item.get('contact', 'Kontakt')} {cpr()}"
        item["assessment"] = f"{item.get('assessment', 'Administrationen vurderer indsatsen.')} {cpr()}"
        item["committees"] = [committee if c == "KFU" else c for c in item["committees"]]
        if item["id"] == "1":
            item["id"] = initiative
        for criterion in item["criteria"]:
            criterion["text"] = f"{criterion['text']} {cpr()}"
            criterion["note"] = f"Opgjort af {cpr()}"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    config = root / "reportgen.toml"
    config.write_text(
        (
            config.read_text(encoding="utf-8")
            .replace('"KFU"', f'"{committee}"')
            .replace("[committees.KFU]", f'[committees."{committee}"]')
        ),
        encoding="utf-8",
    )


def plant_economy(root: Path, cpr: Planter) -> None:
    old = root / "inputs" / "economy" / "oekonomi_2019_2020.csv"
    text = old.read_bytes().decode("cp1252")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    lines[0] += f" {cpr()}"
    for i, line in enumerate(lines):
        cells = line.split(";")
        if len(cells) == 5 and re.match(r"\d\d-\d\d-\d{4}", cells[0]):
            cells[3] = f"{cells[3]} borger {cpr()}"
            if i % 7 == 0:
                cells[2] = cpr()  # a project code no initiative reads
            lines[i] = ";".join(cells)
    (old.parent / f"oekonomi {cpr()}.csv").write_bytes(newline.join(lines).encode("cp1252"))
    old.unlink()


def plant_barometer(root: Path, cpr: Planter, indicator: str) -> None:
    old = root / "inputs" / "barometer" / "integrationsbarometer.xlsx"
    wb = load_workbook(old)
    for ws in wb.worksheets:
        ws["A1"] = f"{ws['A1'].value} {cpr()}"
        if ws["B2"].value == "igu_forloeb":
            ws["B2"] = indicator
    wb.save(old.parent / f"barometer_{cpr()}.xlsx")
    old.unlink()
    # a long-layout CSV (Statistics Denmark's StatBank export) whose labels and title hold numbers too
    rows = [f"Statistikbanken {cpr()}", "", "OMRÅDE;INDIKATOR;TID;INDHOLD"]
    rows += [f"Frederiksberg;Andel i job {cpr()};{year};{40 + year % 10}" for year in range(2015, 2020)]
    rows += [f"Hele landet;Andel i job {cpr()};{year};{45 + year % 10}" for year in range(2015, 2020)]
    (old.parent / f"statbank {cpr()}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def plant_measurements(root: Path, cpr: Planter, initiative: str) -> None:
    for old in sorted((root / "inputs" / "maalinger").glob("*.xlsx")):
        wb = load_workbook(old)
        ws = wb["Målinger"]
        ws["A1"] = f"{ws['A1'].value} {cpr()}"
        ws["A2"] = f"{ws['A2'].value} {cpr()}"
        for row in ws.iter_rows(min_row=5):
            if str(row[0].value) == "1":
                row[0].value = initiative
            if row[1].value:
                row[4].value = f"Borger {cpr()} deltog"
        for row in wb["Vurdering"].iter_rows(min_row=5):  # the written assessments
            if str(row[0].value) == "1":
                row[0].value = initiative
            if row[3].value:
                row[3].value = f"{row[3].value} Borger {cpr()} deltog."
        wb.save(old.with_name(f"{old.stem}-{cpr()}.xlsx"))
        old.unlink()
    with (root / "reportgen.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[barometer.files."statbank*.csv"]\ncolumns = { area = "OMRÅDE", indicator = "INDIKATOR", '
            'period = "TID", value = "INDHOLD" }\n'
        )


def every_text(root: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every file and folder name under ``root`` and every file's contents; the members of a
    .docx/.xlsx one by one."""
    for path in sorted(root.rglob("*")):
        where = str(path.relative_to(root))
        yield f"name {where}", where
        if not path.is_file():
            continue
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                for member in zf.namelist():
                    yield f"{where}!{member}", zf.read(member).decode("utf-8", errors="replace")
        else:
            yield where, path.read_bytes().decode("utf-8", errors="replace")


def test_no_planted_cpr_number_reaches_any_output_name_manifest_log_or_console(example: Path, cli) -> None:
    cpr = Planter()
    committee, initiative, indicator = cpr(), cpr(), cpr()
    plant_plan(example, cpr, committee, initiative, indicator)
    plant_economy(example, cpr)
    plant_barometer(example, cpr, indicator)
    plant_measurements(example, cpr, initiative)
    assert len(cpr.numbers) > 200
    print(f"planted {len(cpr.numbers)} distinct CPR numbers")

    console = []
    for n, args in enumerate(
        (
            ("validate",),
            ("--verbose", "run", "--committee", "AUU"),
            ("--verbose", "run", "--committee", committee, "--meeting", "2020-03-10", "--unscheduled"),
            ("--verbose", "run", "--annual", "2020"),
            ("collect", "--out", "indsamling"),
            ("due", "--today", "2020-03-02"),
        )
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        console += [f"console {n}: {line}" for line in (result.stdout + result.stderr).splitlines()]

    leaks = [f"{where}: {cpr.leaks(text)}" for where, text in every_text(example / "outputs") if cpr.leaks(text)]
    leaks += [f"{where}: {cpr.leaks(text)}" for where, text in every_text(example / "indsamling") if cpr.leaks(text)]
    leaks += [line for line in console if cpr.leaks(line)]
    assert leaks == []

    # not vacuous: the planted places did reach the outputs, masked, and were reported by place
    (manifest_path,) = (example / "outputs").glob("*/manifest.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    findings = manifest["privacy"]["findings"]
    assert len(findings) > 50
    print(f"{len(findings)} findings, each by place")
    assert all(set(f) == {"where", "what"} and not cpr.leaks(f["where"]) for f in findings)
    report = next(p for p in (example / "outputs").rglob("aarsstatus-2020.docx"))
    with zipfile.ZipFile(report) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
    assert body.count(CPR_MASK) > 50
    folders = [p.name for p in (example / "outputs").rglob("*") if p.is_dir()]
    assert any("cpr-maskeret" in name for name in folders)  # the committee's folder and the plan's slug
