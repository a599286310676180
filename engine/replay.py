"""Replay: send a run's events to a target, paced, in dependency order, exactly once.

Target-independent: a `Target` turns one event into whatever calls it needs; this module
decides *when* each event goes. The dispatcher walks the log in order (or follows a live
log), holds each event until its wall time (``speed`` 1 = realtime, N = N× faster, None =
as fast as the target allows), and hands it to the worker pool of its *lane* (for Asana: the
token it acts with) once the events it depends on are done (`engine.replay_deps`).
Independent events run concurrently, so N lanes give up to N× throughput.

Outcomes go to the `Journal` before an event counts as done, so a restart skips what was
applied and reconciles what was in flight. An event that is not applied takes the events that
depend on it along: rejected (they are recorded as not sent because of that failure), skipped
on purpose (so are they), parked (the target failed for now) or deferred (not sent: the
replay was stopped, or the actor has no usable token); the next run sends parked and deferred
events, and with ``retry_failed`` the rejected ones and those that depend on them. Dependents
of a failure count as failed: when more than ``max_failure_ratio`` of the events fail, the
replay stops (something is wrong with the target or the credentials); given ``give_up_after``,
so does a replay whose target stopped answering (a finite one; a live one waits it out).

A `Target` and the outcomes it raises are in `engine.replay_target`, the pace in
`engine.replay_pace`, what waits for what in `engine.replay_order`, the worker pools in
`engine.replay_lanes`, the counts and the stop for failures in `engine.replay_outcomes`, the
summary in `engine.replay_report`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from engine import events as ev
from engine.replay_deps import CREATES
from engine.replay_journal import Journal
from engine.replay_lanes import Lanes
from engine.replay_order import DependencyGraph, PendingEvent
from engine.replay_outcomes import Outcomes, TargetSilence
from engine.replay_pace import Pacer
from engine.replay_report import ReplaySummary, count_done_unread
from engine.replay_target import Parked, Rejected, Skip, Target
from engine.replay_target import ReplayAborted as ReplayAborted  # re-exported


@dataclass(frozen=True)
class ReplayOptions:
    speed: float | None = None  # None: as fast as the target allows
    workers_per_lane: int = 8
    max_pending: int = 4000  # events read ahead of the slowest unfinished one
    max_failure_ratio: float = 0.25
    min_events_for_ratio: int = 40
    retry_failed: bool = False  # send again what failed earlier, and what depends on it
    # Stop once the target stopped answering (None: never; a live run waits outages out).
    give_up_after: TargetSilence | None = None
    # When the replay does not pace (speed None), the monotonic time each event was due, for
    # lateness only: a live run's log is written as its time comes, so the replay follows it
    # as fast as it can and reports how far behind that clock it applied each event.
    due: Callable[[ev.Event], float] | None = None


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
        self.stop = stop or threading.Event()
        self._pacer = Pacer(self.options.speed, self.stop)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._graph = DependencyGraph()
        opts = self.options
        self._outcomes = Outcomes(self._lock, self.stop, opts.max_failure_ratio,
                                  opts.min_events_for_ratio, opts.give_up_after)  # fmt: skip
        self._lanes = Lanes(
            self._lock, self._changed, opts.workers_per_lane, self._apply, self._halted
        )
        self._exhausted = False  # every event was read (not cut short by stop or abort)
        self._resent: set[int] = set()  # rejected earlier, sent again: may have made its object
        self.counts, self.errors = self._outcomes.counts, self._outcomes.errors
        self.total: int | None = None  # events expected, for progress (None: following)
        self._last_read = 0  # the highest seq read
        self._settled_through = 0  # the checkpoint's position when this run began

    # -- the dispatcher ------------------------------------------------------------------------

    def run(self, events: Iterable[ev.Event], total: int | None = None) -> ReplaySummary:
        """Replay `events` (a finite read or a live follow) and wait for the outcome."""
        self.total = total
        self._settled_through = self.journal.settled_through(self.options.retry_failed)
        self._outcomes.tally.begin(self.target.counters())
        watching = self._outcomes.watching(self.target.counters, self._halted)
        try:
            for event in events:
                if self._halted() or not self._dispatch(event):
                    break
            else:
                self._exhausted = True
            with self._changed:
                while self._graph.pending and not self._halted():
                    self._changed.wait(0.2)
                while self._lanes.in_flight:
                    self._changed.wait(0.2)
        finally:
            if watching is not None:
                watching.set()
            self._lanes.shut_down()
        if self._outcomes.crash is not None:
            raise self._outcomes.crash
        return self.summary()

    def _halted(self) -> bool:
        return self.stop.is_set() or bool(self._outcomes.aborted)

    def _dispatch(self, event: ev.Event) -> bool:
        """Hand the event on (or count it done earlier); False if stopped while pacing it."""
        self.target.observe(event)
        self.counts["events"] += 1
        seq, journal = event.seq, self.journal
        self._last_read = max(self._last_read, seq)
        if journal.done(seq):
            if not (self.options.retry_failed and journal.retryable(seq)):
                self._done_earlier(event)
                return True
            retry = journal.final[seq].k
        else:  # open again since an earlier run (a killed retry): sending it is a retry too
            retry = journal.reopened.get(seq, "")
        scheduled = self._pacer.wait_for(event)
        if scheduled is False:
            return False
        if scheduled is None and self.options.due is not None:
            scheduled = self.options.due(event)
        if retry:
            self._outcomes.retrying.add(seq)  # counted as retried once actually sent (_apply)
            if retry == "F":
                self._resent.add(seq)
        node = PendingEvent(event, self.target.lane(event), scheduled or None)
        graph = self._graph
        with self._changed:
            while len(graph.pending) >= self.options.max_pending and not self._halted():
                self._changed.wait(0.2)
            self._outcomes.ratio.dispatched()
            cascade = graph.add(node)
            ready = cascade is None and node.waiting == 0
        if cascade is not None:
            self._settle_cascade([(node, cascade)])
        elif ready:
            self._lanes.enqueue(node)
        return True

    def _done_earlier(self, event: ev.Event) -> None:
        """An event settled by an earlier run: counted, and later events order after it."""
        seq, journal = event.seq, self.journal
        counts = self.counts
        counts["already_done"] += 1
        record = journal.final.get(seq)
        if record is not None and record.k == "F":
            counts["failed_earlier"] += 1
        elif record is not None and record.k == "D":
            counts["skipped_after_failure_earlier"] += 1
        if record is None and seq <= self._settled_through:
            # Applied before the checkpoint's position: nothing before it is pending, so no
            # later event could wait for it (the graph would only sweep it away again).
            return
        with self._lock:
            self._graph.record_done(event, "final" if record is not None else "ok")

    # -- outcomes ------------------------------------------------------------------------------

    def _apply(self, node: PendingEvent) -> None:
        """A worker's job: send the event, record its outcome, release what waits for it."""
        event, journal = node.event, self.journal
        seq = event.seq
        if node.scheduled is not None:
            self._outcomes.tally.lateness.add(max(0.0, time.monotonic() - node.scheduled))
        outcomes, outcome = self._outcomes, "ok"
        try:
            creates = type(event) in CREATES
            # A create rejected earlier may have made its object before a later call of the
            # same event was refused (members, fields): sent again, it looks first.
            uncertain = journal.uncertain(seq) or (creates and seq in self._resent)
            # A first send is announced here. One in doubt is sent again only after the target
            # looked for its object, and announced by the target then (`IdMap.resending`):
            # a window opened before that look could adopt another's look-alike made just
            # before it. A failed create sent again is open from now on all the same.
            if creates and not uncertain:
                journal.intent(seq)
            elif creates and not journal.uncertain(seq):
                journal.reopen(seq)
            ids = self.target.apply(event, journal.ids, uncertain=uncertain)
            journal.record_applied(seq, ids)
            outcomes.settled("applied", *outcomes.retried(seq), failed=False)
        except Skip as exc:
            if exc.retry_later:
                outcome = "deferred"
            else:
                journal.record_skipped(seq, str(exc))
                outcome = "final"
            outcomes.settled("deferred" if exc.retry_later else "skipped", failed=None)
        except Rejected as exc:
            journal.record_failed(seq, exc.status, str(exc))
            outcomes.failed(event, exc, *outcomes.retried(seq))
            outcome = "final"
        except Parked as exc:
            answered = int(self.target.counters().get("answered", 0))
            outcomes.parked(event, exc, answered, *outcomes.retried(seq))
            outcome = "parked"
        except BaseException as exc:  # a bug: stop, keep the evidence, leave the event unrecorded
            outcomes.crashed(seq, exc)
            outcome = "parked"
        self._finish(node, outcome)

    def _finish(self, node: PendingEvent, outcome: str) -> None:
        cascade: list[tuple[PendingEvent, str]] = []
        ready: list[PendingEvent] = []
        with self._changed:
            self._graph.settle(node, outcome, ready, cascade)
            self._changed.notify_all()
        for n in ready:
            self._lanes.enqueue(n)
        if cascade:
            self._settle_cascade(cascade)

    def _settle_cascade(self, work: list[tuple[PendingEvent, str]]) -> None:
        """Settle events a dependency kept from being sent (and theirs, and so on): recorded
        with the event that failed (or was skipped) first; parked and deferred ones are left
        for the next run."""
        while work:
            node, why = work.pop()
            seq = node.event.seq
            if why in ("parked", "deferred"):
                outcome = why
                self._outcomes.settled(why, failed=None)  # left for the next run
            else:
                outcome = "final"
                dep = int(why.partition(":")[2])
                root, failed = self.journal.root_of(dep)
                reason = _not_sent(dep, root, failed)
                if failed:
                    self.journal.record_dependency_failed(seq, root, reason)
                    self._outcomes.settled("skipped", "skipped_after_failure", failed=True)
                else:
                    self.journal.record_skipped(seq, reason, cause=root)
                    self._outcomes.settled("skipped", failed=None)
            ready: list[PendingEvent] = []
            with self._changed:
                self._graph.settle(node, outcome, ready, work)
                self._changed.notify_all()
            for n in ready:  # soft dependents of a rejected event go on
                self._lanes.enqueue(n)

    # -- reporting -----------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Counters for a progress display (read without locking: approximate is fine)."""
        return self._outcomes.tally.snapshot(self.target.counters(), self.total)

    def summary(self) -> ReplaySummary:
        counters = self.target.counters()
        # Stopped before the work was done: events still waiting, not read yet, or left unsent
        # by the stop (a wait for the rate limit that the stop ended). A stop that came after
        # everything was settled changes nothing.
        left = self._graph.pending or not self._exhausted or self._outcomes.left_by_stop
        cut_short = self.stop.is_set() and left
        summary = self._outcomes.tally.summary(self.target.name, counters, "", self.total)
        if summary.not_read:
            count_done_unread(summary, self.journal, self._last_read, self.options.retry_failed)
        not_sent = summary.parked + summary.deferred + summary.not_read
        stopped = self._outcomes.stop_reason(not_sent)
        summary.stopped = stopped or ("interrupted" if cut_short else "")
        return summary


def _not_sent(dep: int, root: int, failed: bool) -> str:
    """Why an event was not sent: the event it depends on, and the first that failed (or was
    skipped on purpose) when that is another."""
    what = "failed" if failed else "was skipped"
    if dep == root:
        return f"depends on seq {dep}, which {what}"
    return f"depends on seq {dep}, which was not replayed because seq {root} {what}"


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
