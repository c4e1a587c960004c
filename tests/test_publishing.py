"""Publishing is atomic across packs: a run killed after any single file-system step of publishing leaves every
canonical place with a complete pack, and the next run (taking the lock) finishes the publish from its journal or
removes what a run stopped before publishing left behind; the manifest then describes exactly what is in place."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from reportgen import outputs
from reportgen.outputs import files as output_files
from reportgen.outputs import publishing
from tests.conftest import edit_config, pack_dir


def change_an_input(root: Path) -> None:
    """Every quarter's figures of two measurements, so the packs' documents change, not only the manifest's
    checksums."""
    path = root / "inputs" / "maalinger" / "maalinger-ungecentret.xlsx"
    wb = load_workbook(path)
    ws = wb["Målinger"]
    for row in ws.iter_rows(min_row=5):
        if row[1].value in ("gennemfoert", "deltagere"):
            row[3].value = int(str(row[3].value)) + 1
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
    """A kill -9 leaves on disk exactly what was there when it came. So the run is made once, and before each of its
    file-system steps (every ``os.replace`` and ``shutil.rmtree``) the output folder is copied as it is: each copy is
    what a kill at that point leaves. Each copy is then put in place and the next run takes the lock (which finishes
    or undoes the publish) and must find every pack complete, old or new, and the manifest true."""
    assert cli("run", "--meeting", "2020-03-10", "--unscheduled").exit_code == 0
    root = pack_dir(example)
    old = state(root)
    assert len(old) == 5
    change_an_input(example)
    assert cli("run", "--meeting", "2020-03-10", "--unscheduled").exit_code == 0
    new = state(root)
    assert new != old
    assert (
        cli("run", "--meeting", "2020-03-10", "--unscheduled", "--today", "2020-03-09").exit_code == 0
    )  # a third set to replace
    third = state(root)

    real_replace, real_rmtree = os.replace, shutil.rmtree
    kills = example.parent / "kills"
    copies: list[Path] = []

    def killed_here() -> None:
        copy = kills / f"{len(copies):03d}"
        shutil.copytree(root, copy, symlinks=True)
        copies.append(copy)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        killed_here()
        real_replace(src, dst)

    def rmtree(path: str | os.PathLike[str], *args: Any, **kwargs: Any) -> None:
        killed_here()
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    try:
        result = cli("run", "--meeting", "2020-03-10", "--unscheduled")
    finally:
        monkeypatch.undo()
    assert result.exit_code == 0, result.stderr
    assert state(root) == new
    assert len(copies) > 8, len(copies)

    outcomes = {"finished": 0, "rolled back": 0}
    for step, copy in enumerate(copies):
        shutil.rmtree(root)
        shutil.copytree(copy, root, symlinks=True)
        # what the next run finds, before it does anything else
        with outputs.output_lock(root, "test"):
            pass
        consistent(root)
        now = state(root)
        assert now in (third, new), f"step {step}: every pack is the complete old or the complete new one"
        outcomes["finished" if now == new else "rolled back"] += 1
    assert outcomes["finished"] and outcomes["rolled back"], outcomes


def test_staging_folders_of_a_killed_run_are_removed_by_the_next(example: Path, cli) -> None:
    root = pack_dir(example)
    (root / ".staging-abc123" / "2020-03-10-AUU").mkdir(parents=True)
    (root / ".staging-abc123" / "2020-03-10-AUU" / "status-AUU-2020-03-10.docx").write_bytes(b"half")
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    assert not list(root.glob(".staging-*"))
    consistent(root)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs (root only, where mounting is allowed): a disk that really fills up."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], check=False)  # noqa: S607
    if done.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)  # noqa: S607


def test_a_disk_that_fills_after_the_journal_says_the_state_and_the_next_run_finishes(
    example: Path, cli, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_config(example, 'dir = "outputs"', f'dir = "{small_disk}"')
    with (example / "reportgen.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[paths]\nallowed = ["{small_disk}"]\n')
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0, "the first pack fits"
    root = small_disk / pack_dir(example).name  # the plan's folder, on the small disk
    before = state(root)
    change_an_input(example)
    filler = small_disk / "filler"
    real_write = output_files.atomic_write_text

    def fill_after_the_journal(target: Path, text: str) -> None:
        real_write(target, text)
        if target.name == outputs.JOURNAL:  # the journal is down: now the disk is full
            with filler.open("wb") as fh, contextlib.suppress(OSError):
                while True:
                    fh.write(b"\0" * (1 << 16))
                    fh.flush()

    monkeypatch.setattr(publishing, "atomic_write_text", fill_after_the_journal)
    result = cli("run", "--committee", "AUU", "--meeting", "2020-03-10")
    monkeypatch.setattr(publishing, "atomic_write_text", real_write)  # (not undo(): that would leave the folder)
    assert result.exit_code == 2, result.stderr
    assert "No space left on device" in result.stderr and "internal error" not in result.stderr
    assert "records the moves still to make; nothing is lost" in result.stderr
    assert (root / outputs.JOURNAL).exists()  # the state is as said: journaled, to be finished
    filler.unlink()
    assert "the next reportgen run or reportgen send on this folder finishes" in result.stderr
    again = cli("run", "--committee", "UU", "--meeting", "2020-03-11")  # finishes the publish first
    assert again.exit_code == 0, again.stderr
    assert "finished the interrupted publishing of 2020-03-10-AUU" in again.stderr
    assert not (root / outputs.JOURNAL).exists()
    consistent(root)
    assert state(root) != before  # the new pack is in place, complete
