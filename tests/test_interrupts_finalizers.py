"""A Ctrl-C that lands while a finalizer runs (a `__del__`, a weakref or gc callback): Python
drops the KeyboardInterrupt the handler raised ("Exception ignored in ..."). It used to be lost
with the phase already moved, so the command went on and later signals, SIGTERM too, were
ignored; now it is delivered once the finalizer is done (adapters/interrupts.py)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from tests.runner import read_until, sigint_as_from_a_terminal

# A command's shape: set up, then run until the stop event is set (SIGTERM) or Ctrl-C. An
# object whose __del__ takes a while is dropped while setting up or while running, as the
# argument says; the test's Ctrl-C lands in that __del__.
COMMAND = """
import sys, threading, time
from adapters.interrupts import StopSignals

signals = StopSignals()
phase = sys.argv[1]

class SlowToFinalize:
    def __del__(self):
        try:  # a Ctrl-C may land as soon as this is printed
            print("finalizing", flush=True)
            # Short sleeps: a signal that lands after the print returns but before a sleep's
            # system call starts is not looked at until that sleep ends (CPython checks for
            # signals between bytecodes, and when a system call is interrupted). One long
            # sleep made that a 60 s wait, about once in 150 runs on a loaded machine.
            for _ in range(600):
                time.sleep(0.1)
        finally:
            print("finalized", flush=True)

stop = threading.Event()
try:
    try:
        if phase == "setting up":
            SlowToFinalize()
        signals.stops(stop)
        if phase == "running":
            SlowToFinalize()
        while not stop.is_set():
            time.sleep(0.05)
        print("Ended: stopped.", file=sys.stderr)
    except KeyboardInterrupt:
        signals.stopping()
        print("Ended: Interrupted.", file=sys.stderr)
finally:
    signals.ending()
sys.exit(130)
"""

DEADLINE = 30  # seconds; the command ends within a second once the Ctrl-C is seen


@pytest.mark.parametrize("phase", ["setting up", "running"])
@pytest.mark.parametrize("then", [None, signal.SIGTERM], ids=["ctrl-c", "ctrl-c-then-sigterm"])
def test_a_ctrl_c_during_a_finalizer_is_not_lost(phase, then) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", COMMAND, phase], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, preexec_fn=sigint_as_from_a_terminal,
    )  # fmt: skip
    try:
        read_until(proc.stdout, "finalizing")
        proc.send_signal(signal.SIGINT)
        read_until(proc.stdout, "finalized")
        if then is not None:  # as someone would when the Ctrl-C seemed to do nothing
            proc.send_signal(then)
        out, err = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert "Ended:" in err and "Exception ignored" not in err and "Traceback" not in err, err
