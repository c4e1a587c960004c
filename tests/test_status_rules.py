"""The status rule as a reader meets it: a reported status shown as reported until the deadline, a measure that only
grows past its upper limit not met at once, criteria not measured yet, an initiative's distribution, status fills
that stay apart on screen and in greyscale, and manifests that store the new status and still read the old ones."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from reportgen.domain.status import STATUS_LEGEND, STATUS_ORDER, Status, distribution, distribution_text
from reportgen.jobs.letters import status_changes
from reportgen.outputs.manifest import Manifest, read_manifest, write_manifest
from reportgen.pipeline.building import previous_pack
from reportgen.render.formatting import STATUS_COLOURS
from tests.conftest import DATA, pack_dir
from tests.test_criteria import ECONOMY, ECONOMY_COUNT, QUAL, D, grants, obs, run
from tests.test_plan_validation import assert_fails, edit_plan

# --- a reported status ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["met", "on_track", "behind", "not_met"])
def test_a_reported_status_is_shown_as_reported_before_the_deadline(tmp_path: Path, label: str) -> None:
    rows = [obs("trivsel", "2019K2", None, unit="status", label=label)]
    result = run(tmp_path, QUAL, rows, D(2019, 12, 30))
    assert result.status == label and result.reported == label
    assert result.explanation == f"Kontaktpersonen vurderer: {Status(label).label.lower()} (2. kvt. 2019)."
    assert result.actual_text == Status(label).label


@pytest.mark.parametrize("as_of", [D(2019, 12, 31), D(2020, 1, 1)], ids=["on", "after"])
@pytest.mark.parametrize("label", ["on_track", "behind"])
def test_from_the_deadline_a_reported_status_short_of_met_is_not_met_and_says_so(
    tmp_path: Path, label: str, as_of: dt.date
) -> None:
    rows = [obs("trivsel", "2019K4", None, unit="status", label=label)]
    result = run(tmp_path, QUAL, rows, as_of)
    assert result.status == "not_met"
    assert result.explanation == (
        f"Fristen 31. december 2019 er passeret; kontaktpersonen vurderede senest: "
        f"{Status(label).label.lower()} (4. kvt. 2019)."
    )
    assert result.actual_text == Status(label).label  # the figure is what was reported, the status is the verdict


@pytest.mark.parametrize("as_of", [D(2019, 12, 31), D(2020, 1, 1)], ids=["on", "after"])
def test_from_the_deadline_a_reported_met_is_met(tmp_path: Path, as_of: dt.date) -> None:
    rows = [obs("trivsel", "2019K4", None, unit="status", label="met")]
    result = run(tmp_path, QUAL, rows, as_of)
    assert result.status == "met" and result.explanation == "Kontaktpersonen vurderer: opfyldt (4. kvt. 2019)."


def test_a_reported_not_met_is_not_met_without_the_deadline_sentence(tmp_path: Path) -> None:
    rows = [obs("trivsel", "2019K4", None, unit="status", label="not_met")]
    result = run(tmp_path, QUAL, rows, D(2020, 1, 1))
    assert result.status == "not_met"
    assert result.explanation == "Kontaktpersonen vurderer: ikke opfyldt (4. kvt. 2019)."


# --- a measure that only grows past its upper limit -----------------------------------------------------------

BUDGET = {"kind": "budget"}


@pytest.mark.parametrize(
    "spent, as_of, status, ending",
    [
        (104700, D(2019, 6, 1), "not_met", "; budgettet er overskredet med 4.700 kr. (4,7 pct.)."),
        (100000, D(2019, 6, 1), "on_track", "; holder foreløbig budgettet."),
        (99999, D(2019, 6, 1), "on_track", "; holder foreløbig budgettet."),
    ],
)
def test_money_spent_past_the_budget_is_not_met_before_the_deadline(
    tmp_path: Path, spent: float, as_of: dt.date, status: str, ending: str
) -> None:
    rows = [obs("forbrug", "2019M03", spent, unit="kr")]
    result = run(tmp_path, BUDGET, rows, as_of, **ECONOMY)
    assert result.status == status and result.explanation.endswith(ending)


def test_a_budget_under_a_strict_limit_is_not_met_once_it_is_used(tmp_path: Path) -> None:
    rows = [obs("forbrug", "2019M03", 100000, unit="kr")]
    result = run(tmp_path, {"kind": "budget", "target": "< 100%"}, rows, D(2019, 6, 1), **ECONOMY)
    assert result.status == "not_met" and result.explanation.endswith("; budgettet er brugt.")


def test_a_budget_to_be_spent_in_full_is_not_final_before_the_deadline(tmp_path: Path) -> None:
    rows = [obs("forbrug", "2019M03", 50000, unit="kr")]
    result = run(tmp_path, {"kind": "budget", "target": ">= 90%"}, rows, D(2019, 6, 1), **ECONOMY)
    assert result.status == "behind"  # spending can still grow to the target


@pytest.mark.parametrize(
    "target, status, ending",
    [
        ("<= 4", "not_met", "; 1 over målet."),
        ("< 5", "not_met", "; grænsen er nået."),
        ("<= 5", "on_track", "; holder foreløbig målet."),
    ],
)
def test_grants_past_an_upper_limit_are_not_met_before_the_deadline(
    tmp_path: Path, target: str, status: str, ending: str
) -> None:
    rows = [grants("2019M02", 3), grants("2019M03", 2)]
    criterion = {**ECONOMY_COUNT, "better": "lower", "target": target}
    result = run(tmp_path, criterion, rows, D(2019, 6, 1))
    assert result.status == status and result.explanation.endswith(ending)


@pytest.mark.parametrize(
    "n2019, status, ending",
    [(6, "not_met", "; 2 flere end i 2018."), (4, "not_met", "; lige så mange som i 2018."), (3, "on_track", ".")],
)
def test_grants_no_fewer_than_the_year_before_are_not_met_before_the_period_ends(
    tmp_path: Path, n2019: float, status: str, ending: str
) -> None:
    rows = [grants("2018M05", 4), grants("2019M02", n2019)]
    result = run(tmp_path, {**ECONOMY_COUNT, "better": "lower"}, rows, D(2019, 6, 1))
    assert result.status == status and result.explanation.endswith(ending)


def test_grants_past_a_limit_never_give_away_a_small_count(tmp_path: Path) -> None:
    from reportgen.domain.observations import observations_frame
    from reportgen.evaluate import evaluate
    from tests.test_criteria import plan_with

    plan = plan_with(tmp_path, {**ECONOMY_COUNT, "better": "lower", "target": "<= 1"})
    rows = [grants("2019M02", 2)]
    (initiative,) = evaluate(plan, observations_frame(rows), D(2019, 6, 1), min_count=3)
    (result,) = initiative.criteria
    assert result.status == "not_met" and result.suppressed == "færre end 3"
    assert result.explanation.endswith("; over målet.") and " 1 over" not in result.explanation


def test_a_count_with_an_upper_limit_is_a_level_that_can_fall(tmp_path: Path) -> None:
    rows = [obs("familier", "2019K1", 31)]
    result = run(tmp_path, {"kind": "count", "measure": "familier", "target": "< 30"}, rows, D(2019, 6, 1))
    assert result.status == "behind"  # families on benefits can become fewer again


# --- not measured yet -----------------------------------------------------------------------------------------

RATIO = {"kind": "ratio", "numerator": "i_job", "denominator": "deltagere", "target": ">= 50%"}


@pytest.mark.parametrize(
    "first, as_of, status, explanation",
    [
        ("2020-06-30", D(2020, 6, 29), "not_measured", "Kriteriet måles første gang 30. juni 2020."),
        ("2020-06-30", D(2020, 6, 30), "no_data", "Ingen indberetning af »i_job« og »deltagere« i målingsarket."),
        ("2020-06-30", D(2020, 12, 31), "no_data", "Ingen indberetning af »i_job« og »deltagere« i målingsarket."),
        (None, D(2019, 1, 1), "no_data", "Ingen indberetning af »i_job« og »deltagere« i målingsarket."),  # the default
    ],
)
def test_a_criterion_without_figures_is_not_measured_before_its_first_measurement(
    tmp_path: Path, first: str | None, as_of: dt.date, status: str, explanation: str
) -> None:
    criterion = {**RATIO, **({"first_measurement": dt.date.fromisoformat(first)} if first else {})}
    result = run(tmp_path, criterion, [], as_of)
    assert result.status == status and result.explanation == explanation


def test_figures_reported_before_the_first_measurement_count(tmp_path: Path) -> None:
    rows = [obs("i_job", "2019K2", 6), obs("deltagere", "2019K2", 10)]
    result = run(tmp_path, {**RATIO, "first_measurement": D(2020, 6, 30)}, rows, D(2019, 9, 30))
    assert result.status == "on_track" and result.actual is not None


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        (
            "deadline: 2020-06-30\n        first_measurement: 2020-06-30",
            "deadline: 2020-06-30\n        first_measurement: 2020-09-30",
            "first measurement 2020-09-30 is outside the plan or after the criterion's deadline",
        ),
        (
            "first_measurement: 2020-03-31              # within",
            "first_measurement: 2018-12-31              # within",
            "first measurement 2018-12-31 is outside the plan",
        ),
        (
            "first_measurement: 2020-03-31              # within",
            "first_measurement: ultimo 2020              # within",
            "'ultimo 2020' is not valid",
        ),
    ],
    ids=["after-deadline", "before-plan", "not-a-date"],
)
def test_a_first_measurement_outside_the_plan_names_file_and_line(
    example: Path, cli: Any, old: str, new: str, fragment: str
) -> None:
    line = edit_plan(example, old, new) + (1 if old.startswith("deadline") else 0)
    err = assert_fails(cli, example, f"handleplan_2019.yaml:{line}:", fragment)
    assert "first_measurement" in err


def test_worst_leaves_criteria_not_measured_aside() -> None:
    assert Status.worst(["met", "not_measured"]) == "met"
    assert Status.worst(["not_measured", "no_data"]) == "no_data"  # a missing report is worth knowing
    assert Status.worst(["not_measured", "not_measured"]) == "not_measured"
    assert Status.worst([]) == "no_data"
    assert STATUS_ORDER[-2:] == [Status.NO_DATA, Status.NOT_MEASURED]


# --- an initiative's distribution -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statuses, text",
    [
        (["met"] * 9 + ["not_met"] * 3, "9 af 12 opfyldt · 3 ikke opfyldt"),
        (["met", "behind", "no_data", "no_data"], "1 af 4 opfyldt · 1 bagud · 2 mangler data"),
        (
            ["no_data", "on_track", "not_measured", "on_track"],
            "0 af 4 opfyldt · 2 på vej · 1 mangler data · 1 ikke målt endnu",
        ),
        (["met"], "1 af 1 opfyldt"),
        ([], ""),
    ],
)
def test_distribution_text(statuses: list[str], text: str) -> None:
    assert distribution_text(statuses) == text


def test_distribution_is_worst_first_and_only_what_occurs() -> None:
    assert distribution(["met", "not_met", "met", "not_measured"]) == [
        (Status.NOT_MET, 1),
        (Status.MET, 2),
        (Status.NOT_MEASURED, 1),
    ]


# --- fills ----------------------------------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of an RRGGBB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _lightness(hex_colour: str) -> float:
    """CIE L* (0 black to 100 white) of an RRGGBB colour."""
    y = _luminance(hex_colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def _printer_grey(hex_colour: str) -> float:
    """The grey a black-and-white print makes of a colour (ITU-R BT.601 luma, 0 to 255)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_every_status_has_a_fill_readable_with_black_text() -> None:
    assert set(STATUS_COLOURS) == set(Status)
    for status, colour in STATUS_COLOURS.items():
        contrast = (_luminance(colour) + 0.05) / (0 + 0.05)  # black text
        assert contrast >= 4.5, (status, colour, contrast)


def test_status_fills_stay_apart_in_greyscale() -> None:
    for (a, ca), (b, cb) in itertools.combinations(STATUS_COLOURS.items(), 2):
        assert abs(_lightness(ca) - _lightness(cb)) >= 7, (a, b)
        assert abs(_printer_grey(ca) - _printer_grey(cb)) >= 10, (a, b)


def test_the_legend_explains_every_status_in_order() -> None:
    assert [s for s, _ in STATUS_LEGEND] == [
        Status.MET,
        Status.ON_TRACK,
        Status.BEHIND,
        Status.NOT_MET,
        Status.NO_DATA,
        Status.NOT_MEASURED,
    ]
    texts = dict(STATUS_LEGEND)
    assert "»på vej«" in texts[Status.NOT_MET] and "også før fristen" in texts[Status.NOT_MET]
    assert "senere" in texts[Status.NOT_MEASURED] and Status.NOT_MEASURED.label == "Ikke målt endnu"


# --- manifests ------------------------------------------------------------------------------------------------


def test_a_pack_stores_not_measured_in_its_manifest_and_reads_it_back(example: Path, cli: Any) -> None:
    assert cli("run", "--committee", "UU", "--meeting", "2020-03-11").exit_code == 0
    manifest = read_manifest(pack_dir(example) / "manifest.json")
    (pack,) = manifest.packs
    statuses = {c.id: c.status for c in pack.criteria}
    assert statuses["5.2"] == statuses["5.3"] == "not_measured"  # first measured June and August 2020
    assert pack.results is not None and pack.results.criteria["not_measured"] == 2
    assert Status(statuses["5.2"]).label == "Ikke målt endnu"
    assert Manifest.from_data(json.loads(manifest.dumps()), "x") == manifest


def test_an_older_manifest_still_reads_and_compares_with_a_new_status(tmp_path: Path) -> None:
    old = read_manifest(DATA / "manifests" / "schema-1.json")
    (sent,) = old.packs
    assert sent.results is not None and "not_measured" not in sent.results.criteria
    current = sent.model_copy(deep=True)
    current.criteria[0].status = "not_measured"
    new = old.model_copy(update={"packs": [current]})
    write_manifest(tmp_path / "manifest.json", new)
    again = read_manifest(tmp_path / "manifest.json")
    assert again.packs[0].criteria[0].status == "not_measured"
    first = sent.criteria[0]
    assert status_changes(sent, again.packs[0]) == (
        f"Ændret status siden den tidligere udgave: {first.id}: {Status(first.status).label} → Ikke målt endnu."
    )


def test_the_previous_pack_of_an_older_manifest_gives_known_statuses(tmp_path: Path) -> None:
    from reportgen.domain.packs import PackSpec
    from reportgen.outputs.manifest import RecordedPack

    old = read_manifest(DATA / "manifests" / "schema-1.json")
    recorded = [RecordedPack(p, tmp_path / "manifest.json", old.created, {}) for p in old.packs]
    spec = PackSpec("committee", as_of=D(2020, 6, 30), committee="AUU", meeting=D(2020, 6, 9))
    previous = previous_pack(spec, recorded)
    assert previous is not None
    assert all(Status(c["status"]) in STATUS_ORDER for c in previous["criteria"].values())


# --- the template context -------------------------------------------------------------------------------------


def test_each_initiative_in_the_context_has_its_distribution() -> None:
    from reportgen.config import load_config
    from reportgen.domain.packs import PackSpec
    from reportgen.evaluate import evaluate
    from reportgen.pipeline import read_inputs
    from reportgen.privacy import PrivacyGuard
    from reportgen.render.context import build_context
    from tests.conftest import REPO

    inputs = read_inputs(load_config(REPO / "reportgen.toml"))
    as_of = D(2020, 12, 31)
    observations = inputs.observations(as_of)
    results = evaluate(inputs.plan, observations, as_of, has_economy=inputs.has_economy)
    spec = PackSpec("annual", as_of=as_of, year=2020)
    generated = dt.datetime(2021, 1, 15, 9, 0, tzinfo=dt.UTC)
    context = build_context(inputs.plan, results, observations, spec, [], PrivacyGuard(), generated=generated)
    nine = next(i for i in context["initiatives"] if i["id"] == "9")
    assert nine["distribution_text"] == "9 af 12 opfyldt · 2 ikke opfyldt · 1 mangler data"
    assert nine["distribution"] == [
        {"status": "not_met", "label": "Ikke opfyldt", "colour": STATUS_COLOURS[Status.NOT_MET], "count": 2},
        {"status": "met", "label": "Opfyldt", "colour": STATUS_COLOURS[Status.MET], "count": 9},
        {"status": "no_data", "label": "Mangler data", "colour": STATUS_COLOURS[Status.NO_DATA], "count": 1},
    ]
    assert nine["status"] == "not_met"  # the worst criterion, kept for sorting and older templates
    for initiative in context["initiatives"]:
        assert sum(d["count"] for d in initiative["distribution"]) == len(initiative["criteria"])
    assert [s["status"] for s in context["status_counts"]] == [str(s) for s in STATUS_ORDER]
    assert context["status_legend"][-1]["label"] == "Ikke målt endnu"
