"""Why a run has no events: nobody had working hours in it (a weekend, days off, public
holidays, time away, or hours outside the run), said in one line for `busywork simulate`'s
summary."""

from __future__ import annotations

from datetime import date, timedelta

from engine.calendar import end_of, origin_of
from engine.people import Planner, make_actors
from engine.person_calendar import BIN_SECONDS, PersonCalendar
from engine.scenario import Scenario

WEEKEND = frozenset({5, 6})  # Saturday, Sunday
# Expected actions below which a day's part in the run is no work (the daily rhythm's peaks
# have tails far into the night: 1e-210 of an action at 2 a.m.).
HARDLY_ANY = 0.01


def why_no_events(scenario: Scenario) -> str:
    """Why nobody acted in the scenario's days, from the people's calendars as the simulation
    planned them: each person's local days in the run are all off, for the reasons named.
    "" when someone had a working day (a run can be quiet for other reasons too)."""
    origin, planner = origin_of(scenario), Planner(scenario)
    horizon = end_of(scenario)
    reasons: set[str] = set()
    for actor in make_actors(scenario, origin, None, planner):
        cal = actor.calendar
        first, last = cal.local(0).date(), cal.local(horizon - 1).date()
        planner.plan_ahead(actor, last + timedelta(days=1))
        day = first
        while day <= last:
            if cal.is_working_day(day):
                if _expected_within(cal, day, horizon) > HARDLY_ANY:
                    return ""
                reasons.add("outside working hours")
            elif day.weekday() in cal.days_off:
                reasons.add("weekend" if day.weekday() in WEEKEND else "days off")
            elif day in cal.holidays:
                reasons.add("holidays")
            else:
                reasons.add("out of office")
            day += timedelta(days=1)
    order = ("weekend", "days off", "holidays", "out of office", "outside working hours")
    said = ", ".join(r for r in order if r in reasons)
    return f"nobody works on the run's days ({said}), so nothing happened"


def _expected_within(cal: PersonCalendar, day: date, horizon: float) -> float:
    """The person's expected actions of local `day` inside the run (its first `horizon`
    seconds): a day at either end of the run may lie mostly outside it."""
    return sum(
        cal.profile[b]
        for base, first, stop in cal.day_bins(day)
        for b in range(first, stop)
        if 0 <= base + b * BIN_SECONDS < horizon
    )
