"""The Excel appendix as a printed, published document: pages, print titles, margins, fonts, units, terms, the
budget chart, and (where LibreOffice is installed) the PDF a reader gets."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from reportgen.render.excel_chart import SERIES, budget_chart
from reportgen.render.excel_layout import MIN_SCALE, PRINT_WIDTH, print_setup
from tests.conftest import REPO, local_templates, pack_dir

UNIT_IN_HEADER = re.compile(r"\bkr\b|pct|%|procent")
UNIT_IN_FORMAT = re.compile(r'"kr\."|%|procentpoint')


@pytest.fixture(scope="module")
def appendices(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The AUU appendix of 8 December 2020 and the annual appendix of 2020, built once from the shipped example."""
    from reportgen.cli import cli

    root = tmp_path_factory.mktemp("appendix")
    shutil.copy(REPO / "reportgen.toml", root / "reportgen.toml")
    shutil.copytree(REPO / "inputs", root / "inputs", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    old = Path.cwd()
    os.chdir(root)
    try:
        for args in (("--meeting", "2020-12-08", "--committee", "AUU"), ("--annual", "2020")):
            result = CliRunner().invoke(cli, ["run", *args], catch_exceptions=False)
            assert result.exit_code == 0, result.stderr
    finally:
        os.chdir(old)
    folder = pack_dir(root)
    return {
        "auu": folder / "2020-12-08-AUU" / "bilag-AUU-2020-12-08.xlsx",
        "annual": folder / "aarsstatus-2020" / "aarsbilag-2020.xlsx",
        "manifest": folder / "manifest.json",
    }


def header_row(ws: Any) -> int:
    return int(str(ws.print_title_rows).split(":")[0].strip("$"))


def headers(ws: Any) -> dict[int, str]:
    return {c.column: str(c.value) for c in ws[header_row(ws)] if c.value is not None}


def widths(ws: Any) -> float:
    return sum(ws.column_dimensions[chr(64 + c)].width or 13 for c in headers(ws) if c <= 26) + sum(
        ws.column_dimensions[c.column_letter].width or 13 for c in ws[header_row(ws)] if c.column > 26
    )


@pytest.mark.parametrize("which", ["auu", "annual"])
def test_every_sheet_prints_landscape_a4_with_its_header_row_and_fitted_to_a_readable_width(
    appendices: dict[str, Path], which: str
) -> None:
    wb = load_workbook(appendices[which])
    ws: Any
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize or 0) == 9, ws.title
        assert ws.print_title_rows, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(setup.fitToHeight) == 0, ws.title
        pages_wide = int(setup.fitToWidth)
        scale = 100 * PRINT_WIDTH * pages_wide / widths(ws)
        assert pages_wide == 1 or scale >= MIN_SCALE, (ws.title, scale)
        if pages_wide > 1:  # the id and its short text repeated on every page
            assert str(ws.print_title_cols).replace("$", "") in ("A:B", "A:C", "A:D"), ws.title
    criteria: Any = wb["Succeskriterier"]
    assert int(criteria.page_setup.fitToWidth) == 1  # one page wide ...
    assert 100 * PRINT_WIDTH / widths(criteria) >= MIN_SCALE  # ... at a readable scale
    names = list(headers(criteria).values())
    assert names[:3] == ["Indsats", "Nr.", "Succeskriterium"]
    for name in ("Succeskriterium", "Forklaring"):
        column = names.index(name) + 1
        assert all(criteria.cell(row=r, column=column).alignment.wrap_text for r in range(2, criteria.max_row + 1))
    economy: Any = wb["Økonomi"]  # wider than a page: two pages wide, initiative and title on both
    assert int(economy.page_setup.fitToWidth) == 2 and str(economy.print_title_cols).replace("$", "") == "A:B"


@pytest.mark.parametrize("which", ["auu", "annual"])
def test_margins_hold_the_header_and_footer(appendices: dict[str, Path], which: str) -> None:
    ws: Any
    for ws in load_workbook(appendices[which]).worksheets:
        m = ws.page_margins
        assert m.header > 0 and m.footer > 0, ws.title
        assert m.top >= m.header + 0.3 and m.bottom >= m.footer + 0.3, (ws.title, m.top, m.header)
        assert ws.oddHeader.right.text == "&A" and ws.oddFooter.center.text == "Side &P af &N"


@pytest.mark.parametrize("which", ["auu", "annual"])
def test_every_written_cell_has_a_named_font(appendices: dict[str, Path], which: str) -> None:
    checked = 0
    for ws in load_workbook(appendices[which]).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None or cell.has_style:
                    assert cell.font is not None and cell.font.name, (ws.title, cell.coordinate)
                    checked += 1
        assert all(ws.cell(row=header_row(ws), column=c).font.name == "Calibri" for c in headers(ws)), ws.title
    assert checked > 200
    with zipfile.ZipFile(appendices[which]) as archive:  # no font in the stylesheet without a name
        styles = archive.read("xl/styles.xml").decode("utf-8")
    fonts = re.findall(r"<font>.*?</font>|<font/>", styles, flags=re.S)
    assert fonts and all("<name " in f for f in fonts), fonts


def test_an_economy_without_any_amount_prints_no_economy_sheet(tmp_path: Path) -> None:
    from reportgen.cli import cli

    root = tmp_path / "examples"
    shutil.copytree(REPO / "examples", root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    config = root / "silkeborg-2018" / "reportgen.toml"  # its plan gives no initiative a budget
    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--annual", "2018"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    (xlsx,) = root.parent.rglob("aarsbilag-2018.xlsx")
    assert load_workbook(xlsx).sheetnames == ["Overblik", "Succeskriterier", "Barometer", "Datagrundlag"]


def test_no_sheet_is_printed_without_rows(appendices: dict[str, Path]) -> None:
    auu = load_workbook(appendices["auu"])
    assert "Barometer" not in auu.sheetnames  # the committee follows no indicator
    assert auu.sheetnames == ["Overblik", "Succeskriterier", "Økonomi", "Datagrundlag"]
    annual = load_workbook(appendices["annual"])
    assert "Barometer" in annual.sheetnames
    for wb in (auu, annual):
        for ws in wb.worksheets:
            first = ws.cell(row=header_row(ws) + 1, column=1).value
            assert first is not None, ws.title  # at least one row under the header


@pytest.mark.parametrize("which", ["auu", "annual"])
def test_no_value_carries_its_unit_twice(appendices: dict[str, Path], which: str) -> None:
    units = 0
    for ws in load_workbook(appendices[which]).worksheets:
        names = headers(ws)
        for row in ws.iter_rows(min_row=header_row(ws) + 1):
            for cell in row:
                if isinstance(cell.value, (int, float)) and UNIT_IN_FORMAT.search(str(cell.number_format)):
                    units += 1
                    assert not UNIT_IN_HEADER.search(names.get(cell.column, "")), (ws.title, cell.coordinate)
        for name in names.values():
            assert not re.search(r"\((kr|pct)\.\)", name), (ws.title, name)
        assert "Enhed" not in names.values() or ws.title != "Barometer"
    assert units > 20  # kroner and shares are shown with their unit, in the number format


def test_the_appendix_says_succeskriterium_like_the_word_report(appendices: dict[str, Path]) -> None:
    wb = load_workbook(appendices["annual"])
    words = {str(c.value) for ws in wb.worksheets for c in ws[header_row(ws)] if c.value is not None}
    assert {"Succeskriterium", "Nr.", "Succeskriterier", "Budget", "Forbrugt", "Forbrugt af budget"} <= words
    assert not words & {"Kriterie", "Kriterier", "Succeskriterie", "Budget (kr.)", "Forbrug (pct.)"}


def test_datagrundlag_names_the_sources_without_paths_sizes_or_checksums(appendices: dict[str, Path]) -> None:
    ws = load_workbook(appendices["annual"])["Datagrundlag"]
    rows = [[v for v in r if v is not None] for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["Type", "Kilde", "Rækker"]
    assert any("Udtrukket 15-01-2021" in str(v) for r in rows for v in r)  # the extraction line stays
    texts = [str(v) for r in rows for v in r]
    assert not [t for t in texts if "inputs/" in t or re.fullmatch(r"[0-9a-f]{64}", t) or t.endswith(".xlsx")]
    manifest = appendices["manifest"].read_text(encoding="utf-8")
    assert "sha256" in manifest and "inputs/economy/" in manifest  # where they are kept


def chart_parts(path: Path) -> tuple[str, str]:
    with zipfile.ZipFile(path) as archive:
        drawing = next(n for n in archive.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n))
        chart = next(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return archive.read(drawing).decode("utf-8"), archive.read(chart).decode("utf-8")


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_the_budget_chart_reads_in_table_order_with_danish_labels_colours_and_alt_text(
    appendices: dict[str, Path],
) -> None:
    drawing, chart = chart_parts(appendices["auu"])
    chart = re.sub(r"<(/?)c:", r"<\1", chart)  # with or without the namespace prefix
    descr = re.search(r'<(?:xdr:)?cNvPr [^>]*descr="([^"]+)"', drawing)
    assert descr is not None
    assert descr.group(1).startswith("Søjlediagram: budget og forbrug pr. indsats, i tabellens rækkefølge.")
    assert "rækkefølge. Indsats 1: budget 250.000 kr. og forbrugt 242.500 kr.; indsats 2:" in descr.group(1)
    assert descr.group(1).index("Indsats 1:") < descr.group(1).index("indsats 4:")
    assert descr.group(1).endswith("forbrugt 170.609 kr.")  # one full stop
    assert re.search(r'<catAx>.*<orientation val="maxMin"/>.*</catAx>', chart, flags=re.S)  # first row at the top
    assert '<tickLblSkip val="1"/>' in chart  # every initiative named
    assert re.findall(r"<tx><strRef><f>'?Overblik'?!\$?I\$?5</f>", chart)  # series named by the header
    wb = load_workbook(appendices["auu"])
    names = headers(wb["Overblik"])
    assert {names[c] for c in (9, 10)} == {"Budget", "Forbrugt"}
    cats = re.search(r"<cat><strRef><f>'?Overblik'?!\$A\$(\d+):\$A\$(\d+)</f>", chart)  # ids as text
    assert cats is not None and (int(cats.group(1)), int(cats.group(2))) == (6, 9)  # the table's rows, in order
    fills = re.findall(r'<ser>.*?<a:srgbClr val="([0-9A-F]{6})"/>', chart, flags=re.S)
    assert fills == [colour for _, colour in SERIES]
    for colour in fills:
        assert (1.05) / (luminance(colour) + 0.05) >= 3, colour  # 3:1 against white
    assert abs(luminance(fills[0]) - luminance(fills[1])) > 0.08  # they differ in greyscale too
    assert "kr." in chart and "Indsats" in chart


def test_no_chart_when_only_one_initiative_has_a_budget(tmp_path: Path) -> None:
    wb = Workbook()
    ws: Any = wb.active
    ws.append(["Indsats", "Titel", "Budget", "Forbrugt"])
    ws.append(["1", "Kursuscaféen", 150000, 120000])
    ws.append(["2", "Lektiecafé", None, None])
    positions = {"Indsats": 1, "Titel": 2, "Budget": 3, "Forbrugt": 4}
    columns = {"Budget": "Budget", "Forbrugt": "Forbrugt"}
    assert not budget_chart(ws, 1, 3, positions, columns, "A6")
    ws["C3"] = 50000
    assert budget_chart(ws, 1, 3, positions, columns, "A6")
    wb.save(tmp_path / "chart.xlsx")
    drawing, _ = chart_parts(tmp_path / "chart.xlsx")
    assert 'indsats 2: budget 50.000 kr."' in drawing


def test_a_sheet_wider_than_a_page_repeats_its_id_columns(tmp_path: Path) -> None:
    wb = Workbook()
    ws: Any = wb.active
    ws.append([f"Kolonne {i}" for i in range(1, 21)])
    for i in range(1, 21):
        ws.column_dimensions[chr(64 + i)].width = 20  # 400 characters: more than a page at 60 %
    print_setup(ws, 1, 20, title_columns=3)
    wb.save(tmp_path / "wide.xlsx")
    again: Any = load_workbook(tmp_path / "wide.xlsx").active
    assert int(again.page_setup.fitToWidth) >= 2 and str(again.print_title_cols).replace("$", "") == "A:C"
    assert again.print_title_rows.replace("$", "") == "1:1"
    pages = int(again.page_setup.fitToWidth)
    per_page = (400 - 60) / pages + 60  # the repeated columns print on every page
    assert 100 * PRINT_WIDTH / per_page >= MIN_SCALE


def test_old_header_names_in_a_staff_template_still_work(example: Path, cli) -> None:
    folder = local_templates(example)
    wb = load_workbook(folder / "bilag.xlsx")
    old = {"Nr.": "Kriterie", "Succeskriterium": "Succeskriterie"}
    for cell in wb["Succeskriterier"][1]:
        cell.value = old.get(str(cell.value), cell.value)
    overview = {"Succeskriterier": "Kriterier", "Budget": "Budget (kr.)", "Forbrugt": "Forbrug (kr.)"}
    overview |= {"Forbrugt af budget": "Forbrug (pct.)"}
    for cell in wb["Overblik"][5]:
        cell.value = overview.get(str(cell.value), cell.value)
    wb.save(folder / "bilag.xlsx")
    result = cli("run", "--committee", "AUU", "--meeting", "2020-12-08")
    assert result.exit_code == 0, result.stderr
    assert "is not filled by reportgen" not in result.stderr
    out = load_workbook(next(pack_dir(example).glob("2020-12-08-AUU/bilag-*.xlsx")))
    criteria = out["Succeskriterier"]
    names = [c.value for c in criteria[1] if c.value]
    assert names[:3] == ["Indsats", "Nr.", "Succeskriterium"]  # headed by today's names
    assert criteria["B2"].value == "1.1" and str(criteria["C2"].value).startswith("Alle deltagerne afklares")
    head = [c.value for c in out["Overblik"][5]]
    assert {"Succeskriterier", "Budget", "Forbrugt", "Forbrugt af budget"} <= set(head)
    assert out["Overblik"].cell(row=6, column=head.index("Budget") + 1).value == 250000
    assert out["Overblik"].cell(row=6, column=head.index("Succeskriterier") + 1).value == 8


def test_a_template_opened_on_a_sheet_left_out_opens_on_the_first(example: Path, cli) -> None:
    folder = local_templates(example)
    wb = load_workbook(folder / "bilag.xlsx")
    wb.active = wb.sheetnames.index("Datagrundlag")  # the last sheet: its index is gone once Barometer is left out
    wb.save(folder / "bilag.xlsx")
    assert cli("run", "--committee", "AUU", "--meeting", "2020-12-08").exit_code == 0
    out = load_workbook(next(pack_dir(example).glob("2020-12-08-AUU/bilag-*.xlsx")))
    assert "Barometer" not in out.sheetnames and out.active is not None and out.active.title == "Overblik"


def test_a_template_whose_header_overlaps_the_table_gets_margins_that_hold_it(example: Path, cli) -> None:
    from openpyxl.worksheet.page import PageMargins

    folder = local_templates(example)
    wb = load_workbook(folder / "bilag.xlsx")
    wb["Succeskriterier"].page_margins = PageMargins(left=0.7, right=0.7, top=0.6, bottom=0.6, header=0.5)
    wb["Overblik"].page_margins = PageMargins(left=1.0, right=1.0, top=1.2, bottom=1.0, header=0.4, footer=0.4)
    wb.save(folder / "bilag.xlsx")
    assert cli("run", "--committee", "AUU", "--meeting", "2020-12-08").exit_code == 0
    out = load_workbook(next(pack_dir(example).glob("2020-12-08-AUU/bilag-*.xlsx")))
    m = out["Succeskriterier"].page_margins
    assert m.top >= m.header + 0.3 and m.bottom >= m.footer + 0.3
    kept = out["Overblik"].page_margins  # margins that already hold the header are the template's own
    assert (kept.left, kept.top, kept.header) == (1.0, 1.2, 0.4)


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")), reason="needs LibreOffice")
def test_every_printed_page_of_succeskriterier_shows_criterion_ids(appendices: dict[str, Path], tmp_path: Path) -> None:
    from reportgen.render.pdf import convert_to_pdf

    source = tmp_path / appendices["auu"].name
    shutil.copy(appendices["auu"], source)
    (pdf,) = convert_to_pdf([source])
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    sheets = [p.strip().splitlines()[0].strip() for p in pages]  # the page header names the sheet
    assert sheets.count("Overblik") == 1 and "Barometer" not in sheets
    criteria_pages = [p for p, s in zip(pages, sheets, strict=True) if s == "Succeskriterier"]
    assert 1 <= len(criteria_pages) <= 3
    for page in criteria_pages:
        ids = re.findall(r"^\s*\d+\s+(\d+\.[0-9A-Z]+)\s+\S", page, flags=re.M)
        assert ids, page[:500]
        assert "Succeskriterium" in page and "Forklaring" in page  # the whole width on each page
    economy = [p for p, s in zip(pages, sheets, strict=True) if s == "Økonomi"]
    assert len(economy) == 2 and all("Kursuscaféen" in p for p in economy)
    assert "Datagrundlag" in sheets and "SHA" not in text and "inputs/" not in text
    assert len(pages) <= 7
