"""The shipped Frederiksberg 2019 example, end to end: run it, open the Word and Excel files, check their contents."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reportgen.domain.status import Status
from reportgen.plan import load_plan
from reportgen.render.formatting import STATUS_COLOURS
from tests.conftest import DATA, REPO, pack_dir
from tests.test_verdicts import load_table

PLAN = load_plan(REPO / "inputs" / "handleplan_2019.yaml")


def plain(text: str) -> str:
    """Text as read aloud: the non-breaking spaces and minus signs that keep figures whole as plain ones."""
    return text.replace("\u00a0", " ").replace("\u2212", "-")


def docx_text(path: Path) -> tuple[str, list[list[str]]]:
    doc = Document(str(path))
    cover = [cell.text for row in doc.tables[0].rows for cell in row.cells]  # the cover block: kommune, møde, …
    paragraphs = plain("\n".join([p.text for p in doc.paragraphs] + cover))
    rows = [[plain(c.text) for c in row.cells] for table in doc.tables for row in table.rows]
    return paragraphs, rows


def test_the_plan_encodes_all_twelve_initiatives_with_a_budget_matching_the_pool() -> None:
    assert [i.id for i in PLAN.initiatives] == [str(n) for n in range(1, 13)]
    assert sum(i.budget.get(2019, 0) for i in PLAN.initiatives) == PLAN.pool == 1_700_000
    assert {c for i in PLAN.initiatives for c in i.committees} == {"AUU", "UU", "KFU", "SU", "ÆOU"}
    kinds = {c.kind for i in PLAN.initiatives for c in i.criteria}
    assert {"count", "ratio", "budget", "qualitative"} <= kinds


def test_run_builds_a_pack_per_committee_with_every_initiative_and_criterion(example: Path, cli) -> None:
    # as of the plan's last day: every criterion's status is the one derived by hand in tests/data/verdicts
    result = cli("run", "--meeting", "2020-12-31", "--unscheduled", "--today", "2020-12-31")
    assert result.exit_code == 0, result.stderr
    table = load_table(DATA / "verdicts" / "frederiksberg-2019.csv").expected
    labels = {s.value: s.label for s in Status}
    root = pack_dir(example)
    seen_initiatives: set[str] = set()
    for committee in PLAN.committees:
        docs = list(root.glob(f"*-{committee}/status-{committee}-*.docx"))
        assert len(docs) == 1, f"no Word report for {committee}"
        assert str(docs[0].relative_to(example)) in result.stdout  # the CLI says where the files are
        paragraphs, rows = docx_text(docs[0])
        for initiative in (i for i in PLAN.initiatives if committee in i.committees):
            seen_initiatives.add(initiative.id)
            assert f"Indsats {initiative.id}: {initiative.title}" in paragraphs
            for criterion in initiative.criteria:
                # Nr., Succeskriterium, Status, Forklaring (the explanation states the figure and the target)
                row = next((r for r in rows if r[0] == criterion.id and r[1] == criterion.text), None)
                assert row is not None, f"criterion {criterion.id} missing from the {committee} report"
                status, explanation = row[2], row[3]
                column = "on_deadline" if PLAN.deadline_of(criterion) == dt.date(2020, 12, 31) else "after_deadline"
                assert status == labels[table[criterion.id][column]], criterion.id
                if criterion.kind == "ratio" and status != "Mangler data":
                    assert "målet er mindst " in explanation and " pct." in explanation, criterion.id
                if criterion.kind == "budget":
                    assert "kr." in explanation
    assert seen_initiatives == {i.id for i in PLAN.initiatives}


def test_word_report_states_figures_in_danish_formats(example: Path, cli) -> None:
    assert cli("run", "--committee", "AUU").exit_code == 0
    (doc,) = pack_dir(example).glob("*-AUU/*.docx")
    paragraphs, rows = docx_text(doc)
    by_id = {r[0]: r for r in rows if r and r[0][:1].isdigit() and "." in r[0]}
    # 1.3: 21 of 38 participants = 55.26 % -> "55,3 pct." with a decimal comma, against "mindst 50 pct."; a share
    # can fall again, so before its deadline (31 December 2020) it holds "so far"
    assert by_id["1.3"][2] == "På vej"
    assert by_id["1.3"][3] == "55,3 pct. (21 af 38, 4. kvt. 2020); målet er mindst 50 pct.; holder foreløbig målet."
    # 1.2: 38 of 40 participants on 8 December 2020: 707 of 730 days have passed, 40 * 707/730 = 38,7 -> 39 persons
    assert by_id["1.2"][2] == "Bagud"
    assert by_id["1.2"][3].endswith("målet er mindst 40, forventet 39 på nuværende tidspunkt.")
    # 3.1 had its deadline on 31 December 2019 and was reached then
    assert by_id["3.1"][2] == "Opfyldt"
    # Budget vs spent in kroner with thousands dots
    assert "Budget: 250.000 kr., heraf forbrugt" in paragraphs
    assert "8. december 2020" in paragraphs


def test_excel_appendix_has_numeric_cells_formats_and_a_chart(example: Path, cli) -> None:
    assert cli("run", "--committee", "AUU").exit_code == 0
    (xlsx,) = pack_dir(example).glob("*-AUU/bilag-AUU-*.xlsx")
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Overblik", "Succeskriterier", "Økonomi", "Datagrundlag"]  # no indicators: no Barometer
    ws = wb["Succeskriterier"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) for name in header}
    rows = [r for r in ws.iter_rows(min_row=2, values_only=False) if r[0].value is not None]
    auu = [c for i in PLAN.initiatives if "AUU" in i.committees for c in i.criteria]
    assert [r[col["Nr."]].value for r in rows] == [c.id for c in auu]
    for row, criterion in zip(rows, auu, strict=False):
        target, actual = row[col["Målværdi"]], row[col["Faktisk"]]
        if criterion.kind in ("count", "ratio"):
            assert isinstance(target.value, (int, float)), criterion.id
        if criterion.kind == "ratio" and actual.value is not None:
            assert isinstance(actual.value, (int, float)) and 0 <= actual.value <= 1.5
            assert actual.number_format == "0.0%"
        if criterion.kind == "budget":
            assert isinstance(actual.value, (int, float)) and actual.number_format == '#,##0 "kr."'
        assert row[col["Status"]].fill.start_color.rgb.endswith(tuple(STATUS_COLOURS.values()))
    ratio_13 = next(r for r in rows if r[col["Nr."]].value == "1.3")
    assert ratio_13[col["Faktisk"]].value == pytest.approx(21 / 38)
    assert ratio_13[col["Målværdi"]].value == pytest.approx(0.5)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    # A4 landscape, the header row on every printed page; the long texts wrap, so the sheet fits one page width
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize or 0) == 9  # A4
    assert ws.print_title_rows in ("1:1", "$1:$1")
    fit = ws.sheet_properties.pageSetUpPr
    assert ws.page_setup.fitToWidth == 1 and fit is not None and fit.fitToPage
    overview = wb["Overblik"]
    assert overview["A1"].value == "Integrationspolitikkens handleplan 2019"
    assert len(overview._charts) == 1  # type: ignore[attr-defined]  # openpyxl keeps charts in a private list
    budget_col = [c.value for c in overview[5]].index("Budget") + 1
    assert overview.cell(row=6, column=budget_col).value == 250000
    economy = wb["Økonomi"]
    econ_header = [c.value for c in economy[1]]
    assert econ_header[:5] == ["Indsats", "Titel", "Budget 2019", "Forbrugt 2019", "Forbrugt af budget 2019"]
    assert "feb. 2019" in econ_header
    for values in economy.iter_rows(min_row=2, values_only=True):
        assert all(not isinstance(v, str) or not v.startswith("=") for v in values)


def test_manifest_lists_inputs_with_hashes_and_results(example: Path, cli) -> None:
    assert cli("run", "--committee", "SU").exit_code == 0
    manifest = json.loads((pack_dir(example) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] and manifest["created"]
    paths = {i["path"] for i in manifest["inputs"]}
    assert "economy/oekonomi_2019_2020.csv" in {p.removeprefix("inputs/") for p in paths}
    for entry in manifest["inputs"]:
        assert len(entry["sha256"]) == 64 and entry["size"] > 0
    (pack,) = manifest["packs"]
    assert pack["committee"] == "SU" and {f["name"] for f in pack["files"]} == {
        "status-SU-2020-12-08.docx",
        "bilag-SU-2020-12-08.xlsx",
    }
    assert sum(pack["results"]["criteria"].values()) == sum(
        len(i.criteria) for i in PLAN.initiatives if "SU" in i.committees
    )
    assert manifest["emails"] == []


def test_rerun_keeps_the_earlier_pack_in_the_archive(example: Path, cli) -> None:
    assert cli("run", "--committee", "UU").exit_code == 0
    root = pack_dir(example)
    first = (root / "2020-12-09-UU" / "status-UU-2020-12-09.docx").read_bytes()
    result = cli("run", "--committee", "UU")
    assert result.exit_code == 0
    archived = list((root / "_arkiv").glob("*/2020-12-09-UU*/status-UU-2020-12-09.docx"))
    assert len(archived) == 1 and archived[0].read_bytes() == first
    assert (root / "2020-12-09-UU" / "status-UU-2020-12-09.docx").is_file()
    assert "moved to _arkiv/" in result.stdout
    assert not list(root.glob(".staging-*"))


def test_annual_follow_up_holds_all_initiatives(example: Path, cli) -> None:
    result = cli("run", "--annual", "2019")
    assert result.exit_code == 0, result.stderr
    doc = pack_dir(example) / "aarsstatus-2019" / "aarsstatus-2019.docx"
    paragraphs, _ = docx_text(doc)
    assert all(f"Indsats {i.id}: {i.title}" in paragraphs for i in PLAN.initiatives)
    assert "31. december 2019" in paragraphs
    assert (pack_dir(example) / "aarsstatus-2019" / "aarsbilag-2019.xlsx").is_file()


def test_run_report_shim_behaves_like_the_command(example: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "run_report.py"), "validate"], capture_output=True, text=True, cwd=example
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("OK: reportgen.toml")


def test_outputs_open_in_libreoffice(example: Path, cli, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    assert cli("run", "--committee", "KFU").exit_code == 0
    files = sorted(pack_dir(example).glob("*-KFU/*"))
    assert len(files) >= 2
    out = tmp_path / "pdf"
    # one LibreOffice for all the files (its start is most of the cost); each file's PDF is checked below
    proc = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=1800,  # only so a hung LibreOffice cannot hang the suite; generous, not a measure
    )
    assert proc.returncode == 0, proc.stderr
    for f in files:
        pdf = out / (f.stem + ".pdf")
        assert pdf.is_file() and pdf.stat().st_size > 1000 and pdf.read_bytes().startswith(b"%PDF")


def test_spending_counts_only_postings_up_to_the_as_of_date(example: Path, cli) -> None:
    """A posting dated after the as-of date (same month) does not change the pack: re-made later, same figures."""

    def spent_on_initiative_1(meeting: str = "2020-03-10", *extra: str) -> float:
        assert cli("run", "--committee", "AUU", "--meeting", meeting, *extra).exit_code == 0
        ws = load_workbook(next(pack_dir(example).glob(f"{meeting}-AUU/*.xlsx")))["Overblik"]
        header = [c.value for c in ws[5]]
        value = ws.cell(row=6, column=header.index("Forbrugt") + 1).value
        assert isinstance(value, int | float), value
        return value

    # figures are as of the meeting (or today, if earlier): an ad-hoc pack dated the end of the month shows March
    before_meeting, end_of_month = spent_on_initiative_1(), spent_on_initiative_1("2020-03-31", "--unscheduled")
    path = example / "inputs" / "economy" / "oekonomi_2019_2020.csv"
    path.write_bytes(path.read_bytes() + "25-03-2020;5.46.60.001;INT19-01;Efterbogført;99.999,00\r\n".encode("cp1252"))
    assert spent_on_initiative_1() == before_meeting  # dated after the as-of date (the meeting): not counted
    assert spent_on_initiative_1("2020-03-31", "--unscheduled") == pytest.approx(end_of_month + 99_999)
