"""An Asana REST client for replay: one keep-alive session per token, client-side limits,
retries that never duplicate a create.

- Rate: at most ``quota`` requests per rolling ``window`` per token (Asana: 1,500/min paid,
  150/min free), plus the in-flight caps (15 writes, 50 reads). A 429 blocks that token for
  ``Retry-After`` seconds, never less.
- 5xx, dropped connections and timeouts: exponential backoff with full jitter, then
  `Unavailable` (the caller parks the event). Until the target has answered once, a few tries
  only: a target never reached is most likely a wrong URL or a server that is down, and the
  user should hear so in about a second, not after the whole backoff. For a write, the outcome of a failed attempt is
  unknown; before sending it again the caller's ``reconcile`` looks for the object.
- A write whose outcome is in doubt may still be running at the server and take effect later:
  one that timed out, was answered 502 or 504 (a gateway gave up on it, see `_IN_DOUBT`), or
  whose connection dropped after it was sent. Before it is sent again, ``reconcile`` looks for
  it right away and, if it is not there, again once ``Backoff.landing`` seconds have passed
  since it was sent (so a late landing is found instead of duplicated). Asana documents no
  bound on how long a request may run after the client gave up; ``landing`` is our assumption
  (90 s, three times the read timeout). At most ``Backoff.max_landings`` sends of one call
  end in doubt; then it is given up (`Unavailable`): the wait per call stays bounded. The waits
  going on (`landings`) are shown by the replay's status line: a long silence says why.
- 401: the token is marked invalid (`TokenInvalid`); 400/403/404 etc.: `ApiRejected` with
  Asana's message.
- ``stop`` (a `threading.Event`, set by whoever runs the replay): waits for a turn in the rate
  limit, backoff sleeps and landing waits end at once with `Stopped`. A request already sent
  runs to its answer or timeout; one whose outcome is in doubt when the stop comes is left
  to the caller's next run, which looks for the object before sending it again.

Tokens are identified by a *key* (an email, or "default"); no message, repr or exception of
this module contains a token value.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msgspec
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from adapters.asana.urls import api_url_problem
from engine.errors import BusyworkError, InvalidInput

PLANS = {"paid": 1500, "free": 150}
DEFAULT = "default"  # the key of the shared token (people without their own act through it)
_JSON = msgspec.json.Decoder()
_ENC = msgspec.json.Encoder()
MAX_RATE_LIMITED = 50  # 429s in a row for one call before giving up on it
FIRST_CONTACT_ATTEMPTS = 3  # tries before the target has ever answered (see the docstring)
MAX_QUOTA = 1_000_000  # requests per window: far above any plan, and safe for the arithmetic
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
_IN_DOUBT = frozenset({502, 504})


class ApiRejected(BusyworkError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class TokenInvalid(BusyworkError):
    def __init__(self, key: str):
        super().__init__(f"the token for {key} was rejected (401 Not Authorized)")
        self.key = key


class NoToken(TokenInvalid):
    """The tokens file has no token for this key (e.g. no ``default``)."""

    def __init__(self, key: str):
        BusyworkError.__init__(self, f"the tokens file has no token for {key}")
        self.key = key


class Unavailable(BusyworkError):
    """Retries exhausted on 5xx, resets or timeouts."""


class Stopped(BusyworkError):
    """The caller's stop event was set while this call waited: to send (nothing was sent), to
    retry, or for a write in doubt to land (it may still: look for it before sending again)."""


@dataclass(frozen=True)
class Limits:
    quota: int = PLANS["paid"]  # requests per window per token
    window: float = 60.0
    max_writes: int = 15
    max_reads: int = 50

    def __post_init__(self) -> None:
        if not 1 <= self.quota <= MAX_QUOTA:
            raise InvalidInput(
                f"--rate-limit: {self.quota}; expected 1 to {MAX_QUOTA:,} requests per minute"
            )
        if not self.window > 0:
            raise InvalidInput(f"rate limit window: {self.window}; expected seconds > 0")


@dataclass(frozen=True)
class Backoff:
    base: float = 0.5
    cap: float = 30.0
    attempts: int = 6  # tries in all, the first included
    timeout: tuple[float, float] = (5.0, 30.0)  # connect, read
    # Seconds after sending by which a write in doubt has taken effect or never will.
    landing: float = 90.0
    # Sends of one call that may end in doubt (each costs up to `landing`) before it gives up.
    max_landings: int = 2


class _TokenLane:
    """One token's session, rolling-window history and in-flight caps."""

    def __init__(self, token: str, limits: Limits):
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=limits.max_reads + 8, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        self.limits = limits
        self.done: deque[float] = deque()  # answer times of requests in the last window
        self.in_flight = 0
        self.blocked_until = 0.0
        self.lock = threading.Lock()
        self.writes = threading.BoundedSemaphore(limits.max_writes)
        self.reads = threading.BoundedSemaphore(limits.max_reads)

    def __repr__(self) -> str:
        return "_TokenLane(<token hidden>)"

    def wait_turn(self, stop: threading.Event) -> None:
        """Block until one more request fits the rolling window and any Retry-After;
        `Stopped` when `stop` is set meanwhile.

        A request counts from when it is let through until `window` after its answer: the
        server saw it somewhere in between, so measured this way the client can never get
        ahead of the server's window, whatever the latency (at the cost of one round trip
        per window)."""
        limits = self.limits
        while True:
            with self.lock:
                now = time.monotonic()
                wait = self.blocked_until - now
                if wait <= 0:
                    done = self.done
                    while done and done[0] <= now - limits.window:
                        done.popleft()
                    if len(done) + self.in_flight < limits.quota:
                        self.in_flight += 1
                        return
                    wait = done[0] + limits.window - now if done else 0.005
            if stop.wait(min(max(wait, 0.001), 1.0)):
                raise Stopped("stopped while waiting for the rate limit")

    def finished(self) -> None:
        with self.lock:
            self.in_flight -= 1
            self.done.append(time.monotonic())

    def block_for(self, seconds: float) -> None:
        with self.lock:
            self.blocked_until = max(self.blocked_until, time.monotonic() + seconds)


class Counters:
    def __init__(self) -> None:
        self.requests = 0
        self.retries = 0
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


class AsanaClient:
    def __init__(
        self,
        base_url: str,
        tokens: Mapping[str, str],
        *,
        limits: Limits | None = None,
        backoff: Backoff | None = None,
        seed: int | None = None,
        stop: threading.Event | None = None,
    ):
        problem = api_url_problem(base_url)
        if problem:
            raise InvalidInput(f"--to: {problem}")
        self.base_url = base_url.rstrip("/")
        self.reached = False  # whether the target has answered at all (any HTTP status)
        self.limits = limits or Limits()
        self.backoff = backoff or Backoff()
        # Keys sharing a token share its session and limits: Asana counts per token.
        by_token: dict[str, _TokenLane] = {}
        self._lanes: dict[str, _TokenLane] = {}
        for key, tok in tokens.items():
            if tok:
                if tok not in by_token:
                    by_token[tok] = _TokenLane(tok, self.limits)
                self._lanes[key] = by_token[tok]
        self.invalid: set[str] = set()
        self.counters = Counters()
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        # Set by the caller (e.g. to the replay's stop event): waits end early (see docstring).
        self.stop = stop or threading.Event()
        # Writes in doubt waited for now: a token per wait → (monotonic end, "METHOD /path").
        self._landings: dict[object, tuple[float, str]] = {}
        self._landings_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"AsanaClient({self.base_url}, keys={sorted(self._lanes)})"

    @property
    def keys(self) -> list[str]:
        return list(self._lanes)

    def lane_of(self, key: str) -> str:
        """The first key sharing `key`'s token: one name per token, for queueing."""
        lane = self._lanes.get(key)
        return next((k for k, v in self._lanes.items() if v is lane), key)

    def landings(self) -> tuple[float, str, int] | None:
        """The writes in doubt waited for now: (seconds left of the longest wait, what that
        write was, how many writes wait); None when none is."""
        with self._landings_lock:
            waits = list(self._landings.values())
        if not waits:
            return None
        until, what = max(waits)
        return max(0.0, until - time.monotonic()), what, len(waits)

    def has(self, key: str) -> bool:
        return key in self._lanes and key not in self.invalid

    def close(self) -> None:
        for lane in {id(v): v for v in self._lanes.values()}.values():
            lane.session.close()

    # -- calls ---------------------------------------------------------------------------------

    def get(self, key: str, path: str, params: Mapping[str, str] | None = None) -> Any:
        return self.call(key, "GET", path, params=params)

    def call(
        self,
        key: str,
        method: str,
        path: str,
        *,
        data: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        reconcile: Callable[[], Any | None] | None = None,
        envelope: bool = False,
    ) -> Any:
        """One API call as the token `key`; returns the response's ``data``. ``reconcile``
        (writes only) is asked, after an attempt whose outcome is unknown, whether the write
        happened after all; a non-None answer is returned instead of sending again."""
        lane = self._lanes.get(key)
        if lane is None:
            raise NoToken(key)
        write = method != "GET"
        body = _ENC.encode({"data": data}) if data is not None else None
        url = self.base_url + path
        attempts = limited = doubts = 0
        while True:
            if key in self.invalid:
                raise TokenInvalid(key)
            cause = self._send(key, lane, method, url, body, params, write)
            if isinstance(cause, _Answer):
                return cause.body if envelope else cause.body.get("data")
            if isinstance(cause, _RateLimited):
                limited += 1
                self.counters.add("rate_limited")
                lane.block_for(cause.retry_after)
                if limited > MAX_RATE_LIMITED:
                    raise Unavailable(f"{method} {path}: still rate limited after {limited} waits")
                continue
            # A write in doubt may still be running at the server: it must not be sent again
            # (nor the call given up) before it can no longer land. A create is looked for
            # then; any other write (a section move, `completed`) is sent again, or a late
            # original would land after the events that follow it and undo them.
            landing = None
            if write and isinstance(cause, _InDoubt):
                landing = cause.sent + self.backoff.landing
                doubts += 1
            attempts += 1
            allowed = self.backoff.attempts
            if not self.reached:
                allowed = min(allowed, FIRST_CONTACT_ATTEMPTS)
            bounded = landing is not None and doubts >= self.backoff.max_landings
            what = f"{method} {path}"
            if attempts >= allowed or bounded:
                if landing is not None and reconcile is not None:
                    found = self._settle(reconcile, landing, what)
                    if found is not None:
                        return found
                where = "" if self.reached else f"cannot reach {self.base_url}: "
                raise Unavailable(
                    f"{where}{method} {path}: {cause} (gave up after {attempts} tries)"
                )
            self.counters.add("retries")
            self._pause(self._delay(attempts))
            if write and reconcile is not None:
                found = self._settle(reconcile, landing, what)
                if found is not None:
                    return found
            elif landing is not None:
                self._await_landing(landing, what)

    def _settle(
        self, reconcile: Callable[[], Any | None], landing: float | None, what: str
    ) -> Any | None:
        """Whether an unknown write happened: look now, and when it may still land, look again
        once it no longer can (a stop meanwhile: `Stopped`, the write still in doubt)."""
        found = reconcile()
        if found is None and landing is not None:
            self._await_landing(landing, what)
            found = reconcile()
        if found is not None:
            self.counters.add("reconciled")
        return found

    def _await_landing(self, until: float, what: str) -> None:
        """Wait until monotonic time `until`, by which the write `what` has landed or never
        will, listed in `landings` meanwhile."""
        if until <= time.monotonic():
            return
        token = object()
        with self._landings_lock:
            self._landings[token] = (until, what)
        try:
            self._pause(until - time.monotonic(), "for a write in doubt to land")
        finally:
            with self._landings_lock:
                del self._landings[token]

    def _pause(self, seconds: float, waiting: str = "to retry") -> None:
        if seconds > 0 and self.stop.wait(seconds):
            raise Stopped(f"stopped while waiting {waiting}")

    def _send(
        self,
        key: str,
        lane: _TokenLane,
        method: str,
        url: str,
        body: bytes | None,
        params: Mapping[str, str] | None,
        write: bool,
    ) -> _Answer | _RateLimited | _InDoubt | str:
        """One attempt: the answer, a 429, or (a retryable failure) its description; `_InDoubt`
        when it may have taken effect, or may still."""
        gate = lane.writes if write else lane.reads
        headers = {"Content-Type": "application/json"} if body is not None else None
        with gate:
            lane.wait_turn(self.stop)
            self.counters.add("requests")
            answered_before = self.reached
            sent = time.monotonic()
            try:
                resp = lane.session.request(
                    method, url, data=body, params=params, headers=headers,
                    timeout=self.backoff.timeout,
                )  # fmt: skip
            except requests.ConnectTimeout:
                return "connection timed out"  # never sent: nothing can land
            except requests.Timeout:
                return _InDoubt(sent, "timed out waiting for the answer")
            except requests.ConnectionError as exc:
                if _never_connected(exc):
                    return "connection failed"  # refused, unreachable, name unknown
                if not answered_before:
                    # A server that never answered HTTP (a wrong port, TLS spoken to plain
                    # HTTP) hangs up on everything: most likely not Asana, nothing applied.
                    return "connection dropped (the target never answered)"
                return _InDoubt(sent, "connection dropped after the request was sent")
            finally:
                lane.finished()
        self.reached = True
        status = resp.status_code
        self.counters.status(status)
        if 200 <= status < 300:
            try:
                decoded = _JSON.decode(resp.content)
                if isinstance(decoded, dict):
                    return _Answer(decoded)
            except msgspec.DecodeError:
                pass
            return f"HTTP {status} with a body that is not Asana JSON"
        if status == 429:
            return _RateLimited(_retry_after(resp.headers.get("Retry-After")))
        if status == 401:
            self.invalid.update(k for k, v in self._lanes.items() if v is lane)
            raise TokenInvalid(key)
        message = _message(resp)
        if status in _IN_DOUBT:
            return _InDoubt(sent, f"HTTP {status}: {message}")
        if status >= 500:
            return f"HTTP {status}: {message}"
        path = urlsplit(url).path
        raise ApiRejected(status, f"{method} {path}: HTTP {status}: {message}")

    def _delay(self, attempt: int) -> float:
        b = self.backoff
        with self._rng_lock:
            return self._rng.uniform(0, min(b.cap, b.base * 2 ** (attempt - 1)))

    def pages(
        self, key: str, path: str, params: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, following ``next_page`` 100 at a time."""
        query = {**(params or {}), "limit": "100"}
        while True:
            body = self.call(key, "GET", path, params=query, envelope=True)
            yield from body.get("data") or []
            next_page = body.get("next_page")
            if not next_page or not next_page.get("offset"):
                return
            query = {**query, "offset": next_page["offset"]}


@dataclass(frozen=True, slots=True)
class _Answer:
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _RateLimited:
    retry_after: float


@dataclass(frozen=True, slots=True)
class _InDoubt:
    """Sent (at monotonic time `sent`), and nothing says whether it took effect: it may have,
    or may still (a timeout, a gateway that gave up, a connection dropped after sending)."""

    sent: float
    why: str

    def __str__(self) -> str:
        return self.why


def _never_connected(exc: requests.ConnectionError) -> bool:
    """Whether the connection was never made (refused, unreachable, name unknown): nothing was
    sent. urllib3 counts these as connection errors ("the server did not receive the request")
    and, retries being off, wraps them in a MaxRetryError; anything after it started sending
    (reset, closed without an answer) is a read error, "assume the server began processing it",
    re-raised as a bare ProtocolError."""
    cause = exc.args[0] if exc.args else None
    return isinstance(getattr(cause, "reason", cause), NewConnectionError)


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
