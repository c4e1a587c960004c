"""Written assessments (Vurdering): the plan's, the measurement workbook's sheet, the context, the documents and
`collect`'s pre-filled sheet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from reportgen.domain.observations import ASSESSMENT_KEY, observations_frame
from reportgen.errors import InputError, ProblemLog
from reportgen.pipeline import read_measurement_sheet
from reportgen.plan import load_plan
from reportgen.privacy import CPR_MASK, PrivacyGuard
from reportgen.render.assessment import CONTACT, SECRETARIAT, assessments, short
from reportgen.render.excel_columns import OVERBLIK
from tests.conftest import REPO, local_templates, pack_dir

PLAN = load_plan(REPO / "inputs" / "handleplan_2019.yaml")
FAKE_CPR = "010190-1235"
UNGECENTRET = Path("inputs") / "maalinger" / "maalinger-ungecentret.xlsx"


def workbook(tmp_path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    """A measurement workbook: an empty Målinger sheet and a Vurdering sheet with a title, a header and ``rows``."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Målinger"
    ws.append(["Indsats", "Måling", "Periode", "Værdi", "Kommentar"])
    judged = wb.create_sheet("Vurdering")
    judged.append(["Vurdering af indsatserne"])
    judged.append([])
    judged.append(header or ["Indsats", "Titel", "Periode", "Vurdering"])
    for row in rows:
        judged.append(row)
    path = tmp_path / "m.xlsx"
    wb.save(path)
    return path


def read(path: Path) -> tuple[list[tuple[str, str, str]], list[str]]:
    problems = ProblemLog()
    frame = read_measurement_sheet(path, path.name, PLAN, problems)
    rows = frame[frame["indicator"] == ASSESSMENT_KEY]
    found = list(zip(rows["initiative"], rows["period"], rows["comment"], strict=True))
    return found, [str(p) for p in problems.problems]


# --- the reader ---------------------------------------------------------------------------------------------------


def test_assessments_are_read_as_one_paragraph_each(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            ["3", "Kursuscaféen", "2020K3", "Caféen har genåbnet.\nKvinderne  kommer stabilt."],
            [4, None, "2020 4. kvt.", "De fleste unge har gennemført."],
            ["1", "Endnu flere skal med", "2020K4", None],  # not filled in: skipped
        ],
    )
    found, problems = read(path)
    assert problems == []
    assert found == [
        ("3", "2020K3", "Caféen har genåbnet. Kvinderne kommer stabilt."),
        ("4", "2020K4", "De fleste unge har gennemført."),
    ]


def test_a_workbook_without_the_sheet_has_no_assessments(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Målinger"
    ws.append(["Indsats", "Måling", "Periode", "Værdi", "Kommentar"])
    ws.append(["3", "deltagere", "2020K1", 4, None])
    wb.save(tmp_path / "m.xlsx")
    found, problems = read(tmp_path / "m.xlsx")
    assert found == [] and problems == []


def test_a_too_long_assessment_is_an_error_saying_the_limit(tmp_path: Path) -> None:
    path = workbook(tmp_path, [["3", None, "2020K3", "Ord " * 400]])
    found, problems = read(path)
    assert found == []
    assert problems == [
        "m.xlsx:Vurdering:4:D (Vurdering): an assessment of 1.599 characters "
        "(at most 1.500 characters: shorten the text)"
    ]


def test_an_assessment_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    found, problems = read(workbook(tmp_path, [["3", None, "2020K3", "x" * 1500]]))
    assert problems == [] and len(found[0][2]) == 1500


def test_each_wrong_row_is_named_with_sheet_row_and_column(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            ["13", None, "2020K3", "Godt på vej."],
            ["3", None, "2020K5", "Godt på vej."],
            [None, None, "2020K3", "Godt på vej."],
            ["3", None, "2020K3", "Godt på vej."],
            ["3", None, "2020K3", "Noget andet."],
        ],
    )
    found, problems = read(path)
    assert found == [("3", "2020K3", "Godt på vej.")]
    assert problems[0].startswith("m.xlsx:Vurdering:4:A (Indsats): unknown initiative '13'; did you mean")
    assert problems[1].startswith("m.xlsx:Vurdering:5:C (Periode): '2020K5' is not a period")
    assert problems[2].startswith("m.xlsx:Vurdering:6:A (Indsats): an assessment without an initiative")
    assert problems[3] == (
        "m.xlsx:Vurdering:8:D (Vurdering): initiative 3, 2020K3 has another assessment on row 7 "
        "(one assessment per initiative and period: delete the row that is wrong)"
    )


def test_a_sheet_without_its_header_is_an_error(tmp_path: Path) -> None:
    path = workbook(tmp_path, [["3", None, "2020K3", "Godt."]], header=["Indsats", "Titel", "Tekst"])
    with pytest.raises(InputError) as info:
        read(path)
    assert str(info.value).startswith("m.xlsx:Vurdering: no header row with the columns Indsats, Periode, Vurdering")


def test_a_control_character_in_an_assessment_is_refused_naming_the_cell(tmp_path: Path) -> None:
    path = workbook(tmp_path, [["3", None, "2020K3", "Godt\x7f på vej."]])
    with pytest.raises(InputError) as info:
        read(path)
    assert str(info.value).startswith("m.xlsx:Vurdering:4:D: control character '\\x7f' in the cell")


def test_two_sheets_with_different_assessments_for_one_period_are_an_error(example: Path, cli) -> None:
    other = example / "inputs" / "maalinger" / "maalinger-ekstra.xlsx"
    workbook(example, [["4", None, "2020K4", "En anden vurdering."]]).rename(other)
    result = cli("validate")
    assert result.exit_code == 2
    assert (
        "maalinger-ungecentret.xlsx:Vurdering: initiative 4, 2020K4 has another assessment in "
        "inputs/maalinger/maalinger-ekstra.xlsx (one assessment per initiative and period across all measurement "
        "sheets)"
    ) in result.stderr


# --- the plan -----------------------------------------------------------------------------------------------------


def test_the_plans_assessment_is_one_paragraph() -> None:
    assert PLAN.initiatives[0].assessment is not None
    assert PLAN.initiatives[0].assessment.startswith("Administrationen vurderer, at indsatsen bidrager")
    assert "\n" not in PLAN.initiatives[0].assessment
    assert PLAN.initiatives[1].assessment is None


def test_a_too_long_plan_assessment_is_an_error_on_its_line(tmp_path: Path) -> None:
    text = (REPO / "inputs" / "handleplan_2019.yaml").read_text(encoding="utf-8")
    marker = '    economy: {projects: ["INT19-02"]}\n'
    assert marker in text
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace(marker, marker + f"    assessment: {'ord ' * 400}\n"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_plan(path, "plan.yaml")
    line = text[: text.index(marker)].count("\n") + 2
    message = str(info.value)
    assert (
        message
        == f"plan.yaml:{line}: initiatives[1].assessment: the assessment has 1.599 characters (at most 1.500 characters)"
    )


# --- the context --------------------------------------------------------------------------------------------------


def assessment_rows(*entries: tuple[str, str, str]) -> object:
    return observations_frame(
        {"source": "m.xlsx", "indicator": ASSESSMENT_KEY, "area": 147, "period": p, "value": None, "unit": "tekst"}
        | {"initiative": i, "label": None, "comment": text, "title": None}
        for i, p, text in entries
    )


def test_the_context_shows_the_secretariats_and_the_latest_contact_assessment_as_of_the_pack() -> None:
    rows = assessment_rows(("1", "2020K2", "Før."), ("1", "2020K4", "Efter."), ("2", "2020K1", "Andet."))
    first = assessments(PLAN.initiatives[0], rows, dt.date(2020, 9, 8), PrivacyGuard().text)  # type: ignore[arg-type]
    assert first["assessment"] == [
        {"who": SECRETARIAT, "period_text": "", "text": PLAN.initiatives[0].assessment},
        {"who": CONTACT, "period_text": "2. kvt. 2020", "text": "Før."},
    ]
    assert first["assessment_short"] == "Administrationen vurderer, at indsatsen bidrager til målet om, at flere " + (
        "flygtninge er aktive på arbejdsmarkedet."
    )
    later = assessments(PLAN.initiatives[0], rows, dt.date(2020, 12, 8), PrivacyGuard().text)  # type: ignore[arg-type]
    assert later["assessment"][1]["text"] == "Efter."
    second = assessments(PLAN.initiatives[1], rows, dt.date(2019, 12, 31), PrivacyGuard().text)  # type: ignore[arg-type]
    assert second == {"assessment": [], "assessment_short": ""}


def test_a_cpr_number_in_an_assessment_is_masked_and_recorded_where() -> None:
    guard = PrivacyGuard()
    rows = assessment_rows(("2", "2020K4", f"Borger {FAKE_CPR} er i job."))
    shown = assessments(PLAN.initiatives[1], rows, dt.date(2020, 12, 8), guard.text)  # type: ignore[arg-type]
    assert shown["assessment"][0]["text"] == f"Borger {CPR_MASK} er i job."
    assert guard.findings == [{"where": "målingsark: indsats 2, vurdering 2020K4", "what": "CPR-nummer maskeret"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kort. Og mere.", "Kort."),
        ("Én sætning uden punktum", "Én sætning uden punktum"),
        ("ord " * 80, ("ord " * 50).strip() + "…"),
        ("a" * 250, "a" * 199 + "…"),
    ],
)
def test_the_short_assessment_is_the_first_sentence_or_cut_on_a_word(text: str, expected: str) -> None:
    assert short(text.strip()) == expected
    assert len(short(text.strip())) <= 200


# --- the documents ------------------------------------------------------------------------------------------------


def paragraphs_after(doc: object, heading_start: str, count: int) -> list[str]:
    """The first ``count`` paragraphs with text after the heading (not the table of contents' line) that starts so."""
    paragraphs = doc.paragraphs  # type: ignore[attr-defined]
    i = next(k for k, p in enumerate(paragraphs) if p.style.name == "Heading 2" and p.text.startswith(heading_start))
    return [p.text.replace("\xa0", " ") for p in paragraphs[i + 1 :] if p.text.strip()][:count]  # "4. kvt." joined


def test_the_word_report_shows_the_assessments_under_each_initiatives_heading(example: Path, cli) -> None:
    result = cli("run", "--committee", "AUU", "--meeting", "2020-12-08")
    assert result.exit_code == 0, result.stderr
    doc = Document(str(next((pack_dir(example) / "2020-12-08-AUU").glob("*.docx"))))
    one = paragraphs_after(doc, "Indsats 1: ", 3)
    assert one[0].startswith("Administrationens vurdering: Administrationen vurderer, at indsatsen bidrager")
    assert one[1].startswith("Kontaktpersonens vurdering (4. kvt. 2020): Indsatsen har nået næsten alle")
    assert one[2].startswith("Udvalg: ")
    three = paragraphs_after(doc, "Indsats 3: ", 2)
    assert three[0].startswith("Kontaktpersonens vurdering (3. kvt. 2020): Kursuscaféen har genåbnet")
    assert three[1].startswith("Udvalg: ")


def test_an_initiative_without_assessment_has_no_paragraph(example: Path, cli) -> None:
    result = cli("run", "--committee", "UU", "--meeting", "2020-12-09")
    assert result.exit_code == 0, result.stderr
    doc = Document(str(next((pack_dir(example) / "2020-12-09-UU").glob("*.docx"))))
    assert paragraphs_after(doc, "Indsats 5: ", 1)[0].startswith("Udvalg: ")
    assert not any("vurdering" in p.text.split(":")[0] for p in doc.paragraphs)


def test_a_cpr_number_in_an_assessment_stops_a_strict_run(example: Path, cli) -> None:
    wb = load_workbook(example / UNGECENTRET)
    ws = wb["Vurdering"]
    ws.cell(row=5, column=4, value=f"Borger {FAKE_CPR} er i job.")
    wb.save(example / UNGECENTRET)
    strict = cli("run", "--committee", "AUU", "--meeting", "2020-12-08", "--strict-privacy")
    assert strict.exit_code == 2
    assert "målingsark: indsats 4, vurdering 2020K4: holds a CPR number" in strict.stderr
    assert not (pack_dir(example) / "2020-12-08-AUU").exists()
    masked = cli("run", "--committee", "AUU", "--meeting", "2020-12-08")
    assert masked.exit_code == 0, masked.stderr
    doc = Document(str(next((pack_dir(example) / "2020-12-08-AUU").glob("*.docx"))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"Borger {CPR_MASK} er i job." in text and FAKE_CPR not in text
    findings = json.loads((pack_dir(example) / "manifest.json").read_text(encoding="utf-8"))["privacy"]["findings"]
    assert {"where": "målingsark: indsats 4, vurdering 2020K4", "what": "CPR-nummer maskeret"} in findings


def test_an_appendix_template_with_a_vurdering_column_gets_the_assessments(example: Path, cli) -> None:
    folder = local_templates(example)
    wb = load_workbook(folder / "bilag.xlsx")
    ws = wb["Overblik"]
    header = next(r for r in ws.iter_rows() if r[0].value == "Indsats")
    ws.cell(row=int(header[0].row or 0), column=len(header) + 1, value="Vurdering")
    wb.save(folder / "bilag.xlsx")
    assert "Vurdering" in OVERBLIK
    result = cli("run", "--committee", "AUU", "--meeting", "2020-12-08")
    assert result.exit_code == 0, result.stderr
    out = load_workbook(next((pack_dir(example) / "2020-12-08-AUU").glob("*.xlsx")))["Overblik"]
    rows = {str(r[0]): str(r[-1]) for r in out.iter_rows(values_only=True) if r[0] in ("1", "2")}
    assert rows["1"].startswith("Administrationens vurdering: Administrationen vurderer")
    assert "\nKontaktpersonens vurdering (4. kvt. 2020): Indsatsen har nået" in rows["1"]
    assert rows["2"].startswith("Kontaktpersonens vurdering (4. kvt. 2020): Begge hold er gennemført")


# --- collect ------------------------------------------------------------------------------------------------------


def test_collect_prefills_the_latest_assessment_for_the_new_period_and_it_reads_back(example: Path, cli) -> None:
    result = cli("collect", "--out", "ark", "--today", "2020-12-01")
    assert result.exit_code == 0, result.stderr
    path = example / "ark" / "maalinger-centerleder-center-for-integration.xlsx"
    ws = load_workbook(path)["Vurdering"]
    assert [c.value for c in ws[4]] == ["Indsats", "Titel", "Periode", "Vurdering"]
    assert str(ws["A2"].value).startswith(
        "Kontakt: Centerleder, Center for Integration. Skriv kort, hvordan indsatsen går, og hvad der skal til "
        "(højst 1.500 tegn)."
    )
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert [(r[0], r[2]) for r in rows] == [("1", "2020K4"), ("2", "2020K4")]
    assert str(rows[0][3]).startswith("Indsatsen har nået næsten alle")  # 2020K4, not the older 2020K2
    assert str(rows[1][3]).startswith("Begge hold er gennemført")
    found, problems = read(path)
    assert problems == [] and [(i, p) for i, p, _ in found] == [("1", "2020K4"), ("2", "2020K4")]
    assert found[0][2] == rows[0][3]
    empty = load_workbook(example / "ark" / "maalinger-skoleafdelingen.xlsx")["Vurdering"]
    assert [(r[0], r[2], r[3]) for r in empty.iter_rows(min_row=5, values_only=True)] == [("5", "2020K4", None)]


def test_collect_refuses_when_a_current_sheet_has_an_error(example: Path, cli) -> None:
    wb = load_workbook(example / UNGECENTRET)
    wb["Vurdering"].cell(row=5, column=3, value="2020K9")
    wb.save(example / UNGECENTRET)
    result = cli("collect", "--out", "ark", "--today", "2020-12-01")
    assert result.exit_code == 2
    assert "maalinger-ungecentret.xlsx:Vurdering:5:C (Periode): '2020K9' is not a period" in result.stderr
    assert not (example / "ark").exists()
