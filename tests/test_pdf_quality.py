"""Every PDF of the shipped examples' packs, read back: what it claims (PDF/UA only when its structure holds it,
PDF/A-2b), its language, its fonts (embedded, Carlito for Calibri), every word whole and no line printed over another.

The four packs are built once for the module (``--pdf --pdf-appendix``, one LibreOffice run each); the checks are in
``tests/pdf_checks.py``. Every check holds for every pack: the Word reports claim PDF/UA and hold it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm
from PIL import Image

from reportgen.render.pdf import EXPORT_OPTIONS, accessibility_gaps, export_options
from tests import pdf_checks
from tests.conftest import REPO

NEEDS_OFFICE = pytest.mark.skipif(
    shutil.which("soffice") is None or pdf_checks.poppler_missing(),
    reason="LibreOffice (soffice) and poppler-utils (pdftotext, pdffonts) are not installed: make office",
)

PACKS = {
    "frederiksberg-AUU-2020-12-08": ["--meeting", "2020-12-08", "--committee", "AUU"],
    "frederiksberg-2020": ["--annual", "2020"],
    "kalundborg-2019": ["--config", "examples/kalundborg-2019/reportgen.toml", "--annual", "2019"],
    "silkeborg-2018": ["--config", "examples/silkeborg-2018/reportgen.toml", "--annual", "2018"],
}
PDFS = [(pack, kind) for pack in PACKS for kind in ("word", "appendix")]
WORD_PDFS = [(pack, "word") for pack in PACKS]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def case(pack: str, kind: str) -> object:
    """One parametrized case, named by its pack and kind."""
    return pytest.param(pack, kind, id=f"{pack}-{kind}")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Each pack built once: pack -> (its folder with the .docx, .xlsx and their PDFs, the run's stderr)."""
    if shutil.which("soffice") is None or pdf_checks.poppler_missing():
        pytest.skip("LibreOffice (soffice) and poppler-utils are not installed: make office")
    root = tmp_path_factory.mktemp("pdf-packs")
    shutil.copy(REPO / "reportgen.toml", root / "reportgen.toml")
    shutil.copytree(REPO / "inputs", root / "inputs", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copytree(REPO / "examples", root / "examples", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    packs = {}
    for pack, args in PACKS.items():
        before = set(root.rglob("*.pdf"))
        command = [sys.executable, "-m", "reportgen", "run", *args, "--pdf", "--pdf-appendix"]
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        made = sorted(set(root.rglob("*.pdf")) - before)
        assert len(made) == 2, made
        packs[pack] = (made[0].parent, done.stderr)
    return packs


def pdf_of(built: dict[str, tuple[Path, str]], pack: str, kind: str) -> tuple[Path, Path]:
    """The PDF and its source (.docx for the Word report, .xlsx for the appendix)."""
    folder = built[pack][0]
    source = next(folder.glob("*.docx" if kind == "word" else "*.xlsx"))
    return source.with_suffix(".pdf"), source


@NEEDS_OFFICE
@pytest.mark.parametrize(("pack", "kind"), PDFS, ids=[f"{p}-{k}" for p, k in PDFS])
def test_every_pdf_is_tagged_danish_pdfa_2b(built, pack: str, kind: str) -> None:
    pdf, _ = pdf_of(built, pack, kind)
    structure = pdf_checks.structure_tags(pdf)
    assert pdf_checks.lang(pdf) == "da-DK"
    assert pdf_checks.claims_pdfa(pdf) == "2B"
    assert structure.tagged and structure.counts["P"] > 20, structure


@NEEDS_OFFICE
@pytest.mark.parametrize(("pack", "kind"), PDFS, ids=[f"{p}-{k}" for p, k in PDFS])
def test_pdfua_is_claimed_only_by_a_pdf_whose_structure_holds_it(built, pack: str, kind: str) -> None:
    pdf, source = pdf_of(built, pack, kind)
    structure = pdf_checks.structure_tags(pdf)
    if kind == "appendix":  # LibreOffice Calc tags paragraphs only: no Table or TH, a chart without /Alt
        assert not pdf_checks.claims_pdfua(pdf)
    elif pdf_checks.claims_pdfua(pdf):
        assert structure.counts["H1"] and not structure.skipped_levels(), structure.headings
        assert structure.counts["Table"] and structure.tables_without_th == 0, structure
        assert structure.figures_without_alt == 0, structure
    else:  # converted without the claim: the run said why, naming the PDF
        assert f"warning: {pdf.name} is not marked PDF/UA (accessible PDF): " in built[pack][1]
    assert pdf_checks.claims_pdfua(pdf) == (kind == "word" and not accessibility_gaps(source))


@NEEDS_OFFICE
@pytest.mark.parametrize(("pack", "kind"), [case(p, k) for p, k in WORD_PDFS])
def test_the_word_pdf_claims_pdfua(built, pack: str, kind: str) -> None:
    assert pdf_checks.claims_pdfua(pdf_of(built, pack, kind)[0])


@NEEDS_OFFICE
@pytest.mark.parametrize(("pack", "kind"), [case(p, k) for p, k in WORD_PDFS])
def test_the_word_pdf_headings_skip_no_level(built, pack: str, kind: str) -> None:
    structure = pdf_checks.structure_tags(pdf_of(built, pack, kind)[0])
    assert structure.counts["H1"] >= 2 and structure.counts["H2"] >= 2
    assert structure.skipped_levels() == [], structure.headings


@NEEDS_OFFICE
@pytest.mark.parametrize(("pack", "kind"), [case(p, k) for p, k in WORD_PDFS])
def test_every_table_of_the_word_pdf_has_header_cells(built, pack: str, kind: str) -> None:
    structure = pdf_checks.structure_tags(pdf_of(built, pack, kind)[0])
    assert structure.counts["Table"] >= 5 and structure.counts["TH"] >= 5
    assert structure.tables_without_th == 0, structure


@NEEDS_OFFICE
@pytest.mark.parametrize(("pack", "kind"), WORD_PDFS, ids=[f"{p}-{k}" for p, k in WORD_PDFS])
def test_every_figure_of_the_word_pdf_has_alt_text(built, pack: str, kind: str) -> None:
    structure = pdf_checks.structure_tags(pdf_of(built, pack, kind)[0])
    assert structure.counts["Figure"] >= 1 and structure.figures_without_alt == 0, structure


def carlito_missing() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return True
    listed = subprocess.run([fc_list, "Carlito"], capture_output=True, text=True, check=False).stdout
    return not listed.strip()


@NEEDS_OFFICE
@pytest.mark.parametrize(("pack", "kind"), PDFS, ids=[f"{p}-{k}" for p, k in PDFS])
def test_every_font_is_embedded_and_calibri_is_set_in_carlito(built, pack: str, kind: str) -> None:
    used = pdf_checks.fonts(pdf_of(built, pack, kind)[0])
    assert used and all(used.values()), used
    if carlito_missing():
        pytest.skip("the font Carlito (metric-compatible with Calibri) is not installed: make office")
    assert all(name.startswith(("Carlito", "Calibri", "Caladea", "Cambria")) for name in used), used
    assert any(name.startswith(("Carlito", "Calibri")) for name in used), used


@NEEDS_OFFICE
@pytest.mark.parametrize(("pack", "kind"), [case(p, k) for p, k in PDFS])
def test_every_word_of_the_pdf_is_a_word_of_the_document(built, pack: str, kind: str) -> None:
    if carlito_missing():
        pytest.skip("without Carlito LibreOffice sets Calibri in a wider font, so narrow columns break words")
    pdf, source = pdf_of(built, pack, kind)
    words = pdf_checks.document_words(source)
    assert {"kommune", "indsats", "status"} <= words  # the source's text was read
    assert pdf_checks.broken_words(pdf, words) == []


@NEEDS_OFFICE
@pytest.mark.parametrize(("pack", "kind"), [case(p, k) for p, k in PDFS])
def test_no_line_of_the_pdf_prints_over_another(built, pack: str, kind: str) -> None:
    pdf, _ = pdf_of(built, pack, kind)
    assert len(pdf_checks.text_lines(pdf)) > 50
    assert [(a.page, a.text, b.text) for a, b in pdf_checks.overlapping_boxes(pdf)] == []


def make_docx(path: Path, headings: list[int], header_row: bool = True, alt: str = "Søjlediagram: budget") -> Path:
    """A Word document with the given heading levels, one table and one picture."""
    document = Document()
    for level in headings:
        document.add_heading(f"Overskrift på niveau {level}", level=level)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 0).text = "Indsats", "Sprogkursus"
    if header_row:
        row = table.rows[0]._tr
        row.get_or_add_trPr().append(row.makeelement(f"{W}tblHeader", {}))
    picture = path.parent / "chart.png"
    Image.new("RGB", (20, 10), "white").save(picture)
    document.add_picture(str(picture), width=Cm(4))
    document.inline_shapes[0]._inline.docPr.set("descr", alt)
    document.save(str(path))
    return path


def test_a_word_document_with_whole_structure_may_claim_pdfua(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "rapport.docx", [1, 2, 3, 2, 1, 2])
    assert accessibility_gaps(path) == []
    options, gaps = export_options(path)
    assert options == {**EXPORT_OPTIONS, "PDFUACompliance": True} and gaps == []


def test_a_skipped_heading_level_a_table_without_header_row_and_a_picture_without_alt_text_are_named(
    tmp_path: Path,
) -> None:
    path = make_docx(tmp_path / "rapport.docx", [1, 3, 1, 2, 4], header_row=False, alt="")
    assert accessibility_gaps(path) == [
        "2 heading(s) skip a level (the first: 'Overskrift på niveau 3' is level 3 after level 1)",
        "1 table(s) without a header row (the first begins 'Indsats')",
        "1 picture(s) without a description (alt text)",
    ]
    options, gaps = export_options(path)
    assert options["PDFUACompliance"] is False and options["UseTaggedPDF"] is True and len(gaps) == 3


def test_the_excel_appendix_is_tagged_pdfa_without_the_pdfua_claim(tmp_path: Path) -> None:
    options, gaps = export_options(tmp_path / "bilag.xlsx")  # not opened: the claim does not depend on the workbook
    assert options == {"UseTaggedPDF": True, "PDFUACompliance": False, "SelectPdfVersion": 2, "ExportBookmarks": True}
    assert gaps == []


@NEEDS_OFFICE
def test_a_word_report_whose_structure_holds_it_is_claimed_pdfua_and_one_that_does_not_is_not(tmp_path: Path) -> None:
    from reportgen.render.pdf import convert_to_pdf

    whole = make_docx(tmp_path / "hel.docx", [1, 2, 2, 1, 2, 3])
    skipping = make_docx(tmp_path / "springer.docx", [1, 3])
    warnings: list[str] = []
    assert convert_to_pdf([whole, skipping], warnings) == [whole.with_suffix(".pdf"), skipping.with_suffix(".pdf")]
    assert pdf_checks.claims_pdfua(whole.with_suffix(".pdf"))
    structure = pdf_checks.structure_tags(whole.with_suffix(".pdf"))
    assert structure.headings == [1, 2, 2, 1, 2, 3] and structure.counts["TH"] == 2, structure
    assert structure.tables_without_th == 0 and structure.counts["Figure"] == 1 and structure.figures_without_alt == 0
    assert not pdf_checks.claims_pdfua(skipping.with_suffix(".pdf"))
    assert pdf_checks.structure_tags(skipping.with_suffix(".pdf")).skipped_levels() == [(1, 3)]
    assert warnings == [
        "springer.pdf is not marked PDF/UA (accessible PDF): 1 heading(s) skip a level "
        "(the first: 'Overskrift på niveau 3' is level 3 after level 1)"
    ]


def test_headings_are_read_by_outline_level_whatever_their_styles_are_called(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    styles = document.styles
    goal = styles.add_style("Overskrift 1", WD_STYLE_TYPE.PARAGRAPH)
    goal.base_style = styles["Heading 1"]  # no outline level of its own: inherited
    indicator = styles.add_style("Overskrift 3", WD_STYLE_TYPE.PARAGRAPH)
    indicator.base_style = styles["Heading 3"]
    loop_a = styles.add_style("Løkke A", WD_STYLE_TYPE.PARAGRAPH)
    loop_b = styles.add_style("Løkke B", WD_STYLE_TYPE.PARAGRAPH)
    loop_a.base_style, loop_b.base_style = loop_b, loop_a  # a broken template: based on each other
    document.add_paragraph("Mål", style=goal)
    direct = document.add_paragraph("Niveau 2 i teksten selv", style=indicator)._p.get_or_add_pPr()
    direct.append(direct.makeelement(f"{W}outlineLvl", {f"{W}val": "1"}))  # the paragraph's own level wins
    document.add_paragraph("Tekst i en løkke", style=loop_a)
    document.add_paragraph("Næste mål", style=goal)
    broken = document.add_paragraph("Ugyldigt niveau", style=indicator)._p.get_or_add_pPr()
    broken.append(broken.makeelement(f"{W}outlineLvl", {f"{W}val": "x"}))  # not a number: body text
    document.add_paragraph("Indikator", style=indicator)
    document.save(str(tmp_path / "rapport.docx"))
    assert accessibility_gaps(tmp_path / "rapport.docx") == [
        "1 heading(s) skip a level (the first: 'Indikator' is level 3 after level 1)"
    ]
