"""Per-token rate limits as Asana applies them: a rolling quota and in-flight caps.

Quota: at most ``quota`` requests in any rolling ``window`` seconds. Every request is
recorded, rejected ones too (Asana counts them), so hammering only extends the wait. When
the quota is spent, Retry-After is the whole number of seconds until the oldest recorded
request leaves the window: a client that waits exactly that long is let through.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from adapters.asana.sandbox.apierror import ApiError

TOO_MANY = "You have made too many requests recently. Please, be chill."
PLANS = {"paid": 1500, "free": 150}
# The longest history kept per token: a quota above it can never be reached (in practice no
# limit), and a huge quota (10**20) must not size a deque (OverflowError, seen as a dropped
# connection by the client).
MAX_HISTORY = 1_000_000


@dataclass(frozen=True)
class Limits:
    quota: int = PLANS["paid"]  # requests per window per token
    window: float = 60.0  # seconds; tests shorten it
    max_reads: int = 50  # GETs in flight per token
    max_writes: int = 15  # other methods in flight per token
    # Attachments' bytes live in memory (and in --data): at most this much a file (Asana
    # takes 100 MB), and in all.
    attachment_bytes: int = 10 * 2**20
    attachments_total_bytes: int = 100 * 2**20


class RateLimiter:
    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        # Per token: times of the most recent ``quota`` requests (older ones cannot matter).
        self._history: dict[str, deque[float]] = {}
        self._in_flight: dict[tuple[str, bool], int] = {}

    def charge(self, token: str, cost: int = 1) -> None:
        """Record ``cost`` requests now; raise 429 with Retry-After if over the quota."""
        quota, window = self.limits.quota, self.limits.window
        with self._lock:
            now = self._clock()
            history = self._history.setdefault(token, deque(maxlen=min(quota, MAX_HISTORY)))
            while history and history[0] <= now - window:
                history.popleft()  # out of the window for good: time only moves forward
            over = len(history) + cost > quota
            history.extend([now] * min(cost, quota, MAX_HISTORY))
            if not over:
                return
            # The request just recorded is now in the history: it waits for the oldest slot.
            oldest = history[0]
            retry_after = max(1, math.ceil(oldest + window - now))
        raise ApiError(429, f"{TOO_MANY} (quota {quota} per {window:g}s; retry after "
                       f"{retry_after}s)", {"Retry-After": str(retry_after)})  # fmt: skip

    def enter(self, token: str, write: bool) -> None:
        """Count a request in flight; 429 when the token already has the maximum in flight."""
        cap = self.limits.max_writes if write else self.limits.max_reads
        key = (token, write)
        with self._lock:
            if self._in_flight.get(key, 0) >= cap:
                kind = "write" if write else "read"
                raise ApiError(
                    429,
                    f"{TOO_MANY} (at most {cap} concurrent {kind} requests per token)",
                    {"Retry-After": "1"},
                )
            self._in_flight[key] = self._in_flight.get(key, 0) + 1

    def leave(self, token: str, write: bool) -> None:
        with self._lock:
            self._in_flight[(token, write)] -= 1
