"""The people's calendars as the simulation built them, and what they imply: working days
and the expected number of actions between two moments (the intensity integrated)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from adapters.analytics.views import Run
from engine.calendar import BIN_SECONDS, BINS_PER_DAY, PersonCalendar
from engine.scenario import Scenario


def calendars(run: Run, until: date | None) -> tuple[Scenario, dict[str, PersonCalendar]]:
    """Rebuild every person's calendar from the manifest's resolved scenario and seed (the
    simulation's own code: the same evening peaks, holidays and time away), planned through
    the day `until`."""
    from engine.run import read_manifest
    from engine.world import World

    manifest = read_manifest(run.path)
    world = World(manifest.scenario, None, lambda event: None)  # builds calendars, runs nothing
    if until is not None:
        # The world plans holidays and time away lazily as a run goes on; its planning draws
        # from a stream of its own, so planning ahead here gives the same calendars.
        for actor in world.actors:
            world.plan_ahead(actor, until + timedelta(days=1))
    return manifest.scenario, {actor.id: actor.calendar for actor in world.actors}


def working_days(calendar: PersonCalendar, days: list[date]) -> list[date]:
    return [d for d in days if calendar.is_working_day(d)]


class Integrator:
    """The expected actions of one person between two UTC moments."""

    def __init__(self, calendar: PersonCalendar) -> None:
        self.calendar = calendar
        self.prefix = list(accumulate(calendar.profile, initial=0.0))

    def between(self, start: datetime, end: datetime) -> float:
        """Integrate the intensity from start to end (naive UTC datetimes)."""
        cal = self.calendar
        s0 = (start.replace(tzinfo=UTC) - cal.origin).total_seconds()
        s1 = (end.replace(tzinfo=UTC) - cal.origin).total_seconds()
        total, day = 0.0, cal.local(s0).date()
        while s1 > s0:
            day_start = cal.day_start(day)
            if day_start >= s1:
                break
            if cal.is_working_day(day):
                a = max(s0, day_start) - day_start
                b = min(s1, day_start + 86400) - day_start
                if b > a:
                    total += self._cumulative(b) - self._cumulative(a)
            day += timedelta(days=1)
        return total

    def _cumulative(self, offset: float) -> float:
        """Expected actions from local midnight to `offset` seconds into a working day."""
        b = int(offset // BIN_SECONDS)
        if b >= BINS_PER_DAY:
            return self.prefix[-1]
        return self.prefix[b] + self.calendar.profile[b] * (offset / BIN_SECONDS - b)
