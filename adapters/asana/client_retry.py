"""The retry policy: how often, and after how long, a failed call is sent again.

5xx, dropped connections and timeouts: exponential backoff with full jitter, then `Unavailable`
(the caller parks the event). Until the target has answered once, a few tries only: a target
never reached is most likely a wrong URL or a server that is down, and the user should hear so
in about a second, not after the whole backoff. 429s do not count as tries: each blocks its
token for ``Retry-After`` (see `client_pacing`), up to ``MAX_RATE_LIMITED`` in a row."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

MAX_RATE_LIMITED = 50  # 429s in a row for one call before giving up on it
FIRST_CONTACT_ATTEMPTS = 3  # tries before the target has ever answered (see the docstring)


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


class Jitter:
    """Full-jitter backoff delays from a seeded RNG, safe to share between threads."""

    def __init__(self, backoff: Backoff, seed: int | None) -> None:
        self.backoff = backoff
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed try number `attempt` (1 for the first)."""
        b = self.backoff
        with self._lock:
            return self._rng.uniform(0, min(b.cap, b.base * 2 ** (attempt - 1)))
