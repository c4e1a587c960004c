"""Small-number suppression (``[privacy] min_count``): person counts below it shown as "færre end N", shares on
fewer persons (or whose count or complement is that small) not shown, a count that a shown total would give away
hidden too (secondary suppression), and one sentence in the report saying so. Off (0) by default."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from docx import Document
from openpyxl import load_workbook

from reportgen.domain.observations import observations_frame
from reportgen.evaluate import Evaluator
from reportgen.plan import load_plan
from tests.conftest import edit_config, pack_dir

PLAN = {
    "title": "Test",
    "municipality": 147,
    "period": {"start": "2019-01-01", "end": "2019-12-31"},
    "committees": {"AUU": "Arbejdsmarkedsudvalget"},
    "goals": {"g": "Mål"},
    "labels": {"gennemfoert": "gennemførte", "deltagere": "deltagere", "nye": "nye deltagere"},
    "initiatives": [
        {
            "id": "1",
            "title": "Indsats",
            "goal": "g",
            "committees": ["AUU"],
            "contact": "Kontakt",
            "criteria": [
                {"id": "1.1", "text": "Gennemført", "kind": "count", "measure": "gennemfoert", "target": ">= 10"},
                {"id": "1.2", "text": "Deltagere", "kind": "count", "measure": "deltagere", "target": ">= 10"},
                {
                    "id": "1.3",
                    "text": "Andel",
                    "kind": "ratio",
                    "numerator": "gennemfoert",
                    "denominator": "deltagere",
                    "target": ">= 80%",
                },
                # expected 5 by mid-year: "færre end 3" and "Bagud" leave 1 or 2 possible
                {"id": "1.4", "text": "Nye", "kind": "count", "measure": "nye", "target": ">= 10"},
            ],
        }
    ],
}


def results(tmp_path: Path, values: dict[str, int], min_count: int) -> dict[str, Any]:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    rows = [
        {
            "source": "ark.xlsx",
            "indicator": k,
            "area": 147,
            "period": "2019K2",
            "value": float(v),
            "unit": "antal",
            "initiative": "1",
            "label": None,
            "comment": None,
        }
        for k, v in values.items()
    ]
    (result,) = Evaluator(
        load_plan(path), observations_frame(rows), dt.date(2019, 6, 30), min_count=min_count
    ).evaluate()
    return {c.criterion_id: c for c in result.criteria}


def test_off_by_default_every_figure_is_shown(tmp_path: Path) -> None:
    r = results(tmp_path, {"gennemfoert": 18, "deltagere": 19, "nye": 2}, 0)
    assert [r[k].actual_text for k in ("1.1", "1.2", "1.3", "1.4")] == ["18", "19", "94,7 pct.", "2"]


def test_small_counts_shares_and_what_a_total_gives_away_are_hidden(tmp_path: Path) -> None:
    r = results(tmp_path, {"gennemfoert": 18, "deltagere": 19, "nye": 2}, 3)
    assert r["1.4"].actual_text == "færre end 3" and r["1.4"].explanation.startswith("Færre end 3 (2. kvt. 2019)")
    assert r["1.3"].actual_text == "vises ikke"  # 1 person did not complete: the share would say so
    assert r["1.3"].explanation.startswith("Andelen vises ikke, da den ville afsløre et antal på færre end 3 personer")
    assert r["1.1"].actual_text == "vises ikke"  # 18 shown beside 19 would give the 1 away (secondary)
    assert r["1.1"].explanation.startswith("Antallet vises ikke, da det sammen med et andet tal")
    assert r["1.2"].actual_text == "19"
    for c in r.values():  # the hidden figures are nowhere in what may be published
        text = json.dumps(c.as_dict())
        assert (c.suppressed is None) == (c.criterion_id == "1.2"), c.criterion_id
        if c.suppressed:
            assert c.as_dict()["actual"] is None and all(f["value"] is None for f in c.as_dict()["figures"])
            assert "18" not in c.explanation and "94,7" not in text
    assert str(r["1.3"].status) == "on_track"  # the verdict is still made on the exact figures (94,7 >= 80)


def test_a_count_that_the_status_and_the_target_would_give_away_is_not_shown(tmp_path: Path) -> None:
    # "mindst 2 | færre end 3 | Opfyldt" would say the count is 2; so would "forventet 2 | færre end 3 | På vej"
    plan = PLAN["initiatives"][0]["criteria"]  # type: ignore[index]
    original = plan[3]["target"]
    try:
        for target, count in ((">= 2", 2), (">= 5", 2)):
            plan[3]["target"] = target
            r = results(tmp_path, {"gennemfoert": 18, "deltagere": 19, "nye": count}, 3)
            assert r["1.4"].actual_text == "vises ikke", target
            assert r["1.4"].explanation.startswith("Antallet vises ikke, da det sammen med målet og status")
            assert "forventet" not in r["1.4"].explanation and "færre end 3 (" not in r["1.4"].explanation
            assert r["1.4"].as_dict()["actual"] is None
            assert str(r["1.4"].status) in ("met", "on_track")  # still decided on the exact figure
        plan[3]["target"] = ">= 10"  # 1 and 2 are both behind: "færre end 3" gives nothing away
        r = results(tmp_path, {"gennemfoert": 18, "deltagere": 19, "nye": 2}, 3)
        assert r["1.4"].actual_text == "færre end 3"
    finally:
        plan[3]["target"] = original


def test_a_share_on_fewer_persons_is_not_shown(tmp_path: Path) -> None:
    r = results(tmp_path, {"gennemfoert": 1, "deltagere": 2, "nye": 7}, 3)
    assert r["1.3"].actual_text == "vises ikke" and r["1.1"].actual_text == "færre end 3"
    assert r["1.3"].explanation.startswith("Andelen vises ikke, da den bygger på færre end 3 personer")
    assert r["1.2"].actual_text == "færre end 3" and r["1.4"].actual_text == "7"


def test_the_pack_says_what_is_hidden_and_why_and_shows_no_hidden_figure(example: Path, cli) -> None:
    path = example / "inputs" / "maalinger" / "maalinger-centerleder-center-for-integration.xlsx"
    wb = load_workbook(path)
    for row in wb["Målinger"].iter_rows(min_row=5):
        if row[0].value == "1" and row[2].value == "2020K1":
            row[3].value = {"afklarede": 24, "deltagere": 25}.get(str(row[1].value), 2)
    wb.save(path)
    edit_config(example, "min_count = 0", "min_count = 3")
    result = cli("run", "--committee", "AUU", "--meeting", "2020-03-10")
    assert result.exit_code == 0, result.stderr
    folder = pack_dir(example) / "2020-03-10-AUU"
    doc = Document(str(folder / "status-AUU-2020-03-10.docx"))
    paragraphs = [p.text for p in doc.paragraphs]
    assert any("vises antal under 3 personer som »færre end 3«" in p for p in paragraphs)
    rows = {r.cells[0].text: [c.text for c in r.cells] for t in doc.tables for r in t.rows}
    # Nr., Succeskriterium, Status, Forklaring: 24 of 25, the one not yet afklaret would be given away
    assert rows["1.1"][3].startswith("Andelen vises ikke, da den ville afsløre et antal på færre end 3 personer")
    assert "96,0 pct." not in "".join(rows["1.1"]) and "24 af 25" not in "".join(rows["1.1"])
    ws = load_workbook(folder / "bilag-AUU-2020-03-10.xlsx")["Succeskriterier"]
    shown = [[c.value for c in r] for r in ws.iter_rows(min_row=2) if r[1].value == "1.1"]  # column B: Nr.
    assert shown and "vises ikke" in shown[0] and 0.96 not in shown[0], shown
    manifest = (pack_dir(example) / "manifest.json").read_text(encoding="utf-8")
    assert '"min_count": 3' in manifest and "24 af 25" not in manifest


def test_min_count_is_checked(example: Path, cli) -> None:
    edit_config(example, "min_count = 0", "min_count = -1")
    result = cli("validate")
    assert result.exit_code == 2 and "privacy.min_count" in result.stderr
