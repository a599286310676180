"""Writes in doubt: sent, and nothing says whether they took effect.

A write whose outcome is in doubt may still be running at the server and take effect later:
one that timed out, was answered 502 or 504 (a gateway gave up on it, see
`client_attempt.IN_DOUBT`), or whose connection dropped after it was sent. Before it is sent
again, the caller's ``reconcile`` looks for it right away and, if it is not there, again once
``Backoff.landing`` seconds have passed since it was sent (so a late landing is found instead
of duplicated). Asana documents no bound on how long a request may run after the client gave
up; ``landing`` is our assumption (90 s, three times the read timeout). The waits going on are
listed (`Landings.current`) for the replay's status line: a long silence says why."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class Landings:
    """The landing waits of one client. `pause(seconds, waiting)` sleeps, raising `Stopped`
    when the client's stop event is set meanwhile."""

    def __init__(self, pause: Callable[[float, str], None]) -> None:
        self._pause = pause
        # Writes in doubt waited for now: a token per wait → (monotonic end, "METHOD /path").
        self._waits: dict[object, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def current(self) -> tuple[float, str, int] | None:
        """The writes in doubt waited for now: (seconds left of the longest wait, what that
        write was, how many writes wait); None when none is."""
        with self._lock:
            waits = list(self._waits.values())
        if not waits:
            return None
        until, what = max(waits)
        return max(0.0, until - time.monotonic()), what, len(waits)

    def settle(
        self, reconcile: Callable[[], Any | None], landing: float | None, what: str
    ) -> Any | None:
        """Whether an unknown write happened: look now, and when it may still land, look again
        once it no longer can (a stop meanwhile: `Stopped`, the write still in doubt)."""
        found = reconcile()
        if found is None and landing is not None:
            self.wait(landing, what)
            found = reconcile()
        return found

    def wait(self, until: float, what: str) -> None:
        """Wait until monotonic time `until`, by which the write `what` has landed or never
        will, listed in `current` meanwhile."""
        if until <= time.monotonic():
            return
        token = object()
        with self._lock:
            self._waits[token] = (until, what)
        try:
            self._pause(until - time.monotonic(), "for a write in doubt to land")
        finally:
            with self._lock:
                del self._waits[token]
