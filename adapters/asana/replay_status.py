"""A replay running in the background with its status: a worker thread does the work, the
main thread shows a status line (on a terminal) or a line on stderr now and then (without one),
and Ctrl-C or SIGTERM sets the stop event: in-flight requests finish, their outcomes are
checkpointed, and the same command resumes later. The signals go through the command's
`StopSignals`, made when the command started, so that neither finds the default action."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from rich.progress import ProgressColumn
from rich.text import Text

from adapters.interrupts import StopSignals
from engine.replay import Replayer
from engine.status_line import StatusLine, landing_text

T = TypeVar("T")

PROGRESS_LINE_SECONDS = 60.0  # without a terminal: one progress line on stderr this often


def in_background(
    work: Callable[[threading.Event, Callable[[Replayer], None]], T],
    *,
    progress: bool,
    label: str,
    signals: StopSignals | None = None,
    stop: threading.Event | None = None,
    lines: bool = False,
    clock: Callable[[], str] | None = None,
    every: float = PROGRESS_LINE_SECONDS,
) -> T:
    """Run `work(stop, on_start)` in a thread; show progress (`progress`: a status line on the
    terminal; else with `lines`, a line on stderr `every` seconds; `clock()`: e.g. a live run's
    simulated time, shown in both); turn Ctrl-C/SIGTERM into stop and wait for the work to
    finish what is in flight (a second Ctrl-C quits at once: the journal already holds every
    finished event, as after `kill -9`). `signals`: the command's; from the return on, the
    signals are ignored while the command reports (None: Ctrl-C and SIGTERM are left as they
    are, in a library or a test)."""
    stop = stop or threading.Event()
    started: list[Replayer] = []
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def body() -> None:
        try:
            outcome["value"] = work(stop, started.append)
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc
        finally:
            finished.set()

    # Waited for through `finished`, never thread.join(): on Python 3.11 a join that Ctrl-C
    # interrupts marks the thread as ended while it still runs.
    thread = threading.Thread(target=body, name="replay", daemon=True)
    if signals is not None:
        signals.stops(stop)
    status = StatusLine(label, clock)
    thread.start()
    try:
        if progress:
            _show_status(finished, started, status)
        elif lines:
            _print_status(finished, started, status, every)
        else:
            wait_for(finished)
    except KeyboardInterrupt:
        # First: its handler would set `stop` too, and wait for the lock this thread holds.
        if signals is not None:
            signals.stopping()
        stop.set()
        print("Stopping: finishing requests in flight (Ctrl-C again to quit now)...",
              file=sys.stderr)  # fmt: skip
        wait_for(finished)
    finally:
        if signals is not None:
            signals.ending()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def wait_for(event: threading.Event) -> None:
    """Wait in slices, so Ctrl-C is seen promptly."""
    while not event.wait(0.2):
        pass


def _print_status(
    finished: threading.Event, started: list[Replayer], status: StatusLine, every: float
) -> None:
    """No terminal (a log file, a service): a plain status line on stderr now and then, so a
    long quiet spell still shows that the command is alive and where it is; and one line when
    the replay starts waiting to see whether a write in doubt landed (up to 90 s of silence),
    once for waits that overlap."""
    next_line = time.monotonic() + every
    told = False  # the waits going on were announced
    while not finished.wait(min(0.2, every)):
        if not started:
            continue
        snapshot = started[0].snapshot()
        landing = snapshot.get("landing")
        if landing and not told:
            print(f"{status.label}: {landing_text(landing)}, before sending it again",
                  file=sys.stderr, flush=True)  # fmt: skip
        told = bool(landing)
        if time.monotonic() >= next_line:
            next_line += every
            print(status.plain(snapshot), file=sys.stderr, flush=True)


def _show_status(finished: threading.Event, started: list[Replayer], status: StatusLine) -> None:
    from rich.progress import Progress

    with Progress(StatusColumn(), transient=True) as bar:
        task = bar.add_task(status.label, total=None, line=Text(status.label))
        while not finished.wait(0.25):
            if started:
                line = status_text(status, started[0].snapshot(), bar.console.width)
                bar.update(task, line=line)


BAR_WIDTH = 12


def status_text(status: StatusLine, snapshot: dict[str, Any], width: int) -> Text:
    """The status line for a terminal `width` columns wide: cut at the end, never dropping
    the count, share and ETA that come first. When the rest would not fit, the bar goes
    first, then the label keeps only its command (`replay`, not the run's name)."""
    head, fraction, _ = status.parts(snapshot)
    tail = status.terse_tail(snapshot)
    label = status.label
    text_width = len(label) + len(head) + len(tail) + 4
    bar = fraction is not None and text_width + BAR_WIDTH + 2 < width
    if not bar and text_width >= width:
        label = label.split(" ", 1)[0]
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(label, style="bold")
    line.append(f"  {head}  ")
    if bar and fraction is not None:
        filled = round(fraction * BAR_WIDTH)
        line.append("━" * filled, style="bar.complete")
        line.append("━" * (BAR_WIDTH - filled), style="bar.back")
        line.append("  ")
    line.append(tail)
    line.truncate(max(1, width - 1), overflow="ellipsis")
    return line


class StatusColumn(ProgressColumn):
    """The whole status line (see `status_text`), one column: rich shrinks several columns
    that do not fit by dropping whole ones, the count and ETA among them."""

    def render(self, task) -> Text:
        return task.fields["line"]
