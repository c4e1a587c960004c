"""Plan (handleplan YAML) validation: every problem exits 2 and names the file, line and field, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.plan import load_plan, parse_target
from tests.conftest import REPO

PLAN = "inputs/handleplan_2019.yaml"


def edit_plan(root: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text in the example plan; return the 1-based line where the change starts."""
    path = root / PLAN
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def assert_fails(cli, root: Path, *fragments: str) -> str:
    result = cli("run")
    assert result.exit_code == 2, result.stdout + result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"
    assert result.stderr.startswith("reportgen: error: inputs/handleplan_2019.yaml:")
    assert not (root / "outputs").exists() or not any((root / "outputs").rglob("*.docx"))
    return str(result.stderr)


def test_unknown_key_names_file_line_and_the_known_keys(example: Path, cli) -> None:
    line = (
        edit_plan(example, "    contact: Ungecentret\n", "    contact: Ungecentret\n    kontakt_email: x@example.dk\n")
        + 1
    )
    err = assert_fails(
        cli, example, f"handleplan_2019.yaml:{line}:", "unknown key 'kontakt_email'", "one of: id, title, goal"
    )
    assert "initiatives[3]" in err


def test_missing_field_names_the_field(example: Path, cli) -> None:
    line = edit_plan(example, "        measure: forloeb\n", "")
    err = assert_fails(cli, example, "missing field 'measure'", "initiatives[4].criteria[0]")
    assert f"handleplan_2019.yaml:{line - 3}:" in err or f"handleplan_2019.yaml:{line - 4}:" in err


def test_bad_target_says_what_was_expected(example: Path, cli) -> None:
    line = edit_plan(
        example, 'target: ">= 20"\n        deadline: 2019-12-31', 'target: "mindst tyve"\n        deadline: 2019-12-31'
    )
    assert_fails(
        cli,
        example,
        f"handleplan_2019.yaml:{line}:",
        "initiatives[2].criteria[0].target",
        "'mindst tyve' is not a target",
        "a comparison such as '>= 20'",
    )


def test_unknown_kind_lists_the_kinds(example: Path, cli) -> None:
    line = edit_plan(
        example,
        "kind: qualitative\n        measure: koncept_udviklet",
        "kind: kvalitativ\n        measure: koncept_udviklet",
    )
    assert_fails(
        cli, example, f"handleplan_2019.yaml:{line}:", "unknown criterion kind 'kvalitativ'", "count, ratio, benchmark"
    )


def test_unknown_goal_and_committee_references(example: Path, cli) -> None:
    edit_plan(example, "goal: uddannelse\n", "goal: skole\n")
    edit_plan(example, "committees: [ÆOU]", "committees: [ÆU]")
    err = assert_fails(
        cli, example, "unknown goal 'skole'", "unknown committee 'ÆU'", "one of the committees: AUU, UU, KFU, SU, ÆOU"
    )
    assert "2 problems; nothing was written" in err


def test_duplicate_key_and_invalid_yaml(example: Path, cli) -> None:
    line = edit_plan(example, "pool: 1700000\n", "pool: 1700000\npool: 1800000\n") + 1
    assert_fails(cli, example, f"handleplan_2019.yaml:{line}: duplicate key 'pool'")
    (example / PLAN).write_text("title: [unclosed\n", encoding="utf-8")
    assert_fails(cli, example, "invalid YAML")


def test_every_problem_is_listed_not_only_the_first(example: Path, cli) -> None:
    edit_plan(example, 'target: ">= 10"', 'target: "ti"')
    edit_plan(example, "municipality: 147", "municipality: Frederiksborg")
    err = assert_fails(cli, example, "'ti' is not a target", "'Frederiksborg' is not a Danish municipality")
    assert err.count("reportgen: error:") == 2


def test_duplicate_ids_and_deadline_before_the_plan(example: Path, cli) -> None:
    edit_plan(example, 'id: "12.4"', 'id: "12.3"')
    edit_plan(example, "deadline: 2020-06-30", "deadline: 2018-06-30")
    assert_fails(cli, example, "criterion id '12.3' is used twice", "deadline 2018-06-30 is before the plan starts")


@pytest.mark.parametrize(
    "text, op, value, percent",
    [
        (">= 20", ">=", "20", False),
        (">= 80%", ">=", "0.8", True),
        ("<= 5", "<=", "5", False),
        ("≥ 12,5 %", ">=", "0.125", True),
        ("< 30", "<", "30", False),
        (20, ">=", "20", False),
        (">= 1.234", ">=", "1234", False),
    ],
)
def test_targets_parse_exactly(text: object, op: str, value: str, percent: bool) -> None:
    from decimal import Decimal

    target = parse_target(text)
    assert (target.op, target.value, target.percent) == (op, Decimal(value), percent)


def test_the_shipped_plan_is_valid() -> None:
    plan = load_plan(REPO / PLAN)
    assert plan.municipality_code == 147 and plan.slug == "frederiksberg-integrationspolitikkens-handleplan-2019"


def test_a_plan_that_is_not_a_mapping(tmp_path: Path) -> None:
    bad = tmp_path / "plan.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_plan(bad, "plan.yaml")
    assert "not a mapping" in str(info.value)
