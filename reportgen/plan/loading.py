"""Loading a plan file: YAML that remembers on which line every key stands, validation with messages that name the
file, line, field, what is wrong and what was expected, and the cross-checks a schema cannot express.

Duplicate keys are errors (PyYAML silently keeps the last one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from reportgen.domain.areas import registry
from reportgen.errors import InputError, Problem, describe
from reportgen.plan import model
from reportgen.plan.model import (
    CRITERION_KINDS,
    CRITERION_TYPES,
    SEP,
    Criterion,
    EconomyFilter,
    Initiative,
    Plan,
    PlanPeriod,
)

Path_ = tuple[object, ...]
Locate = Callable[[Path_], dict[str, Any]]
"""Where a key path of the plan stands in its file: ``Problem`` fields (``row``; for a workbook also ``sheet`` and
``column``)."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader, parsing in C (libyaml, in PyYAML's wheels) where it is there: a fifth of the time of the
    pure-Python parser, with the same nodes, lines and errors."""


MAX_PLAN_BYTES = 5 * 1024 * 1024
"""A plan is a few hundred lines; a file beyond this is not a plan."""
MAX_NODES = 200_000
"""How many values the plan may hold once aliases are expanded (the shipped plan has about 2.000): a few nested
aliases in a small file can otherwise expand to billions."""
MAX_DEPTH = 40
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
YAML_EXPECTED = "valid YAML"


def load_with_lines(path: Path, display: str) -> tuple[Any, dict[Path_, int]]:
    """Read a YAML file; return its data and a map from key path (``("initiatives", 0, "criteria")``) to line.

    Every way a file can be bad is an InputError naming the line: not UTF-8, a control character, a tag that is
    not plain YAML (``!!python/…``, ``!ukendt``), an impossible date, nesting deeper than ``MAX_DEPTH``, aliases
    expanding beyond ``MAX_NODES`` values, a file beyond ``MAX_PLAN_BYTES``."""
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            raise InputError.at(
                display, f"the file is {path.stat().st_size:,} bytes".replace(",", "."), "a plan of at most 5 MB"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.at(display, "file not found", "an existing YAML file") from None
    except UnicodeDecodeError as exc:
        raise InputError.at(display, f"not UTF-8 text ({exc.reason})", "a YAML file saved as UTF-8") from None
    except OSError as exc:
        raise InputError.at(display, f"cannot read the file ({exc.strerror or describe(exc)})", "a YAML file") from None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputError.at(display, f"control character {bad.group()!r}", "text without control characters", row=line)
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (U+FFFE, U+FFFF)
        line = text.count("\n", 0, exc.position) + 1
        raise InputError.at(
            display, f"the character U+{exc.character:04X} is not allowed in YAML", "text without it", row=line
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError.at(display, f"invalid YAML: {exc.problem}", YAML_EXPECTED, row=mark) from None
    except yaml.YAMLError as exc:
        raise InputError.at(display, f"invalid YAML ({describe(exc)})", YAML_EXPECTED) from None
    except RecursionError:
        raise InputError.at(display, "the YAML is nested too deeply", f"at most {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()
    lines: dict[Path_, int] = {(): 1}
    if node is None:
        return None, lines
    budget = [MAX_NODES]
    data = _build(loader, node, (), lines, display, budget)
    return data, lines


def _build(
    loader: _Loader, node: yaml.Node, path: Path_, lines: dict[Path_, int], display: str, budget: list[int]
) -> Any:
    line = node.start_mark.line + 1
    budget[0] -= 1
    if budget[0] < 0:
        raise InputError.at(
            display,
            f"the plan expands to more than {MAX_NODES:,} values (aliases?)".replace(",", "."),
            "a plan without nested aliases",
            row=line,
        )
    if len(path) > MAX_DEPTH:
        raise InputError.at(display, "the YAML is nested too deeply", f"at most {MAX_DEPTH} levels", row=line)
    lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node, display)
            if isinstance(key, (list, dict)):
                raise InputError.at(
                    display, "a key must be a plain value", "key: value", row=key_node.start_mark.line + 1
                )
            if key in result:
                raise InputError.at(
                    display, f"duplicate key {key!r}", "each key once", row=key_node.start_mark.line + 1
                )
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, (*path, key), lines, display, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), lines, display, budget) for i, item in enumerate(node.value)]
    return _scalar(loader, node, display)


def _scalar(loader: _Loader, node: yaml.Node, display: str) -> Any:
    """One value: a tag the safe loader does not know, or a value its tag cannot hold (``2019-02-31``), is an error
    on the node's line."""
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode):
        raise InputError.at(display, "a key must be a plain value", "key: value", row=line)
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        raise InputError.at(display, f"invalid YAML: {exc.problem}", YAML_EXPECTED, row=line) from None
    except (ValueError, OverflowError, TypeError, AttributeError) as exc:  # !!timestamp that is none: AttributeError
        why = f" ({exc})" if not isinstance(exc, AttributeError) else ""
        raise InputError.at(
            display, f"{node.value!r} is not a valid {node.tag.rpartition(':')[2]}{why}", YAML_EXPECTED, row=line
        ) from None
    bad = _CONTROL.search(value) if isinstance(value, str) else None  # written as an escape: "\v"
    if bad:
        raise InputError.at(
            display,
            f"control character {bad.group()!r} in {value!r}",
            "text without control characters",
            row=line,
        )
    return value


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of the deepest known prefix of ``path``."""
    for cut in range(len(path), -1, -1):
        line = lines.get(tuple(path[:cut]))
        if line is not None:
            return line
    return None


def dotted(path: Path_) -> str:
    """``("initiatives", 2, "criteria", 0, "target")`` -> ``initiatives[2].criteria[0].target``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _strip_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Remove the discriminator tag pydantic puts into locations inside ``criteria[i]``."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        if i >= 2 and part in CRITERION_KINDS and isinstance(loc[i - 1], int) and loc[i - 2] == "criteria":
            continue
        out.append(part)
    return tuple(out)


def _at(locate: Locate, path: Path_, column: str | None) -> dict[str, Any]:
    """Problem location fields for ``path``; ``column`` (a YAML key path) unless the file names its own column."""
    where = dict(locate(path))
    where.setdefault("column", column)
    return where


def _problem_from_pydantic(
    error: Any, display: str, locate: Locate, model_fields: dict[tuple[str, ...], list[str]]
) -> Problem:
    loc = _strip_tags(tuple(error["loc"]))
    kind = error["type"]
    field = dotted(loc) or "(top level)"
    if kind == "extra_forbidden":
        parent = tuple(p for p in loc[:-1] if not isinstance(p, int))
        allowed = model_fields.get(parent)
        expected = "one of: " + ", ".join(allowed) if allowed else "a known key"
        return Problem(display, f"unknown key {loc[-1]!r}", expected, **_at(locate, loc, dotted(loc[:-1]) or None))
    if kind == "missing":
        return Problem(
            display,
            f"missing field {loc[-1]!r}",
            "the field is required",
            **_at(locate, loc[:-1], dotted(loc[:-1]) or None),
        )
    if kind == "union_tag_invalid":
        return Problem(
            display,
            "unknown criterion kind "
            f"{error['input'].get('kind') if isinstance(error['input'], dict) else error['input']!r}",
            "one of: " + ", ".join(CRITERION_KINDS),
            **_at(locate, (*loc, "kind"), field),
        )
    if kind == "union_tag_not_found":
        return Problem(
            display,
            "criterion has no 'kind'",
            "one of: " + ", ".join(CRITERION_KINDS),
            **_at(locate, loc, field),
        )
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    what, _, expected = message.partition(SEP)
    if not expected and (kind.endswith("_parsing") or kind.endswith("_type") or kind.startswith("too_")):
        expected = what
        what = f"{error.get('input')!r} is not valid"
    return Problem(display, f"{field}: {what}" if field not in what else what, expected, **_at(locate, loc, None))


def _allowed_keys() -> dict[tuple[str, ...], list[str]]:
    criterion_keys = sorted({k for m in CRITERION_TYPES for k in m.model_fields})
    return {
        (): list(Plan.model_fields),
        ("period",): list(PlanPeriod.model_fields),
        ("initiatives",): list(Initiative.model_fields),
        ("initiatives", "economy"): list(EconomyFilter.model_fields),
        ("initiatives", "criteria"): criterion_keys,
    }


def load_plan(path: Path, display: str | None = None) -> Plan:
    """Load and validate a plan file; raise InputError listing every problem found."""
    display = display or str(path)
    data, lines = load_with_lines(path, display)
    if not isinstance(data, dict):
        raise InputError.at(
            display,
            "the plan is not a mapping of keys",
            "title, municipality, period, committees, goals, initiatives",
            row=1,
        )
    return validate_plan(data, display, lambda path: {"row": line_of(lines, path)})


def validate_plan(data: dict[str, Any], display: str, locate: Locate) -> Plan:
    """The plan from its data (read from YAML or a plan workbook), or an InputError listing every problem, each
    placed in the file by ``locate``."""
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        allowed = _allowed_keys()
        raise InputError([_problem_from_pydantic(e, display, locate, allowed) for e in exc.errors()]) from None
    problems = _cross_check(plan, display, locate)
    if problems:
        raise InputError(problems)
    return plan


Finding = tuple[tuple[object, ...], str, str]
"""A cross-check's finding: where in the plan (a key path), what is wrong, what is expected."""


def _cross_check(plan: Plan, display: str, locate: Locate) -> list[Problem]:
    """What a schema cannot say: references between parts of the plan, unique ids, sensible deadlines."""
    findings: list[Finding] = []
    seen_initiatives: set[str] = set()
    seen_criteria: set[str] = set()
    for i, initiative in enumerate(plan.initiatives):
        loc: tuple[object, ...] = ("initiatives", i)
        if initiative.id in seen_initiatives:
            findings.append(
                ((*loc, "id"), f"initiative id {initiative.id!r} is used twice", "a unique id per initiative")
            )
        seen_initiatives.add(initiative.id)
        findings += _initiative_references(plan, initiative, loc)
        for k, criterion in enumerate(initiative.criteria):
            cloc = (*loc, "criteria", k)
            if criterion.id in seen_criteria:
                findings.append(
                    ((*cloc, "id"), f"criterion id {criterion.id!r} is used twice", "a unique id per criterion")
                )
            seen_criteria.add(criterion.id)
            findings += _criterion_checks(plan, initiative, criterion, cloc)
    return [Problem(display, what, expected, **_at(locate, where, dotted(where))) for where, what, expected in findings]


def _initiative_references(plan: Plan, initiative: Initiative, loc: tuple[object, ...]) -> Iterator[Finding]:
    """An initiative's goal and committees are the plan's; its budget years lie within the plan period."""
    if initiative.goal not in plan.goals:
        yield (*loc, "goal"), f"unknown goal {initiative.goal!r}", "one of the goals: " + ", ".join(plan.goals)
    for j, code in enumerate(initiative.committees):
        if code not in plan.committees:
            yield (
                (*loc, "committees", j),
                f"unknown committee {code!r}",
                "one of the committees: " + ", ".join(plan.committees),
            )
    for year in initiative.budget:
        if not plan.period.start.year <= year <= plan.period.end.year:
            yield (
                (*loc, "budget", year),
                f"budget year {year} is outside the plan period",
                f"a year from {plan.period.start.year} to {plan.period.end.year}",
            )


def _criterion_checks(
    plan: Plan, initiative: Initiative, criterion: Criterion, cloc: tuple[object, ...]
) -> Iterator[Finding]:
    """A criterion's deadline is within the plan; what its kind needs is there and makes sense."""
    if criterion.deadline and criterion.deadline < plan.period.start:
        yield (
            (*cloc, "deadline"),
            f"deadline {criterion.deadline} is before the plan starts",
            f"a date on or after {plan.period.start}",
        )
    first = criterion.first_measurement
    last = min(plan.period.end, plan.deadline_of(criterion))
    if first is not None and not plan.period.start <= first <= last:
        yield (
            (*cloc, "first_measurement"),
            f"first measurement {first} is outside the plan or after the criterion's deadline",
            f"a date from {plan.period.start} to {last}",
        )
    if isinstance(criterion, model.BudgetCriterion):
        if not initiative.budget:
            yield cloc, "a budget criterion needs the initiative's budget", "budget: {year: amount}"
        if initiative.economy is None:
            yield (
                cloc,
                "a budget criterion needs the initiative's economy filter",
                "economy: {projects: [...], accounts: [...]}",
            )
    if isinstance(criterion, model.BenchmarkCriterion) and isinstance(criterion.against, list):
        for m, other in enumerate(criterion.against):
            area = registry().lookup(other)
            if area is None or not area.is_municipality:
                yield (
                    (*cloc, "against", m),
                    f"{other!r} is not a Danish municipality",
                    "'national', 'kommunegruppe' or a list of kommunekoder or names",
                )
    target = criterion.target if isinstance(criterion, model.RatioCriterion) else None
    if target is not None and not target.percent and target.value > 1:
        yield (
            (*cloc, "target"),
            f"ratio target {target.value} is above 1",
            "a share written as a percentage such as '>= 80%'",
        )
