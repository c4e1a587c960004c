"""HTTP for ``reportgen fetch``, with the standard library: timeouts, a bounded number of tries with exponential
back-off for server errors (5xx), timeouts and refused connections, and a record of every exchange (request and raw
response) so that a fetch can be traced afterwards and replayed in the tests.

The record holds no request header: the Jobindsats key travels in ``Authorization`` and is never stored, shown or
put in a message.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportgen import __version__

USER_AGENT = f"reportgen/{__version__}"


@dataclass(frozen=True)
class Request:
    """One request: method, full URL and JSON body (None for a GET). Headers that carry a secret are added when it
    is sent and are never part of the request as recorded or shown."""

    method: str
    url: str
    body: dict[str, Any] | None = None

    def shown(self) -> str:
        """The request as ``fetch --dry-run`` prints it."""
        text = f"{self.method} {self.url}"
        if self.body is not None:
            text += "\n  " + json.dumps(self.body, ensure_ascii=False)
        return text


@dataclass(frozen=True)
class Exchange:
    """A request and the raw response it got (the stored raw format, also the test fixtures' format)."""

    request: Request
    status: int
    content_type: str
    body: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.request.method,
            "url": self.request.url,
            "request_body": self.request.body,
            "status": self.status,
            "content_type": self.content_type,
            "sha256": self.sha256,
        }
        try:
            out["body"] = self.body.decode("utf-8")
        except UnicodeDecodeError:
            out["body_base64"] = base64.b64encode(self.body).decode("ascii")
        return out

    @staticmethod
    def from_json(data: dict[str, Any]) -> Exchange:
        body = base64.b64decode(data["body_base64"]) if "body_base64" in data else str(data["body"]).encode("utf-8")
        request = Request(str(data["method"]), str(data["url"]), data.get("request_body"))
        return Exchange(request, int(data["status"]), str(data.get("content_type", "")), body)


class HttpFailure(Exception):
    """A request that failed for good: ``status`` (None without an answer) and the server's own text."""

    def __init__(self, request: Request, status: int | None, text: str, exchange: Exchange | None = None):
        self.request = request
        self.status = status
        self.text = text
        self.exchange = exchange
        super().__init__(text)


MAX_RESPONSE = 256 * 1024 * 1024
"""The largest response read (a streamed BULK answer of a million cells is far smaller)."""


@dataclass
class Client:
    """Sends requests and records them. ``sleep`` is injectable so that the tests' back-off takes no time."""

    timeout: float = 60.0
    tries: int = 3
    retry_delay_s: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    exchanges: list[Exchange] = field(default_factory=list)

    def send(self, request: Request, secret_headers: dict[str, str] | None = None) -> Exchange:
        """The response to ``request``; an error answer (4xx), or a 5xx, timeout or connection failure on every
        try, raises ``HttpFailure``. A 4xx is not tried again: asking again will not change the answer."""
        last: HttpFailure | None = None
        for attempt in range(self.tries):
            if attempt:
                self.sleep(self.retry_delay_s * 2 ** (attempt - 1))
            try:
                exchange = self._once(request, secret_headers or {})
            except _Transient as exc:
                last = exc.failure
                continue
            self.exchanges.append(exchange)
            return exchange
        if last is None:  # pragma: no cover - tries >= 1
            raise ValueError("tries must be at least 1")
        if last.exchange is not None:
            self.exchanges.append(last.exchange)
        last.text += f" (tried {self.tries} times)"
        raise last

    def _once(self, request: Request, secret_headers: dict[str, str]) -> Exchange:
        data = None if request.body is None else json.dumps(request.body, ensure_ascii=False).encode("utf-8")
        headers = {"User-Agent": USER_AGENT, "Accept": "*/*", **secret_headers}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        if not request.url.startswith(("https://", "http://")):
            raise HttpFailure(request, None, "only http and https addresses are fetched")
        req = urllib.request.Request(request.url, data=data, headers=headers, method=request.method)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310 - http(s) from the config
                body = response.read(MAX_RESPONSE + 1)
                status = int(response.status)
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            body = _read_error(exc)
            exchange = Exchange(request, exc.code, exc.headers.get("Content-Type", "") if exc.headers else "", body)
            failure = HttpFailure(request, exc.code, server_text(body), exchange)
            if exc.code >= 500:
                raise _Transient(failure) from None
            self.exchanges.append(exchange)
            raise failure from None
        except TimeoutError as exc:
            raise _Transient(HttpFailure(request, None, f"no answer within {self.timeout:g} s ({exc})")) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise _Transient(HttpFailure(request, None, f"no answer within {self.timeout:g} s")) from None
            raise _Transient(HttpFailure(request, None, f"cannot connect ({reason})")) from None
        except (ConnectionError, OSError) as exc:
            raise _Transient(HttpFailure(request, None, f"the connection failed ({exc})")) from None
        if len(body) > MAX_RESPONSE:
            raise HttpFailure(request, status, f"the answer is larger than {MAX_RESPONSE // 1024 // 1024} MB")
        return Exchange(request, status, content_type, body)


class _Transient(Exception):
    def __init__(self, failure: HttpFailure):
        self.failure = failure


def _read_error(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(64 * 1024)
    except OSError:
        return b""


def server_text(body: bytes) -> str:
    """The server's own words in an error answer: Statbank's ``message`` (with its ``errorTypeCode``), a JSON
    ``Message``/``message``/``error``, or the text itself, shortened."""
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]
    if isinstance(data, dict):
        message = next((data[k] for k in ("message", "Message", "error", "Error", "title") if data.get(k)), None)
        code = data.get("errorTypeCode")
        if message:
            return f"{message} ({code})" if code else str(message)
    return " ".join(text.split())[:300] or "(an empty answer)"
