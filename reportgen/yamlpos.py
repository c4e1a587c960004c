"""YAML loading that remembers on which line every key stands, so validation errors can name the line.

Duplicate keys are errors (PyYAML silently keeps the last one).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import InputError

Path_ = tuple[object, ...]


class _Loader(yaml.SafeLoader):
    pass


def load_with_lines(path: Path, display: str) -> tuple[Any, dict[Path_, int]]:
    """Read a YAML file; return its data and a map from key path (``("initiatives", 0, "criteria")``) to line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.at(display, "file not found", "an existing YAML file") from None
    except UnicodeDecodeError as exc:
        raise InputError.at(display, f"not UTF-8 text ({exc.reason})", "a YAML file saved as UTF-8") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError.at(display, f"invalid YAML: {exc.problem}", "valid YAML", row=line) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {(): 1}
    if node is None:
        return None, lines
    data = _build(loader, node, (), lines, display)
    return data, lines


def _build(loader: _Loader, node: yaml.Node, path: Path_, lines: dict[Path_, int], display: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                raise InputError.at(display, "a key must be a plain value", "key: value", row=key_node.start_mark.line + 1)
            if key in result:
                raise InputError.at(
                    display, f"duplicate key {key!r}", "each key once", row=key_node.start_mark.line + 1
                )
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, path + (key,), lines, display)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines, display) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


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
