"""The package's arrows point one way. Every import in every module is checked against the allowed layers.

    cli -> pipeline, jobs -> {config, plan, readers, evaluate, render, outputs, delivery} -> {domain, errors}

A module may import its own layer and the layers listed for it below; nothing else. Only ``cli`` imports click.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"

# layer -> the other layers it may import (the package root only holds __version__ and may be imported by all)
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "domain": {"errors"},
    "readers": {"domain", "errors"},
    "plan": {"domain", "errors"},
    "config": {"readers", "domain", "errors"},  # the [economy]/[barometer] sections are the readers' settings
    "evaluate": {"plan", "domain", "errors"},
    "privacy": {"domain", "errors"},
    "render": {"evaluate", "plan", "privacy", "domain", "errors"},
    "outputs": {"domain", "errors"},
    "delivery": {"domain", "errors"},  # schedule, ledger, mail, cron: told what to send by the jobs
    "pipeline": {"config", "plan", "readers", "evaluate", "render", "outputs", "privacy", "domain", "errors"},
    "jobs": {"pipeline", "config", "plan", "outputs", "delivery", "domain", "errors"},  # due, run --due, send
    "cli": {"pipeline", "jobs", "delivery", "config", "plan", "domain", "errors"},
    "__main__": {"cli"},
}


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


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (top level and inside functions), relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def violations(path: Path) -> list[str]:
    own = layer_of(module_name(path))
    out = []
    for line, target in imports_of(path):
        where = f"{path.relative_to(PACKAGE.parent)}:{line}"
        if target.split(".")[0] == "click" and own != "cli":
            out.append(f"{where}: imports click (only cli.py may)")
        if not target.startswith("reportgen"):
            continue
        other = layer_of(target)
        if other in ("", own) or own == "":
            continue
        if other not in ALLOWED.get(own, set()):
            out.append(f"{where}: {own} imports {target} ({own} may import: {', '.join(sorted(ALLOWED[own])) or '-'})")
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path: Path) -> None:
    assert layer_of(module_name(path)) in ALLOWED or (path.parent == PACKAGE and path.name == "__init__.py")
    assert violations(path) == []


def test_every_module_belongs_to_a_known_layer() -> None:
    layers = {layer_of(module_name(p)) for p in MODULES} - {""}
    assert layers <= set(ALLOWED), layers - set(ALLOWED)


def test_the_check_catches_an_import_against_the_arrows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A reader that imports the plan, a renderer that imports a reader, and click outside the CLI are all caught.
    fake = tmp_path / "reportgen"
    (fake / "readers").mkdir(parents=True)
    (fake / "render").mkdir()
    (fake / "readers" / "bad.py").write_text(
        "from reportgen.plan import Plan\nfrom ..config import Config\nimport click\n", encoding="utf-8"
    )
    (fake / "render" / "bad.py").write_text("def f():\n    from reportgen.readers import economy\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PACKAGE", fake)
    reader = violations(fake / "readers" / "bad.py")
    assert [v.split(": ", 1)[1].split(" (")[0] for v in reader] == [
        "readers imports reportgen.plan",
        "readers imports reportgen.config",
        "imports click",
    ]
    assert violations(fake / "render" / "bad.py")[0].startswith(
        "reportgen/render/bad.py:2: render imports reportgen.readers"
    )
