"""A replay's figures: the `ReplayTally` it keeps as it goes (outcome counts, lateness, the
first errors) and the `ReplaySummary` it returns, with the target's request counters."""

from __future__ import annotations

import time

import msgspec

from engine import events as ev

MAX_ERRORS_KEPT = 20


class ReplaySummary(msgspec.Struct, kw_only=True):
    target: str
    events: int
    already_done: int
    applied: int
    failed: int
    skipped: int
    parked: int
    deferred: int = 0  # not sent (stopped, or no usable token): the next run sends them
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


class ReplayTally:
    """Updated by the `Replayer` (holding its lock where workers race); read without locking
    for progress (approximate is fine)."""

    def __init__(self) -> None:
        self.counts = {"events": 0, "already_done": 0, "applied": 0, "failed": 0,
                       "skipped": 0, "parked": 0, "deferred": 0, "direct_failures": 0}  # fmt: skip
        self.lateness: list[float] = []  # seconds from each paced event's wall time to its start
        self.errors: list[str] = []
        self.started = time.monotonic()

    def failed(self, event: ev.Event, exc: BaseException, kind: str) -> None:
        """The target rejected (``failed``) or parked the event itself (not a dependency)."""
        self.counts[kind] += 1
        self.counts["direct_failures"] += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(f"seq {event.seq} ({type(event).__name__}): {exc}")

    def snapshot(self, c: dict[str, float], total: int | None) -> dict[str, float]:
        """Counters for a progress display, with the target's counters `c`."""
        elapsed = max(1e-9, time.monotonic() - self.started)
        late = self.lateness[-200:]
        return {
            **{k: v for k, v in self.counts.items() if k != "direct_failures"},
            "total": total or 0,
            "requests": c.get("requests", 0),
            "retries": c.get("retries", 0),
            "rate_limited": c.get("rate_limited", 0),
            "requests_per_second": c.get("requests", 0) / elapsed,
            "lateness": (sum(late) / len(late)) if late else 0.0,
            "elapsed": elapsed,
        }

    def summary(self, target: str, c: dict[str, float], stopped: str) -> ReplaySummary:
        """The outcome so far, with the target's counters `c` and why it stopped early."""
        wall = time.monotonic() - self.started
        requests = int(c.get("requests", 0))
        counts = self.counts
        lateness = self.lateness
        return ReplaySummary(
            target=target,
            events=counts["events"],
            already_done=counts["already_done"],
            applied=counts["applied"],
            failed=counts["failed"],
            skipped=counts["skipped"],
            parked=counts["parked"],
            deferred=counts["deferred"],
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
