"""Council-ready documents: page and document settings, the summary with what changed, charts with alt text,
sources, templates that ship with the package and keep what staff add, and tagged PDF."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import load_workbook
from openpyxl.drawing.image import Image as XlImage
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from tests.conftest import PACKAGE_TEMPLATES, REPO, edit_config, local_templates, pack_dir

KALUNDBORG = "examples/kalundborg-2019/reportgen.toml"


@pytest.fixture
def kalundborg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def xml_of(path: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def test_word_reports_are_a4_danish_with_properties_header_footer_and_contents(example: Path, cli) -> None:
    assert cli("run", "--committee", "AUU", "--meeting", "2020-09-08").exit_code == 0
    (path,) = pack_dir(example).glob("*-AUU/*.docx")
    doc = Document(str(path))
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None and section.left_margin is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.left_margin == Mm(20) or round(section.left_margin.mm) == 20
    styles = xml_of(path, "word/styles.xml")
    assert 'w:lang w:val="da-DK"' in styles and "en-US" not in styles
    props = doc.core_properties
    assert props.author == "Frederiksberg Kommune" and props.language == "da-DK"
    assert props.title == "Integrationspolitikkens handleplan 2019 – Status til Arbejdsmarkeds- og Uddannelsesudvalget"
    assert props.created.year >= 2024 and props.created == props.modified  # the run, not python-docx's 2013
    assert section.header.paragraphs[0].text == (
        "Frederiksberg Kommune · Arbejdsmarkeds- og Uddannelsesudvalget, mødet den 8. september 2020"
    )
    footer = xml_of(path, "word/footer1.xml")
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer and "Side " in footer
    body = xml_of(path)
    # a plain contents list, right as it is: no field for Word to ask about refreshing
    assert "TOC \\o" not in body and "w:updateFields" not in xml_of(path, "word/settings.xml")
    contents = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "toc 1"]
    assert contents[0] == "Sammenfatning" and contents[-1] == "Datagrundlag"
    for level, name in enumerate(("Heading 1", "Heading 2")):
        style = doc.styles[name]
        assert style.paragraph_format.keep_with_next
        assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level)
    # every data table repeats its header row on a new page, and no row splits across pages
    tables = list(doc.tables)
    row_properties = [[r._tr.trPr for r in t.rows] for t in tables]
    assert tables and all(None not in rows for rows in row_properties)
    assert all(rows[0].find(qn("w:tblHeader")) is not None for rows in row_properties)
    assert all(p.find(qn("w:cantSplit")) is not None for rows in row_properties for p in rows)
    # the cover block
    cover = dict(p.text.split(": ", 1) for p in doc.paragraphs[2:7])  # "Møde: 8. september 2020" lines
    assert cover["Møde"] == "8. september 2020" and cover["Tallene er opgjort pr."] == "8. september 2020"


def test_the_summary_lists_what_needs_attention_and_what_changed_since_the_last_pack(example: Path, cli) -> None:
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    first = Document(str(next(pack_dir(example).glob("2020-03-10-AUU/*.docx"))))
    assert "Der er ingen tidligere status til udvalget at sammenligne med." in [p.text for p in first.paragraphs]
    # the next meeting's pack compares with the earlier one, whose manifest is now in the archive
    assert cli("run", "--committee", "AUU", "--meeting", "2020-09-08").exit_code == 0
    # no pack was replaced: the earlier manifest is kept among the earlier manifests, no _arkiv/<time>/ is made
    assert list(pack_dir(example).glob("_arkiv/manifester/manifest-*.json"))
    assert [p.name for p in (pack_dir(example) / "_arkiv").iterdir()] == ["manifester"]
    doc = Document(str(next(pack_dir(example).glob("2020-09-08-AUU/*.docx"))))
    texts = [p.text for p in doc.paragraphs]
    assert "Succeskriterier med ny status siden status til mødet den 10. marts 2020, det dårligste først:" in texts
    (changes,) = [
        t
        for t in doc.tables
        if [c.text for c in t.rows[0].cells]
        == ["Nr.", "Succeskriterium", "Status før", "Tal før", "Status nu", "Tal nu"]
    ]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in changes.rows[1:]}
    assert rows["1.2"][2:] == ["På vej", "24", "Bagud", "33"]
    assert rows["1.2"][1] == "40 aktivitetsparate flygtninge deltager i 4 forløb à 10 borgere"
    assert rows["3.3"][2:] == ["Bagud", "8", "På vej", "13"]
    (attention,) = [
        t
        for t in doc.tables
        if [c.text for c in t.rows[0].cells] == ["Nr.", "Succeskriterium", "Status", "Forklaring"]
        and "Kræver" in _heading_before(doc, t)
    ]
    listed = {r.cells[0].text: r.cells[2].text for r in attention.rows[1:]}
    assert listed and set(listed.values()) <= {"Bagud", "Ikke opfyldt"}
    assert listed["1.2"] == "Bagud"


def _heading_before(doc: Any, table: Any) -> str:
    """The text of the last heading before ``table`` in the document body."""
    heading = ""
    for element in doc.element.body.iterchildren():
        if element is table._tbl:
            return heading
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")).startswith("Heading"):
            heading = "".join(t.text or "" for t in element.iter(qn("w:t")))
    return heading


def test_charts_have_danish_alt_text_and_their_figures_in_a_table(kalundborg: Path, cli) -> None:
    assert cli("run", "--config", KALUNDBORG, "--annual", "2019").exit_code == 0
    path = next((kalundborg / "outputs").rglob("aarsstatus-2019.docx"))
    body = xml_of(path)
    doc = Document(str(path))
    descriptions = [e.get("descr") for e in doc.element.body.iter(qn("wp:docPr"))]
    assert len(descriptions) >= 10 and all(d and d.startswith(("Linjediagram:", "Søjlediagram:")) for d in descriptions)
    assert any("Kalundborg: 90 pct. til 92 pct.; hele landet: 96 pct. til 97 pct." in d for d in descriptions)
    assert "Andel med mindst 2 i dansk ved 9. klasses afgangsprøve, elever med dansk oprindelse" in body
    # each indicator's table once: under its goal, none repeated at the end
    titles = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert len(titles) == len(set(titles))


def test_a_committee_pack_shows_only_the_indicators_its_criteria_follow(kalundborg: Path, cli) -> None:
    assert (
        cli("run", "--config", KALUNDBORG, "--committee", "BUU", "--meeting", "2019-12-10", "--unscheduled").exit_code
        == 0
    )
    path = next((kalundborg / "outputs").rglob("status-BUU-*.docx"))
    headings = [p.text for p in Document(str(path)).paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert "Andel med mindst 2 i dansk ved 9. klasses afgangsprøve, elever med dansk oprindelse" in headings
    assert not any("arbejde" in h or "forsørgelse" in h for h in headings)  # the labour market committee's


def test_sources_are_named_by_what_they_say_not_by_path(kalundborg: Path, cli) -> None:
    assert cli("run", "--config", KALUNDBORG, "--annual", "2019").exit_code == 0
    path = next((kalundborg / "outputs").rglob("aarsstatus-2019.docx"))
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Kilde: Det Nationale Integrationsbarometer (de tal, Kalundborgs integrationspolitik nævner)" in text
    assert "integrationsbarometer.xlsx" not in text and "sha256" not in text.casefold()
    wb = load_workbook(next((kalundborg / "outputs").rglob("aarsbilag-2019.xlsx")))
    sheet = [[str(v) for v in r if v is not None] for r in wb["Datagrundlag"].iter_rows(values_only=True)]
    assert sheet[0] == ["Type", "Kilde", "Rækker"] and [r[0] for r in sheet[1:]] == ["Økonomiudtræk", "Indikatorer"]
    assert not any("inputs/" in v or re.fullmatch("[0-9a-f]{64}", v) for r in sheet for v in r)
    manifest = json.loads(next((kalundborg / "outputs").rglob("manifest.json")).read_text(encoding="utf-8"))
    assert "inputs/economy/oekonomi_2018_2019.xlsx" in [i["path"] for i in manifest["inputs"]]  # paths stay there
    assert all(re.fullmatch("[0-9a-f]{64}", i["sha256"]) for i in manifest["inputs"])


def test_the_excel_appendix_prints_on_a4_with_danish_headers_and_a_chart_from_zero(example: Path, cli) -> None:
    assert cli("run", "--annual", "2020").exit_code == 0
    wb = load_workbook(pack_dir(example) / "aarsstatus-2020" / "aarsbilag-2020.xlsx")
    assert wb.properties.creator == "Frederiksberg Kommune" and wb.properties.title.startswith("Integrationspolitik")
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize or 0) == 9 and ws.page_setup.orientation == "landscape", ws.title
        assert ws.print_title_rows, ws.title
    economy = wb["Økonomi"]
    header = [c.value for c in economy[1]]
    assert "feb. 2019" in header and "dec. 2020" in header
    assert economy.column_dimensions["B"].width >= 30  # titles are readable, not "###"
    (chart,) = wb["Overblik"]._charts  # type: ignore[attr-defined]  # openpyxl keeps charts in a private list
    assert chart.y_axis.scaling.min == 0 and chart.grouping == "clustered"
    assert wb["Overblik"]["A1"].value == "Integrationspolitikkens handleplan 2019"


def test_an_unknown_name_in_an_excel_title_cell_is_an_error_naming_it(example: Path, cli) -> None:
    folder = local_templates(example)
    wb = load_workbook(folder / "bilag.xlsx")
    wb["Overblik"]["A2"] = "{{ udvalgsformand }}"
    wb.save(folder / "bilag.xlsx")
    result = cli("validate")
    assert result.exit_code == 2
    assert (
        "templates/bilag.xlsx:Overblik: cell A2 uses an unknown variable: 'udvalgsformand' is undefined"
        in result.stderr
    )


def test_validate_names_an_unknown_variable_in_a_word_template(example: Path, cli) -> None:
    folder = local_templates(example)
    doc = Document(str(folder / "status.docx"))
    doc.add_paragraph("{{ mødeleder }}")
    doc.save(str(folder / "status.docx"))
    result = cli("validate")
    assert result.exit_code == 2
    assert "templates/status.docx: the template uses an unknown variable: 'mødeleder' is undefined" in result.stderr


def test_what_staff_add_to_the_templates_is_kept(example: Path, cli, tmp_path: Path) -> None:
    folder = local_templates(example)
    # Excel: a logo, a defined name, conditional formatting, data validation, print titles
    logo = tmp_path / "logo.png"
    from PIL import Image

    Image.new("RGB", (120, 40), (31, 78, 121)).save(logo)
    wb = load_workbook(folder / "bilag.xlsx")
    overview = wb["Overblik"]
    overview.add_image(XlImage(str(logo)), "H1")
    wb.defined_names["Kommune"] = DefinedName("Kommune", attr_text="Overblik!$A$2")
    red = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
    overview.conditional_formatting.add("K6:K40", CellIsRule(operator="greaterThan", formula=["1"], fill=red))
    validation = DataValidation(type="list", formula1='"Ja,Nej"')
    overview.add_data_validation(validation)
    validation.add("M6:M40")
    wb["Succeskriterier"].print_title_cols = "A:C"
    wb.save(folder / "bilag.xlsx")
    # Word: a logo in the header and a restyled heading
    doc = Document(str(folder / "status.docx"))
    doc.sections[0].header.add_paragraph().add_run().add_picture(str(logo), width=Mm(30))
    doc.styles["Heading 1"].font.size = Pt(20)
    doc.save(str(folder / "status.docx"))

    result = cli("run", "--committee", "AUU", "--meeting", "2020-09-08")
    assert result.exit_code == 0, result.stderr
    out = load_workbook(next(pack_dir(example).glob("*-AUU/bilag-*.xlsx")))
    assert len(out["Overblik"]._images) == 1  # type: ignore[attr-defined]  # openpyxl keeps images in a private list
    assert "Kommune" in out.defined_names
    assert any("K6:K40" in str(rng.sqref) for rng in out["Overblik"].conditional_formatting)
    assert [str(dv.sqref) for dv in out["Overblik"].data_validations.dataValidation] == ["M6:M40"]
    assert out["Succeskriterier"].print_title_cols in ("A:C", "$A:$C")
    word = Document(str(next(pack_dir(example).glob("*-AUU/status-*.docx"))))
    assert any(r._element.xpath(".//pic:pic") for p in word.sections[0].header.paragraphs for r in p.runs)
    assert word.styles["Heading 1"].font.size == Pt(20)


def test_what_openpyxl_cannot_keep_is_a_warning_naming_the_template(example: Path, cli, tmp_path: Path) -> None:
    folder = local_templates(example)
    # add a text box (a drawing shape) to the appendix template, as Excel would write it
    source = folder / "bilag.xlsx"
    patched = tmp_path / "bilag.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(patched, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr(
            "xl/drawings/drawing9.xml",
            '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">'
            "<xdr:twoCellAnchor><xdr:sp><xdr:txBody/></xdr:sp></xdr:twoCellAnchor></xdr:wsDr>",
        )
    shutil.copy(patched, source)
    result = cli("run", "--committee", "AUU", "--meeting", "2020-09-08")
    assert result.exit_code == 0, result.stderr
    assert (
        "reportgen: warning: templates/bilag.xlsx: the template's text boxes or shapes are not kept in the appendix "
        "(openpyxl cannot write them)"
    ) in result.stderr


def test_without_templates_section_the_built_in_templates_are_used_by_an_installed_package(tmp_path: Path) -> None:
    """A non-editable install (the wheel's files only, not this checkout) run from an empty folder."""
    if not (REPO / "setup.cfg").is_file():
        pytest.skip("builds a wheel from the source checkout, and the tests run outside one")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("reportgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"reportgen/templates/{p.name}" for p in PACKAGE_TEMPLATES.glob("*.*")} <= set(names)
    installed = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(installed), str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "kommune"
    shutil.copytree(REPO / "inputs", work / "inputs", ignore=shutil.ignore_patterns("*.py"))
    config = (REPO / "reportgen.toml").read_text(encoding="utf-8")
    assert "[templates]" not in config
    (work / "reportgen.toml").write_text(config, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(installed)}
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "run", "--committee", "UU", "--meeting", "2020-12-09"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (
        str(installed)
        in subprocess.run(
            [sys.executable, "-c", "import reportgen; print(reportgen.__file__)"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    )
    assert list(work.glob("outputs/*/2020-12-09-UU/status-UU-2020-12-09.docx"))


def test_pdf_without_libreoffice_is_refused_before_anything_is_written(
    example: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(example))  # no soffice on this PATH
    result = cli("run", "--committee", "AUU", "--pdf")
    assert result.exit_code == 2
    assert "reportgen: error: --pdf: LibreOffice (soffice) is not installed, so no PDF can be made" in result.stderr
    assert not (example / "outputs").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_pdf_is_tagged_danish_with_headings_figures_alt_text_and_table_headers(kalundborg: Path, cli) -> None:
    from pypdf import PdfReader

    assert cli("run", "--config", KALUNDBORG, "--annual", "2019", "--pdf").exit_code == 0
    path = next((kalundborg / "outputs").rglob("aarsstatus-2019.pdf"))
    reader = PdfReader(str(path))
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "da-DK"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    kinds: dict[str, int] = {}
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        kind = node.get("/S")
        if kind is not None:
            kinds[str(kind)] = kinds.get(str(kind), 0) + 1
            if kind == "/Figure":
                alts.append(str(node.get("/Alt", "")))
        if "/K" in node:
            walk(node["/K"])

    walk(root["/StructTreeRoot"])
    assert kinds.get("/H1", 0) >= 4 and kinds.get("/H2", 0) >= 4
    assert kinds.get("/Table", 0) >= 5 and kinds.get("/TH", 0) >= 5
    assert alts and all(a.startswith(("Linjediagram:", "Søjlediagram:")) for a in alts)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "92 pct." in text and "Side 1 af" in text
    assert "Målsætning: Uddannelse (indsats U)" in text  # the contents list


def test_the_config_with_a_templates_section_wins(example: Path, cli) -> None:
    folder = local_templates(example)
    doc = Document(str(folder / "status.docx"))
    doc.add_paragraph("Udarbejdet af sekretariatet")
    doc.save(str(folder / "status.docx"))
    assert cli("run", "--committee", "UU").exit_code == 0
    text = [p.text for p in Document(str(next(pack_dir(example).glob("*-UU/*.docx")))).paragraphs]
    assert "Udarbejdet af sekretariatet" in text
    edit_config(example, 'status = "templates/status.docx"\n', "")
    assert cli("run", "--committee", "UU").exit_code == 0
    text = [p.text for p in Document(str(next(pack_dir(example).glob("*-UU/*.docx")))).paragraphs]
    assert "Udarbejdet af sekretariatet" not in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_annual_pack_has_two_pdfs_and_the_appendix_prints_danish_numbers(example: Path, cli) -> None:
    from pypdf import PdfReader

    result = cli("run", "--annual", "2019", "--today", "2019-12-31", "--pdf", "--pdf-appendix")
    assert result.exit_code == 0, result.stderr
    folder = pack_dir(example) / "aarsstatus-2019"
    assert (folder / "aarsstatus-2019.pdf").is_file() and (folder / "aarsbilag-2019.pdf").is_file()
    assert result.stdout.count(".pdf") == 2  # each PDF named once: neither overwrote the other
    manifest = json.loads((pack_dir(example) / "manifest.json").read_text(encoding="utf-8"))
    files = {f["name"] for f in manifest["packs"][0]["files"]}
    assert {"aarsstatus-2019.pdf", "aarsbilag-2019.pdf"} <= files
    word = PdfReader(str(folder / "aarsstatus-2019.pdf"))
    assert "Side 1 af" in word.pages[0].extract_text()  # the Word report's own PDF, not the appendix
    appendix = PdfReader(str(folder / "aarsbilag-2019.pdf"))
    root: Any = appendix.trailer["/Root"]
    assert root["/Lang"] == "da-DK"
    text = "\n".join(page.extract_text() for page in appendix.pages)
    assert re.search(r"\d{1,3}\.\d{3} kr\.", text), "thousands with a full stop, as a Danish reader expects"
    assert not re.search(r"\d{1,3},\d{3} kr\.", text), "no English thousands separator"


def test_every_wrapped_cell_of_the_appendix_has_room_for_its_lines(example: Path, cli) -> None:
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    wb = load_workbook(next(pack_dir(example).glob("2020-03-10-AUU/bilag-*.xlsx")))
    tall = 0
    for ws in wb.worksheets:
        header_row = int(str(ws.print_title_rows).split(":")[0].strip("$"))
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                    continue
                width = ws.column_dimensions[cell.column_letter].width or 8.43
                if len(cell.value) > 1.25 * width:  # it wraps even in a narrow font: the height of its lines
                    height = ws.row_dimensions[cell.row].height
                    assert height is not None and height >= 2 * 15, (ws.title, cell.coordinate, height)
                    assert cell.alignment.vertical == ("center" if cell.row == header_row else "top")
                    tall += 1
    assert tall > 20
