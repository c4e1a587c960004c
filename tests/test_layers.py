"""The package's arrows point one way. Every import in every module is checked against the allowed layers.

A layer is the second part of a module's dotted name (``reportgen.readers.economy`` and ``reportgen.cli`` are in the
layers ``readers`` and ``cli``), whether it is a single module or a package. A module may import its own layer and the
layers listed for it in ``ALLOWED``; nothing else. Only ``cli`` imports click. Every form of import is seen:
``import a.b``, ``from a import b`` (``b`` a module or a name), relative ``from .. import b``, imports inside functions
and under ``if TYPE_CHECKING:``, and ``importlib.import_module``/``__import__`` with constant arguments; a dynamic
import whose target is not a constant cannot be checked and is itself an error.

The table of layers in docs/architecture.md and its diagram are generated from ``ALLOWED`` and ``PURPOSE``; after
changing either, rewrite them with::

    PYTHONPATH=. python tests/test_layers.py --write
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reportgen"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
WRITE_COMMAND = "PYTHONPATH=. python tests/test_layers.py --write"

# layer -> the other layers it may import (the package root only holds __version__ and may be imported by all)
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "domain": {"errors"},
    "readers": {"domain", "errors"},
    "plan": {"domain", "errors"},
    # the [economy]/[barometer] sections are the readers' settings, [fetch] the fetch clients'
    "config": {"readers", "fetch", "domain", "errors"},
    "evaluate": {"plan", "domain", "errors"},
    "privacy": {"domain", "errors"},
    "render": {"evaluate", "plan", "privacy", "domain", "errors"},
    "outputs": {"domain", "errors"},
    "fetch": {"outputs", "domain", "errors"},  # Statbank and Jobindsats over HTTP, files written atomically
    "delivery": {"domain", "errors"},  # schedule, ledger, mail, cron: told what to send by the jobs
    "pipeline": {"config", "plan", "readers", "evaluate", "render", "outputs", "privacy", "domain", "errors"},
    "jobs": {"pipeline", "config", "plan", "outputs", "delivery", "domain", "errors"},  # due, run --due, send
    "cli": {"pipeline", "jobs", "fetch", "delivery", "config", "plan", "domain", "errors"},
    "__main__": {"cli"},
}

# layer -> what it is for, in one line (the table in docs/architecture.md is made from this and ALLOWED)
PURPOSE: dict[str, str] = {
    "errors": "the exceptions, the problem log and the one-line error format (file, sheet, row, column)",
    "domain": "the shared vocabulary: periods, areas, statuses, the observations table, Danish numbers and text, "
    "CPR masking, pack names",
    "readers": "files in, tables out: economy exports, indicator spreadsheets, measurement sheets",
    "plan": "the action plan's model, loading its YAML or plan workbook with precise messages, writing it back",
    "config": "`reportgen.toml`; its `[economy]` and `[barometer]` sections are the readers' own settings, `[fetch]` "
    "the fetch clients'",
    "evaluate": "the criteria engine and the economy aggregates: plan and observations in, results out",
    "privacy": "the privacy gate every text passes before it reaches an output",
    "render": "the template context, Word, Excel, charts, PDF and the measurement sheets `collect` writes",
    "outputs": "the lock, staging, journaled publishing and its recovery, the archive and the manifests",
    "delivery": "the meeting calendar in Danish working days, the send ledger, e-mail over SMTP, cron lines",
    "pipeline": "the library entry points: read the inputs, build and publish the packs, validate, collect",
    "jobs": "the scheduled jobs: what is due (`due`), building it (`run --due`), e-mailing it (`send`)",
    "fetch": "`reportgen fetch`: indicator figures from Statistics Denmark's Statbank and STAR's Jobindsats, "
    "written as long-layout files with their source stamp and raw answers",
    "cli": "the command line, the only layer that imports click: flags to library calls, errors to exit codes",
    "__main__": "`python -m reportgen`",
}

DYNAMIC = "<dynamic>"  # the target of an import_module/__import__ call whose arguments are not constants


def layer_of(module: str) -> str:
    """``reportgen.readers.economy`` -> ``readers``; ``reportgen`` -> ``""`` (the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def in_package(module: str) -> bool:
    return module == PACKAGE.name or module.startswith(PACKAGE.name + ".")


def is_module(dotted: str) -> bool:
    """Whether ``dotted`` names a module or package of the tree (``x.py``, or a folder ``x/``)."""
    if not in_package(dotted):
        return False
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or path.is_dir()


def from_targets(base: str, names: list[str]) -> list[str]:
    """``from base import a, b``: ``base.a`` where that is a module or package (the import loads it), else ``base``."""
    targets = [f"{base}.{name}" if name != "*" and is_module(f"{base}.{name}") else base for name in names]
    return list(dict.fromkeys(targets))


def relative_base(package: str, level: int) -> str | None:
    """The package ``level`` dots refer to from inside ``package`` (1 is the package itself); None above the root."""
    parts = package.split(".")
    return ".".join(parts[: len(parts) - (level - 1)]) if 0 < level <= len(parts) else None


def constant(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else DYNAMIC


def argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def import_module_target(call: ast.Call) -> str:
    """``importlib.import_module(name, package=None)``: the module it loads, or DYNAMIC."""
    name = constant(argument(call, 0, "name"))
    if not isinstance(name, str):
        return DYNAMIC
    package = constant(argument(call, 1, "package")) if argument(call, 1, "package") else None
    if not name.startswith("."):
        return name
    if not isinstance(package, str):
        return DYNAMIC
    try:
        return importlib.util.resolve_name(name, package)
    except ImportError:
        return DYNAMIC


def dunder_import_targets(call: ast.Call, package: str) -> list[str]:
    """``__import__(name, globals, locals, fromlist, level)``: the modules it loads, or [DYNAMIC]."""
    name = constant(argument(call, 0, "name"))
    level_node = argument(call, 4, "level")
    level = constant(level_node) if level_node else 0
    fromlist_node = argument(call, 3, "fromlist")
    if isinstance(fromlist_node, ast.List | ast.Tuple):
        fromlist: object = [constant(item) for item in fromlist_node.elts]
    else:
        fromlist = constant(fromlist_node) if fromlist_node else []
    if fromlist is None:
        fromlist = []
    if not isinstance(name, str) or not isinstance(level, int) or not isinstance(fromlist, list | tuple):
        return [DYNAMIC]
    if not all(isinstance(item, str) for item in fromlist):
        return [DYNAMIC]
    base = relative_base(package, level) if level else ""
    if base is None:
        return [DYNAMIC]
    module = ".".join(part for part in (base, name) if part)
    return from_targets(module, [str(item) for item in fromlist]) if fromlist else [module]


def importer_names(tree: ast.Module) -> tuple[set[str], set[str], set[str]]:
    """The names the file binds to the module importlib, to importlib.import_module and to the module builtins."""
    modules, functions, builtins = {"importlib"}, set(), {"builtins"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "importlib":
                    modules.add(alias.asname or alias.name)
                elif alias.name == "builtins":
                    builtins.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module == "importlib" and not node.level:
            functions |= {alias.asname or alias.name for alias in node.names if alias.name == "import_module"}
    return modules, functions, builtins


def call_targets(call: ast.Call, package: str, importers: tuple[set[str], set[str], set[str]]) -> list[str]:
    """The modules a call to ``importlib.import_module`` or ``__import__`` loads; [] for any other call."""
    modules, functions, builtins = importers
    func = call.func
    if isinstance(func, ast.Name):
        if func.id in functions:
            return [import_module_target(call)]
        if func.id == "__import__":
            return dunder_import_targets(call, package)
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.value.id in modules and func.attr == "import_module":
            return [import_module_target(call)]
        if func.value.id in modules | builtins and func.attr == "__import__":
            return dunder_import_targets(call, package)
    return []


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (anywhere in the file), relative imports resolved, ``from X import m`` as ``X.m``
    when ``m`` is a module, and the constant targets of ``importlib.import_module``/``__import__`` (DYNAMIC where the
    target is not a constant)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    importers = importer_names(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = relative_base(package, node.level) if node.level else ""
            if base is None:  # beyond the package root: fails on import, and is no import of a layer
                found.append((node.lineno, "." * node.level + (node.module or "")))
                continue
            module = ".".join(part for part in (base, node.module or "") if part)
            found += [(node.lineno, target) for target in from_targets(module, [a.name for a in node.names])]
        elif isinstance(node, ast.Call):
            found += [(node.lineno, target) for target in call_targets(node, package, importers)]
    return sorted(found, key=lambda item: item[0])


MODULES = sorted(PACKAGE.rglob("*.py"))


def violations(path: Path) -> list[str]:
    own = layer_of(module_name(path))
    out = []
    for line, target in imports_of(path):
        where = f"{path.relative_to(PACKAGE.parent)}:{line}"
        if target == DYNAMIC:
            out.append(f"{where}: dynamic import the layer test cannot check (use a constant module name)")
            continue
        if target.split(".")[0] == "click" and own != "cli":
            out.append(f"{where}: imports click (only the cli layer may)")
        if not in_package(target):
            continue
        other = layer_of(target)
        if other in ("", own):
            continue
        if own == "":
            out.append(f"{where}: the package root imports {target} (the root imports no layer)")
        elif other not in ALLOWED.get(own, set()):
            out.append(f"{where}: {own} imports {target} ({own} may import: {', '.join(sorted(ALLOWED[own])) or '-'})")
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path: Path) -> None:
    assert layer_of(module_name(path)) in ALLOWED or (path.parent == PACKAGE and path.name == "__init__.py")
    assert violations(path) == []


def test_every_module_belongs_to_a_known_layer() -> None:
    layers = {layer_of(module_name(p)) for p in MODULES} - {""}
    assert layers <= set(ALLOWED), layers - set(ALLOWED)


# --- planting: a fake tree in tmp_path with one forbidden import, which the check must report --------------------


def plant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> Path:
    """A fake ``reportgen`` tree with every layer as a package (plus ``files``), made the tree under test."""
    fake = tmp_path / "reportgen"
    for layer in ALLOWED:
        (fake / layer).mkdir(parents=True)
        (fake / layer / "__init__.py").write_text("", encoding="utf-8")
    (fake / "__init__.py").write_text('__version__ = "0"\n', encoding="utf-8")
    for name, text in files.items():
        (fake / name).parent.mkdir(parents=True, exist_ok=True)
        (fake / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PACKAGE", fake)
    return fake


def reported(fake: Path, name: str) -> list[str]:
    """The violations in ``name`` as ``line: what`` (without the file and the list of allowed layers)."""
    return [v.split(":", 1)[1].split(" (")[0] for v in violations(fake / name)]


def test_the_check_catches_an_import_against_the_arrows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A reader that imports the plan, a renderer that imports a reader, and click outside the CLI are all caught.
    fake = plant(
        tmp_path,
        monkeypatch,
        {
            "readers/bad.py": "from reportgen.plan import Plan\nfrom ..config import Config\nimport click\n",
            "render/bad.py": "def f():\n    from reportgen.readers import economy\n",
        },
    )
    assert reported(fake, "readers/bad.py") == [
        "1: readers imports reportgen.plan",
        "2: readers imports reportgen.config",
        "3: imports click",
    ]
    assert violations(fake / "render" / "bad.py")[0].startswith(
        "reportgen/render/bad.py:2: render imports reportgen.readers"
    )


def test_from_the_package_root_import_a_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from reportgen import render` loads the layer render, not just the root; the root's __version__ stays legal.
    text = "from reportgen import __version__\nfrom reportgen import render\nfrom reportgen import errors, plan\n"
    fake = plant(tmp_path, monkeypatch, {"readers/bad.py": text})
    assert reported(fake, "readers/bad.py") == [
        "2: readers imports reportgen.render",
        "3: readers imports reportgen.plan",
    ]


def test_relative_import_of_a_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from .. import render` inside readers/ is reportgen.render; one level deeper it takes three dots.
    fake = plant(
        tmp_path,
        monkeypatch,
        {"readers/bad.py": "from .. import render\n", "readers/deep/bad.py": "from ... import domain, render\n"},
    )
    assert reported(fake, "readers/bad.py") == ["1: readers imports reportgen.render"]
    assert reported(fake, "readers/deep/bad.py") == ["1: readers imports reportgen.render"]


def test_relative_import_within_a_layer_stays_legal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from . import tables` inside readers/ is the module reportgen.readers.tables, and in readers/__init__.py too;
    # `from . import cli` in __main__.py is the layer cli, which __main__ may import.
    fake = plant(
        tmp_path,
        monkeypatch,
        {
            "readers/tables.py": "",
            "readers/economy.py": "from . import tables\nfrom .tables import sniff\n",
            "readers/__init__.py": "from . import tables\n",
            "__main__.py": "from . import cli\n",
        },
    )
    assert imports_of(fake / "readers" / "economy.py") == [
        (1, "reportgen.readers.tables"),
        (2, "reportgen.readers.tables"),
    ]
    assert imports_of(fake / "readers" / "__init__.py") == [(1, "reportgen.readers.tables")]
    assert imports_of(fake / "__main__.py") == [(1, "reportgen.cli")]
    assert violations(fake / "readers" / "economy.py") + violations(fake / "__main__.py") == []


def test_importlib_import_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Absolute and relative (with a constant package=) names are checked; a name made at run time is an error.
    text = (
        "import importlib\n"
        "from importlib import import_module as load\n"
        'importlib.import_module("reportgen.render")\n'
        'load("..plan", package="reportgen.readers")\n'
        'importlib.import_module(".tables", "reportgen.readers")\n'
        "def f(name):\n"
        "    return importlib.import_module(name)\n"
    )
    fake = plant(tmp_path, monkeypatch, {"readers/bad.py": text})
    assert reported(fake, "readers/bad.py") == [
        "3: readers imports reportgen.render",
        "4: readers imports reportgen.plan",
        "7: dynamic import the layer test cannot check",
    ]


def test_dunder_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        '__import__("reportgen.render.word")\n'
        '__import__("reportgen", fromlist=["plan"])\n'
        '__import__("", globals(), None, ["evaluate"], 2)\n'
        "__import__(f\"reportgen.{'x'}\")\n"
    )
    fake = plant(tmp_path, monkeypatch, {"readers/bad.py": text})
    assert reported(fake, "readers/bad.py") == [
        "1: readers imports reportgen.render.word",
        "2: readers imports reportgen.plan",
        "3: readers imports reportgen.evaluate",
        "4: dynamic import the layer test cannot check",
    ]


def test_import_inside_a_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Imports in functions, methods and nested functions count like those at the top, in every form.
    text = (
        "def f():\n"
        "    from reportgen.render import word\n"
        "class C:\n"
        "    def m(self):\n"
        "        def inner():\n"
        "            from .. import plan\n"
        "            from reportgen import evaluate\n"
    )
    fake = plant(tmp_path, monkeypatch, {"readers/bad.py": text, "render/word.py": ""})
    assert reported(fake, "readers/bad.py") == [
        "2: readers imports reportgen.render.word",
        "6: readers imports reportgen.plan",
        "7: readers imports reportgen.evaluate",
    ]


def test_type_checking_imports_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An import only for the type checker still ties the layers together, so it follows the same arrows.
    text = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from reportgen.plan import Plan\n"
        "    from reportgen import render\n"
        "    from .. import config\n"
    )
    fake = plant(tmp_path, monkeypatch, {"readers/bad.py": text})
    assert reported(fake, "readers/bad.py") == [
        "3: readers imports reportgen.plan",
        "4: readers imports reportgen.render",
        "5: readers imports reportgen.config",
    ]


def test_a_layer_may_be_a_module_or_a_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # cli as a module and pipeline as a package with submodules: the layer is the second dotted part either way.
    fake = plant(
        tmp_path,
        monkeypatch,
        {
            "pipeline/build.py": "from .publish import x\nfrom reportgen import outputs\nfrom reportgen.cli import main\n",
            "pipeline/publish.py": "",
            "outputs/manifest.py": "from reportgen.outputs import lock\n",
        },
    )
    (fake / "cli" / "__init__.py").unlink()
    (fake / "cli").rmdir()
    (fake / "cli.py").write_text("from reportgen.pipeline import build\nfrom reportgen import jobs\n", encoding="utf-8")
    assert [layer_of(module_name(fake / p)) for p in ("cli.py", "pipeline/build.py", "outputs/manifest.py")] == [
        "cli",
        "pipeline",
        "outputs",
    ]
    assert imports_of(fake / "cli.py") == [(1, "reportgen.pipeline.build"), (2, "reportgen.jobs")]
    assert violations(fake / "cli.py") == violations(fake / "outputs" / "manifest.py") == []
    assert reported(fake, "pipeline/build.py") == ["3: pipeline imports reportgen.cli"]


def test_the_package_root_imports_no_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = plant(tmp_path, monkeypatch, {"__init__.py": "from reportgen.render import word\n", "render/word.py": ""})
    assert reported(fake, "__init__.py") == ["1: the package root imports reportgen.render.word"]


# --- the rules themselves, and the generated table and diagram in docs/architecture.md ----------------------------


def test_every_layer_says_what_it_is_for_and_imports_only_known_layers() -> None:
    assert set(PURPOSE) == set(ALLOWED), set(PURPOSE) ^ set(ALLOWED)
    unknown = {layer: sorted(others - set(ALLOWED)) for layer, others in ALLOWED.items() if others - set(ALLOWED)}
    assert unknown == {}
    assert all(layer not in others for layer, others in ALLOWED.items())


@cache
def depth(layer: str, seen: frozenset[str] = frozenset()) -> int:
    """0 for a layer that imports no other; else one more than the deepest layer it may import."""
    if layer in seen:
        raise ValueError(f"the layers import each other in a circle: {' -> '.join(sorted(seen))} -> {layer}")
    return 1 + max((depth(other, seen | {layer}) for other in ALLOWED[layer]), default=-1)


def test_the_layers_have_no_cycle() -> None:
    depths = {layer: depth(layer) for layer in ALLOWED}
    assert all(depths[layer] > depths[other] for layer, others in ALLOWED.items() for other in others)


def by_depth() -> list[list[str]]:
    """The layers grouped by depth, the top (most dependent) first."""
    top = max(depth(layer) for layer in ALLOWED)
    return [sorted(layer for layer in ALLOWED if depth(layer) == d) for d in range(top, -1, -1)]


def layer_table() -> str:
    order = [layer for row in by_depth() for layer in row]
    lines = [
        "| layer | what it is for | may import (besides itself) |",
        "|---|---|---|",
    ]
    for layer in order:
        others = sorted(ALLOWED[layer], key=order.index)
        lines.append(f"| `{layer}` | {PURPOSE[layer]} | {', '.join(f'`{o}`' for o in others) or '–'} |")
    return "\n".join(lines)


def layer_diagram() -> str:
    rows = ["   ".join(row) for row in by_depth()]
    width = max(len(row) for row in rows)
    lines = []
    for i, row in enumerate(rows):
        if i:
            lines.append("▼".center(width).rstrip())
        lines.append(row.center(width).rstrip())
    return "\n".join(["```", *lines, "```"])


GENERATED = {"layers": layer_table, "layers-diagram": layer_diagram}
NOTE = f"<!-- generated from ALLOWED and PURPOSE in tests/test_layers.py; to change it, edit those and run: {WRITE_COMMAND} -->"


def block(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {name}:begin -->\n)(.*?)(<!-- {name}:end -->)", re.DOTALL)


def with_generated_blocks(text: str) -> str:
    for name, make in GENERATED.items():

        def generated(match: re.Match[str], make: Callable[[], str] = make) -> str:
            return f"{match[1]}{NOTE}\n{make()}\n{match[3]}"

        text = block(name).sub(generated, text)
    return text


def test_the_layer_table_and_diagram_in_the_docs_are_generated_from_the_rules() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    fresh = with_generated_blocks(text)
    for name in GENERATED:
        assert len(block(name).findall(text)) == 1, f"docs/architecture.md needs one <!-- {name}:begin/end --> block"
    diff = difflib.unified_diff(text.splitlines(), fresh.splitlines(), "docs/architecture.md", "generated", lineterm="")
    assert text == fresh, f"the layers in docs/architecture.md differ from ALLOWED; run: {WRITE_COMMAND}\n" + "\n".join(
        list(diff)[:40]
    )


def test_every_layer_is_in_the_diagram_and_the_prose() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    match = block("layers-diagram").search(text)
    assert match, "docs/architecture.md has no <!-- layers-diagram:begin/end --> block"
    in_diagram = set(re.findall(r"[\w]+", match[2]))
    assert set(ALLOWED) - in_diagram == set()
    prose = text
    for name in GENERATED:
        prose = block(name).sub("", prose)
    undescribed = {layer for layer in ALLOWED if f"* **`{layer}" not in prose}
    assert undescribed == set(), f"layers without a '* **`layer`** — ...' line under 'The layers': {undescribed}"


def test_a_stale_table_is_rewritten() -> None:
    stale = "# A\n\n<!-- layers:begin -->\n| old |\n<!-- layers:end -->\n\n<!-- layers-diagram:begin -->\n<!-- layers-diagram:end -->\n"
    fresh = with_generated_blocks(stale)
    assert fresh != stale and "| `jobs` |" in fresh and "| old |" not in fresh
    assert with_generated_blocks(fresh) == fresh


def test_a_circle_in_the_rules_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ALLOWED, "errors", {"domain"})  # a circle: errors -> domain -> errors
    depth.cache_clear()
    try:
        with pytest.raises(ValueError, match="circle"):
            by_depth()
    finally:
        monkeypatch.undo()
        depth.cache_clear()


def main(argv: list[str]) -> int:
    if argv != ["--write"]:
        print(f"usage: {WRITE_COMMAND}", file=sys.stderr)
        return 2
    text = ARCHITECTURE.read_text(encoding="utf-8")
    new = with_generated_blocks(text)
    if new != text:
        ARCHITECTURE.write_text(new, encoding="utf-8")
    print(f"{ARCHITECTURE.relative_to(ROOT)}: {'rewritten' if new != text else 'already up to date'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
