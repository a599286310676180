"""The request/response layer: one attempt at a call, sent through its token's lane, and what
its answer means for the retry loop (`AsanaClient.call`).

An attempt ends in an `Answer` (2xx with Asana JSON), `RateLimited` (429), `Unauthorized`
(401), `InDoubt` (sent, and it may have taken effect, or may still), a plain string (a
retryable failure after which nothing can land), or raises `ApiRejected` (400, 402, 403,
404, ...: Asana's message, sending again would not help)."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msgspec
import requests
from urllib3.exceptions import NewConnectionError

from adapters.asana.client_errors import ApiRejected
from adapters.asana.client_pacing import TokenLane
from adapters.asana.secrecy import shown

_JSON = msgspec.json.Decoder()
# 5xx answers after which a write may still take effect (a landing wait before resending):
# - 504 Gateway Timeout (Asana: "This request took too long to complete"): a gateway stopped
#   waiting; the API behind it may still be working on the request.
# - 502 Bad Gateway ("an issue between the load balancers and Asana's API"): the gateway got no
#   usable answer, e.g. the API dropped the connection mid-request or while answering; the
#   request may have been applied or be applied yet.
# Not in doubt, so looked for once at once and then resent after the usual backoff:
# - 500: the API answered it itself, so its work on the request is over: whatever it applied
#   (e.g. committed, then failed rendering the answer) the immediate look finds.
# - 503 ("the upstream service is unavailable to the API, or the API has been intentionally
#   shut off"): refused before it was processed, the same for overload or maintenance.
IN_DOUBT = frozenset({502, 504})


class Counters:
    def __init__(self) -> None:
        self.requests = 0
        self.retries = 0
        self.failing = 0  # retries since the target last answered (anything but a 5xx)
        self.rate_limited = 0
        self.reconciled = 0
        self.by_status: dict[int, int] = {}
        self.lock = threading.Lock()

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def status(self, code: int) -> None:
        with self.lock:
            self.by_status[code] = self.by_status.get(code, 0) + 1
            if code < 500:
                self.failing = 0

    def retried(self) -> None:
        """A call failed (5xx, reset, timeout) and is tried again."""
        with self.lock:
            self.retries += 1
            self.failing += 1


@dataclass(frozen=True, slots=True)
class Answer:
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RateLimited:
    retry_after: float


@dataclass(frozen=True, slots=True)
class Unauthorized:
    """401: the lane's token was rejected."""


@dataclass(frozen=True, slots=True)
class InDoubt:
    """Sent (at monotonic time `sent`), and nothing says whether it took effect: it may have,
    or may still (a timeout, a gateway that gave up, a connection dropped after sending)."""

    sent: float
    why: str

    def __str__(self) -> str:
        return self.why


Outcome = Answer | RateLimited | Unauthorized | InDoubt | str


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    body: bytes | None
    params: Mapping[str, str] | None

    @property
    def write(self) -> bool:
        return self.method != "GET"

    @property
    def what(self) -> str:
        """``METHOD /path``, for messages (no query: it may name people)."""
        return f"{self.method} {urlsplit(self.url).path}"


def attempt(
    lane: TokenLane,
    request: Request,
    *,
    timeout: tuple[float, float],
    stop: threading.Event,
    counters: Counters,
    answered_before: bool,
    on_response: Callable[[requests.Response], None],
) -> Outcome:
    """Send `request` once when its lane has a turn (`Stopped` if `stop` is set first); every
    HTTP answer goes to `on_response` before it is judged."""
    gate = lane.writes if request.write else lane.reads
    with gate:
        lane.wait_turn(stop)
        counters.add("requests")
        sent = time.monotonic()
        try:
            resp = lane.send(request.method, request.url, request.body, request.params, timeout)
        except requests.ConnectTimeout:
            return "connection timed out"  # never sent: nothing can land
        except requests.Timeout:
            return InDoubt(sent, "timed out waiting for the answer")
        except requests.ConnectionError as exc:
            if _never_connected(exc):
                return "connection failed"  # refused, unreachable, name unknown
            refused = tls_refused(exc)
            if refused is not None:
                return refused  # the handshake failed: the request was never sent
            if not answered_before:
                # A server that never answered HTTP (a wrong port, TLS spoken to plain
                # HTTP) hangs up on everything: most likely not Asana, nothing applied.
                return "connection dropped (the target never answered)"
            return InDoubt(sent, "connection dropped after the request was sent")
        finally:
            lane.finished()
    counters.status(resp.status_code)
    on_response(resp)
    return judge(resp, request, sent)


def judge(resp: requests.Response, request: Request, sent: float) -> Outcome:
    """What an HTTP answer to `request` (sent at monotonic `sent`) means for the retry loop."""
    status = resp.status_code
    if 200 <= status < 300:
        try:
            decoded = _JSON.decode(resp.content)
            if isinstance(decoded, dict):
                return Answer(decoded)
        except msgspec.DecodeError:
            pass
        return f"HTTP {status} with a body that is not Asana JSON"
    if status == 429:
        return RateLimited(_retry_after(resp.headers.get("Retry-After")))
    if status == 401:
        return Unauthorized()
    if 300 <= status < 400:
        # Not followed: a write would be sent on as a GET (what clients do with a 301 or 302),
        # and an API answers where it is asked. A wrong --to is the likely cause.
        location = resp.headers.get("Location")
        where = f"to {shown(location)}" if location else "with no Location"
        raise ApiRejected(status, f"{request.what}: HTTP {status}: redirected {where}; "
                                  "expected the API to answer at its base URL (--to)")  # fmt: skip
    message = _message(resp)
    if status in IN_DOUBT:
        return InDoubt(sent, f"HTTP {status}: {message}")
    if status >= 500:
        return f"HTTP {status}: {message}"
    raise ApiRejected(status, f"{request.what}: HTTP {status}: {message}")


def _never_connected(exc: requests.ConnectionError) -> bool:
    """Whether the connection was never made (refused, unreachable, name unknown): nothing was
    sent. urllib3 counts these as connection errors ("the server did not receive the request")
    and, retries being off, wraps them in a MaxRetryError; anything after it started sending
    (reset, closed without an answer) is a read error, "assume the server began processing it",
    re-raised as a bare ProtocolError."""
    cause = exc.args[0] if exc.args else None
    return isinstance(getattr(cause, "reason", cause), NewConnectionError)


# What OpenSSL says when the handshake itself fails (nothing was sent): the server answered
# something that is not TLS, or refused the TLS it was offered.
_NOT_TLS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG",
            "HTTP_REQUEST")  # fmt: skip
_HANDSHAKE = ("HANDSHAKE_FAILURE", "UNSUPPORTED_PROTOCOL", "TLSV1_ALERT", "SSLV3_ALERT",
              "NO_PROTOCOLS_AVAILABLE")  # fmt: skip


def tls_refused(exc: BaseException) -> str | None:
    """Why a TLS handshake failed, for a user (None when `exc` is no handshake failure):
    https:// spoken to a server that speaks plain HTTP, a certificate not trusted, ..."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        e = stack.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ssl.SSLCertVerificationError):
            why = e.verify_message or "certificate verify failed"
            return f"TLS handshake failed: the server's certificate is not trusted ({why})"
        if isinstance(e, ssl.SSLError):
            reason = str(e.reason or "")
            if any(word in reason for word in _NOT_TLS):
                return (f"TLS handshake failed ({reason}): the server does not speak HTTPS "
                        "there; if it speaks plain HTTP, use an http:// URL")  # fmt: skip
            if any(word in reason for word in _HANDSHAKE):
                return f"TLS handshake failed ({reason})"
        stack += [getattr(e, "reason", None), e.__cause__, e.__context__, *e.args]
    return None


def _retry_after(value: str | None) -> float:
    """Seconds to wait; Asana sends whole seconds. Missing or odd: a cautious minute."""
    try:
        return max(0.0, float(value)) if value is not None else 60.0
    except ValueError:
        return 60.0


def _message(resp: requests.Response) -> str:
    try:
        errors = _JSON.decode(resp.content).get("errors") or []
        return "; ".join(str(e.get("message", "")) for e in errors) or resp.reason
    except (msgspec.DecodeError, AttributeError):
        return resp.reason or "no message"
