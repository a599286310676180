"""What a ``busywork live`` run measures and shows against its clock: when each event was due
(`due_clock`, for the replay's lateness), the simulated time now (`sim_clock`) and whether the
target is being waited out (`OutageNote`), both on the status line."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from adapters.asana.client import Counters
from engine.calendar import origin_of

if TYPE_CHECKING:
    from engine.live import LiveState
    from engine.run import Manifest


def due_clock(state: LiveState, manifest: Manifest) -> Callable[[object], float]:
    """When each event was due, on the monotonic clock, for the replay's lateness: its
    simulated time on the live run's clock (``live.json``), or this command's start for an
    event due before it (written before a stop or re-made while catching up)."""
    origin = origin_of(manifest.scenario)
    offset = time.monotonic() - time.time()  # wall → monotonic
    started = time.monotonic()
    anchor = state.anchor_wall.timestamp() + offset

    def due(event) -> float:
        sim = (event.at - origin).total_seconds()
        return max(started, anchor + (sim - state.anchor_sim) / state.speed)

    return due


def sim_clock(state: LiveState, manifest: Manifest) -> Callable[[], str]:
    """The live run's simulated time now (in the scenario's time zone), for the status line:
    where the run is, even while nobody acts (nights, weekends)."""
    origin = origin_of(manifest.scenario)
    zone = ZoneInfo(manifest.scenario.timezone)
    until = state.until_sim

    def clock() -> str:
        sim = state.sim_at(datetime.now(UTC))
        if until is not None:
            sim = min(sim, until)
        return f"sim {(origin + timedelta(seconds=sim)).astimezone(zone):%a %d %b %H:%M}"

    return clock


class OutageNote:
    """``target unavailable: retrying`` while calls are being retried and none has been
    answered since (the target is down, or answers only 5xx), else "": without it, a live run
    waiting out an outage shows only its lateness growing. It tells the state at the moment it
    is asked, however seldom that is (four times a second on a terminal, once a minute
    without one: that line says so too, from the first minute on)."""

    def __init__(self, counters: Counters) -> None:
        self._counters = counters

    def __call__(self) -> str:
        c = self._counters
        with c.lock:
            failing = c.failing
        return "target unavailable: retrying" if failing else ""
