"""Publishing is atomic across packs: a run killed after any single file-system step of publishing leaves every
canonical place with a complete pack, and the next run (taking the lock) finishes the publish from its journal or
removes what a run stopped before publishing left behind; the manifest then describes exactly what is in place."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen import outputs
from tests.conftest import pack_dir


class Killed(BaseException):
    """Stands for kill -9: no handler of the tool's runs after it."""


def change_an_input(root: Path) -> None:
    path = root / "inputs" / "maalinger" / "maalinger-ungecentret.xlsx"
    wb = load_workbook(path)
    ws = wb["Målinger"]
    for row in ws.iter_rows(min_row=5):
        if row[1].value == "gennemfoert" and row[2].value == "2019K3":
            row[3].value = 4
    wb.save(path)


def content(path: Path) -> bytes:
    """A document's content: its parts but not its properties (which carry the time it was made)."""
    with zipfile.ZipFile(path) as zf:
        return b"".join(zf.read(n) for n in sorted(zf.namelist()) if not n.startswith("docProps/"))


def state(root: Path) -> dict[str, dict[str, bytes]]:
    return {
        p.name: {f.name: content(f) for f in sorted(p.iterdir())}
        for p in sorted(root.iterdir())
        if p.is_dir() and not p.name.startswith((".", "_")) and p.name != "logs"
    }


def consistent(root: Path) -> None:
    """Every pack the manifest lists is in place with exactly its files, byte for byte; nothing half-made."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    listed = {p["folder"]: {f["name"]: f["sha256"] for f in p["files"]} for p in manifest["packs"]}
    for folder, files in listed.items():
        assert sorted(os.listdir(root / folder)) == sorted(files)
        for name, digest in files.items():
            assert outputs.sha256_of(root / folder / name) == digest
    for folder in state(root):
        for f in (root / folder).iterdir():
            assert zipfile.is_zipfile(f), f"{f} is complete"
    assert not list(root.glob(".staging-*")) and not (root / outputs.JOURNAL).exists()


def test_a_kill_after_any_publishing_step_is_finished_or_undone_by_the_next_run(
    example: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("run", "--meeting", "2020-03-10").exit_code == 0
    root = pack_dir(example)
    old = state(root)
    assert len(old) == 5
    change_an_input(example)
    assert cli("run", "--meeting", "2020-03-10").exit_code == 0
    new = state(root)
    assert new != old
    assert cli("run", "--meeting", "2020-03-10", "--today", "2020-03-09").exit_code == 0  # a third set to replace
    third = state(root)

    real_replace, real_rmtree = os.replace, shutil.rmtree
    outcomes = {"finished": 0, "rolled back": 0}
    step = 0
    while True:
        step += 1
        calls = [0]

        def replace(src: object, dst: object, _step: int = step, calls: list[int] = calls) -> None:
            calls[0] += 1
            if calls[0] == _step:
                raise Killed
            real_replace(src, dst)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "replace", replace)
        try:
            result = cli("run", "--meeting", "2020-03-10")
        except Killed:
            pass
        else:
            assert result.exit_code == 0
            monkeypatch.setattr(os, "replace", real_replace)
            break
        finally:
            monkeypatch.setattr(os, "replace", real_replace)
        # what the next run finds, before it does anything else
        assert shutil.rmtree is real_rmtree
        with outputs.output_lock(root, "test"):
            pass
        consistent(root)
        now = state(root)
        assert now in (third, new), f"step {step}: every pack is the complete old or the complete new one"
        outcomes["finished" if now == new else "rolled back"] += 1
        # back to the third set for the next step
        assert cli("run", "--meeting", "2020-03-10", "--today", "2020-03-09").exit_code == 0
        assert state(root) == third
    print(f"killed after {step - 1} publishing steps: {outcomes}")
    assert step > 8 and outcomes["finished"] and outcomes["rolled back"], (step, outcomes)


def test_staging_folders_of_a_killed_run_are_removed_by_the_next(example: Path, cli) -> None:
    root = pack_dir(example)
    (root / ".staging-abc123" / "2020-03-10-AUU").mkdir(parents=True)
    (root / ".staging-abc123" / "2020-03-10-AUU" / "status-AUU-2020-03-10.docx").write_bytes(b"half")
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    assert not list(root.glob(".staging-*"))
    consistent(root)
