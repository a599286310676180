"""Saying, while the run waits on Claude, that it does: an endpoint that accepts connections
but never answers would otherwise leave the command silent for as long as the SDK's timeouts
and retries allow (minutes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

WAIT_NOTICE_SECONDS = 60.0  # how often a wait on Claude is said


@contextmanager
def said_while_waiting(
    on_progress: Callable[[str], None], every: float, line: Callable[[int], str]
) -> Iterator[None]:
    """While the block runs, ``on_progress(line(seconds waited))`` every `every` seconds (from a
    daemon thread; nothing when the block ends sooner)."""
    if every <= 0:
        yield
        return
    done = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not done.wait(every):
            on_progress(line(round(time.monotonic() - started)))

    ticker = threading.Thread(target=tick, name="claude-wait-notice", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
