"""The people's calendars as the simulation built them, the simulated time a run covers, and
what they imply: the expected number of actions in a stretch of time (the intensity
integrated), in all, on weekends and by local hour."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import msgspec

from adapters.analytics.views import Run
from engine.calendar import end_of, origin_of
from engine.errors import BusyworkError
from engine.person_calendar import BIN_SECONDS, BINS_PER_DAY, PersonCalendar
from engine.scenario import Scenario

DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Window:
    """The simulated time a run covers, as UTC intervals: from the scenario's first day for
    its `days` (a live run: what `live.json` planned, less its quiet windows, in which nobody
    acts); a run still being written, up to its latest event."""

    intervals: tuple[tuple[datetime, datetime], ...]

    @property
    def end(self) -> datetime | None:
        return self.intervals[-1][1] if self.intervals else None

    def clip(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The parts of [start, end) inside the window."""
        parts = []
        for a, b in self.intervals:
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                parts.append((lo, hi))
        return parts


class _LiveState(msgspec.Struct):
    """What report needs of a live run's ``live.json`` (written by ``engine.live``)."""

    forever: bool = False
    quiet: list[tuple[float, float]] = []
    reached_sim: float = 0.0
    until_sim: float | None = None


def run_window(run: Run, scenario: Scenario) -> Window:
    origin = origin_of(scenario)
    end = end_of(scenario)  # local midnight after the last day (engine.world's horizon)
    quiet: list[tuple[float, float]] = []
    live = _live_state(run.path)
    reached = 0.0
    if live is not None:
        if live.forever:
            end = math.inf
        elif live.until_sim is not None:
            end = live.until_sim  # past the scenario's last day (see engine.live)
        quiet, reached = sorted(live.quiet), live.reached_sim
    if run.manifest.get("status") != "complete":
        latest = run.con.execute('SELECT max("at") FROM events').fetchone()
        assert latest is not None  # an aggregate: always one row
        last = latest[0]
        if last is not None:
            reached = max(reached, (last.replace(tzinfo=UTC) - origin).total_seconds())
        end = min(end, reached)
    if math.isinf(end):  # a --forever run marked complete: it ran as far as it got
        end = reached
    intervals, start = [], 0.0
    for a, b in quiet:  # cut the quiet windows out
        if a > start:
            intervals.append((start, min(a, end)))
        start = max(start, b)
    intervals.append((start, end))
    return Window(
        tuple(
            (origin + timedelta(seconds=a), origin + timedelta(seconds=b))
            for a, b in intervals
            if b > a
        )
    )


def _live_state(path: Path) -> _LiveState | None:
    from engine.live import LIVE  # the file name only

    live = path / LIVE
    if not live.is_file():
        return None
    try:
        return msgspec.json.decode(live.read_bytes(), type=_LiveState)
    except (OSError, msgspec.DecodeError) as exc:
        raise BusyworkError(f"{live}: damaged live state: {exc}") from None


def calendars(run: Run) -> tuple[Scenario, dict[str, PersonCalendar], Window]:
    """Rebuild every person's calendar from the manifest's resolved scenario and seed (the
    simulation's own code: the same evening peaks, holidays and time away), planned through
    the run's window."""
    from engine.content.templates import TemplateSource
    from engine.run import manifest_scenario, read_manifest
    from engine.world import World

    manifest = read_manifest(run.path)
    # Checked again, as a resume checks it: a hand-edited zone or hours name the manifest
    # (World would fail on them with a traceback). The calendars are the manifest's own.
    manifest_scenario(run.path, manifest)
    scenario = manifest.scenario
    window = run_window(run, scenario)
    # Builds calendars, runs nothing (draws no content).
    world = World(scenario, TemplateSource(), lambda event: None)
    if window.end is not None:
        # The world plans holidays and time away lazily as a run goes on; its planning draws
        # from a stream of its own, so planning ahead here gives the same calendars.
        until = window.end.date() + timedelta(days=2)
        for actor in world.actors:
            world.planner.plan_ahead(actor, until)
    return scenario, {actor.id: actor.calendar for actor in world.actors}, window


@dataclass
class Exposure:
    """A person's expected actions over a window: the intensity integrated. Every working day
    carries the same action budget, so ``actions / budget`` counts working days."""

    actions: float = 0.0
    weekend: float = 0.0  # of which on local Saturdays and Sundays
    by_hour: list[float] = field(default_factory=lambda: [0.0] * 24)  # by local hour


def exposure(calendar: PersonCalendar, window: Window) -> Exposure:
    """Each working day counts with the calendar's own factor for it (a busy day, a quiet
    one, a day in meetings: the same factors the simulation used)."""
    profile = calendar.profile
    out = Exposure()
    whole = whole_weekend = 0.0  # working days entirely inside the window: the full profile
    for day, a, b in _working_spans(calendar, window):
        weekend = day.weekday() >= 5
        factor = calendar.day_factor(day)
        if a == 0 and b >= DAY_SECONDS:
            whole += factor
            whole_weekend += factor if weekend else 0.0
            continue
        for bin_, share in _bins(a, b):
            actions = profile[bin_] * share * factor
            out.by_hour[bin_ * BIN_SECONDS // 3600] += actions
            out.actions += actions
            out.weekend += actions if weekend else 0.0
    day_total = sum(profile)
    out.actions += whole * day_total
    out.weekend += whole_weekend * day_total
    for bin_, value in enumerate(profile):
        out.by_hour[bin_ * BIN_SECONDS // 3600] += whole * value
    return out


def _working_spans(calendar: PersonCalendar, window: Window):
    """(local working day, a, b): the parts of each working day inside the window, as seconds
    counted in the day's bins (bin = a // BIN_SECONDS: a local wall time), laid out as the
    simulation lays them (`PersonCalendar.day_bins`): on a day whose clocks change, a wall
    time that does not exist holds nothing and one that happens twice counts once. A day
    without a change is one span from its local midnight; one with a change, one per run of
    its bins."""
    for start, end in window.intervals:
        s0 = (start - calendar.origin).total_seconds()
        s1 = (end - calendar.origin).total_seconds()
        # A day's bins lie inside its own local date: the days from s0's to s1's hold them all.
        day, last = calendar.local(s0).date(), calendar.local(s1).date()
        while day <= last:
            if calendar.is_working_day(day):
                for base, first, stop in calendar.day_bins(day):
                    a = max(s0, base + first * BIN_SECONDS) - base
                    b = min(s1, base + stop * BIN_SECONDS) - base
                    if b > a:
                        yield day, a, b
            day += timedelta(days=1)


def _bins(a: float, b: float):
    """(bin, share of it) for the bins of a day that [a, b) seconds overlap."""
    first, last = int(a // BIN_SECONDS), min(BINS_PER_DAY - 1, int(math.ceil(b / BIN_SECONDS)) - 1)
    for bin_ in range(first, last + 1):
        lo, hi = max(a, bin_ * BIN_SECONDS), min(b, (bin_ + 1) * BIN_SECONDS)
        if hi > lo:
            yield bin_, (hi - lo) / BIN_SECONDS


class Integrator:
    """The expected actions of one person between two UTC moments, inside a window."""

    def __init__(self, calendar: PersonCalendar, window: Window) -> None:
        self.calendar = calendar
        self.window = window
        self.prefix = list(accumulate(calendar.profile, initial=0.0))

    def between(self, start: datetime, end: datetime) -> float:
        """Integrate the intensity from start to end (naive UTC datetimes) inside the window."""
        clipped = Window(tuple(self.window.clip(start.replace(tzinfo=UTC),
                                                end.replace(tzinfo=UTC))))  # fmt: skip
        day_factor = self.calendar.day_factor
        return sum(
            (self._cumulative(b) - self._cumulative(a)) * day_factor(day)
            for day, a, b in _working_spans(self.calendar, clipped)
        )

    def _cumulative(self, offset: float) -> float:
        """Expected actions from local midnight to `offset` seconds into a working day."""
        b = int(offset // BIN_SECONDS)
        if b >= BINS_PER_DAY:
            return self.prefix[-1]
        return self.prefix[b] + self.calendar.profile[b] * (offset / BIN_SECONDS - b)
