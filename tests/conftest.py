"""Shared fixtures: a private copy of the shipped example in tmp_path, and a CLI runner that works inside it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import reportgen

REPO = Path(__file__).resolve().parent.parent  # the checkout: the shipped example's inputs and config
DATA = Path(__file__).resolve().parent / "data"
# the default templates of the package under test (the checkout's, or an installed one's)
PACKAGE_TEMPLATES = Path(reportgen.__file__).resolve().parent / "templates"


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the Frederiksberg example (config, inputs, templates) in tmp_path, which is the working directory."""
    root = tmp_path / "kommune"
    root.mkdir()
    shutil.copy(REPO / "reportgen.toml", root / "reportgen.toml")
    shutil.copytree(REPO / "inputs", root / "inputs", ignore=shutil.ignore_patterns("make_example.py", "__pycache__"))
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Invoke the reportgen CLI in-process; stderr is kept apart from stdout."""
    from reportgen.cli import cli as command

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(command, list(args), catch_exceptions=False)

    return invoke


def local_templates(root: Path) -> Path:
    """Give the example its own copies of the default templates (as staff would, to restyle them), configured in
    reportgen.toml's [templates]; returns the folder."""
    folder = root / "templates"
    shutil.copytree(PACKAGE_TEMPLATES, folder, dirs_exist_ok=True)
    with (root / "reportgen.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[templates]\nstatus = "templates/status.docx"\nappendix = "templates/bilag.xlsx"\n'
            'annual = "templates/aarsstatus.docx"\nannual_appendix = "templates/aarsstatus.xlsx"\n'
        )
    return folder


def pack_dir(root: Path) -> Path:
    return root / "outputs" / "frederiksberg-integrationspolitikkens-handleplan-2019"


def edit_config(root: Path, old: str, new: str) -> None:
    """Replace text in the example's reportgen.toml (the text must be there)."""
    path = root / "reportgen.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
