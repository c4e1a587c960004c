"""Safe publishing: packs built in a staging folder and moved into place only when complete, earlier packs moved to
``_arkiv/<timestamp>/``, and ``manifest.json`` written atomically.

Publishing is journaled, so that a run killed at any point is finished by the next one: first every staged file is
complete and fsynced and the plan of moves (which pack goes where, which earlier pack goes to which archive folder)
is written to ``.publish.json``; then the moves are made; then the journal is removed. A run that finds a journal
(``recover``) makes the moves that are still to be made, so every canonical place ends up holding the complete new
pack, the earlier one is in the archive, and the manifest describes what is in place. Staging folders without a
journal are from runs killed before publishing and are removed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from reportgen.outputs.files import atomic_write_text, fsync_dir, fsync_tree, umask

ARCHIVE = "_arkiv"
MANIFEST = "manifest.json"
JOURNAL = ".publish.json"


class Staging:
    """A temporary folder inside the output folder where packs and their manifest are built before they are moved
    into place."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
        os.chmod(self.path, 0o777 & ~umask())

    def folder(self, name: str) -> Path:
        p = self.path / name
        p.mkdir(parents=True, exist_ok=True)
        return p

    def discard(self) -> None:
        if not (self.root / JOURNAL).exists():  # once journaled, the publish is finished, never thrown away
            shutil.rmtree(self.path, ignore_errors=True)

    def plan_archive(self, stamp: str) -> dict[str, str]:
        """Where each pack now in place will be archived: {folder: path relative to the root}."""
        archived: dict[str, str] = {}
        taken: set[Path] = set()
        for staged in sorted(p for p in self.path.iterdir() if p.is_dir()):
            if (self.root / staged.name).exists():
                destination = _unique(self.root / ARCHIVE / stamp / staged.name, taken)
                taken.add(destination)
                archived[staged.name] = str(destination.relative_to(self.root))
        return archived

    def publish(self, manifest_text: str, archived: dict[str, str], stamp: str) -> Path:
        """Move every staged pack into place (archiving the one there) and the manifest with them; returns the
        manifest's path."""
        for staged in self.path.iterdir():
            if staged.is_dir():
                fsync_tree(staged)
        atomic_write_text(self.path / MANIFEST, manifest_text)
        old_manifest = None
        if (self.root / MANIFEST).exists():
            old_manifest = str(_unique(self.root / ARCHIVE / stamp / MANIFEST).relative_to(self.root))
        journal = {
            "staging": self.path.name,
            "packs": sorted(p.name for p in self.path.iterdir() if p.is_dir()),
            "archive": archived,
            "old_manifest": old_manifest,
        }
        atomic_write_text(self.root / JOURNAL, json.dumps(journal, ensure_ascii=False))
        fsync_dir(self.root)
        _finish(self.root, journal)
        return self.root / MANIFEST


def _finish(root: Path, journal: dict[str, Any]) -> None:
    """Make the moves a journal lists that are not yet made; each step can be repeated after a kill."""
    staging = root / str(journal["staging"])
    for name in journal["packs"]:
        staged, final = staging / name, root / name
        if not staged.exists():
            continue  # already moved into place
        destination = journal["archive"].get(name)
        if final.exists():
            if destination is None or (root / destination).exists():
                shutil.rmtree(final)  # not the archived copy (already safe) — a leftover of a failed move
            else:
                (root / destination).parent.mkdir(parents=True, exist_ok=True)
                os.replace(final, root / destination)
        os.replace(staged, final)
    staged_manifest = staging / MANIFEST
    if staged_manifest.exists():
        old = journal.get("old_manifest")
        if old and (root / MANIFEST).exists() and not (root / old).exists():
            (root / old).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / MANIFEST, root / old)
        os.replace(staged_manifest, root / MANIFEST)
    fsync_dir(root)
    (root / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def recover(root: Path) -> list[str]:
    """Finish a publish a killed run left journaled, and remove staging folders of runs killed before publishing.
    Call with the output lock held. Returns what was done, for the log."""
    done: list[str] = []
    journal_path = root / JOURNAL
    if journal_path.exists():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = None
        if isinstance(journal, dict) and (root / str(journal.get("staging"))).is_dir():
            _finish(root, journal)
            done.append(f"finished the interrupted publishing of {', '.join(journal['packs'])}")
        else:
            journal_path.unlink(missing_ok=True)
    for stale in root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
        done.append(f"removed {stale.name}, left by a run stopped before publishing")
    return done


def _unique(path: Path, taken: set[Path] | None = None) -> Path:
    """``path``, or ``path-2``, ``path-3``… if an earlier run in the same second already archived there."""
    candidate, n = path, 1
    while candidate.exists() or candidate in (taken or set()):
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def archive_stamp(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")
