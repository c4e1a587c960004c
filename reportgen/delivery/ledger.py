"""The send ledger: an append-only JSON-lines file beside the manifest, so nothing is sent twice or lost unseen.

For each (pack, recipient, attachments) a line ``pending`` is written, flushed and fsynced *before* the SMTP
transaction, and a line ``sent`` (with the Message-ID and the server's reply) after the server accepted the message;
``failed`` records a refusal. A ``pending`` without a later ``sent`` or ``failed`` means the run stopped in between:
the server may or may not have the message, so it is *unconfirmed* and only sent again when asked (``--resend``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("reportgen.jobs")

LEDGER_NAME = "udsendelser.jsonl"


@dataclass(frozen=True)
class Delivery:
    """One message: a pack's attachments to one recipient."""

    pack: str  # the pack's folder, e.g. 2020-03-10-AUU
    recipient: str
    attachments: tuple[tuple[str, str], ...]  # (file name, SHA-256)

    @property
    def key(self) -> str:
        """What makes two deliveries the same: pack, recipient and the exact attachments."""
        files = ",".join(f"{name}:{digest}" for name, digest in self.attachments)
        return hashlib.sha256(f"{self.pack}|{self.recipient.casefold()}|{files}".encode()).hexdigest()

    def message_id(self, domain: str) -> str:
        """Deterministic per pack, recipient and attachments: a retry of the same message has the same id."""
        return f"<{self.key[:32]}@{domain}>"


class Ledger:
    """The ledger of one output folder."""

    def __init__(self, path: Path):
        self.path = path

    def entries(self) -> list[dict[str, Any]]:
        """Every line, oldest first. A line that is not a complete JSON object (torn by a kill while it was written,
        even inside a multi-byte character, or edited by hand) is skipped with a warning naming it."""
        if not self.path.exists():
            return []
        out = []
        for number, raw in enumerate(self.path.read_bytes().split(b"\n"), start=1):
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw.decode("utf-8"))
            except ValueError:  # UnicodeDecodeError is a ValueError too
                entry = None
            if isinstance(entry, dict):
                out.append(entry)
            else:
                log.warning("%s:%d: not a complete ledger line; skipped (torn by a kill, or edited)", self.path, number)
        return out

    def states(self) -> dict[str, str]:
        """The latest state per delivery key: ``pending`` (unconfirmed), ``sent`` or ``failed``."""
        state: dict[str, str] = {}
        for entry in self.entries():
            key = entry.get("key")
            if isinstance(key, str) and entry.get("state") in ("pending", "sent", "failed"):
                state[key] = entry["state"]
        return state

    def record(self, delivery: Delivery, state: str, **details: Any) -> None:
        """Append one line and make it durable before returning."""
        entry = {
            "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "state": state,
            "key": delivery.key,
            "pack": delivery.pack,
            "recipient": delivery.recipient,
            "attachments": [{"name": n, "sha256": d} for n, d in delivery.attachments],
            **details,
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            if os.fstat(fd).st_size and not self._ends_with_newline():
                os.write(fd, b"\n")  # a torn line from a killed run stays a line of its own
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"

    def sent(self, pack: str) -> list[dict[str, Any]]:
        """What was sent of a pack (for the manifest's ``emails``)."""
        return [
            {k: e[k] for k in ("time", "recipient", "message_id", "reply", "attachments") if k in e}
            for e in self.entries()
            if e.get("pack") == pack and e.get("state") == "sent"
        ]

    def sent_keys(self, pack: str, recipient: str) -> list[dict[str, Any]]:
        """Every version of a pack that was sent to a recipient (any case of the address), oldest first."""
        wanted = recipient.casefold()
        return [
            e
            for e in self.entries()
            if e.get("pack") == pack and e.get("state") == "sent" and str(e.get("recipient", "")).casefold() == wanted
        ]
