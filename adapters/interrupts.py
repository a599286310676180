"""Waiting for Ctrl-C or SIGTERM once a command's work is done and it only serves (``replay
--serve``, ``demo``).

Their handler only counts presses: a KeyboardInterrupt raised inside a lock's wait or a server's
shutdown ends in a traceback (``RuntimeError: release unlocked lock``), and Event.set in a
handler can deadlock on the lock its own thread holds. It stays installed while the command
winds down, so a second press, however soon, quits at once, with the command's exit code rather
than 130: the work was done. Once the interpreter exits, presses are held back (blocked): at its
very end it puts back the default handlers, which would kill the process with SIGINT instead.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

PRESS_SEEN_SECONDS = 0.1  # how soon a press ends the wait
PRESSES = (signal.SIGINT, signal.SIGTERM)


def serve_until_interrupted(
    announce: Callable[[], None], code: int, seconds: float | None = None
) -> None:
    """`announce()` how to stop once the handlers are in place (a press that answers it at once
    finds them), then wait for Ctrl-C or SIGTERM, or `seconds` (tests). `code`: the exit code of
    a second press."""
    presses = 0

    def on_signal(signum, frame) -> None:
        nonlocal presses
        presses += 1
        if presses > 1:
            _quit_now(code)

    if threading.current_thread() is threading.main_thread():
        for signum in PRESSES:
            signal.signal(signum, on_signal)
        atexit.register(signal.pthread_sigmask, signal.SIG_BLOCK, PRESSES)
    announce()
    deadline = None if seconds is None else time.monotonic() + seconds
    while not presses and (deadline is None or time.monotonic() < deadline):
        time.sleep(PRESS_SEEN_SECONDS)


def _quit_now(code: int) -> None:
    """Exit at once, from a signal handler: what was printed is flushed, nothing else runs (an
    in-process server goes with the process; checkpoints are already closed)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, RuntimeError):  # closed, or mid-write
            stream.flush()
    os._exit(code)
