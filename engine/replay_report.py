"""A replay's figures: the `ReplayTally` it keeps as it goes (outcome counts, lateness, the
first errors), the `FailureRatio` that tells when too many events fail, the
`ReplaySummary` it returns, with the target's request counters (shown while it runs by
`engine.status_line`)."""

from __future__ import annotations

import bisect
import threading
import time
from collections import deque
from typing import Any

import msgspec

from engine import events as ev
from engine.journal_records import FAILED_KINDS
from engine.replay_journal import Journal

MAX_ERRORS_KEPT = 20
RECENT_LATENESS = 200  # the status line shows the mean lateness of the latest events


class ReplaySummary(msgspec.Struct, kw_only=True):
    target: str
    events: int
    already_done: int
    applied: int
    failed: int
    skipped: int  # final: on purpose (the target declined) or because a dependency failed
    parked: int
    deferred: int = 0  # not sent (stopped, or no usable token): the next run sends them
    # Never read: the replay stopped before them (the next run sends them). With it, the counts
    # above (already_done to deferred) add up to `events`, the run's events.
    not_read: int = 0
    # Part of `skipped`: not sent because an event they depend on failed (--retry-failed).
    skipped_after_failure: int = 0
    # Part of `already_done`: failed, or skipped after a failure, in an earlier run and not sent
    # again (--retry-failed sends them).
    failed_earlier: int = 0
    skipped_after_failure_earlier: int = 0
    retried: int = 0  # failed or skipped after a failure earlier, sent again (--retry-failed)
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


# The outcomes an event read by a replay settles into (each event once).
SETTLED_COUNTS = ("already_done", "applied", "failed", "skipped", "parked", "deferred")


class Lateness:
    """Seconds from each paced event's wall time to its start: their count, sum and maximum,
    and the latest RECENT_LATENESS of them. Not one number per event: a live replay runs for
    weeks. Workers add from their threads."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.max = 0.0
        self.recent: deque[float] = deque(maxlen=RECENT_LATENESS)
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self.count += 1
            self.total += seconds
            self.max = max(self.max, seconds)
            self.recent.append(seconds)

    def recent_mean(self) -> float:
        late = list(self.recent)  # a copy: workers may be adding
        return sum(late) / len(late) if late else 0.0


class ReplayTally:
    """Updated by the `Replayer` (holding its lock where workers race); read without locking
    for progress (approximate is fine)."""

    def __init__(self) -> None:
        self.counts = {"events": 0, "already_done": 0, "applied": 0, "failed": 0,
                       "skipped": 0, "parked": 0, "deferred": 0,
                       "skipped_after_failure": 0, "failed_earlier": 0,
                       "skipped_after_failure_earlier": 0, "retried": 0}  # fmt: skip
        self.lateness = Lateness()
        # The errors of the earliest failures in the log (lowest seq first, whatever order the
        # workers finished them in), at most MAX_ERRORS_KEPT; `_error_seqs` runs beside it.
        self.errors: list[str] = []
        self._error_seqs: list[int] = []
        self.started = time.monotonic()
        # The target's requests when the replay began (reaching it, checking its tokens): not
        # part of the replay's rate, which they would inflate (14 requests in 0.0 s: 121,040/s).
        self.requests_before = 0

    def begin(self, c: dict[str, Any]) -> None:
        """The replay starts now; `c`: the target's counters."""
        self.started = time.monotonic()
        self.requests_before = int(c.get("requests", 0))

    def _rate(self, requests: float, seconds: float) -> float:
        """Requests per second of the replay itself (not those made before it began)."""
        return max(0.0, requests - self.requests_before) / seconds if seconds > 0 else 0.0

    def failed(self, event: ev.Event, exc: BaseException, kind: str) -> None:
        """The target rejected (``failed``) or parked the event itself (not a dependency)."""
        self.counts[kind] += 1
        at = bisect.bisect(self._error_seqs, event.seq)
        if at < MAX_ERRORS_KEPT:
            self._error_seqs.insert(at, event.seq)
            self.errors.insert(at, f"seq {event.seq} ({type(event).__name__}): {exc}")
            del self._error_seqs[MAX_ERRORS_KEPT:], self.errors[MAX_ERRORS_KEPT:]

    def snapshot(self, c: dict[str, Any], total: int | None) -> dict[str, Any]:
        """Counters for a progress display, with the target's counters `c` (and, while the
        target waits to see whether a write in doubt landed, ``landing``: (seconds left, what
        was written, how many writes wait))."""
        elapsed = max(1e-9, time.monotonic() - self.started)
        return {
            "landing": c.get("landing"),
            **self.counts,
            "total": total or 0,
            "requests": c.get("requests", 0),
            "retries": c.get("retries", 0),
            "rate_limited": c.get("rate_limited", 0),
            "requests_per_second": self._rate(c.get("requests", 0), elapsed),
            "lateness": self.lateness.recent_mean(),
            "elapsed": elapsed,
        }

    def summary(
        self, target: str, c: dict[str, Any], stopped: str, total: int | None = None
    ) -> ReplaySummary:
        """The outcome so far, with the target's counters `c` and why it stopped early; `total`:
        the run's events, when known (those not read count as ``not_read``)."""
        wall = time.monotonic() - self.started
        requests = int(c.get("requests", 0))
        counts = self.counts
        lateness = self.lateness
        read = counts["events"]
        # Read but never settled: a stop left them waiting for what they depend on, queued, or
        # being paced. Unrecorded, so the next run sends them: left for it, as deferred ones.
        settled = sum(counts[k] for k in SETTLED_COUNTS)
        unsettled = max(0, read - settled)
        not_read = max(0, total - read) if total is not None else 0
        return ReplaySummary(
            target=target,
            events=read + not_read,
            already_done=counts["already_done"],
            applied=counts["applied"],
            failed=counts["failed"],
            skipped=counts["skipped"],
            parked=counts["parked"],
            deferred=counts["deferred"] + unsettled,
            not_read=not_read,
            skipped_after_failure=counts["skipped_after_failure"],
            failed_earlier=counts["failed_earlier"],
            skipped_after_failure_earlier=counts["skipped_after_failure_earlier"],
            retried=counts["retried"],
            requests=requests,
            retries=int(c.get("retries", 0)),
            rate_limited=int(c.get("rate_limited", 0)),
            wall_seconds=round(wall, 3),
            requests_per_second=round(self._rate(requests, wall), 1),
            events_per_second=round(counts["applied"] / wall, 1) if wall > 0 else 0.0,
            lateness_max_seconds=round(lateness.max, 3) if lateness.count else None,
            lateness_mean_seconds=round(lateness.total / lateness.count, 3)
            if lateness.count
            else None,
            invalid_tokens=sorted(c.get("invalid_tokens", [])),  # type: ignore[arg-type]
            notes=list(c.get("notes", [])),  # type: ignore[arg-type]
            errors=list(self.errors),
            stopped=stopped,
        )


def count_not_read(
    summary: ReplaySummary,
    written: int,
    journal: Journal | None = None,
    retry_failed: bool = False,
) -> None:
    """A followed log's events that were `written` by the end but never read: not read (or
    already done, those the `journal` holds; see `count_done_unread`)."""
    read = summary.events - summary.not_read
    unread = max(0, written - summary.events)
    summary.not_read += unread
    summary.events += unread
    if journal is not None and summary.not_read:
        count_done_unread(summary, journal, read, retry_failed)


def count_done_unread(
    summary: ReplaySummary, journal: Journal, last_read: int, retry_failed: bool
) -> None:
    """Move from ``not_read`` to ``already_done`` the events after seq `last_read` that an
    earlier run settled for good (its checkpoint holds them): a stop came before they were read,
    but the next run will not send them either. With `retry_failed`, the failed ones (and those
    not sent for a failure) are not done: the next such run sends them."""
    end = last_read + summary.not_read  # the run's seqs are 1..events
    failed = skipped_after_failure = 0
    done = journal.applied.count_between(last_read, end)
    for seq, record in list(journal.final.items()):
        if not last_read < seq <= end or (retry_failed and record.k in FAILED_KINDS):
            continue
        done += 1
        failed += record.k == "F"
        skipped_after_failure += record.k == "D"
    done = min(done, summary.not_read)
    summary.not_read -= done
    summary.already_done += done
    summary.failed_earlier += failed
    summary.skipped_after_failure_earlier += skipped_after_failure


class FailureRatio:
    """Whether more than `limit` of the events failed, counting as failed the events not sent
    because one they depend on failed (or was parked).

    Counted against every event read on this run, settled or still waiting, less those that
    count neither way (skipped on purpose, left for the next run): a dependent of a failure
    settles the moment it is read, while independent events read with it wait for the
    target, so counting settled events only would let a burst of dependents read far ahead
    stop a replay whose failures are few. The `Replayer` also checks the target's own
    answers alone (applied against rejected), which waiting events do not dilute."""

    def __init__(self, limit: float, minimum: int) -> None:
        self.limit, self.minimum = limit, minimum
        self.read = self.bad = self.neutral = 0

    @property
    def counted(self) -> int:
        return self.read - self.neutral

    def dispatched(self) -> None:
        self.read += 1

    def settled(self, failed: bool | None) -> bool:
        """Record an outcome (`failed` None: counts neither way); whether the limit is now
        exceeded."""
        if failed is True:
            self.bad += 1
        elif failed is None:
            self.neutral += 1
        return exceeded(self.bad, self.counted, self.limit, self.minimum)


def exceeded(bad: int, done: int, limit: float, minimum: int) -> bool:
    return done >= minimum and bad > limit * done
