"""The three shipped examples (Frederiksberg 2019, Kalundborg 2019, Silkeborg 2016-2018): where they are, and
``reportgen init DIR --example NAME``, which copies one into a folder of its own so that an installed package can
run it.

In a source checkout the examples are the repository's ``reportgen.toml`` + ``inputs/`` and ``examples/<name>/``; an
installed package carries the same files under ``<prefix>/share/reportgen/examples/<name>/`` (setup.cfg's
``data_files``).
"""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

from reportgen.errors import UsageError

EXAMPLES = {
    "frederiksberg": "frederiksberg-2019",
    "kalundborg": "kalundborg-2019",
    "silkeborg": "silkeborg-2018",
}
_CHECKOUT = Path(__file__).resolve().parent.parent.parent
_IGNORE = shutil.ignore_patterns("make_example.py", "__pycache__", "*.pyc", "__init__.py")


def example_folder(name: str) -> Path | None:
    """The folder holding example ``name``'s reportgen.toml, or None if this installation has none."""
    folder = EXAMPLES[name]
    candidates = [
        _CHECKOUT if name == "frederiksberg" else _CHECKOUT / "examples" / folder,  # a source checkout
        Path(sysconfig.get_path("data")) / "share" / "reportgen" / "examples" / folder,  # installed in a prefix
        _CHECKOUT / "share" / "reportgen" / "examples" / folder,  # installed with pip --target
    ]
    for candidate in candidates:
        if (candidate / "reportgen.toml").is_file() and (candidate / "inputs").is_dir():
            return candidate
    return None


def copy_example(name: str, target: Path) -> list[Path]:
    """Copy example ``name`` (its config, plan and inputs) into ``target``, a new or empty folder, with its output
    folder inside it; return the files written."""
    if name not in EXAMPLES:
        raise UsageError.at("--example", f"no example {name!r}", "one of: " + ", ".join(EXAMPLES))
    source = example_folder(name)
    if source is None:
        raise UsageError.at("--example", f"the example {name!r} is not installed", "a complete reportgen install")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError.at(str(target), "the folder exists and is not empty", "a new or empty folder")
    target.mkdir(parents=True, exist_ok=True)
    config = (source / "reportgen.toml").read_text(encoding="utf-8")
    (target / "reportgen.toml").write_text(_own_output(config), encoding="utf-8")
    for item in source.iterdir():
        if item.suffix in (".yaml", ".yml") and item.is_file():
            shutil.copy2(item, target / item.name)
    shutil.copytree(source / "inputs", target / "inputs", ignore=_IGNORE)
    return sorted(p for p in target.rglob("*") if p.is_file())


def _own_output(config: str) -> str:
    """The examples in the repository share its ``outputs`` folder (``../../outputs``, allowed in ``[paths]``); a
    copied example writes to its own ``outputs``."""
    lines = []
    for line in config.splitlines():
        if line.strip().startswith("dir = ") and "../" in line:
            line = 'dir = "outputs"'
        if line.strip().startswith("allowed = ") and "../../outputs" in line:
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"
