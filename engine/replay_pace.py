"""The pace of a replay: each event waits for its wall time, the simulated time since the first
event divided by the speed (1 = realtime, N = N× faster); no speed: as fast as the target allows.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime

from engine import events as ev
from engine.errors import BusyworkError

MAX_WAIT_SECONDS = 3600.0  # longest single wait for an event's time (threading's limit is ~292 y)


class Pacer:
    """Holds each event until its wall time; the first event sets the clock and goes at once."""

    def __init__(self, speed: float | None, stop: threading.Event) -> None:
        if speed is not None and not (0 < speed < math.inf):  # NaN fails too
            raise BusyworkError(f"speed: expected a positive finite number, got {speed}")
        self._speed = speed
        self._stop = stop
        self._start: tuple[float, datetime] | None = None  # the first event's monotonic and `at`

    def wait_for(self, event: ev.Event) -> float | None | bool:
        """Sleep until the event's wall time; its scheduled monotonic time (None at max pace,
        False when stopped while waiting)."""
        speed = self._speed
        if speed is None:
            return None
        if self._start is None:
            self._start = time.monotonic(), event.at
        t0, base_at = self._start
        scheduled = t0 + (event.at - base_at).total_seconds() / speed
        # In slices: a very slow pace can put an event further away than a wait may last.
        while (delay := scheduled - time.monotonic()) > 0:
            if self._stop.wait(min(delay, MAX_WAIT_SECONDS)):
                return False
        return scheduled
