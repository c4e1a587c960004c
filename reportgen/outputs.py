"""Safe output: a lock per output folder, packs built in a staging folder and moved into place only when complete,
earlier packs moved to ``_arkiv/<timestamp>/``, and ``manifest.json`` written atomically.

A crash at any point leaves either the old pack or the new one, never a half-written file.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reportgen.errors import LockHeldError

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
        yield
    finally:
        info_path.unlink(missing_ok=True)
        lock.release()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "?"


class Staging:
    """A temporary folder inside the output folder where packs are built before they are moved into place."""

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
        shutil.rmtree(self.path, ignore_errors=True)

    def publish(self, stamp: str) -> dict[str, str]:
        """Move every staged pack folder into place, archiving an existing one. Returns {folder: archived-to}."""
        archived: dict[str, str] = {}
        for staged in sorted(p for p in self.path.iterdir() if p.is_dir()):
            final = self.root / staged.name
            if final.exists():
                destination = _unique(self.root / ARCHIVE / stamp / staged.name)
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.replace(final, destination)
                archived[staged.name] = str(destination.relative_to(self.root))
            os.replace(staged, final)
        self.discard()
        return archived


def _unique(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3``… if an earlier run in the same second already archived there."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def archive_stamp(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")


def write_manifest(root: Path, manifest: dict[str, Any], stamp: str) -> Path:
    """Write manifest.json atomically; an earlier one goes to the archive next to the packs it described."""
    target = root / MANIFEST
    if target.exists():
        destination = _unique(root / ARCHIVE / stamp / MANIFEST)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, destination)
    atomic_write_text(target, json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_default) + "\n")
    return target


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
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n")
