"""A Ctrl-C or SIGTERM that lands while the main thread starts a thread (`Thread.start` waits
for the new thread to begin) is held until the start is done. Raised there, the
KeyboardInterrupt left a thread that had not yet registered to be waited for at exit: the
command ended at once, and the thread ran into the interpreter's shutdown ("Exception ignored
in thread started by: <bound method Thread._bootstrap of <Thread(busywork-fsync_0 …)>>" and a
traceback after `simulate`'s "Interrupted."). See adapters/interrupts.py."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.runner import sigint_as_from_a_terminal

# The new thread signals the process before it tells the starting thread it has begun: the
# signal lands in the main thread's Thread.start, on any machine.
COMMAND = """
import os, signal, sys, threading, time
from adapters.interrupts import StopSignals

signals = StopSignals()
if sys.argv[1] == "running":
    signals.stops(threading.Event())

class SignalsWhileStarting(threading.Thread):
    def _set_native_id(self):  # runs in the new thread before it says it has started
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.3)
        super()._set_native_id()

thread = SignalsWhileStarting(target=lambda: None)
try:
    thread.start()
    time.sleep(30)
    print("never interrupted", flush=True)
except KeyboardInterrupt:
    # Held until the start was done; it may then land at once, before the next line runs.
    print("interrupted", "after the start" if thread._started.is_set() else "in the start",
          flush=True)
"""


@pytest.mark.parametrize("phase", ["setting up", "running"])
def test_a_signal_while_a_thread_starts_is_held_until_it_has_started(phase) -> None:
    result = subprocess.run([sys.executable, "-c", COMMAND, phase], capture_output=True,
                            text=True, timeout=60, preexec_fn=sigint_as_from_a_terminal)  # fmt: skip
    assert result.stdout == "interrupted after the start\n", (result.stdout, result.stderr)
    assert result.stderr == "", result.stderr
