"""Safe output: a lock per output folder, packs built in a staging folder and moved into place only when complete,
earlier packs moved to ``_arkiv/<timestamp>/``, and ``manifest.json`` written atomically.

A crash at any point leaves either the old pack or the new one, never a half-written file.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import logging
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reportgen.errors import LockHeldError

log = logging.getLogger(__name__)

LOCK_NAME = ".reportgen.lock"
ARCHIVE = "_arkiv"
MANIFEST = "manifest.json"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are shared like any other file
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(target: Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


@contextmanager
def output_lock(folder: Path, command: str) -> Iterator[None]:
    """One run at a time per output folder. A second run gets LockHeldError saying who holds the lock."""
    from filelock import FileLock, Timeout

    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / LOCK_NAME
    info_path = folder / (LOCK_NAME + ".info")
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        try:
            holder = json.loads(info_path.read_text(encoding="utf-8"))
            who = (
                f"pid {holder.get('pid')} on {holder.get('host')} ({holder.get('user')}), "
                f"started {holder.get('started')}: {holder.get('command')}"
            )
        except (OSError, ValueError):
            who = "an unknown process"
        raise LockHeldError(f"{folder}: another run holds the lock ({who}); try again when it has finished") from None
    try:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": _user(),
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "command": command,
        }
        atomic_write_text(info_path, json.dumps(info))
        for line in recover(folder):
            log.warning("%s: %s", folder, line)
        yield
    finally:
        info_path.unlink(missing_ok=True)
        lock.release()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "?"


JOURNAL = ".publish.json"


class Staging:
    """A temporary folder inside the output folder where packs and their manifest are built before they are moved
    into place.

    Publishing is journaled, so that a run killed at any point is finished by the next one: first every staged
    file is complete and fsynced and the plan of moves (which pack goes where, which earlier pack goes to which
    archive folder) is written to ``.publish.json``; then the moves are made; then the journal is removed. A run
    that finds a journal (``recover``) makes the moves that are still to be made, so every canonical place ends up
    holding the complete new pack, the earlier one is in the archive, and the manifest describes what is in place.
    Staging folders without a journal are from runs killed before publishing and are removed."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
        os.chmod(self.path, 0o777 & ~_umask())

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

    def publish(self, manifest: dict[str, Any], archived: dict[str, str], stamp: str) -> Path:
        """Move every staged pack into place (archiving the one there) and the manifest with them; returns the
        manifest's path."""
        for staged in self.path.iterdir():
            if staged.is_dir():
                _fsync_tree(staged)
        atomic_write_text(self.path / MANIFEST, _dumps(manifest))
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
        _fsync_dir(self.root)
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
    _fsync_dir(root)
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


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _unique(path: Path, taken: set[Path] | None = None) -> Path:
    """``path``, or ``path-2``, ``path-3``… if an earlier run in the same second already archived there."""
    candidate, n = path, 1
    while candidate.exists() or candidate in (taken or set()):
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def archive_stamp(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def manifests(root: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The current manifest and every archived one, newest first; unreadable ones are skipped."""
    archived = sorted((root / ARCHIVE).glob(f"*/{MANIFEST}*"), key=lambda p: (p.parent.name, p.name), reverse=True)
    out = []
    for path in [root / MANIFEST, *archived]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            out.append((path, data))
    return out


def earlier_packs(root: Path) -> list[dict[str, Any]]:
    """Every pack the manifests under ``root`` describe, newest manifest first. Each entry carries its manifest's
    creation time (``_created``), the manifest's path (``_manifest``) and the inputs it was built from
    (``_inputs``: path -> SHA-256)."""
    packs: list[dict[str, Any]] = []
    for path, data in manifests(root):
        inputs = {str(i.get("path")): str(i.get("sha256")) for i in data.get("inputs", []) if isinstance(i, dict)}
        plan = data.get("plan")
        if isinstance(plan, dict):
            inputs[str(plan.get("path"))] = str(plan.get("sha256"))
        for pack in data.get("packs", []):
            if isinstance(pack, dict):
                packs.append({**pack, "_created": data.get("created", ""), "_manifest": str(path), "_inputs": inputs})
    return packs


def packs_in_place(root: Path) -> dict[str, dict[str, Any]]:
    """The packs at their canonical places, by folder: each with the newest manifest entry whose files match what is
    on disk (SHA-256), so a pack is never taken for another one built later or earlier."""
    found: dict[str, dict[str, Any]] = {}
    for pack in earlier_packs(root):
        folder = pack.get("folder")
        if not isinstance(folder, str) or folder in found or not (root / folder).is_dir():
            continue
        files = pack.get("files", [])
        if files and all(
            (root / folder / f["name"]).is_file() and sha256_of(root / folder / f["name"]) == f["sha256"] for f in files
        ):
            found[folder] = pack
    return found


def update_manifest(path: Path, change: Any) -> None:
    """Rewrite one manifest atomically after ``change(data)`` has edited it in place."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    atomic_write_text(path, _dumps(data))
