"""The Word report as a communications officer publishes it: summary first, words and figures whole, small tables on
one page, headings in order, only the sources used, the economy with its total, and properties that name the
municipality and reportgen. Every check reads a real .docx built from the shipped examples."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from reportgen import __version__
from reportgen.domain.danish_text import antal, join_da, quoted
from reportgen.domain.status import STATUS_ORDER, Status
from reportgen.plan import load_plan
from reportgen.render.word_layout import (
    CELL_MARGINS_TWIPS,
    MINUS,
    NBSP,
    SMALL_TABLE_ROWS,
    fitted_widths,
    longest_word,
    whole_words,
)
from tests.conftest import REPO

FREDERIKSBERG = "frederiksberg-integrationspolitikkens-handleplan-2019"
RUNS = [
    ("--meeting", "2020-09-08", "--committee", "AUU"),
    ("--meeting", "2020-12-08", "--committee", "AUU"),
    ("--meeting", "2020-12-07", "--committee", "KFU"),
    ("--meeting", "2020-12-09", "--committee", "UU"),
    ("--committee", "ÆOU"),
    ("--annual", "2019"),
    ("--annual", "2020"),
    ("--config", "examples/kalundborg-2019/reportgen.toml", "--annual", "2019"),
    ("--config", "examples/silkeborg-2018/reportgen.toml", "--annual", "2018"),
]
CRITERIA_HEADER = ["Nr.", "Succeskriterium", "Status", "Forklaring"]


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Every example pack, built once in a private copy of the examples: the Word report by its folder name."""
    from reportgen.cli import cli

    root = tmp_path_factory.mktemp("word") / "kommune"
    root.mkdir()
    shutil.copy(REPO / "reportgen.toml", root / "reportgen.toml")
    shutil.copytree(REPO / "inputs", root / "inputs", ignore=shutil.ignore_patterns("make_example.py", "__pycache__"))
    shutil.copytree(REPO / "examples", root / "examples", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    before = Path.cwd()
    os.chdir(root)
    try:
        for args in RUNS:
            result = CliRunner().invoke(cli, ["run", *args], catch_exceptions=False)
            assert result.exit_code == 0, (args, result.stderr)
        yield {
            f"{p.parent.parent.name.split('-')[0]}/{p.parent.name}": p
            for p in (root / "outputs").rglob("*.docx")
            if "_arkiv" not in p.parts
        }
    finally:
        os.chdir(before)


def text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def table_with(doc: Any, header: list[str]) -> list[Any]:
    return [t for t in doc.tables if [c.text for c in t.rows[0].cells] == header]


def heading_levels(doc: Any) -> list[int]:
    """The outline level of every heading in the body, in order (the cover's title counts as level 1)."""
    levels = []
    for p in doc.paragraphs:
        name = p.style.name if p.style is not None else ""
        if name == "Title":
            levels.append(1)
        elif name.startswith("Heading "):
            levels.append(int(name.split()[1]))
    return levels


def test_every_pack_was_built(packs: dict[str, Path]) -> None:
    assert {k.split("/")[0] for k in packs} == {"frederiksberg", "kalundborg", "silkeborg"}
    assert len(packs) == len(RUNS)


def test_heading_levels_are_never_skipped(packs: dict[str, Path]) -> None:
    for name, path in packs.items():
        doc = Document(str(path))
        levels = heading_levels(doc)
        first = doc.paragraphs[0].style
        assert levels[0] == 1 and first is not None and first.name == "Title", name
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert jumps == [], name
        indhold = next(p for p in doc.paragraphs if p.text == "Indhold")
        assert indhold.style is not None and indhold.style.name == "Heading 1", name


def test_properties_name_the_municipality_and_reportgen_only(packs: dict[str, Path]) -> None:
    path = packs["frederiksberg/2020-12-08-AUU"]
    doc = Document(str(path))
    props = doc.core_properties
    assert props.author == "Frederiksberg Kommune" and props.last_modified_by == "reportgen"
    with zipfile.ZipFile(path) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
        app = archive.read("docProps/app.xml").decode("utf-8")
        settings = archive.read("word/settings.xml").decode("utf-8")
    assert "python-docx" not in core and "python-docx" not in app
    assert f"<Application>reportgen {__version__}</Application>" in app and "Microsoft" not in app
    assert "updateFields" not in settings  # Word does not ask to update fields on opening
    body = [text_of(e) for e in doc.element.body.iterchildren()]
    cover = "\n".join(body[: body.index("Indhold")])  # title, subtitle and the "Kommune: …" lines
    assert "reportgen" not in cover and __version__ not in cover and "Kommune: Frederiksberg Kommune" in cover


def test_the_contents_list_is_the_chapters_as_they_stand(packs: dict[str, Path]) -> None:
    doc = Document(str(packs["kalundborg/aarsstatus-2019"]))
    contents = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "toc 1"]
    chapters = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert contents[0] == "Sammenfatning" and contents[-1] == "Datagrundlag"
    assert "Målsætning: Uddannelse (indsats U)" in contents
    for entry in contents:  # each entry is a chapter of the report (a goal's entry names its initiatives)
        assert any(entry.startswith(c) for c in chapters), entry
    assert "TOC" not in "".join(t.text or "" for t in doc.element.body.iter(qn("w:instrText")))


def test_page_one_holds_the_counts_and_the_initiatives_with_their_distribution(packs: dict[str, Path]) -> None:
    doc = Document(str(packs["frederiksberg/2020-12-08-AUU"]))
    body = [text_of(e) for e in doc.element.body.iterchildren()]
    first = body.index("Sammenfatning", body.index("Indhold") + 2)  # the chapter, after the contents list
    economy = len(body) - 1 - body[::-1].index("Økonomi")  # the chapter, not its entry in the contents
    assert first < body.index("Indsatserne") < body.index("Kræver opmærksomhed") < economy
    assert body[first + 1] == "Rapporten omfatter 4 indsatser med 31 succeskriterier. Sådan står succeskriterierne:"
    # one committee: no Udvalg; an initiative by how its criteria stand, not by its worst criterion's status
    (overview,) = table_with(doc, ["Nr.", "Indsats", "Succeskriterier"])
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in overview.rows[1:]}
    assert set(rows) == {"1", "2", "3", "4"}
    assert re.fullmatch(r"\d+ af 8 opfyldt( · \d+ [a-zæøå ]+)*", rows["1"][2].replace(NBSP, " "))
    # one initiative: the singular
    single = Document(str(next(p for k, p in packs.items() if k.endswith("-ÆOU"))))
    assert any(p.text.startswith("Rapporten omfatter 1 indsats med ") for p in single.paragraphs)


def test_committee_codes_are_spelled_out_where_they_are_shown(packs: dict[str, Path]) -> None:
    doc = Document(str(packs["frederiksberg/aarsstatus-2020"]))
    assert table_with(doc, ["Nr.", "Indsats", "Udvalg", "Succeskriterier"])
    legend = next(p.text for p in doc.paragraphs if p.text.startswith("Udvalg: "))
    assert "AUU = Arbejdsmarkeds- og Uddannelsesudvalget" in legend and "ÆOU = " in legend
    silkeborg = Document(str(packs["silkeborg/aarsstatus-2018"]))  # one committee: no column, no legend
    assert table_with(silkeborg, ["Nr.", "Indsats", "Succeskriterier"])
    assert not any(p.text.startswith("Udvalg: ") and "=" in p.text for p in silkeborg.paragraphs)


def test_attention_names_each_criterion_worst_first(packs: dict[str, Path]) -> None:
    doc = Document(str(packs["frederiksberg/aarsstatus-2020"]))
    plan = load_plan(REPO / "inputs" / "handleplan_2019.yaml")
    texts = {c.id: c.text for i in plan.initiatives for c in i.criteria}
    attention = table_with(doc, CRITERIA_HEADER)[0]
    rows = [[c.text for c in r.cells] for r in attention.rows[1:]]
    assert rows and all(whole_words(texts[r[0]]) == r[1] for r in rows)
    order = [STATUS_ORDER.index(next(s for s in Status if s.label == r[2])) for r in rows]
    assert order == sorted(order) and {r[2] for r in rows} <= {"Ikke opfyldt", "Bagud"}


def test_changes_list_status_changes_worst_first_and_count_the_other_figures(packs: dict[str, Path]) -> None:
    doc = Document(str(packs["frederiksberg/2020-12-08-AUU"]))
    (changes,) = table_with(doc, ["Nr.", "Succeskriterium", "Status før", "Tal før", "Status nu", "Tal nu"])
    rows = [[c.text for c in r.cells] for r in changes.rows[1:]]
    assert rows and all(r[2] != r[4] for r in rows)  # only status changes
    order = [STATUS_ORDER.index(next(s for s in Status if s.label == r[4])) for r in rows]
    assert order == sorted(order)
    assert rows[0][:2] == ["2.9", "Der skabes netværk på tværs af deltagerne"]
    sentence = next(p.text for p in doc.paragraphs if p.text.startswith("Desuden er "))
    assert re.fullmatch(r"Desuden er \d+ tal ændret uden at ændre status; alle tal står i bilaget\.", sentence)
    # a year later most criteria changed: grouped by the way they went, worst first
    annual = Document(str(packs["frederiksberg/aarsstatus-2020"]))
    (groups,) = table_with(annual, ["Status før", "Status nu", "Antal", "Succeskriterier (nr.)"])
    counted = [[c.text for c in r.cells] for r in groups.rows[1:]]
    assert counted[0][1] == "Ikke opfyldt" and sum(int(r[2]) for r in counted) > 15
    assert all(len(r[3].split(", ")) == int(r[2]) for r in counted)
    first = Document(str(packs["frederiksberg/aarsstatus-2019"]))
    assert "Der er ingen tidligere årlig status at sammenligne med." in [p.text for p in first.paragraphs]


def test_sources_are_exactly_those_the_pack_used(packs: dict[str, Path]) -> None:
    def sources(key: str) -> list[list[str]]:
        doc = Document(str(packs[key]))
        assert not any("udelukkende" in p.text for p in doc.paragraphs)
        (table,) = table_with(doc, ["Type", "Kilde", "Rækker"])
        return [[c.text for c in r.cells] for r in table.rows[1:]]

    auu = sources("frederiksberg/2020-12-08-AUU")
    # the sheets that report on initiatives 1-4; their budget criteria follow the economy export; no indicator
    sheets = [load_workbook(p, read_only=True) for p in sorted((REPO / "inputs" / "maalinger").glob("*.xlsx"))]
    used = [
        wb
        for wb in sheets
        if {str(r[0]) for r in wb["Målinger"].iter_rows(min_row=2, values_only=True)} & {"1", "2", "3", "4"}
    ]
    assert 0 < len(used) < len(sheets)
    assert sorted(r[0] for r in auu) == ["Målingsark"] * len(used) + ["Økonomiudtræk"]
    annual = sources("frederiksberg/aarsstatus-2020")
    assert [r[0] for r in annual].count("Målingsark") == len(sheets) and "Indikatorer" in [r[0] for r in annual]
    assert len(annual) > len(auu)


def test_the_economy_has_a_total_row_and_explains_the_pool(packs: dict[str, Path]) -> None:
    doc = Document(str(packs["frederiksberg/2020-12-08-AUU"]))
    (economy,) = table_with(doc, ["Indsats", "Titel", "Budget", "Forbrugt", "Andel forbrugt"])
    total = [c.text for c in economy.rows[-1].cells]

    def amount(text: str) -> Decimal:
        return Decimal(text.replace(NBSP + "kr.", "").replace(".", ""))

    assert total[0] == "I alt"
    assert amount(total[2]) == sum(amount(r.cells[2].text) for r in economy.rows[1:-1]) == 750_000
    # the total of the exact amounts: at most half a krone per row from the sum of the rounded ones
    assert abs(amount(total[3]) - sum(amount(r.cells[3].text) for r in economy.rows[1:-1])) <= len(economy.rows) / 2
    annual = Document(str(packs["frederiksberg/aarsstatus-2020"]))
    assert (
        "Handleplanens pulje er 1.700.000 kr.; indsatsernes budgetter er i alt 1.970.000 kr. over planens 2 år "
        "(1.700.000 kr. i 2019 og 270.000 kr. i 2020)."
    ) in [p.text.replace(NBSP, " ") for p in annual.paragraphs]


def test_figures_keep_their_unit_and_sign(packs: dict[str, Path]) -> None:
    for name, path in packs.items():
        body = text_of(Document(str(path)).element.body)
        assert not re.search(r"\d (kr\.|pct\.|procentpoint)", body), name
        assert not re.search(r"(^|[\s(])-\d", body), name
    body = text_of(Document(str(packs["frederiksberg/2020-12-08-AUU"])).element.body)
    assert f"242.500{NBSP}kr." in body and f"97,0{NBSP}pct." in body
    silkeborg = text_of(Document(str(packs["silkeborg/aarsstatus-2018"])).element.body)
    assert f"({MINUS}0,5{NBSP}procentpoint)" in silkeborg


def test_every_column_holds_its_longest_word_at_nine_points_or_more(packs: dict[str, Path]) -> None:
    for name, path in packs.items():
        body = Document(str(path)).element.body
        for table in body.iter(qn("w:tbl")):
            widths = [int(c.get(qn("w:w"))) for c in table.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
            for row in table.findall(qn("w:tr")):
                for cell, width in zip(row.findall(qn("w:tc")), widths, strict=True):
                    assert longest_word(cell) + CELL_MARGINS_TWIPS <= width + 1, (name, text_of(cell))
            sizes = [int(s.get(qn("w:val"))) for s in table.iter(qn("w:sz"))]
            assert all(s >= 18 for s in sizes), name  # half-points: 9 pt


def test_small_tables_stay_on_one_page_and_sources_with_their_table(packs: dict[str, Path]) -> None:
    small = 0
    for path in packs.values():
        body = Document(str(path)).element.body
        for table in body.iter(qn("w:tbl")):
            rows = table.findall(qn("w:tr"))
            assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)
            keep = [
                all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in r.iter(qn("w:p"))) for r in rows
            ]
            if len(rows) <= SMALL_TABLE_ROWS and table.getparent() is body:
                small += 1
                assert all(keep[:-1])
            following = table.getnext()
            style = following.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if following is not None else None
            if style is not None and style.get(qn("w:val")) == "Kilde":
                assert keep[-1]  # the source line stays with its table
    assert small > 10


def test_whole_words_joins_units_and_signs() -> None:
    assert whole_words("Forbrugt 242.500 kr. (97,0 pct.)") == f"Forbrugt 242.500{NBSP}kr. (97,0{NBSP}pct.)"
    assert whole_words("i 2016 (-0,5 procentpoint); -3") == f"i 2016 ({MINUS}0,5{NBSP}procentpoint); {MINUS}3"
    assert whole_words("4. kvt. 2020, 2019-2020, sundheds- og") == f"4.{NBSP}kvt. 2020, 2019-2020, sundheds- og"


def test_fitted_widths_take_room_from_the_columns_with_some_to_spare() -> None:
    assert fitted_widths([1000, 3000, 2000], [500, 500, 2600]) == [900, 2500, 2600]
    assert fitted_widths([1000, 1000], [400, 500]) == [1000, 1000]
    squeezed = fitted_widths([1000, 1000], [1500, 1500])  # too little room: shared in proportion, same total
    assert sum(squeezed) == 2000 and squeezed == [1000, 1000]


def test_danish_counts_lists_and_quotes() -> None:
    assert antal(1, "indsats", "indsatser") == "1 indsats" and antal(2, "indsats", "indsatser") == "2 indsatser"
    assert antal(0, "succeskriterium", "succeskriterier") == "0 succeskriterier"
    assert join_da([]) == "" and join_da(["a"]) == "a" and join_da(["a", "b"]) == "a og b"
    assert join_da(["a", "b", "c"], "eller") == "a, b eller c"
    assert quoted("besvarelser") == "»besvarelser«"


def test_words_are_measured_in_carlito_found_by_its_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pillow finds Carlito by its file name among the system's fonts: no matplotlib import for a pack without a
    chart, and no stale matplotlib font cache (made before Carlito was installed) measuring in DejaVu Sans instead.
    Where Pillow cannot find it, matplotlib's font search decides, as it always did."""
    from matplotlib import font_manager
    from PIL import ImageFont

    from reportgen.render import word_layout

    try:
        ImageFont.truetype("Carlito-Regular.ttf", 10)
    except OSError:
        pytest.skip("Carlito is not installed (make office installs it)")
    word_layout._font.cache_clear()
    try:
        assert Path(word_layout._font(False, 9.0).path).name == "Carlito-Regular.ttf"
        assert Path(word_layout._font(True, 9.0).path).name == "Carlito-Bold.ttf"
        monkeypatch.setattr(word_layout, "CARLITO_FILES", {False: "No-Such-Font.ttf", True: "No-Such-Font-Bold.ttf"})
        word_layout._font.cache_clear()
        for bold in (False, True):
            weight = "bold" if bold else "normal"
            properties = font_manager.FontProperties(family=["Carlito", "DejaVu Sans"], weight=weight)
            assert word_layout._font(bold, 9.0).path == font_manager.findfont(properties)
    finally:
        word_layout._font.cache_clear()
