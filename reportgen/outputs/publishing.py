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
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from reportgen.errors import InputError, ReportgenError
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
        if (self.root / ARCHIVE).is_symlink():
            raise _refused(self.root, f"{self.root / ARCHIVE} is a symbolic link; earlier packs stay in the folder")
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
            old_manifest = str(_unique(old_manifest_place(self.root, stamp, replaces=bool(archived))).relative_to(self.root))
        journal = {
            "staging": self.path.name,
            "packs": sorted(p.name for p in self.path.iterdir() if p.is_dir()),
            "archive": archived,
            "old_manifest": old_manifest,
        }
        _check_journal(self.root, journal)
        atomic_write_text(self.root / JOURNAL, json.dumps(journal, ensure_ascii=False))
        fsync_dir(self.root)
        try:
            _finish(self.root, journal)
        except OSError as exc:
            raise PublishInterrupted(self.root, exc) from exc
        return self.root / MANIFEST


class PublishInterrupted(ReportgenError):
    """The machine refused a write after the journal was written: the folder holds some new packs and some old, and
    the journal that lets the next run finish (exit 2)."""

    exit_code = 2

    def __init__(self, root: Path, exc: OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        super().__init__(
            f"{where}{exc.strerror or exc} while moving the new packs into place in {root}: some packs there are new "
            f"and some old, and {JOURNAL} records the moves still to make; nothing is lost. Free space (or fix the "
            "permission); the next reportgen run or reportgen send on this folder finishes the publishing first"
        )


_STAGING_NAME = re.compile(r"^\.staging-[A-Za-z0-9_]+$")
_PLAIN = re.compile(r"^(?!\.\.?$)[^/\\\x00]+$")


def _inside(root: Path, relative: object, what: str) -> Path:
    """``root / relative`` if ``relative`` is a plain relative path under ``_arkiv`` (or a plain name) that stays in
    ``root`` and passes no symbolic link; InputError otherwise (nothing is moved)."""
    if not isinstance(relative, str) or not relative or Path(relative).is_absolute():
        raise _refused(root, f"{what} {relative!r} is not a path inside the output folder")
    parts = Path(relative).parts
    if any(not _PLAIN.match(part) for part in parts) or (len(parts) > 1 and parts[0] != ARCHIVE):
        raise _refused(root, f"{what} {relative!r} leaves the output folder or its {ARCHIVE}")
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise _refused(root, f"{what} passes the symbolic link {current}")
    if not current.resolve().is_relative_to(root.resolve()):
        raise _refused(root, f"{what} {relative!r} leaves the output folder")
    return current


def _refused(root: Path, message: str) -> InputError:
    return InputError.at(
        str(root / JOURNAL),
        f"{message}; nothing was moved",
        "a journal written by reportgen, with every path inside the output folder (remove the file if you did not "
        "write it)",
    )


def _check_journal(root: Path, journal: object) -> dict[str, Any]:
    """A journal whose every path stays inside the output folder, through no symbolic link: what recovery may act
    on. A hand-written or damaged one is refused (InputError) before anything is moved."""
    if not isinstance(journal, dict):
        raise _refused(root, "the journal is not a JSON object")
    staging = journal.get("staging")
    if not isinstance(staging, str) or not _STAGING_NAME.match(staging):
        raise _refused(root, f"staging {staging!r} is not a staging folder of this output folder")
    _inside(root, staging, "staging")
    packs = journal.get("packs")
    archive = journal.get("archive")
    if not isinstance(packs, list) or not isinstance(archive, dict):
        raise _refused(root, "packs and archive must be a list and an object")
    for name in packs:
        if not isinstance(name, str) or not _PLAIN.match(name) or name == ARCHIVE:
            raise _refused(root, f"pack {name!r} is not a plain folder name")
        _inside(root, name, "pack")
    for name, destination in archive.items():
        _inside(root, destination, f"the archive of {name}")
    if journal.get("old_manifest") is not None:
        _inside(root, journal.get("old_manifest"), "old_manifest")
    if (root / ARCHIVE).is_symlink():
        raise _refused(root, f"{root / ARCHIVE} is a symbolic link")
    return journal


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
            _finish(root, _check_journal(root, journal))
            done.append(f"finished the interrupted publishing of {', '.join(journal['packs'])}")
        else:
            journal_path.unlink(missing_ok=True)
    for stale in root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
        done.append(f"removed {stale.name}, left by a run stopped before publishing")
    return done


MANIFESTS = "manifester"
"""Where an earlier manifest is kept when no pack was replaced (``_arkiv/manifester/manifest-<time>.json``), so that
``_arkiv/<time>/`` exists only when it holds a replaced pack."""


def old_manifest_place(root: Path, stamp: str, *, replaces: bool) -> Path:
    """Where the manifest now in place goes: beside the packs it replaces, or among the earlier manifests."""
    if replaces:
        return root / ARCHIVE / stamp / MANIFEST
    return root / ARCHIVE / MANIFESTS / f"manifest-{stamp}.json"


def _unique(path: Path, taken: set[Path] | None = None) -> Path:
    """``path``, or ``path-2``, ``path-3``… if an earlier run in the same second already archived there."""
    candidate, n = path, 1
    while candidate.exists() or candidate in (taken or set()):
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def archive_stamp(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")
