"""Running a replay: the pace (`parse_speed`, `check_speed`), then the engine's `Replayer`
over the run's log, all at once or following it as it grows, and who writes a live run.
Where to replay: `replay_destination`; the checkpoint it resumes from: `replay_checkpoint`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from adapters.asana.target import AsanaTarget
from engine.errors import BusyworkError, InvalidInput
from engine.limits import MAX_SPEED, MIN_SPEED
from engine.log import FileLog
from engine.replay import Replayer, ReplayOptions
from engine.replay_journal import Journal
from engine.replay_report import ReplaySummary, count_not_read
from engine.run import read_manifest
from engine.run_state import finish_command

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: live runs are not locked there
    fcntl = None  # type: ignore[assignment]

FOLLOW_POLL_SECONDS = 0.5  # how often `replay --follow` looks whether the run is complete
WRITER_CHECK_SECONDS = 2.0  # how often it looks whether a `busywork live` still writes the run


SPEED_RANGE = f"from {MIN_SPEED:g} to {MAX_SPEED:,.0f}"


def check_speed(speed: float, option: str = "--speed") -> float:
    """`speed` if it is a number within MIN_SPEED..MAX_SPEED; else a clear error."""
    if not MIN_SPEED <= speed <= MAX_SPEED:  # NaN fails too
        raise InvalidInput(f"{option}: {speed!r}; expected a number {SPEED_RANGE}")
    return speed


def parse_speed(value: str) -> float | None:
    """``realtime`` (= 1), ``max`` (None) or a number N (N× faster), MIN_SPEED..MAX_SPEED."""
    text = value.strip().lower()
    if text == "max":
        return None
    if text == "realtime":
        return 1.0
    try:
        speed = float(text.removeprefix("x").removesuffix("x"))
    except ValueError:
        speed = math.nan
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise InvalidInput(
            f"--speed: {value!r}; expected realtime, max or a number N (N times faster) "
            f"{SPEED_RANGE}"
        )
    return speed


def run_replay(
    run_dir: Path,
    target: AsanaTarget,
    journal: Journal,
    *,
    speed: float | None,
    follow: bool = False,
    stop: threading.Event | None = None,
    follow_until: threading.Event | None = None,
    on_start: Callable[[Replayer], None] | None = None,
    options: ReplayOptions | None = None,
    retry_failed: bool = False,
    on_waiting: Callable[[str], None] | None = None,
    writer_done: threading.Event | None = None,
) -> ReplaySummary:
    """Replay the run's log (or follow it as it grows) into the target. Following ends once
    `follow_until` (default: the manifest says the run is complete, or `stop`) is set and
    everything written by then is replayed; `stop` ends the replay early (in-flight events
    finish; the rest wait for the next run), and a follow stopped before the run is complete
    is "interrupted". `retry_failed`: send again the events that failed in an earlier run, and
    those not sent because they depend on one. `on_waiting(text)`: told when the default
    follow finds that no `busywork live` writes the live run it waits for. `writer_done`: set
    once the writer of a followed log in this process (live's simulation) has ended: the events
    written but not read are counted after its last write, not before."""
    manifest = read_manifest(run_dir)
    stop = stop or threading.Event()
    target.client.stop = stop  # waits for the rate limit or a backoff end when stopped
    base = options or ReplayOptions()
    options = dataclasses.replace(base, speed=speed,
                                  retry_failed=retry_failed or base.retry_failed)  # fmt: skip
    replayer = Replayer(target, journal, options, stop)
    if on_start is not None:
        on_start(replayer)
    log = FileLog.open_readonly(run_dir)
    ended = threading.Event()
    if follow:
        if follow_until is None:
            follow_until = _when_complete(run_dir, stop, ended, on_waiting)
        events, total = log.follow(1, stop=follow_until), None
    else:
        total = log.last_seq
        if manifest.status != "complete":
            raise InvalidInput(_unfinished(run_dir, manifest.status))
        events = log.read()
    try:
        summary = replayer.run(events, total)
    finally:
        ended.set()
    if follow:  # what was written meanwhile and never read is left for the next run too
        if writer_done is not None:
            writer_done.wait()  # a stopped simulation ends at its next step
        written = FileLog.open_readonly(run_dir).last_seq
        count_not_read(summary, written, journal, options.retry_failed)
    if follow and stop.is_set() and not summary.stopped and not _complete(run_dir):
        summary.stopped = "interrupted"  # the rest of the run is not even written yet
    return summary


def _complete(run_dir: Path) -> bool:
    try:
        return read_manifest(run_dir).status == "complete"
    except BusyworkError:  # caught mid-rewrite, or damaged: look again later
        return False


def _when_complete(
    run_dir: Path,
    stop: threading.Event,
    ended: threading.Event,
    on_waiting: Callable[[str], None] | None = None,
) -> threading.Event:
    """An event set once the run's manifest says "complete" (the writer closes the log
    before it says so, so everything is written by then) or `stop` is set; watched until
    then or until the replay has `ended`. A live run that no `busywork live` writes is
    announced through `on_waiting`, once each time its writer goes (it may come back)."""
    from engine.live import LIVE

    done = threading.Event()

    def watch() -> None:
        told = False
        checked = -math.inf
        while not done.is_set() and not ended.is_set():
            complete = _complete(run_dir)
            now = time.monotonic()
            if not complete and on_waiting and now - checked >= WRITER_CHECK_SECONDS:
                checked = now
                unwritten = (run_dir / LIVE).is_file() and live_writer(run_dir) is None
                if unwritten and not told:
                    on_waiting(f"Waiting for {run_dir} to be written (no busywork live is "
                               "running it now); Ctrl-C to stop.")  # fmt: skip
                told = unwritten
            if complete or stop.is_set() or stop.wait(FOLLOW_POLL_SECONDS):
                done.set()

    threading.Thread(target=watch, name="follow-until-complete", daemon=True).start()
    return done


# -- who runs a live run -------------------------------------------------------------------------
# `busywork live` holds an exclusive flock on the run folder for as long as it runs (taken before
# it writes anything); the kernel drops it however the process ends.


def live_writer(run_dir: Path) -> int | None:
    """The pid of the `busywork live` that holds `run_dir` (0 when one does but its pid cannot
    be told); None when none does. Takes a shared lock for an instant to tell (a live starting
    at that instant retries)."""
    if fcntl is None:  # pragma: no cover
        return None
    try:
        fd = os.open(run_dir, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return flock_holder(fd) or 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def flock_holder(fd: int) -> int | None:
    """The pid holding an exclusive flock on `fd`'s file, as /proc/locks (Linux) lists it; None
    when it is not listed or the list cannot be read."""
    st = os.fstat(fd)
    where = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    with contextlib.suppress(OSError):
        for line in Path("/proc/locks").read_text().splitlines():
            words = line.split()
            # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF" ("->" marks a waiter instead)
            held = len(words) >= 6 and words[1:4] == ["FLOCK", "ADVISORY", "WRITE"]
            if held and words[5] == where and words[4].isdigit():
                return int(words[4])
    return None


def _unfinished(run_dir: Path, status: str) -> str:
    """Why a run not complete cannot be replayed as a whole, and how to go on: a live run goes
    on with `busywork live` (simulating it with `simulate --resume` cannot: its clock is the
    wall's), any other with `simulate --resume`."""
    return (
        f"{run_dir}: the run is still being written (status {status!r}); replay it with "
        f"--follow, or go on with {finish_command(run_dir)}"
    )
