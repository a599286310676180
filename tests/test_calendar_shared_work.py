"""What people's calendars work out once for everyone it fits, not once a person: a team's
paces, the daily curve of the same hours, a time zone's days. Shared, it must be what each
person would have worked out alone."""

from datetime import date

from engine import calendar as cal
from engine import people
from engine import scenario as sc
from engine.zone_days import local_time

ZONE = "Europe/London"


def team_scenario() -> sc.Scenario:
    roles = ("manager", "lead", "individual_contributor", "individual_contributor")
    return sc.resolve(
        sc.from_dict(
            {
                "start": "2026-03-23",  # London's clocks change on the 29th
                "timezone": ZONE,
                "people": [
                    {"name": f"P{i} Q", "role": role, "team": team, "timezone": ZONE}
                    for i, (team, role) in enumerate(
                        (team, role) for team in ("north", "south") for role in roles
                    )
                ],
            }
        )
    )


def test_a_teams_paces_are_those_worked_out_for_the_whole_organisation():
    scenario = team_scenario()
    everyone = people.personal_paces(scenario)
    for team in ("north", "south"):
        mine = people.personal_paces(scenario, team)
        members = {f"u{i}" for i, p in enumerate(scenario.people, start=1) if p.team == team}
        assert mine == {pid: everyone[pid] for pid in members}


def test_people_with_the_same_hours_share_one_daily_curve():
    scenario = team_scenario()
    origin = cal.origin_of(scenario)
    person = scenario.people[0]
    before = cal._shared_curve.cache_info()
    for pace in (0.8, 1.2):
        calendar = cal.build_calendar(
            scenario, person, evening=True, holidays=(), origin=origin, pace=pace
        )
        curve = cal.daily_curve(scenario.rhythm, *sc.parse_hours(person.hours), evening=True)
        budget = cal.working_day_actions(scenario) * pace
        assert calendar.profile == [v * budget / sum(curve) for v in curve]
    after = cal._shared_curve.cache_info()
    assert after.hits - before.hits >= 1  # the second person's curve was the first's


def test_calendars_of_a_zone_share_its_days_clock_changes_included():
    scenario = team_scenario()
    origin = cal.origin_of(scenario)
    first, second = (
        cal.build_calendar(scenario, p, evening=False, holidays=(), origin=origin)
        for p in scenario.people[:2]
    )
    for day in (date(2026, 3, 27), date(2026, 3, 29), date(2026, 3, 30)):
        assert first.day_bins(day) is second.day_bins(day)  # worked out once
        assert first.day_start(day) == second.day_start(day)
    # The day of the change: its bins start at each bin's own wall time (an hour skipped).
    change = first.day_bins(date(2026, 3, 29))
    assert len(change) == 2
    for base, begin, end in change:
        for b in (begin, end - 1):
            wall = local_time(first.tz, origin, base + b * 900)
            assert (wall.hour, wall.minute) == divmod(b * 15, 60)


def test_a_calendar_keeps_a_few_days_at_hand_as_it_walks_through_a_year():
    """next_activity walks forward in time: the days it has passed are not kept (kept as long
    as the day starts, they took 14 MB of a 1,000-person year)."""
    import random

    scenario = team_scenario()
    origin = cal.origin_of(scenario)

    walked = cal.build_calendar(
        scenario, scenario.people[2], evening=False, holidays=(), origin=origin
    )
    rng, now, moments, most = random.Random(7), 0.0, 0, 0
    while (now := walked.next_activity(now, rng, 365 * 86400.0)) < 365 * 86400.0:
        moments, most = moments + 1, max(most, len(walked._walk))
    assert moments > 2000  # it walked the year
    assert most <= 16
