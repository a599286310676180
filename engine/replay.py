"""Replay: send a run's events to a target, paced, in dependency order, exactly once.

Target-independent: a `Target` turns one event into whatever calls it needs; this module
decides *when* each event goes. The dispatcher walks the log in order (or follows a live
log), holds each event until its wall time (``speed`` 1 = realtime, N = N× faster, None =
as fast as the target allows), and hands it to the worker pool of its *lane* (for Asana: the
token it acts with) once the events it depends on are done (`engine.replay_deps`).
Independent events run concurrently, so N lanes give up to N× throughput.

Outcomes go to the `Journal` before an event counts as done, so a restart skips what was
applied and reconciles what was in flight. A failed event fails the events that depend on it:
rejected or skipped (final, recorded), parked (the target failed for now) or deferred (not
sent: the replay was stopped, or the actor has no usable token); the next run sends parked and
deferred events.

A `Target` and the outcomes it raises are in `engine.replay_target`, what waits for what in
`engine.replay_order`, the counts and the summary in `engine.replay_report`.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine import events as ev
from engine.errors import BusyworkError
from engine.replay_deps import CREATES
from engine.replay_journal import Journal
from engine.replay_order import DependencyGraph, PendingEvent
from engine.replay_report import ReplaySummary, ReplayTally
from engine.replay_target import Parked, Rejected, Skip, Target
from engine.replay_target import ReplayAborted as ReplayAborted  # re-exported

MAX_WAIT_SECONDS = 3600.0  # longest single wait for an event's time (threading's limit is ~292 y)


@dataclass(frozen=True)
class ReplayOptions:
    speed: float | None = None  # None: as fast as the target allows
    workers_per_lane: int = 8
    max_pending: int = 4000  # events read ahead of the slowest unfinished one
    max_failure_ratio: float = 0.25
    min_events_for_ratio: int = 40


@dataclass(slots=True)
class _Lane:
    queue: deque[PendingEvent] = field(default_factory=deque)
    threads: list[threading.Thread] = field(default_factory=list)


class Replayer:
    def __init__(
        self,
        target: Target,
        journal: Journal,
        options: ReplayOptions | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.target = target
        self.journal = journal
        self.options = options or ReplayOptions()
        speed = self.options.speed
        if speed is not None and not (0 < speed < math.inf):  # NaN fails too
            raise BusyworkError(f"speed: expected a positive finite number, got {speed}")
        self.stop = stop or threading.Event()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._graph = DependencyGraph()
        self._lanes: dict[str, _Lane] = {}
        self._in_flight = 0
        self._closing = False
        self._aborted = ""
        self._exhausted = False  # every event was read (not cut short by stop or abort)
        self._crash: BaseException | None = None
        self._tally = ReplayTally()
        self.counts, self.errors = self._tally.counts, self._tally.errors  # the same objects
        self.total: int | None = None  # events expected, for progress (None: following)
        self._t0: float | None = None
        self._base_at = None

    # -- the dispatcher ------------------------------------------------------------------------

    def run(self, events: Iterable[ev.Event], total: int | None = None) -> ReplaySummary:
        """Replay `events` (a finite read or a live follow) and wait for the outcome."""
        self.total = total
        self._tally.started = time.monotonic()
        try:
            for event in events:
                if self.stop.is_set() or self._aborted or not self._dispatch(event):
                    break
            else:
                self._exhausted = True
            with self._changed:
                while self._graph.pending and not self._halted():
                    self._changed.wait(0.2)
                while self._in_flight:
                    self._changed.wait(0.2)
        finally:
            self._shut_down()
        if self._crash is not None:
            raise self._crash
        return self.summary()

    def _halted(self) -> bool:
        return self.stop.is_set() or bool(self._aborted)

    def _dispatch(self, event: ev.Event) -> bool:
        """Hand the event on (or count it done earlier); False if stopped while pacing it."""
        self.target.observe(event)
        self.counts["events"] += 1
        seq = event.seq
        if self.journal.done(seq):
            self.counts["already_done"] += 1
            with self._lock:
                self._graph.record_done(event, "ok" if seq in self.journal.applied else "final")
            return True
        scheduled = self._pace(event)
        if scheduled is False:
            return False
        node = PendingEvent(event, self.target.lane(event), scheduled or None)
        graph = self._graph
        with self._changed:
            while len(graph.pending) >= self.options.max_pending and not self._halted():
                self._changed.wait(0.2)
            cascade = graph.add(node)
            ready = cascade is None and node.waiting == 0
        if cascade is not None:
            self._settle_cascade([(node, cascade)])
        elif ready:
            self._enqueue(node)
        return True

    def _pace(self, event: ev.Event) -> float | None | bool:
        """Sleep until the event's wall time; its scheduled monotonic time (None at max pace,
        False when stopped while waiting)."""
        speed = self.options.speed
        if speed is None:
            return None
        if self._t0 is None:
            self._t0, self._base_at = time.monotonic(), event.at
        scheduled = self._t0 + (event.at - self._base_at).total_seconds() / speed
        # In slices: a very slow pace can put an event further away than a wait may last.
        while (delay := scheduled - time.monotonic()) > 0:
            if self.stop.wait(min(delay, MAX_WAIT_SECONDS)):
                return False
        return scheduled

    # -- workers -------------------------------------------------------------------------------

    def _enqueue(self, node: PendingEvent) -> None:
        with self._changed:
            lane = self._lanes.get(node.lane)
            if lane is None:
                lane = self._lanes[node.lane] = _Lane()
                for i in range(self.options.workers_per_lane):
                    thread = threading.Thread(
                        target=self._work, args=(lane,), name=f"replay-{node.lane[:12]}-{i}",
                        daemon=True,
                    )  # fmt: skip
                    lane.threads.append(thread)
                    thread.start()
            lane.queue.append(node)
            self._changed.notify_all()

    def _work(self, lane: _Lane) -> None:
        while True:
            with self._changed:
                while not lane.queue and not self._closing:
                    # No timeout: every enqueue and the shutdown notify, and hundreds of idle
                    # replays (one per live job) must not wake their workers on a timer.
                    self._changed.wait()
                if self._closing and not lane.queue:
                    return
                if self._halted():
                    lane.queue.clear()  # left unrecorded: the next run picks them up
                    self._changed.notify_all()
                    continue
                node = lane.queue.popleft()
                self._in_flight += 1
            try:
                self._apply(node)
            finally:
                with self._changed:
                    self._in_flight -= 1
                    self._changed.notify_all()

    def _apply(self, node: PendingEvent) -> None:
        event, journal = node.event, self.journal
        seq = event.seq
        if node.scheduled is not None:
            self._tally.lateness.append(max(0.0, time.monotonic() - node.scheduled))
        outcome = "ok"
        try:
            uncertain = journal.uncertain(seq)
            if type(event) in CREATES and not uncertain:
                journal.intent(seq)
            ids = self.target.apply(event, journal.ids, uncertain=uncertain)
            journal.record_applied(seq, ids)
            self._count("applied")
        except Skip as exc:
            if exc.retry_later:
                outcome = "deferred"
            else:
                journal.record_skipped(seq, str(exc))
                outcome = "final"
            self._count("deferred" if exc.retry_later else "skipped")
        except Rejected as exc:
            journal.record_failed(seq, exc.status, str(exc))
            self._failed(event, exc, "failed")
            outcome = "final"
        except Parked as exc:
            self._failed(event, exc, "parked")
            outcome = "parked"
        except BaseException as exc:  # a bug: stop, keep the evidence, leave the event unrecorded
            with self._lock:
                if self._crash is None:
                    self._crash = exc
                self._aborted = f"internal error at seq {seq}: {type(exc).__name__}"
            outcome = "parked"
        self._finish(node, outcome)

    def _count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def _failed(self, event: ev.Event, exc: BaseException, kind: str) -> None:
        with self._lock:
            self._tally.failed(event, exc, kind)
            # Skips (deliberate, or because a dependency failed) do not dilute the ratio.
            bad = self.counts["direct_failures"]
            done = self.counts["applied"] + bad
            opts = self.options
            too_many = done >= opts.min_events_for_ratio and bad / done > opts.max_failure_ratio
            if too_many and not self._aborted:
                self._aborted = (
                    f"stopped: {bad} of {done} events failed (more than "
                    f"{opts.max_failure_ratio:.0%}); last: {self.errors[-1]}"
                )

    # -- outcomes ------------------------------------------------------------------------------

    def _finish(self, node: PendingEvent, outcome: str) -> None:
        cascade: list[tuple[PendingEvent, str]] = []
        ready: list[PendingEvent] = []
        with self._changed:
            self._graph.settle(node, outcome, ready, cascade)
            self._changed.notify_all()
        for n in ready:
            self._enqueue(n)
        if cascade:
            self._settle_cascade(cascade)

    def _settle_cascade(self, work: list[tuple[PendingEvent, str]]) -> None:
        """Fail events whose dependency failed (and theirs, and so on)."""
        while work:
            node, why = work.pop()
            event = node.event
            if why in ("parked", "deferred"):
                outcome = why
            else:
                cause = why.partition(":")[2]
                self.journal.record_skipped(event.seq, f"depends on seq {cause}, which failed")
                outcome = "final"
            self._count("skipped" if outcome == "final" else outcome)
            ready: list[PendingEvent] = []
            with self._changed:
                self._graph.settle(node, outcome, ready, work)
                self._changed.notify_all()
            for n in ready:  # soft dependents of a rejected event go on
                self._enqueue(n)

    def _shut_down(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            threads = [t for lane in self._lanes.values() for t in lane.threads]
        for thread in threads:
            thread.join()

    # -- reporting -----------------------------------------------------------------------------

    def snapshot(self) -> dict[str, float]:
        """Counters for a progress display (read without locking: approximate is fine)."""
        return self._tally.snapshot(self.target.counters(), self.total)

    def summary(self) -> ReplaySummary:
        counters = self.target.counters()
        cut_short = self.stop.is_set() and (self._graph.pending or not self._exhausted)
        stopped = self._aborted or ("interrupted" if cut_short else "")
        return self._tally.summary(self.target.name, counters, stopped)


def replay(
    target: Target,
    journal: Journal,
    events: Iterable[ev.Event],
    *,
    options: ReplayOptions | None = None,
    stop: threading.Event | None = None,
    total: int | None = None,
) -> ReplaySummary:
    """Replay events into the target; see `Replayer`."""
    return Replayer(target, journal, options, stop).run(events, total)
