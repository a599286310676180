"""Ctrl-C and SIGTERM for commands that run until stopped.

A handler is installed once and never put back (`handle_for_good`): between two handlers, or
after the default is put back, a signal gets the default action and kills the process with
nothing said (no summary, no cleanup). Once the interpreter exits, the signals are ignored: at
its very end it puts back the default action of a signal that has a handler, and a signal then
kills it (any thread may take a signal sent to the process, so blocking it in one would not
do); it leaves an ignored signal ignored.

`serve_until_interrupted`: waiting for Ctrl-C or SIGTERM once a command's work is done and it
only serves (``replay --serve``, ``demo``). Its handler only counts presses: a
KeyboardInterrupt raised inside a lock's wait or a server's shutdown ends in a traceback
(``RuntimeError: release unlocked lock``), and Event.set in a handler can deadlock on the lock
its own thread holds. It stays installed while the command winds down, so a second press,
however soon, quits at once, with the command's exit code rather than 130: the work was done.

`StopSignals`: Ctrl-C and SIGTERM for a command that sets up, then runs until a stop event
is set (``live``, ``replay``): as Ctrl-C while it sets up, then as a stop.
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
from typing import NamedTuple, NoReturn

PRESS_SEEN_SECONDS = 0.1  # how soon a press ends the wait
PRESSES = (signal.SIGINT, signal.SIGTERM)
DEFER_SECONDS = 0.01  # how soon a signal held back (see StopSignals._defer) is looked at again


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

    handle_for_good(PRESSES, on_signal)
    announce()
    deadline = None if seconds is None else time.monotonic() + seconds
    while not presses and (deadline is None or time.monotonic() < deadline):
        time.sleep(PRESS_SEEN_SECONDS)


def handle_for_good(signums: tuple[signal.Signals, ...], handler: Callable) -> bool:
    """Make `handler` the handler of `signums` for the rest of the process, and hold them back
    once the interpreter exits (see above). Only the main thread may install handlers: False
    elsewhere, and nothing changed."""
    if threading.current_thread() is not threading.main_thread():
        return False
    for signum in signums:
        signal.signal(signum, handler)
    atexit.register(_ignore, signums)
    return True


def _ignore(signums: tuple[signal.Signals, ...]) -> None:
    for signum in signums:
        signal.signal(signum, signal.SIG_IGN)


class StopSignals:
    """Ctrl-C and SIGTERM for a command's whole life, from the moment this is made: one handler
    whose action follows the command's phase, never a gap between two.

    - Setting up: the first signal raises KeyboardInterrupt, so what was set up is undone;
      later ones are ignored (a KeyboardInterrupt raised inside that undoing, in a lock's wait
      or an import, ends in a traceback). One that comes while a module is being imported or a
      thread is starting waits for that to end (a timer, SIGALRM, looks again): raised inside
      an import, it can come out as another error (``RuntimeError: Error calling
      __set_name__``); inside Thread.start, it leaves a thread the exit does not wait for.
    - Running, from `stops(event)`: SIGTERM sets the run's stop event, and the command ends as
      after a stop, with its summary; Ctrl-C raises KeyboardInterrupt, and the command calls
      `stopping()` before it sets the event itself.
    - Stopping, from `stopping()`: a second Ctrl-C quits at once (exit 130; what is finished is
      checkpointed, as after ``kill -9``); SIGTERM is ignored.
    - Ending, from `ending()`: ignored; the command is already ending.

    A KeyboardInterrupt raised while a finalizer runs (a `__del__`, a weakref or gc callback)
    is printed as "Exception ignored" and dropped by Python; its phase change would then stand
    with nothing to act on it, and later signals would be ignored. So such a one is caught on
    its way to `sys.unraisablehook`: the phase goes back, and the signal is looked at again
    soon (SIGALRM), as one that came during an import.

    While running, the main thread must not set or wait on the stop event: the handler's
    Event.set would wait forever for the lock the thread holds."""

    def __init__(self) -> None:
        self._stop: threading.Event | None = None
        self._phase = "setting up"
        self._deferred: int | None = None  # a signal to look at again (see `_on_alarm`)
        self._raised: _Raised | None = None  # the last KeyboardInterrupt the handler raised
        self._unraisable_hook = sys.unraisablehook
        handle_for_good((signal.SIGALRM,), self._on_alarm)
        if handle_for_good(PRESSES, self._on_signal):
            sys.unraisablehook = self._on_unraisable

    def stops(self, stop: threading.Event) -> None:
        if self._phase == "setting up":
            self._stop, self._phase = stop, "running"

    def stopping(self) -> None:
        self._stop, self._phase = None, "stopping"

    def ending(self) -> None:
        self._stop, self._phase = None, "ending"

    def _on_signal(self, signum, frame) -> None:
        if self._phase == "setting up":
            if _must_not_raise_in(frame):
                self._defer(signum)
                return
            self._interrupt(signum, self.ending)
        if self._phase == "running" and self._stop is not None:
            if signum == signal.SIGTERM:
                self._stop.set()
                return
            if _must_not_raise_in(frame):
                self._defer(signum)
                return
            # the command sets the event itself, once it has seen the Ctrl-C
            self._interrupt(signum, self.stopping)
        if self._phase == "stopping" and signum == signal.SIGINT:
            print("Interrupted.", file=sys.stderr)
            _quit_now(130)

    def _defer(self, signum: int) -> None:
        """Look at the signal again soon (SIGALRM), once the frame it came in has moved on."""
        self._deferred = signum
        signal.setitimer(signal.ITIMER_REAL, DEFER_SECONDS)

    def _interrupt(self, signum: int, next_phase: Callable[[], None]) -> NoReturn:
        interrupt = KeyboardInterrupt()
        before = (self._phase, self._stop)
        next_phase()
        self._raised = _Raised(interrupt, signum, before, (self._phase, self._stop))
        raise interrupt

    def _on_unraisable(self, unraisable) -> None:
        """Python dropped an exception a finalizer raised: when it is (or comes from) the
        handler's KeyboardInterrupt, the signal counts as not seen yet."""
        raised = self._raised
        if raised is None or not _comes_from(unraisable.exc_value, raised.interrupt):
            self._unraisable_hook(unraisable)
            return
        self._raised = None
        if (self._phase, self._stop) == raised.after:  # nothing moved it since
            self._phase, self._stop = raised.before
        self._defer(raised.signum)

    def _on_alarm(self, signum, frame) -> None:
        """A signal put off (it came during an import, or its KeyboardInterrupt was dropped in
        a finalizer), looked at again."""
        deferred, self._deferred = self._deferred, None
        if deferred is not None:
            self._on_signal(deferred, frame)


class _Raised(NamedTuple):
    interrupt: KeyboardInterrupt
    signum: int
    before: tuple[str, threading.Event | None]  # the phase and stop event it found
    after: tuple[str, threading.Event | None]  # and those it left


def _comes_from(exc: BaseException | None, interrupt: KeyboardInterrupt) -> bool:
    """`exc` is `interrupt`, or was raised while handling it (a finalizer's cleanup that
    failed in turn)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if exc is interrupt:
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _must_not_raise_in(frame) -> bool:
    """Whether a KeyboardInterrupt raised in `frame` would do harm: inside an import (it can
    come out as another error) or inside Thread.start, which waits for the new thread to begin
    (interrupted there, the command may end before that thread has registered to be waited for
    at exit, and the thread then runs into the interpreter's shutdown: "Exception ignored in
    thread started by …" and a traceback)."""
    while frame is not None:
        code = frame.f_code
        if code is _THREAD_START or code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


_THREAD_START = threading.Thread.start.__code__


def _quit_now(code: int) -> None:
    """Exit at once, from a signal handler: what was printed is flushed, nothing else runs (an
    in-process server goes with the process; checkpoints are already closed)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, RuntimeError):  # closed, or mid-write
            stream.flush()
    os._exit(code)
