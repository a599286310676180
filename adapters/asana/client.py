"""An Asana REST client for replay: one keep-alive session per token, client-side limits,
retries that never duplicate a create, and Asana's deprecation notices noted once each.

- Rate (`client_pacing`): at most ``quota`` requests per rolling ``window`` per token, plus the
  in-flight caps (15 writes, 50 reads). A 429 blocks that token for ``Retry-After`` seconds,
  never less.
- Retries (`client_retry`): 5xx, dropped connections and timeouts are sent again after an
  exponential backoff with full jitter, then `Unavailable` (the caller parks the event); only
  a few tries before the target has answered once. For a write, the outcome of a failed
  attempt is unknown; before sending it again the caller's ``reconcile`` looks for the object.
- Writes in doubt (`client_landing`): one that timed out, was answered 502 or 504, or whose
  connection dropped after it was sent may still land. ``reconcile`` looks for it at once and
  again once ``Backoff.landing`` seconds have passed since it was sent; at most
  ``Backoff.max_landings`` sends of one call end in doubt, then it is given up
  (`Unavailable`): the wait per call stays bounded. An ``idempotent`` write (a DELETE: sent
  twice it ends the same, a 404 the second time) is not waited for: it is sent again after the
  usual backoff, as a read is.
- 401: the token is marked invalid (`TokenInvalid`); 400/403/404 etc.: `ApiRejected` with
  Asana's message (`client_attempt`).
- ``Asana-Change`` headers (`client_changes`): each distinct change is noted once
  (`change_notes`, and the ``on_change`` callback).
- ``stop`` (a `threading.Event`, set by whoever runs the replay): waits for a turn in the rate
  limit, backoff sleeps and landing waits end at once with `Stopped`. A request already sent
  runs to its answer or timeout, unless `close()` cuts it; one whose outcome is in doubt when
  the stop comes is left to the caller's next run, which looks for the object before sending
  it again.

Tokens are identified by a *key* (an email, or "default"); no message, repr or exception of
this client contains a token value.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import msgspec
import requests

from adapters.asana.client_attempt import (
    Answer,
    Counters,
    InDoubt,
    Outcome,
    RateLimited,
    Request,
    Unauthorized,
    attempt,
)
from adapters.asana.client_changes import HEADER, AsanaChange, ChangeNotices
from adapters.asana.client_errors import ApiRejected, NoToken, Stopped, TokenInvalid, Unavailable
from adapters.asana.client_landing import Landings
from adapters.asana.client_pacing import MAX_QUOTA, PLANS, Limits, TokenLane
from adapters.asana.client_retry import FIRST_CONTACT_ATTEMPTS, MAX_RATE_LIMITED, Backoff, Jitter
from adapters.asana.secrecy import redact_known
from adapters.asana.urls import api_url_problem
from engine.errors import InvalidInput

__all__ = [
    "DEFAULT", "FIRST_CONTACT_ATTEMPTS", "MAX_QUOTA", "MAX_RATE_LIMITED", "PLANS", "ApiRejected",
    "AsanaChange", "AsanaClient", "Backoff", "Counters", "Limits", "NoToken", "Stopped",
    "TokenInvalid", "Unavailable",
]  # fmt: skip

DEFAULT = "default"  # the key of the shared token (people without their own act through it)
_ENC = msgspec.json.Encoder()


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
        on_change: Callable[[AsanaChange], None] | None = None,
    ):
        problem = api_url_problem(base_url)
        if problem:
            raise InvalidInput(f"--to: {problem}")
        self.base_url = base_url.rstrip("/")
        self.reached = False  # whether the target has answered at all (any HTTP status)
        self.limits = limits or Limits()
        self.backoff = backoff or Backoff()
        # Keys sharing a token share its session and limits: Asana counts per token.
        by_token: dict[str, TokenLane] = {}
        self._lanes: dict[str, TokenLane] = {}
        for key, tok in tokens.items():
            if tok:
                if tok not in by_token:
                    by_token[tok] = TokenLane(tok, self.limits, self.base_url)
                self._lanes[key] = by_token[tok]
        # The first key of each token names its lane (computed once: asked at every event).
        first = {id(lane): key for key, lane in reversed(self._lanes.items())}
        self._lane_names = {key: first[id(lane)] for key, lane in self._lanes.items()}
        self.invalid: set[str] = set()
        self.counters = Counters()
        self._jitter = Jitter(self.backoff, seed)
        # Set by the caller (e.g. to the replay's stop event): waits end early (see docstring).
        self.stop = stop or threading.Event()
        self._landings = Landings(self._pause)
        secrets = sorted(by_token, key=len, reverse=True)
        self._redact = lambda text: redact_known(text, secrets)  # a target's text may echo a token
        self.changes = ChangeNotices(self._redact, on_change)

    def __repr__(self) -> str:
        return f"AsanaClient({self.base_url}, keys={sorted(self._lanes)})"

    @property
    def keys(self) -> list[str]:
        return list(self._lanes)

    def knows(self, key: str) -> bool:
        """Whether `key` has a token here (valid or not: see `has`)."""
        return key in self._lanes

    def lane_of(self, key: str) -> str:
        """The first key sharing `key`'s token: one name per token, for queueing."""
        return self._lane_names.get(key, key)

    def landings(self) -> tuple[float, str, int] | None:
        """The writes in doubt waited for now: (seconds left of the longest wait, what that
        write was, how many writes wait); None when none is."""
        return self._landings.current()

    def change_notes(self) -> list[str]:
        """One line per distinct ``Asana-Change`` seen, for a replay's summary."""
        return self.changes.notes()

    def has(self, key: str) -> bool:
        return key in self._lanes and key not in self.invalid

    def close(self) -> None:
        """Stop every wait of this client (a thread still retrying ends with `Stopped`: a
        worker left in a backoff would keep the process from exiting) and every request in
        flight (`client_sockets`: one held by a silent target would hold its thread until
        the read timeout), then its sessions."""
        self.stop.set()
        for lane in {id(v): v for v in self._lanes.values()}.values():
            lane.adapter.cut()
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
        idempotent: bool = False,
    ) -> Any:
        """One API call as the token `key`; returns the response's ``data``. ``reconcile``
        (writes only) is asked, after an attempt whose outcome is unknown, whether the write
        happened after all; a non-None answer is returned instead of sending again.
        ``idempotent``: a write that may be sent twice (a DELETE: the second gets a 404, which
        the caller counts as done); one in doubt is sent again without waiting for it to land."""
        lane = self._lanes.get(key)
        if lane is None:
            raise NoToken(key)
        body = _ENC.encode({"data": data}) if data is not None else None
        request = Request(method, self.base_url + path, body, params)
        write, what = request.write, f"{method} {path}"
        attempts = limited = doubts = 0
        while True:
            if key in self.invalid:
                raise TokenInvalid(key)
            cause = self._send(lane, request)
            if isinstance(cause, Answer):
                return cause.body if envelope else cause.body.get("data")
            if isinstance(cause, Unauthorized):
                self.invalid.update(k for k, v in self._lanes.items() if v is lane)
                raise TokenInvalid(key)
            if isinstance(cause, RateLimited):
                limited += 1
                self.counters.add("rate_limited")
                lane.block_for(cause.retry_after)
                if limited > MAX_RATE_LIMITED:
                    raise Unavailable(f"{what}: still rate limited after {limited} waits")
                continue
            # A write in doubt may still be running at the server: it must not be sent again
            # (nor the call given up) before it can no longer land. A create is looked for
            # then; any other write (a section move, `completed`) is sent again, or a late
            # original would land after the events that follow it and undo them.
            landing = None
            if write and not idempotent and isinstance(cause, InDoubt):
                landing = cause.sent + self.backoff.landing
                doubts += 1
            attempts += 1
            allowed = self.backoff.attempts
            if not self.reached:
                allowed = min(allowed, FIRST_CONTACT_ATTEMPTS)
            bounded = landing is not None and doubts >= self.backoff.max_landings
            if attempts >= allowed or bounded:
                if landing is not None and reconcile is not None:
                    found = self._settle(reconcile, landing, what)
                    if found is not None:
                        return found
                where = "" if self.reached else f"cannot reach {self.base_url}: "
                tries = "1 try" if attempts == 1 else f"{attempts} tries"
                raise Unavailable(f"{where}{what}: {cause} (gave up after {tries})")
            self.counters.retried()
            self._pause(self._jitter.delay(attempts))
            if write and reconcile is not None:
                found = self._settle(reconcile, landing, what)
                if found is not None:
                    return found
            elif landing is not None:
                self._landings.wait(landing, what)

    def _send(self, lane: TokenLane, request: Request) -> Outcome:
        try:
            cause = attempt(lane, request, timeout=self.backoff.timeout, stop=self.stop,
                            counters=self.counters, answered_before=self.reached,
                            on_response=lambda resp: self._answered(resp, request))  # fmt: skip
        except ApiRejected as exc:  # its message is the target's, which may quote our header
            raise ApiRejected(exc.status, self._redact(str(exc))) from None
        if isinstance(cause, InDoubt):
            return InDoubt(cause.sent, self._redact(cause.why))
        return self._redact(cause) if isinstance(cause, str) else cause

    def _answered(self, resp: requests.Response, request: Request) -> None:
        self.reached = True
        self.changes.observe(resp.headers.get(HEADER), request.what)

    def _settle(
        self, reconcile: Callable[[], Any | None], landing: float | None, what: str
    ) -> Any | None:
        found = self._landings.settle(reconcile, landing, what)
        if found is not None:
            self.counters.add("reconciled")
        return found

    def _pause(self, seconds: float, waiting: str = "to retry") -> None:
        if seconds > 0 and self.stop.wait(seconds):
            raise Stopped(f"stopped while waiting {waiting}")

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
