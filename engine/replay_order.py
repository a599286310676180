"""Replay ordering: which unsettled events each event waits for, and what an outcome releases.

Events are linked to the events they depend on (`engine.replay_deps`): *hard* when it creates
something the event needs (its failure fails the event), *soft* when it is only the previous
event on the same subject (a rejected one does not hold up what comes after it; a parked one
parks it too, so the order holds on the next run). The `Replayer` calls `DependencyGraph`
holding its own lock; the graph itself takes none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from engine import events as ev
from engine.replay_deps import after_history_of, created_id, needs, subject


@dataclass(slots=True, eq=False)
class PendingEvent:
    event: ev.Event
    lane: str
    scheduled: float | None
    waiting: int = 0
    # (node, hard): a hard dependent needs this event's object; a soft one only comes after it
    dependents: list[tuple[PendingEvent, bool]] = field(default_factory=list)
    settled: bool = False


# The subject and creator indexes are swept of settled events once they hold this many entries
# more than the last sweep left (so a sweep costs O(1) an event, amortised).
SWEEP_AFTER: Final = 4096


class DependencyGraph:
    """Pending events by seq, the outcome of settled ones that were not applied (final | parked
    | deferred), the latest event on each subject and the creator of each object. Not
    thread-safe.

    ``parked`` (the target failed for now) and ``deferred`` (not sent: stopped, or no usable
    token) are both unrecorded, so the next run sends them; what waits on them waits too.

    An applied event is neither pending nor in ``_status``: nothing waits for it, exactly as for
    an event never seen. So applied events are not kept, and the subject and creator indexes
    drop entries that name them: a replay that runs for years holds what is unsettled or did not
    go through, not one entry per event of the log."""

    def __init__(self, sweep_after: int = SWEEP_AFTER) -> None:
        self.pending: dict[int, PendingEvent] = {}
        self._status: dict[int, str] = {}  # seq → final | parked | deferred (never ok)
        self._last_on: dict[str, int] = {}
        self._created_by: dict[str, int] = {}
        self._sweep_after = sweep_after
        self._sweep_at = sweep_after  # index entries (both indexes) at which to sweep next

    def record_done(self, event: ev.Event, outcome: str) -> None:
        """An event an earlier run settled: later events order after it, without waiting."""
        self._track(event)
        self._set_status(event.seq, outcome)
        self._sweep_if_due()

    def _set_status(self, seq: int, outcome: str) -> None:
        if outcome != "ok":
            self._status[seq] = outcome

    def indexed(self) -> int:
        """Entries in the subject and creator indexes (bounded by what is unsettled or did not
        go through, plus at most `sweep_after`)."""
        return len(self._last_on) + len(self._created_by)

    def unapplied(self) -> int:
        """Settled events kept because they were not applied (failed, skipped, parked, deferred)."""
        return len(self._status)

    def add(self, node: PendingEvent) -> str | None:
        """Link the node to the pending events it waits for and hold it as pending. Returns why
        it cannot be sent (``parked``, ``deferred`` or ``final:<seq>``: a dependency failed or
        was skipped on purpose) or None."""
        cascade: str | None = None
        for dep, hard in self._track(node.event).items():
            status = self._status.get(dep)
            if status == "final" and not hard:
                continue  # a rejected predecessor does not hold up what comes after it
            if status is not None:
                cascade = _worse(cascade, status, dep)
            elif dep in self.pending:
                node.waiting += 1
                self.pending[dep].dependents.append((node, hard))
        self.pending[node.event.seq] = node
        self._sweep_if_due()  # after the node is pending: its own entries stay
        if cascade is not None:
            node.settled = True
        return cascade

    def settle(
        self,
        node: PendingEvent,
        outcome: str,
        ready: list[PendingEvent],
        cascade: list[tuple[PendingEvent, str]],
    ) -> None:
        """Record the outcome; dependents it releases go to `ready`, those it fails (with why,
        as `add` returns it) to `cascade`."""
        seq = node.event.seq
        node.settled = True
        self._set_status(seq, outcome)
        self.pending.pop(seq, None)
        for dep, hard in node.dependents:
            if dep.settled:
                continue
            if outcome == "ok" or (outcome == "final" and not hard):
                dep.waiting -= 1
                if dep.waiting == 0:
                    ready.append(dep)
            else:
                dep.settled = True
                cascade.append((dep, f"final:{seq}" if outcome == "final" else outcome))

    def _track(self, event: ev.Event) -> dict[int, bool]:
        """The seqs this event waits for, each marked hard (it creates something the event
        needs: its failure fails the event) or soft (only order: the previous event on the
        same subject; if it is parked, this one waits for the next run too, keeping the order);
        records the event as the latest on its subject and as the creator of what it creates."""
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

    def _sweep_if_due(self) -> None:
        if self.indexed() >= self._sweep_at:
            self._sweep()

    def _sweep(self) -> None:
        """Drop index entries naming an applied event (neither pending nor in ``_status``):
        an event depending on it would skip it anyway (see `add`)."""
        for index in (self._last_on, self._created_by):
            dead = [obj for obj, seq in index.items()
                    if seq not in self.pending and seq not in self._status]  # fmt: skip
            for obj in dead:
                del index[obj]
        self._sweep_at = self.indexed() + self._sweep_after


def _worse(current: str | None, status: str, dep: int) -> str:
    """A dependency that failed for good beats a parked one, which beats a deferred one."""
    if status == "final":
        return f"final:{dep}"
    if current is not None and current != "deferred":
        return current
    return status
