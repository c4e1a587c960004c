"""The Kalundborg and Silkeborg follow-ups, end to end from the shipped examples."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reportgen.domain.status import Status
from reportgen.plan import load_plan
from tests.conftest import DATA, REPO
from tests.test_verdicts import load_table


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copytree(REPO / "templates", tmp_path / "templates", ignore=shutil.ignore_patterns("*.py"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def plain(text: str) -> str:
    """Text as read aloud: the non-breaking spaces and minus signs that keep figures whole as plain ones."""
    return text.replace("\u00a0", " ").replace("\u2212", "-")


def word(path: Path) -> tuple[str, dict[str, list[str]]]:
    """The report's text (cover block included) and its criteria rows by number: Nr., Succeskriterium, Status,
    Forklaring (the criteria tables come after the attention table, so a criterion's own row wins)."""
    doc = Document(str(path))
    cover = [cell.text for row in doc.tables[0].rows for cell in row.cells]  # the cover block: kommune, møde, …
    text = plain("\n".join([p.text for p in doc.paragraphs] + cover))
    criteria = [
        t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Nr.", "Succeskriterium", "Status", "Forklaring"]
    ]
    rows = {r.cells[0].text: [plain(c.text) for c in r.cells] for t in criteria for r in t.rows[1:]}
    return text, rows


def test_kalundborg_annual_follow_up_states_the_published_figures(examples: Path, cli) -> None:
    result = cli("run", "--config", "examples/kalundborg-2019/reportgen.toml", "--annual", "2019")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no warnings for a complete example
    text, rows = word(
        examples / "outputs" / "kalundborg-integrationspolitik-2019" / "aarsstatus-2019" / "aarsstatus-2019.docx"
    )
    assert "Kalundborg Kommune" in text and "Årlig status 2019" in text
    # the barometer trends per goal, under each goal's heading, by the indicators' titles
    goal = text.rindex("Målsætning: Beskæftigelse")  # the heading in the body, not its entry in the contents
    assert text.index("Andel flygtninge og familiesammenførte med 3 års ophold, der er i arbejde", goal) < text.index(
        "Indsats B: Beskæftigelse", goal
    )
    gap = rows["U.1"]
    assert gap[3].startswith("92 pct. mod 58 pct.: en forskel på 34 procentpoint i 2017")
    assert "på landsplan 97 pct. mod 86 pct., en forskel på 11 procentpoint" in gap[3]
    assert rows["B.4"][2:] == [
        "Bagud",
        "38 pct. mod 42 pct. på landsplan (2. kvt. 2018); under målet på nuværende tidspunkt.",
    ]
    assert (
        rows["B.1"][3].startswith("38 pct.")
        and rows["B.2"][3].startswith("39 pct.")
        and rows["B.3"][3].startswith("29 pct.")
        and rows["U.4"][3].startswith("46 pct.")
    )
    assert rows["R.1"][2:4] == [
        "Opfyldt",
        "4 bevillinger på konto 5.46.65 i 2019 mod 3 i 2018. Opgjort fra Jobcentrets økonomisystem "
        "(funktion 5.46.65 Repatriering). I 2018 fik tre personer støtte.",
    ]
    # every criterion's row shows the status derived by hand for 31 December 2019 (tests/data/verdicts)
    plan = load_plan(examples / "examples" / "kalundborg-2019" / "handleplan_2019.yaml")
    table = load_table(DATA / "verdicts" / "kalundborg-2019.csv")
    assert table.mid_plan == dt.date(2019, 12, 31)
    labels = {s.value: s.label for s in Status}
    for initiative in plan.initiatives:
        for criterion in initiative.criteria:
            row = rows[criterion.id]
            assert row[2] == labels[table.expected[criterion.id]["mid_plan"]], criterion.id
            assert row[3].endswith(".") and not row[3].endswith(".."), criterion.id
    # the barometer section shows the municipality against the country, e.g. youth education 56 pct. of Danish young people
    barometer = load_workbook(
        examples / "outputs" / "kalundborg-integrationspolitik-2019" / "aarsstatus-2019" / "aarsbilag-2019.xlsx"
    )["Barometer"]
    head = [c.value for c in barometer[1]]
    ind, per, home, nat = (head.index(n) for n in ("Indikator", "Periode", "Kommune", "Hele landet"))
    values = {(r[ind], r[per]): (r[home], r[nat]) for r in barometer.iter_rows(min_row=2, values_only=True)}
    titles = {r[ind]: r[head.index("Titel")] for r in barometer.iter_rows(min_row=2, values_only=True)}
    # indicators are named by the plan's label and the file's title, never by their keys
    assert (
        titles["andel elever med dansk oprindelse med mindst 2 i dansk"]
        == "Andel med mindst 2 i dansk ved 9. klasses afgangsprøve, elever med dansk oprindelse"
    )
    youth = "andel unge med dansk oprindelse med en ungdomsuddannelse"
    assert pytest.approx((0.56, 0.74)) == values[(youth, "2017")]
    grade = "andel elever med dansk oprindelse med mindst 2 i dansk"
    assert pytest.approx((0.92, 0.97)) == values[(grade, "2017")]
    assert not any("_" in str(key) for key, _ in values)
    criteria = load_workbook(
        examples / "outputs" / "kalundborg-integrationspolitik-2019" / "aarsstatus-2019" / "aarsbilag-2019.xlsx"
    )["Succeskriterier"]
    header = [c.value for c in criteria[1]]
    gap_row = next(r for r in criteria.iter_rows(min_row=2) if r[header.index("Nr.")].value == "U.1")
    assert gap_row[header.index("Faktisk")].value == pytest.approx(34)
    # published whole percentages: the gap between them is shown without decimals too
    assert gap_row[header.index("Faktisk")].number_format == '0 "procentpoint"'


def test_silkeborg_follow_up_has_all_five_criteria(examples: Path, cli) -> None:
    result = cli("run", "--config", "examples/silkeborg-2018/reportgen.toml", "--annual", "2018")
    assert result.exit_code == 0, result.stderr
    text, rows = word(
        examples / "outputs" / "silkeborg-integrationsstrategi-2016-2018" / "aarsstatus-2018" / "aarsstatus-2018.docx"
    )
    assert "Silkeborg Kommune" in text
    statuses = {k: rows[k][2] for k in "12345"}
    # the strategy ended on 31 December 2018: its follow-up for 2018 is final, so trivsel (64 -> 63,5) is not met
    assert statuses == {"1": "Opfyldt", "2": "Opfyldt", "3": "Opfyldt", "4": "Opfyldt", "5": "Ikke opfyldt"}
    assert rows["1"][3] == "47 pct. mod 44 pct. på landsplan (4. kvt. 2018)."
    # the file gives 64,0 % and 63,5 %: both keep the source's one decimal
    assert rows["5"][3] == "63,5 pct. i 2018 mod 64,0 pct. i 2016 (-0,5 procentpoint)."
    # A year later the deadline has passed: what was behind is not met.
    assert cli("run", "--config", "examples/silkeborg-2018/reportgen.toml", "--annual", "2019").exit_code == 0
    _, later = word(
        examples / "outputs" / "silkeborg-integrationsstrategi-2016-2018" / "aarsstatus-2019" / "aarsstatus-2019.docx"
    )
    assert later["5"][2] == "Ikke opfyldt"


@pytest.mark.parametrize(
    "config", ["examples/kalundborg-2019/reportgen.toml", "examples/silkeborg-2018/reportgen.toml"]
)
@pytest.mark.usefixtures("examples")
def test_the_examples_validate_cleanly(cli, config: str) -> None:
    result = cli("validate", "--config", config)
    assert result.exit_code == 0 and "(0 errors, 0 warnings)" in result.stdout
