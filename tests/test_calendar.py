"""Calendars: when people work, and that activity draws follow the intended intensity."""

import math
from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from engine import calendar as cal
from engine import scenario as sc


def person_calendar(
    *,
    hours="us",
    tz="America/Los_Angeles",
    evening=False,
    burstiness=0.35,
    holidays=(),
    start=date(2026, 3, 2),
):
    scenario = sc.from_dict(
        {"start": start.isoformat(), "timezone": tz, "rhythm": {"burstiness": burstiness}}
    )
    person = msgspec.structs.replace(scenario.people[0], hours=hours, timezone=tz)
    return cal.build_calendar(
        scenario, person, evening=evening, holidays=holidays, origin=cal.origin_of(scenario)
    ), scenario


def hour_of(curve, hour: float) -> float:
    return curve[int(hour * 4)]


def test_double_hump_with_a_lunch_dip():
    rhythm = sc.Rhythm(burstiness=0.0)
    curve = cal.daily_curve(rhythm, 9, 18, evening=False)
    peak_bins = sorted(range(96), key=lambda b: -curve[b])
    morning = max(range(36, 48), key=lambda b: curve[b]) / 4
    afternoon = max(range(52, 68), key=lambda b: curve[b]) / 4
    assert 10 <= morning <= 11 and 14 <= afternoon <= 15
    assert hour_of(curve, 12.5) < 0.7 * min(hour_of(curve, 10.5), hour_of(curve, 14.5))
    assert all(curve[b] == 0 for b in range(96) if not 9 <= (b + 0.5) / 4 < 18)
    assert curve[peak_bins[0]] > 0


def test_bursts_sharpen_start_of_day_and_after_lunch():
    steady = cal.daily_curve(sc.Rhythm(burstiness=0.0), 9, 18, evening=False)
    bursty = cal.daily_curve(sc.Rhythm(burstiness=1.0), 9, 18, evening=False)

    def share(curve, hour):
        return hour_of(curve, hour) / sum(curve)

    for burst_hour in (9.25, 13.4, 16.5):  # start of day, after lunch, late afternoon
        assert share(bursty, burst_hour) > 2 * share(steady, burst_hour)
    assert share(bursty, 10.5) < share(steady, 10.5)


def test_evening_people_have_a_smaller_third_peak():
    rhythm = sc.Rhythm()
    curve = cal.daily_curve(rhythm, 9, 18, evening=True)
    plain = cal.daily_curve(rhythm, 9, 18, evening=False)
    assert hour_of(plain, 21.5) == 0
    assert 0 < hour_of(curve, 21.5) < max(curve)


def test_intensity_is_zero_off_hours_weekends_holidays_and_away():
    calendar, _ = person_calendar(holidays={date(2026, 3, 4)})
    calendar.add_away(date(2026, 3, 10), date(2026, 3, 11))
    pt = calendar.tz

    def at(day, hour):
        return datetime(2026, 3, day, hour, 0, tzinfo=pt).astimezone(UTC)

    assert calendar.intensity(at(3, 10)) > 0  # Tuesday morning
    assert calendar.intensity(at(3, 7)) == 0  # before hours
    assert calendar.intensity(at(3, 19)) == 0  # after hours
    assert calendar.intensity(at(4, 10)) == 0  # holiday
    assert calendar.intensity(at(7, 10)) == 0  # Saturday
    assert calendar.intensity(at(10, 10)) == 0  # away
    assert calendar.intensity(at(12, 10)) > 0  # back


def test_working_hours_stay_local_across_daylight_saving():
    calendar, _ = person_calendar()  # US clocks change on Sunday 8 March 2026
    before = datetime(2026, 3, 6, 9, 30, tzinfo=calendar.tz)
    after = datetime(2026, 3, 9, 9, 30, tzinfo=calendar.tz)
    assert calendar.intensity(before.astimezone(UTC)) > 0
    assert calendar.intensity(after.astimezone(UTC)) > 0
    assert calendar.intensity((after - timedelta(hours=1)).astimezone(UTC)) == 0


def test_draws_land_only_where_intensity_is_positive(rng):
    calendar, _ = person_calendar(holidays={date(2026, 3, 4)}, evening=True)
    calendar.add_away(date(2026, 3, 10), date(2026, 3, 11))
    horizon = 28 * 86400
    now, moments = 0.0, []
    while True:
        now = calendar.next_activity(now, rng, horizon)
        if now == math.inf:
            break
        moments.append(now)
    assert moments == sorted(moments)
    zero = [m for m in moments if calendar.intensity(calendar.origin + timedelta(seconds=m)) == 0]
    assert len(zero) <= 0.01 * len(moments)
    # 19 working days at 22 actions each (the evening peak adds a little)
    expected = 19 * sum(calendar.profile)
    assert abs(len(moments) - expected) < 5 * math.sqrt(expected)


def test_draws_follow_the_curve(rng):
    calendar, _ = person_calendar(start=date(2026, 1, 5))
    horizon = 140 * 86400
    counts = [0] * 96
    now = 0.0
    while (now := calendar.next_activity(now, rng, horizon)) != math.inf:
        local = calendar.local(now)
        counts[(local.hour * 60 + local.minute) // 15] += 1
    hourly = [sum(counts[h * 4 : (h + 1) * 4]) for h in range(24)]
    intended = [sum(calendar.profile[h * 4 : (h + 1) * 4]) for h in range(24)]
    assert correlation(hourly, intended) >= 0.95


def correlation(xs, ys) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    return cov / math.sqrt(vx * vy)


def test_nothing_after_the_horizon(rng):
    calendar, _ = person_calendar()
    assert calendar.next_activity(0.0, rng, horizon=3600.0) == math.inf


@pytest.mark.parametrize("country", ["US", "DE"])
def test_country_holidays_are_expanded(country):
    scenario = sc.default_scenario()
    days = cal.holiday_dates(scenario, country, date(2026, 1, 1), date(2026, 12, 31))
    assert date(2026, 12, 25) in days
    assert (date(2026, 7, 4) in days) == (country == "US")


def test_the_compiled_bisect_finds_what_bisect_right_finds(rng):
    from bisect import bisect_right

    from engine.person_calendar import _last_at_or_below

    for _ in range(200):
        cumulative = [0.0]
        for _ in range(rng.randrange(1, 97)):
            cumulative.append(cumulative[-1] + rng.choice([0.0, 0.25, rng.random()]))
        for target in [*cumulative, *(rng.uniform(-1, cumulative[-1] + 1) for _ in range(20))]:
            assert _last_at_or_below(cumulative, target) == bisect_right(cumulative, target) - 1


@pytest.mark.parametrize("peak", [23.5, 24.0, 0.0, 0.5])
def test_an_evening_peak_near_midnight_spills_over_it_symmetrically(peak):
    """A peak at 23:30 is as busy half an hour later (00:00-00:30) as half an hour earlier."""
    curve = cal.daily_curve(sc.Rhythm(evening_peak=peak), 9, 18, evening=True)
    for offset in (0.125, 0.375, 0.625, 1.125):
        before, after = (peak - offset) % 24, (peak + offset) % 24
        assert hour_of(curve, after) == pytest.approx(hour_of(curve, before), rel=1e-9)
        assert hour_of(curve, after) > 0.01


def test_an_evening_peak_far_from_midnight_leaves_the_small_hours_quiet():
    curve = cal.daily_curve(sc.Rhythm(evening_peak=21.5), 9, 18, evening=True)
    assert max(curve[:8]) < 1e-200  # the default's curve, as before midnight wrapped
