"""Calendars on the days clocks change: activity stays inside each person's local working
hours, and a person's next moment is never before the last (no negative delay in SimPy)."""

import math
import random
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import calendar as cal
from engine import events as ev
from engine import scenario as sc
from engine.content.templates import TemplateSource
from engine.world import World

YEAR = 2026
# Small-hours working hours (where clock changes happen), a change-straddling window, the
# last hour of the day, and ordinary office hours.
HOURS = (
    "00:00-01:00",
    "00:00-02:00",
    "01:00-03:00",
    "02:00-03:00",
    "01:30-02:30",
    "02:00-04:00",
    "23:00-24:00",
    "09:00-18:00",
)
MUST = ("Antarctica/Troll", "Australia/Lord_Howe", "America/New_York")


@cache
def change_days(zone: str) -> tuple[date, ...]:
    """The local days of YEAR on which the zone's UTC offset changes."""
    tz, days = ZoneInfo(zone), []
    previous = datetime(YEAR, 1, 1, tzinfo=UTC).astimezone(tz).utcoffset()
    moment = datetime(YEAR, 1, 1, tzinfo=UTC)
    while moment.year == YEAR:
        moment += timedelta(hours=1)
        offset = moment.astimezone(tz).utcoffset()
        if offset != previous:
            days.append(moment.astimezone(tz).date())
            previous = offset
    return tuple(days)


@cache
def changing_zones() -> tuple[str, ...]:
    zones = sorted(
        z for z in available_timezones() if "/" in z and not z.startswith(("posix/", "right/"))
    )
    return tuple(z for z in zones if change_days(z))


def check_days_around(
    zone: str, day: date, hours: str, seed: int, evening: bool = False, hour_edges: bool = False
):
    """Draw a person's moments over five days around `day`; check each one (and with
    `hour_edges`, the local hour at and just before each whole hour of its day and the next)."""
    start = day - timedelta(days=2)
    scenario = sc.from_dict({"start": start.isoformat(), "timezone": zone})
    person = msgspec.structs.replace(scenario.people[0], hours=hours, timezone=zone, days_off=[])
    calendar = cal.build_calendar(
        scenario, person, evening=evening, holidays=(), origin=cal.origin_of(scenario)
    )
    first, last = sc.parse_hours(hours)
    rng, now, horizon, moments = random.Random(seed), 0.0, 5 * 86400.0, []
    while (moment := calendar.next_activity(now, rng, horizon)) != math.inf:
        assert moment >= now, (zone, hours, now, moment)
        now = moment
        moments.append(moment)
        # Events carry their moment to the second (engine.world.World.now).
        for at in (moment, float(int(moment))):
            local = calendar.local(at)
            if not evening:
                hour = local.hour + local.minute / 60 + local.second / 3600
                assert first <= hour < last, (zone, hours, local.isoformat())
            assert calendar.intensity(calendar.origin + timedelta(seconds=at)) > 0, (
                zone, hours, local.isoformat())  # fmt: skip
        assert calendar.last_day == calendar.local(moment).date()
        # The hour a comment reads (engine.moves.comment), quick off the day's first moment.
        for at in (moment, *(_around_hours(moment) if hour_edges else ())):
            assert calendar.local_hour(at) == calendar.local(at).hour, (zone, hours, at)
    return moments


def _around_hours(moment: float) -> list[float]:
    """Moments at and just before the whole hours of `moment`'s day and the next (in seconds
    since the origin, the origin itself on a whole UTC second), where rounding could tell."""
    hour = 3600.0 * (moment // 3600.0)
    out = []
    for k in range(-24, 26):
        edge = hour + 3600.0 * k
        out += [edge, edge - 1e-7, edge - 4e-7, edge - 6e-7, edge - 1e-6, edge + 1e-7]
    return out


@pytest.mark.slow  # 182 zones, about 12 s: `make test-slow` and CI run it
def test_every_zone_that_changes_its_clocks_stays_inside_local_hours():
    zones = changing_zones()
    assert set(MUST) <= set(zones) and len(zones) > 50
    for zone in zones:
        for day in change_days(zone):
            for i, hours in enumerate(HOURS):
                check_days_around(zone, day, hours, seed=i)


@pytest.mark.slow  # 150 drawn zones × hours: ~8 s
@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(MUST) | st.deferred(lambda: st.sampled_from(changing_zones())),
    which=st.integers(0, 5),
    first=st.integers(0, 23 * 4 - 1),
    quarters=st.integers(1, 12),
    evening=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_drawn_hours_and_zones_never_go_backwards(zone, which, first, quarters, evening, seed):
    days = change_days(zone)
    end = min(first + quarters, 96)
    hours = f"{first // 4:02d}:{first % 4 * 15:02d}-{end // 4:02d}:{end % 4 * 15:02d}"
    check_days_around(zone, days[which % len(days)], hours, seed, evening)


def test_new_york_small_hours_skip_the_missing_hour_and_keep_the_repeated_one_once():
    """02:00-03:00 does not exist on 8 March 2026 in New York; 01:00-02:00 happens twice on
    1 November and counts once (the first time, daylight time)."""
    spring = check_days_around("America/New_York", date(YEAR, 3, 8), "02:00-03:00", seed=3)
    tz = ZoneInfo("America/New_York")
    origin = datetime(YEAR, 3, 6, tzinfo=tz).astimezone(UTC)
    days = {(origin + timedelta(seconds=m)).astimezone(tz).date() for m in spring}
    assert date(YEAR, 3, 8) not in days and {date(YEAR, 3, 7), date(YEAR, 3, 9)} <= days
    autumn = check_days_around("America/New_York", date(YEAR, 11, 1), "01:00-02:00", seed=4)
    origin = datetime(YEAR, 10, 30, tzinfo=tz).astimezone(UTC)
    locals_ = [(origin + timedelta(seconds=m)).astimezone(tz) for m in autumn]
    on_the_day = [t for t in locals_ if t.date() == date(YEAR, 11, 1)]
    assert on_the_day and all(t.utcoffset() == timedelta(hours=-4) for t in on_the_day)


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/New_York", date(YEAR, 3, 8)),
        ("America/New_York", date(YEAR, 11, 1)),
        ("Australia/Lord_Howe", date(YEAR, 10, 4)),
        ("Asia/Kolkata", date(YEAR, 6, 1)),  # a half-hour offset, no change
    ],
)
def test_the_quick_local_hour_is_the_local_hour(zone, day):
    """PersonCalendar.local_hour reads the hour from the person's current day when its clocks
    do not change: the same as converting the moment, also a hair before an hour and on the
    days around a change (check_days_around asks it at every moment and around each hour)."""
    for i, hours in enumerate(("00:00-24:00", "01:00-03:00", "09:00-18:00")):
        assert check_days_around(zone, day, hours, seed=i, hour_edges=True)


def test_lord_howe_half_hour_change_keeps_its_half_hours():
    """Lord Howe moves its clocks by 30 minutes (02:00 → 02:30 on 4 October 2026)."""
    moments = check_days_around("Australia/Lord_Howe", date(YEAR, 10, 4), "02:00-03:00", seed=5)
    tz = ZoneInfo("Australia/Lord_Howe")
    origin = datetime(YEAR, 10, 2, tzinfo=tz).astimezone(UTC)
    on_the_day = [
        t for m in moments
        if (t := (origin + timedelta(seconds=m)).astimezone(tz)).date() == date(YEAR, 10, 4)
    ]  # fmt: skip
    assert on_the_day and all(t.hour == 2 and t.minute >= 30 for t in on_the_day)


@pytest.mark.parametrize("hours", ["00:00-01:00", "00:00-02:00"])
@pytest.mark.parametrize("seed", [1, 2, 5])
def test_a_team_in_troll_runs_through_its_clock_change(hours, seed):
    """The tester's scenario: it crashed with "Negative delay" on 29 March for 14 of 30
    seeds."""
    troll = {"timezone": "Antarctica/Troll", "hours": hours, "days_off": [], "evening": False}
    people = [{"name": "Boss", "role": "manager", **troll}, {"name": "Casey", **troll}]
    scenario = sc.from_dict(
        {"start": "2026-03-20", "days": 20, "seed": seed, "holidays": {"country": ""},
         "people": people}
    )  # fmt: skip
    events: list[ev.Event] = []
    world = World(scenario, TemplateSource(), events.append)
    world.run()
    first, last = sc.parse_hours(hours)
    tz = ZoneInfo("Antarctica/Troll")
    skip = ev.PersonJoined | ev.PersonWentOutOfOffice | ev.PersonReturned
    acts = [e for e in events if not isinstance(e, skip)]
    assert acts
    ats = [e.at for e in events]
    assert ats == sorted(ats)
    for e in acts:
        local = e.at.astimezone(tz)
        assert first <= local.hour + local.minute / 60 < last, (e, local)


@pytest.mark.parametrize(
    ("start", "days", "hours"),
    [
        ("2026-03-01", 30, "00:00-01:00"),  # clocks go forward on 8 March: a 23-hour day
        ("2026-10-15", 30, "23:00-24:00"),  # and back on 1 November: a 25-hour day
    ],
)
def test_a_run_covers_its_local_days_when_its_zone_changes_clocks(start, days, hours):
    """`start` and `days` are local days in the scenario's zone: a run across a clock change
    ends at local midnight after its last day, not `days` × 24 hours after its start (an hour
    of the day after, or the last hour of its last day)."""
    zone = "America/Los_Angeles"
    person = {"timezone": zone, "hours": hours, "days_off": [], "evening": False}
    people = [{"name": "Boss", "role": "manager", **person}, {"name": "Casey", **person}]
    scenario = sc.from_dict(
        {"start": start, "days": days, "timezone": zone, "holidays": {"country": ""},
         "out_of_office": {"probability_per_week": 0.0}, "people": people}
    )  # fmt: skip
    tz = ZoneInfo(zone)
    first = scenario.start
    after = first + timedelta(days=days)
    end = datetime(after.year, after.month, after.day, tzinfo=tz).astimezone(UTC)
    assert cal.origin_of(scenario) + timedelta(seconds=cal.end_of(scenario)) == end
    events: list[ev.Event] = []
    world = World(scenario, TemplateSource(), events.append)
    assert world.horizon == cal.end_of(scenario)
    world.run()
    local_days = {e.at.astimezone(tz).date() for e in events}
    assert min(local_days) >= first and max(local_days) == after - timedelta(days=1)
