"""Replay: send a run's events to a target, paced, in dependency order, exactly once.

Target-independent: a `Target` turns one event into whatever calls it needs; this module
decides *when* each event goes. The dispatcher walks the log in order (or follows a live
log), holds each event until its wall time (``speed`` 1 = realtime, N = N× faster, None =
as fast as the target allows), and hands it to the worker pool of its *lane* (for Asana: the
token it acts with) once the events it depends on are done (`engine.replay_deps`).
Independent events run concurrently, so N lanes give up to N× throughput.

Outcomes go to the `Journal` before an event counts as done, so a restart skips what was
applied and reconciles what was in flight. A failed event fails the events that depend on it:
rejected or skipped (final, recorded) or parked (transient, retried by the next run).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import msgspec

from engine import events as ev
from engine.errors import BusyworkError
from engine.replay_deps import CREATES, after_history_of, created_id, needs, subject
from engine.replay_journal import IdMap, Journal

MAX_ERRORS_KEPT = 20


class Skip(BusyworkError):
    """The target will not apply this event, on purpose (e.g. its person has no token).
    ``retry_later``: not recorded, so a later run tries again (e.g. a token was revoked)."""

    def __init__(self, message: str, *, retry_later: bool = False):
        super().__init__(message)
        self.retry_later = retry_later


class Rejected(BusyworkError):
    """The target refused the event (e.g. HTTP 400); retrying would not help."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class Parked(BusyworkError):
    """The target could not apply the event for now (outages, timeouts); the next run retries."""


class ReplayAborted(BusyworkError):
    """Too many events failed: something is wrong with the target or the credentials."""


class Target(Protocol):
    name: str

    def observe(self, event: ev.Event) -> None:
        """Every event in log order, before dispatch, including ones applied earlier."""

    def lane(self, event: ev.Event) -> str:
        """The queue the event waits in (events of one lane share one rate limit)."""
        ...

    def apply(self, event: ev.Event, ids: IdMap, *, uncertain: bool) -> dict[str, str]:
        """Apply the event; return the ids it created. ``uncertain``: an earlier attempt may
        have created the object already; look for it before creating it again."""
        ...

    def counters(self) -> dict[str, float]:
        """At least requests, retries and rate_limited so far; plus invalid_tokens and notes
        (lists: notes say, once each, what the target lacks, e.g. a feature of its plan)."""
        ...


@dataclass(frozen=True)
class ReplayOptions:
    speed: float | None = None  # None: as fast as the target allows
    workers_per_lane: int = 8
    max_pending: int = 4000  # events read ahead of the slowest unfinished one
    max_failure_ratio: float = 0.25
    min_events_for_ratio: int = 40


class ReplaySummary(msgspec.Struct, kw_only=True):
    target: str
    events: int
    already_done: int
    applied: int
    failed: int
    skipped: int
    parked: int
    requests: int
    retries: int
    rate_limited: int
    wall_seconds: float
    requests_per_second: float
    events_per_second: float
    lateness_max_seconds: float | None = None
    lateness_mean_seconds: float | None = None
    invalid_tokens: list[str] = []
    notes: list[str] = []  # once each: what the target lacks (e.g. portfolios on a free plan)
    errors: list[str] = []
    stopped: str = ""  # why the replay ended early ("" when it finished)


@dataclass(slots=True, eq=False)
class _Node:
    event: ev.Event
    lane: str
    scheduled: float | None
    waiting: int = 0
    # (node, hard): a hard dependent needs this event's object; a soft one only comes after it
    dependents: list[tuple[_Node, bool]] = field(default_factory=list)
    settled: bool = False


@dataclass(slots=True)
class _Lane:
    queue: deque[_Node] = field(default_factory=deque)
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
        if self.options.speed is not None and self.options.speed <= 0:
            raise BusyworkError(f"speed: expected a positive number, got {self.options.speed}")
        self.stop = stop or threading.Event()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._pending: dict[int, _Node] = {}
        self._status: dict[int, str] = {}  # seq → ok | final | parked
        self._last_on: dict[str, int] = {}
        self._created_by: dict[str, int] = {}
        self._lanes: dict[str, _Lane] = {}
        self._in_flight = 0
        self._closing = False
        self._aborted = ""
        self._exhausted = False  # every event was read (not cut short by stop or abort)
        self._crash: BaseException | None = None
        self.counts = {"events": 0, "already_done": 0, "applied": 0, "failed": 0,
                       "skipped": 0, "parked": 0, "direct_failures": 0}  # fmt: skip
        self._lateness: list[float] = []
        self.errors: list[str] = []
        self.total: int | None = None  # events expected, for progress (None: following)
        self._started = time.monotonic()
        self._t0: float | None = None
        self._base_at = None

    # -- the dispatcher ------------------------------------------------------------------------

    def run(self, events: Iterable[ev.Event], total: int | None = None) -> ReplaySummary:
        """Replay `events` (a finite read or a live follow) and wait for the outcome."""
        self.total = total
        self._started = time.monotonic()
        try:
            for event in events:
                if self.stop.is_set() or self._aborted:
                    break
                self._dispatch(event)
            else:
                self._exhausted = True
            with self._changed:
                while self._pending and not self._halted():
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

    def _dispatch(self, event: ev.Event) -> None:
        self.target.observe(event)
        self.counts["events"] += 1
        seq = event.seq
        if self.journal.done(seq):
            self.counts["already_done"] += 1
            with self._lock:
                self._track(event)
                self._status[seq] = "ok" if seq in self.journal.applied else "final"
            return
        scheduled = self._pace(event)
        if scheduled is False:
            return
        node = _Node(event, self.target.lane(event), scheduled or None)
        cascade: str | None = None
        with self._changed:
            while len(self._pending) >= self.options.max_pending and not self._halted():
                self._changed.wait(0.2)
            for dep, hard in self._track(event).items():
                status = self._status.get(dep)
                if status == "ok" or (status == "final" and not hard):
                    continue  # a rejected predecessor does not hold up what comes after it
                if status is not None:
                    cascade = _worse(cascade, status, dep)
                elif dep in self._pending:
                    node.waiting += 1
                    self._pending[dep].dependents.append((node, hard))
            self._pending[seq] = node
            if cascade is not None:
                node.settled = True
            ready = cascade is None and node.waiting == 0
        if cascade is not None:
            self._settle_cascade([(node, cascade)])
        elif ready:
            self._enqueue(node)

    def _track(self, event: ev.Event) -> dict[int, bool]:
        """The seqs this event waits for, each marked hard (it creates something the event
        needs: its failure fails the event) or soft (only order: the previous event on the
        same subject; if it is parked, this one waits for the next run too, keeping the order);
        records the event as the latest on its subject and as the creator of
        what it creates. Caller holds the lock."""
        deps: dict[int, bool] = {}
        subj = subject(event)
        parent = after_history_of(event)
        for obj in (subj, parent):
            if obj is not None and obj in self._last_on:
                deps[self._last_on[obj]] = False
        for obj in (subj, *needs(event)):
            if obj in self._created_by:
                deps[self._created_by[obj]] = True
        self._last_on[subj] = event.seq
        made = created_id(event)
        if made is not None:
            self._created_by[made] = event.seq
        return deps

    def _pace(self, event: ev.Event) -> float | None | bool:
        """Sleep until the event's wall time; its scheduled monotonic time (None at max pace,
        False when stopped while waiting)."""
        speed = self.options.speed
        if speed is None:
            return None
        if self._t0 is None:
            self._t0, self._base_at = time.monotonic(), event.at
        scheduled = self._t0 + (event.at - self._base_at).total_seconds() / speed
        delay = scheduled - time.monotonic()
        if delay > 0 and self.stop.wait(delay):
            return False
        return scheduled

    # -- workers -------------------------------------------------------------------------------

    def _enqueue(self, node: _Node) -> None:
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

    def _apply(self, node: _Node) -> None:
        event, journal = node.event, self.journal
        seq = event.seq
        if node.scheduled is not None:
            self._lateness.append(max(0.0, time.monotonic() - node.scheduled))
        outcome = "ok"
        try:
            uncertain = journal.uncertain(seq)
            if type(event) in CREATES and not uncertain:
                journal.intent(seq)
            ids = self.target.apply(event, journal.ids, uncertain=uncertain)
            journal.record_applied(seq, ids)
            self._count("applied")
        except Skip as exc:
            self._count("skipped")
            if exc.retry_later:
                outcome = "parked"
            else:
                journal.record_skipped(seq, str(exc))
                outcome = "final"
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
            self.counts[kind] += 1
            self.counts["direct_failures"] += 1
            if len(self.errors) < MAX_ERRORS_KEPT:
                self.errors.append(f"seq {event.seq} ({type(event).__name__}): {exc}")
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

    def _finish(self, node: _Node, outcome: str) -> None:
        cascade: list[tuple[_Node, str]] = []
        ready: list[_Node] = []
        with self._changed:
            self._settle(node, outcome, ready, cascade)
        for n in ready:
            self._enqueue(n)
        if cascade:
            self._settle_cascade(cascade)

    def _settle(
        self, node: _Node, outcome: str, ready: list[_Node], cascade: list[tuple[_Node, str]]
    ) -> None:
        """Caller holds the lock."""
        seq = node.event.seq
        node.settled = True
        self._status[seq] = outcome
        self._pending.pop(seq, None)
        for dep, hard in node.dependents:
            if dep.settled:
                continue
            if outcome == "ok" or (outcome == "final" and not hard):
                dep.waiting -= 1
                if dep.waiting == 0:
                    ready.append(dep)
            else:
                dep.settled = True
                cascade.append((dep, outcome if outcome == "parked" else f"final:{seq}"))
        self._changed.notify_all()

    def _settle_cascade(self, work: list[tuple[_Node, str]]) -> None:
        """Fail events whose dependency failed (and theirs, and so on)."""
        while work:
            node, why = work.pop()
            event = node.event
            if why == "parked":
                outcome = "parked"
            else:
                cause = why.partition(":")[2]
                self.journal.record_skipped(event.seq, f"depends on seq {cause}, which failed")
                outcome = "final"
            self._count("parked" if outcome == "parked" else "skipped")
            ready: list[_Node] = []
            with self._changed:
                self._settle(node, outcome, ready, work)
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
        c = self.target.counters()
        elapsed = max(1e-9, time.monotonic() - self._started)
        late = self._lateness[-200:]
        return {
            **{k: v for k, v in self.counts.items() if k != "direct_failures"},
            "total": self.total or 0,
            "requests": c.get("requests", 0),
            "retries": c.get("retries", 0),
            "rate_limited": c.get("rate_limited", 0),
            "requests_per_second": c.get("requests", 0) / elapsed,
            "lateness": (sum(late) / len(late)) if late else 0.0,
            "elapsed": elapsed,
        }

    def summary(self) -> ReplaySummary:
        c = self.target.counters()
        wall = time.monotonic() - self._started
        requests = int(c.get("requests", 0))
        counts = self.counts
        lateness = self._lateness
        cut_short = self.stop.is_set() and (self._pending or not self._exhausted)
        stopped = self._aborted or ("interrupted" if cut_short else "")
        return ReplaySummary(
            target=self.target.name,
            events=counts["events"],
            already_done=counts["already_done"],
            applied=counts["applied"],
            failed=counts["failed"],
            skipped=counts["skipped"],
            parked=counts["parked"],
            requests=requests,
            retries=int(c.get("retries", 0)),
            rate_limited=int(c.get("rate_limited", 0)),
            wall_seconds=round(wall, 3),
            requests_per_second=round(requests / wall, 1) if wall > 0 else 0.0,
            events_per_second=round(counts["applied"] / wall, 1) if wall > 0 else 0.0,
            lateness_max_seconds=round(max(lateness), 3) if lateness else None,
            lateness_mean_seconds=round(sum(lateness) / len(lateness), 3) if lateness else None,
            invalid_tokens=sorted(c.get("invalid_tokens", [])),  # type: ignore[arg-type]
            notes=list(c.get("notes", [])),  # type: ignore[arg-type]
            errors=list(self.errors),
            stopped=stopped,
        )


def _worse(current: str | None, status: str, dep: int) -> str:
    """A dependency that failed for good beats one that is only parked."""
    if status == "final":
        return f"final:{dep}"
    return current or "parked"


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
