"""E-mail over SMTP with the standard library (``smtplib``, ``email.message``).

Security ``none``, ``starttls`` or ``ssl``; certificates are verified (``cafile`` adds a trusted certificate, e.g. a
municipality's own CA). The password is only ever read from the environment variable named in ``[smtp]
password_env`` and never logged. A transient failure (no connection, a 4xx reply) is retried with backoff for that
recipient only; a permanent one (5xx) is not retried.
"""

from __future__ import annotations

import email.policy
import mimetypes
import re
import smtplib
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path


class SendFailure(Exception):
    """A message was not accepted; ``permanent`` when retrying cannot help."""

    def __init__(self, reason: str, *, permanent: bool):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SendUnconfirmed(Exception):
    """The whole message reached the server but its reply did not reach us: the server may have stored it. It is
    never retried on its own (the recipient could get it twice); ``send --resend`` sends it again."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # none | starttls | ssl
    sender: str
    user: str = ""
    password: str | None = None
    timeout: float = 30
    cafile: str | None = None
    retries: int = 3
    retry_delay_s: float = 2.0

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2] or "reportgen.invalid"


@dataclass
class Attachment:
    path: Path
    sha256: str

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass
class Letter:
    """The Danish subject and body of a pack's e-mail and its attachments."""

    subject: str
    body: str
    attachments: list[Attachment] = field(default_factory=list)


def one_line(value: str) -> str:
    """A header value on one line: every line break of any kind (CR, LF, U+2028, NEL…) and run of spaces is one space
    (``validate`` reports such a name as an error; a run that was not validated still sends a valid message)."""
    return " ".join(value.split())


def compose(letter: Letter, sender: str, recipient: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = one_line(letter.subject)
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id
    message.set_content(letter.body)
    for attachment in letter.attachments:
        kind, _ = mimetypes.guess_type(attachment.path.name)
        maintype, _, subtype = (kind or "application/octet-stream").partition("/")
        message.add_attachment(
            attachment.path.read_bytes(), maintype=maintype, subtype=subtype, filename=attachment.path.name
        )
    return message


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as it travels: CRLF line endings, lines within SMTP's limits, attachments base64-encoded."""
    return message.as_bytes(policy=email.policy.SMTP)


def size_of(message: EmailMessage) -> int:
    """The message's size as it travels."""
    return len(wire_bytes(message))


class Mailer:
    """One SMTP connection, opened when first needed and reopened after a failure."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.cafile)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=self._context())
            if s.user:
                smtp.login(s.user, s.password or "")
        except ssl.SSLCertVerificationError as exc:
            reason = f"the server's certificate could not be verified ({exc.verify_message})"
            raise SendFailure(reason, permanent=True) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise SendFailure(f"login refused ({exc.smtp_code})", permanent=True) from None
        except (OSError, smtplib.SMTPException) as exc:
            reason = f"no connection to {s.host}:{s.port} ({type(exc).__name__}: {exc})"
            raise SendFailure(reason, permanent=False) from None
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def _attempt(self, message: EmailMessage, recipient: str) -> str:
        if self._smtp is None:
            self._smtp = self._connect()
        smtp = self._smtp
        try:
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(self.settings.sender)
            if code >= 400:
                smtp.rset()
                raise SendFailure(f"sender refused: {code} {reply.decode(errors='replace')}", permanent=code >= 500)
            code, reply = smtp.rcpt(recipient)
            if code >= 400:
                smtp.rset()
                raise SendFailure(f"{code} {reply.decode(errors='replace')}", permanent=code >= 500)
            code, reply = _data(smtp, wire_bytes(message))
            if code >= 400:
                raise SendFailure(f"{code} {reply.decode(errors='replace')}", permanent=code >= 500)
            return f"{code} {reply.decode(errors='replace')}"
        except smtplib.SMTPResponseException as exc:  # a reply with a code: 5xx is permanent, 4xx transient
            raise SendFailure(f"{exc.smtp_code} {exc.smtp_error!r}", permanent=exc.smtp_code >= 500) from None
        except _Unconfirmed as exc:
            self._smtp = None
            raise SendUnconfirmed(f"the connection was lost after the message was handed over ({exc})") from None
        except OSError as exc:  # no reply at all (every SMTPException is an OSError, the coded ones caught above)
            self._smtp = None
            raise SendFailure(f"connection lost ({type(exc).__name__})", permanent=False) from None

    def send(self, message: EmailMessage, recipient: str) -> str:
        """Send one message to one recipient; returns the server's reply. Retries a transient failure with backoff
        (``retry_delay_s``, doubling); raises ``SendFailure`` when it gives up or the failure is permanent."""
        delay = self.settings.retry_delay_s
        for attempt in range(1, self.settings.retries + 1):
            try:
                return self._attempt(message, recipient)
            except SendFailure as failure:
                if failure.permanent or attempt == self.settings.retries:
                    raise
                self.close()
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover


class _Unconfirmed(Exception):
    """The message's final dot was sent but no reply came."""


def _data(smtp: smtplib.SMTP, payload: bytes) -> tuple[int, bytes]:
    """SMTP ``DATA`` as ``smtplib.SMTP.data`` does it, but knowing the moment the message has been handed over: a
    lost connection before that is a plain failure (retried), after it the outcome is unknown (``_Unconfirmed``)."""
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    quoted = re.sub(rb"(?m)^\.", b"..", payload)
    if not quoted.endswith(b"\r\n"):
        quoted += b"\r\n"
    smtp.send(quoted + b".\r\n")
    try:
        return smtp.getreply()
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise _Unconfirmed(type(exc).__name__) from None


@contextmanager
def mailer(settings: SmtpSettings) -> Iterator[Mailer]:
    m = Mailer(settings)
    try:
        yield m
    finally:
        m.close()
