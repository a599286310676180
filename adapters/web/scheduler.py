"""One thread that paces every live simulation: a heap of (due wall time, entry).

Hundreds of paced jobs each wake a few times a minute; a thread per job would mostly sleep
but still cost memory and wake-ups. Here one thread sleeps until the earliest due time (or
until something is scheduled earlier), runs that job's step, and puts it back with its next
due time. Idle = one thread blocked on a condition: no polling.

A job is scheduled with a `step` callable returning its next due time (monotonic seconds;
``math.inf`` = nothing more to do). Each `schedule` gets a new generation, so a paused or
rescheduled job's old heap entries are skipped instead of searched for and removed.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import threading
import time
from collections.abc import Callable

Step = Callable[[], float]
MAX_WAIT_SECONDS = 60.0
OnError = Callable[[str, BaseException], None]


class Scheduler:
    def __init__(self, on_error: OnError) -> None:
        self._on_error = on_error
        self._heap: list[tuple[float, int, str, int]] = []
        self._steps: dict[str, tuple[int, Step]] = {}
        self._generation = itertools.count(1)
        self._tiebreak = itertools.count()
        self._changed = threading.Condition()
        self._closing = False
        self._busy: str | None = None  # the key whose step is running now
        self._thread = threading.Thread(target=self._loop, name="job-scheduler", daemon=True)
        self._thread.start()

    def schedule(self, key: str, step: Step, due: float) -> None:
        """Run `step` for `key` at monotonic time `due` (and again when it says so)."""
        with self._changed:
            generation = next(self._generation)
            self._steps[key] = (generation, step)
            if due < math.inf:
                heapq.heappush(self._heap, (due, next(self._tiebreak), key, generation))
            self._changed.notify()

    def cancel(self, key: str) -> None:
        """Forget `key`; returns once its step (if running) has finished."""
        with self._changed:
            self._steps.pop(key, None)
            while self._busy == key and threading.current_thread() is not self._thread:
                self._changed.wait()

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()

    @property
    def scheduled(self) -> int:
        return len(self._steps)

    def _loop(self) -> None:
        while True:
            with self._changed:
                key, step, generation = self._next_due()
                if key is None or step is None:  # closing (both are None then)
                    return
                self._busy = key
            try:
                due = step()
                if not isinstance(due, int | float) or math.isnan(due):
                    raise TypeError(f"a job's step returned {due!r}, not a due time")
            except BaseException as exc:  # one job's bug must not stop the others
                due = math.inf
                with self._changed:
                    self._steps.pop(key, None)
                with contextlib.suppress(Exception):  # reporting must not end the thread either
                    self._on_error(key, exc)
            with self._changed:
                self._busy = None
                current = self._steps.get(key)
                if current is not None and current[0] == generation and due < math.inf:
                    heapq.heappush(self._heap, (due, next(self._tiebreak), key, generation))
                elif current is not None and current[0] == generation:
                    del self._steps[key]  # nothing more to do
                self._changed.notify_all()

    def _next_due(self) -> tuple[str | None, Step | None, int]:
        """Wait (holding the condition) for the earliest live entry; (None, ...) on close."""
        heap = self._heap
        while not self._closing:
            if not heap:
                self._changed.wait()
                continue
            due, _, key, generation = heap[0]
            current = self._steps.get(key)
            if current is None or current[0] != generation:
                heapq.heappop(heap)  # stale: cancelled or rescheduled since
                continue
            delay = due - time.monotonic()
            if delay > 0:
                # Capped: a far-off due time must not overflow the wait (nor oversleep a clock).
                self._changed.wait(min(delay, MAX_WAIT_SECONDS))
                continue
            heapq.heappop(heap)
            return key, current[1], generation
        return None, None, 0
