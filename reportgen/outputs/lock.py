"""One run at a time per output folder."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportgen.errors import LockHeldError
from reportgen.outputs.files import atomic_write_text

log = logging.getLogger("reportgen.outputs")

LOCK_NAME = ".reportgen.lock"


@contextmanager
def output_lock(folder: Path, command: str, *, recover_first: bool = True) -> Iterator[None]:
    """Hold the lock of ``folder`` for the block. A second run gets LockHeldError saying who holds the lock. With
    ``recover_first`` a publish that a killed run left journaled is finished first (never on a dry run, which must
    not write)."""
    from filelock import FileLock, Timeout

    from reportgen.outputs.publishing import recover

    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / LOCK_NAME
    info_path = folder / (LOCK_NAME + ".info")
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LockHeldError(
            f"{folder}: another run holds the lock ({_holder(info_path)}); try again when it has finished"
        ) from None
    try:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": _user(),
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": command,
        }
        atomic_write_text(info_path, json.dumps(info))
        if recover_first:
            for line in recover(folder):
                log.warning("%s: %s", folder, line)
        yield
    finally:
        info_path.unlink(missing_ok=True)
        lock.release()


def _holder(info_path: Path) -> str:
    try:
        holder = json.loads(info_path.read_text(encoding="utf-8"))
        return (
            f"pid {holder.get('pid')} on {holder.get('host')} ({holder.get('user')}), "
            f"started {holder.get('started')}: {holder.get('command')}"
        )
    except (OSError, ValueError, AttributeError):
        return "an unknown process"


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "?"
