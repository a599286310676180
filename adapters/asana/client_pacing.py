"""Client-side rate-limit pacing, per token: at most ``quota`` requests per rolling ``window``
(Asana: 1,500/min paid, 150/min free), at most 15 writes and 50 reads in flight, and a 429's
``Retry-After`` honoured for every request of that token. Each token has one keep-alive
session (`TokenLane`); keys sharing a token share its lane, as Asana counts per token."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from requests.structures import CaseInsensitiveDict

from adapters.asana.client_errors import Stopped
from adapters.asana.client_sockets import CuttableAdapter
from engine.errors import InvalidInput

PLANS = {"paid": 1500, "free": 150}
MAX_QUOTA = 1_000_000  # requests per window: far above any plan, and safe for the arithmetic


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


def _settle_environment(session: requests.Session, base_url: str) -> None:
    """Read the environment's proxy and CA-bundle settings for `base_url` (every request goes
    to that one server) once, then stop `session` reading the environment: it would also take a
    ~/.netrc login for the server in place of the token (Basic auth over the Bearer header)."""
    found = session.merge_environment_settings(base_url, {}, None, None, None)
    session.proxies, session.verify, session.cert = found["proxies"], found["verify"], found["cert"]
    session.trust_env = False


class TokenLane:
    """One token's session, rolling-window history and in-flight caps.

    Requests go straight to the session's transport adapter (`send`), prepared here: every
    request of a lane goes to one server with the same headers, no cookies, no redirects and
    settings read once, so what `Session.request` does at each call (merging settings, cookie
    jars, preparing and re-parsing the URL, a redirect check) is work for nothing: it was a
    fifth of a replay's client time."""

    def __init__(self, token: str, limits: Limits, base_url: str):
        self.session = requests.Session()
        _settle_environment(self.session, base_url)
        self.adapter = CuttableAdapter(pool_connections=1, pool_maxsize=limits.max_reads + 8,
                                       max_retries=0)  # fmt: skip
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        self._headers = dict(self.session.headers)
        self.limits = limits
        self.done: deque[float] = deque()  # answer times of requests in the last window
        self.in_flight = 0
        self.blocked_until = 0.0
        self.lock = threading.Lock()
        self.writes = threading.BoundedSemaphore(limits.max_writes)
        self.reads = threading.BoundedSemaphore(limits.max_reads)

    def __repr__(self) -> str:
        return "TokenLane(<token hidden>)"

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        params: Mapping[str, str] | None,
        timeout: tuple[float, float],
    ) -> requests.Response:
        """One HTTP request (a JSON `body`, if any), its answer read whole. Raises what
        `requests` raises (timeouts, connection errors)."""
        prepared = requests.PreparedRequest()
        prepared.method = method
        prepared.url = f"{url}?{urlencode(params)}" if params else url
        headers: CaseInsensitiveDict[str | bytes] = CaseInsensitiveDict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
            headers["Content-Length"] = str(len(body))
        elif method not in ("GET", "HEAD"):
            headers["Content-Length"] = "0"
        prepared.headers, prepared.body = headers, body
        prepared.hooks = {"response": []}
        session = self.session
        return self.adapter.send(prepared, timeout=timeout, verify=session.verify,
                                 cert=session.cert, proxies=session.proxies)  # fmt: skip

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
