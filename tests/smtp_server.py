"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port) that records what it accepted and can
refuse recipients temporarily (4xx) or permanently (5xx), hold a message it accepted (so a test can kill the sender at
a known point) and require STARTTLS."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    recipients: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    messages: list[Received] = field(default_factory=list)
    temporary: dict[str, int] = field(default_factory=dict)  # recipient -> how many more times to answer 450
    permanent: set[str] = field(default_factory=set)  # recipients answered 550
    rcpt_attempts: dict[str, int] = field(default_factory=dict)
    hold_after: int | None = None  # after accepting this many messages, hold the reply until ``release`` is set
    held: threading.Event = field(default_factory=threading.Event)  # set once the message is accepted and held
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any) -> str:
        with self.lock:
            self.rcpt_attempts[address] = self.rcpt_attempts.get(address, 0) + 1
            if address in self.permanent:
                return "550 5.1.1 No such user here"
            if self.temporary.get(address, 0) > 0:
                self.temporary[address] -= 1
                return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(Received(list(envelope.rcpt_tos), bytes(envelope.content)))
            count = len(self.messages)
        if count == self.hold_after:
            # the message is accepted (recorded above) but the sender has not had the reply yet: the point at which a
            # killed sender cannot know whether the server has it
            self.held.set()
            await asyncio.to_thread(self.release.wait)
        return f"250 OK queued as {count}"

    def to(self, recipient: str) -> list[Received]:
        return [m for m in self.messages if recipient in m.recipients]


class SmtpServer:
    def __init__(self, *, tls: ssl.SSLContext | None = None):
        self.handler = Handler()
        self.port = free_port()
        kwargs: dict[str, Any] = {"tls_context": tls, "require_starttls": True} if tls else {}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
