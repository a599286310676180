"""Each person's calendar built from the scenario: the shape of a working day (the daily
rhythm curve), the day's action budget, the holidays, and the run's time origin.

The calendar itself, an intensity over time that the simulation walks, is
``engine.person_calendar``'s `PersonCalendar`; see there for the bins, the day factors and how
the next moment of activity is drawn.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import msgspec

from engine.person_calendar import BINS_PER_DAY, PersonCalendar
from engine.scenario import WEEKDAYS, Person, Rhythm, Scenario, parse_hours


def _bump(hour: float, centre: float, width: float) -> float:
    return math.exp(-0.5 * ((hour - centre) / width) ** 2)


_EVENING_WIDTH: Final = 0.6  # hours
# An evening peak near midnight spills into the small hours (a peak at 23:30 is as busy at
# 00:15 as at 22:45): its copy a day earlier or later is added. Only within this many widths
# of midnight, where the copy matters: beyond, the part past midnight is under Φ(-4) ≈ 3e-5 of
# the evening's actions (at the default 21:30 a few actions a century for the default team),
# and leaving it out keeps the logs of such peaks as they were.
_WRAP_WIDTHS: Final = 4.0


def _evening_bump(hour: float, peak: float) -> float:
    bump = _bump(hour, peak, _EVENING_WIDTH)
    if min(peak, 24 - peak) < _WRAP_WIDTHS * _EVENING_WIDTH:
        bump += _bump(hour, peak - 24, _EVENING_WIDTH) + _bump(hour, peak + 24, _EVENING_WIDTH)
    return bump


def daily_curve(rhythm: Rhythm, start: float, end: float, evening: bool) -> list[float]:
    """Relative intensity per 15-minute bin of a working day (peak of the day part ≈ 1)."""
    steady, bursty = [], []
    for b in range(BINS_PER_DAY):
        h = (b + 0.5) / 4
        dip = 1 - 0.55 * _bump(h, rhythm.lunch_dip, 0.45)
        steady.append(
            (0.25 + _bump(h, rhythm.morning_peak, 1.1) + _bump(h, rhythm.afternoon_peak, 1.3)) * dip
        )
        bursty.append(
            0.15
            + _bump(h, start + 0.3, 0.35)
            + _bump(h, rhythm.lunch_dip + 0.9, 0.35)
            + _bump(h, 16.5, 0.4)
        )
    inside = [start <= (b + 0.5) / 4 < end for b in range(BINS_PER_DAY)]
    top_steady = max(v for v, ok in zip(steady, inside, strict=True) if ok)
    top_bursty = max(v for v, ok in zip(bursty, inside, strict=True) if ok)
    mix = rhythm.burstiness
    curve = [
        ((1 - mix) * s / top_steady + mix * u / top_bursty) if ok else 0.0
        for s, u, ok in zip(steady, bursty, inside, strict=True)
    ]
    if evening:
        for b in range(BINS_PER_DAY):
            h = (b + 0.5) / 4
            curve[b] += (
                rhythm.evening_weight * _evening_bump(h, rhythm.evening_peak) * (not inside[b])
            )
    return curve


@functools.lru_cache(maxsize=64)
def _shared_curve(
    rhythm: tuple[float, ...], start: float, end: float, evening: bool
) -> tuple[float, ...]:
    """`daily_curve` of a Rhythm's fields, worked out once: people share a few curves, and
    a curve costs some 600,000 instructions (a team of forty: 2 % of a month's run)."""
    return tuple(daily_curve(Rhythm(*rhythm), start, end, evening))


def working_day_actions(scenario: Scenario) -> float:
    return scenario.work.actions_per_day * scenario.activity_factor


def build_calendar(
    scenario: Scenario,
    person: Person,
    *,
    evening: bool,
    holidays: Iterable[date],
    origin: datetime,
    pace: float = 1.0,
    day_key: str = "",
) -> PersonCalendar:
    """`pace`: the person's own factor on the day's budget; `day_key`: their day factors'
    stream (see PersonCalendar)."""
    start, end = parse_hours(person.hours)
    curve = _shared_curve(msgspec.structs.astuple(scenario.rhythm), start, end, evening)
    total = sum(curve)
    budget = working_day_actions(scenario) * pace
    profile = [v * budget / total for v in curve]
    return PersonCalendar(
        timezone=person.timezone,
        profile=profile,
        days_off=[WEEKDAYS.index(d) for d in person.days_off],
        holidays=holidays,
        origin=origin,
        day_key=day_key,
    )


def holiday_dates(scenario: Scenario, country: str, first: date, last: date) -> set[date]:
    """The scenario's listed dates plus the country's public holidays between first and last."""
    dates = {d for d in scenario.holidays.dates if first <= d <= last}
    if country:
        import holidays  # slow import, only when a country is named

        years = range(first.year, last.year + 1)
        dates |= {
            d for d in holidays.country_holidays(country.upper(), years=years) if first <= d <= last
        }
    return dates


def origin_of(scenario: Scenario) -> datetime:
    """The run's time origin: local midnight of the start date in the scenario's zone, in UTC."""
    return _local_midnight(scenario.start, scenario.timezone)


def end_of(scenario: Scenario) -> float:
    """Where the run ends, in seconds from its origin: local midnight after its last day in the
    scenario's zone. `days` × 86400 unless the zone's clocks change during the run: a run across
    a change forward is an hour shorter, across one back an hour longer, so it still covers
    exactly its `days` local days."""
    after = scenario.start + timedelta(days=scenario.days)
    end = _local_midnight(after, scenario.timezone)
    return (end - origin_of(scenario)).total_seconds()


def _local_midnight(day: date, zone: str) -> datetime:
    """The first moment of local `day` in `zone`, in UTC (a midnight that a change forward
    skips is the change's moment, one that happens twice the first)."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)).astimezone(UTC)
