"""Stop calling an endpoint that does not answer.

Each blueprint call already makes 3 tries (the SDK's 2 retries) of up to about 3 minutes each
before its project falls back to templates; against a dead or hung endpoint that wait was paid
for every project of the run. After TRIP_AFTER calls in a row that timed out or could not
connect, the breaker opens: no more calls for the rest of this command, and each project
still to be fetched is recorded as "unreachable" (template text), so ``--resume`` keeps it.
Submitting a Message Batch is such a call too (its projects are then fetched one by one).
Polling a submitted batch is not: that batch is bought, so a batch that cannot be read stops
the run and a resume collects it (see batches.py), rather than trading it for template text.

Why 3: one call that times out can be one unlucky request (a long answer, a slow moment); 3 in
a row are 9 failed requests over minutes, which a live endpoint does not do. And 3 is below
the 4 calls the prefetcher keeps in flight, so against a dead endpoint the run stops waiting
after the first round of concurrent calls. Any answer, even an error status (429, 529, 500),
shows the endpoint is alive and closes the count.

Which projects fall back depends on the endpoint's health, which is outside the seed; the
outcomes are recorded before use, so a resumed run makes the same choices.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

TRIP_AFTER = 3
SILENT = ("timeout", "connection")  # outcomes where the endpoint gave no answer at all
UNREACHABLE = "unreachable"  # a project's outcome once the breaker is open


class Breaker:
    def __init__(
        self,
        endpoint: str,
        on_warning: Callable[[str], None] = lambda _: None,
        *,
        trip_after: int = TRIP_AFTER,
    ) -> None:
        self.endpoint = endpoint
        self.trip_after = trip_after
        self._on_warning = on_warning  # the run's content changes: a warning, not progress
        self._silent_in_a_row = 0
        self._open = False
        self._lock = threading.Lock()

    @property
    def open(self) -> bool:
        with self._lock:
            return self._open

    def reason(self) -> str:
        return f"Claude at {self.endpoint} did not answer {self.trip_after} calls in a row"

    def outcome(self, kind: str) -> None:
        """Count a call's outcome ("ok", "invalid", or a failure kind such as "timeout")."""
        with self._lock:
            if self._open:
                return
            self._silent_in_a_row = self._silent_in_a_row + 1 if kind in SILENT else 0
            if self._silent_in_a_row < self.trip_after:
                return
            self._open = True
        self._on_warning(f"{self.reason()}; template text is used for the rest of this run")
