"""A plan as plain data again (what its YAML file holds), for ``reportgen plan convert --to yaml``.

Only the fields the plan sets are written, so a default stays a default; targets are written as staff write them
(``>= 80%``), periods as codes (``2019K3``), amounts exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from pydantic import BaseModel

from reportgen.domain.periods import Period
from reportgen.plan.model import Plan, Target


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as the mapping its YAML file holds."""
    return {name: _plain(getattr(plan, name)) for name in Plan.model_fields if name in plan.model_fields_set}


def plan_yaml(plan: Plan, *, source: str | None = None) -> str:
    """The plan as YAML text (UTF-8, keys in the model's order), with a comment naming what it was converted from."""
    head = f"# Converted from {source} by reportgen plan convert.\n" if source else ""
    body = yaml.dump(plan_data(plan), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    return head + body


class _Dumper(yaml.SafeDumper):
    """Mappings in block style, short lists of plain values inline (``committees: [AUU, SU]``), as staff write them."""


def _list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    inline = all(not isinstance(item, (dict, list)) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=inline)


def _mapping(dumper: yaml.SafeDumper, mapping: dict[Any, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", mapping, flow_style=False)


_Dumper.add_representer(list, _list)
_Dumper.add_representer(dict, _mapping)


def target_text(target: Target) -> str:
    """``>= 80%`` for a share target (held as 0.8), ``>= 40`` for a number."""
    number = target.value * 100 if target.percent else target.value
    text = format(number.normalize(), "f")
    return f"{target.op} {text}{'%' if target.percent else ''}"


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return {name: _plain(getattr(value, name)) for name in fields if name in value.model_fields_set}
    if isinstance(value, Target):
        return target_text(value)
    if isinstance(value, Period):
        return value.code
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _number(value: Decimal) -> int | float | str:
    """An exact amount as YAML writes it: a whole number, a float that reads back the same, else its text."""
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)
