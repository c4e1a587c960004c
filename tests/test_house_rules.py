"""House rules for the package's size: a module of at most 400 lines, a function or method of at most 60.

A function is measured with ``ast`` from its ``def`` line to its last line: decorators are not counted, the docstring
and nested functions are (a nested function is also measured on its own). A module is measured in lines of its file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def module_sizes(root: Path) -> dict[str, int]:
    """Lines per module under ``root``, by path relative to its parent (``reportgen/cli.py``)."""
    return {
        str(path.relative_to(root.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(root.rglob("*.py"))
    }


def function_sizes(root: Path) -> dict[str, int]:
    """Lines per function and method under ``root``, as ``path:line qualified.name``."""
    sizes: dict[str, int] = {}
    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root.parent)
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node: ast.AST, prefix: str, where: Path = where) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    name = f"{prefix}{child.name}"
                    if not isinstance(child, ast.ClassDef):
                        end = child.end_lineno or child.lineno
                        sizes[f"{where}:{child.lineno} {name}"] = end - child.lineno + 1
                    visit(child, f"{name}.")
                else:
                    visit(child, prefix)

        visit(tree, "")
    return sizes


def offenders(sizes: dict[str, int], limit: int) -> list[str]:
    """``what: N lines`` for each size above ``limit``, largest first."""
    over = sorted(((size, what) for what, size in sizes.items() if size > limit), key=lambda item: (-item[0], item[1]))
    return [f"{what}: {size} lines" for size, what in over]


def test_modules_are_at_most_400_lines() -> None:
    over = offenders(module_sizes(PACKAGE), MAX_MODULE_LINES)
    assert over == [], f"{len(over)} module(s) longer than {MAX_MODULE_LINES} lines:\n" + "\n".join(over)


def test_functions_are_at_most_60_lines() -> None:
    over = offenders(function_sizes(PACKAGE), MAX_FUNCTION_LINES)
    assert over == [], f"{len(over)} function(s) longer than {MAX_FUNCTION_LINES} lines:\n" + "\n".join(over)


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A package with one module of 401 lines and functions just at and just over the limit."""
    root = tmp_path / "reportgen"
    root.mkdir()
    (root / "long.py").write_text("x = 1\n" * 401, encoding="utf-8")
    lines = ["import functools", "", ""]
    lines += ["@functools.cache", "@functools.wraps(print)"]  # decorators: not counted
    lines += ["def at_the_limit():", '    """The docstring counts."""'] + ["    x = 1"] * 58  # lines 6-65: 60
    lines += ["", "", "class C:"]
    lines += ["    def over(self):", "        def inner():", "            return 1"]  # over from line 69, inner 70-71
    lines += ["        x = 1"] * 57 + ["        return inner"]  # over ends on line 129: 61
    (root / "short.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_the_sizes_are_measured_as_the_rules_say(planted: Path) -> None:
    assert module_sizes(planted) == {"reportgen/long.py": 401, "reportgen/short.py": 129}
    assert function_sizes(planted) == {
        "reportgen/short.py:6 at_the_limit": 60,
        "reportgen/short.py:69 C.over": 61,
        "reportgen/short.py:70 C.over.inner": 2,
    }


def test_the_message_lists_each_offender_with_its_size(planted: Path) -> None:
    assert offenders(module_sizes(planted), MAX_MODULE_LINES) == ["reportgen/long.py: 401 lines"]
    assert offenders(function_sizes(planted), MAX_FUNCTION_LINES) == ["reportgen/short.py:69 C.over: 61 lines"]
