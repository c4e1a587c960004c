"""What reaches a public document: CPR numbers masked and reported without the number, markup escaped in Word,
text never turned into a formula in Excel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reportgen.privacy import CPR_MASK, PrivacyGuard, is_cpr
from tests.conftest import pack_dir

FAKE_CPR = "010190-1235"  # a valid date; the check digit is irrelevant (no modulus-11 check since 2007)


def set_comment(root: Path, text: str) -> None:
    path = root / "inputs" / "maalinger" / "maalinger-ungecentret.xlsx"
    wb = load_workbook(path)
    ws = wb["Målinger"]
    for row in ws.iter_rows(min_row=5):
        if "gennemfoert" in (row[1].value, row[5].value):  # the key: hidden in column F since collect shows labels
            row[4].value = text
            row[4].data_type = "s"  # typed text, even when it starts with "="
    wb.save(path)


def test_a_cpr_number_in_a_comment_is_masked_everywhere_and_reported_without_the_number(example: Path, cli) -> None:
    set_comment(example, f"Borger {FAKE_CPR} og 0101901235 afsluttede")
    (example / "inputs" / "handleplan_2019.yaml").write_text(
        (example / "inputs" / "handleplan_2019.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "text: 80% af de unge gennemfører forløbet",
            "text: 80% af de unge gennemfører forløbet\n        note: Opgjort af Ungecentret",
        ),
        encoding="utf-8",
    )
    result = cli("run", "--committee", "AUU")
    assert result.exit_code == 0, result.stderr
    folder = next(pack_dir(example).glob("*-AUU"))
    doc = Document(str(next(folder.glob("*.docx"))))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert FAKE_CPR not in text and "0101901235" not in text
    assert f"Borger {CPR_MASK} og {CPR_MASK} afsluttede" in text
    wb = load_workbook(next(folder.glob("*.xlsx")))
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(FAKE_CPR in c or "0101901235" in c for c in cells)
    manifest_text = (pack_dir(example) / "manifest.json").read_text(encoding="utf-8")
    assert FAKE_CPR not in manifest_text and "0101901235" not in manifest_text
    findings = json.loads(manifest_text)["privacy"]["findings"]
    assert findings and all(f["where"] == "målingsark: indsats 4, kriterie 4.1" for f in findings)
    assert "CPR-nummer maskeret" in result.stderr


@pytest.mark.parametrize(
    "text, masked",
    [
        ("010190-1235", True),
        ("0101901235", True),
        ("311390-1234", False),
        ("tlf. 3312 3456", False),
        ("konto 5466100100", False),
        ("1234567890", False),
    ],
)
def test_cpr_detection_requires_a_valid_date(text: str, masked: bool) -> None:
    guard = PrivacyGuard()
    assert (CPR_MASK in guard.text(text, "test")) is masked
    assert len(guard.findings) == int(masked)


def test_is_cpr_does_not_check_modulus_11() -> None:
    assert is_cpr("0101901235") and is_cpr("0101901234")


def test_ampersands_and_markup_survive_in_word_and_excel(example: Path, cli) -> None:
    plan = example / "inputs" / "handleplan_2019.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8")
        .replace("KFU: Kultur- og Fritidsudvalget", "KFU: Kultur- & Fritidsudvalget <KFU>")
        .replace(
            "title: Idrætsaktiviteter i fritiden drevet af gymnasieelever",
            "title: Idræt & leg <br/> for gymnasieelever",
        ),
        encoding="utf-8",
    )
    set_comment(example, '=HYPERLINK("http://example.invalid")')
    result = cli("run", "--committee", "KFU")
    assert result.exit_code == 0, result.stderr
    folder = next(pack_dir(example).glob("*-KFU"))
    doc = Document(str(next(folder.glob("*.docx"))))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    assert "Status til Kultur- & Fritidsudvalget <KFU>" in paragraphs
    assert "Indsats 7: Idræt & leg <br/> for gymnasieelever" in paragraphs
    wb = load_workbook(next(folder.glob("*.xlsx")))
    titles = [r[1] for r in wb["Overblik"].iter_rows(min_row=6, values_only=True)]
    assert "Idræt & leg <br/> for gymnasieelever" in titles


def test_text_starting_like_a_formula_stays_text(example: Path, cli) -> None:
    set_comment(example, "=1+1")
    assert cli("run", "--committee", "AUU").exit_code == 0
    folder = next(pack_dir(example).glob("*-AUU"))
    ws = load_workbook(next(folder.glob("*.xlsx")))["Succeskriterier"]
    header = [c.value for c in ws[1]]
    cell = next(r[header.index("Bemærkning")] for r in ws.iter_rows(min_row=2) if r[header.index("Nr.")].value == "4.1")
    assert cell.value == "=1+1" and cell.data_type == "s"
