"""Scenario values as written: whole numbers written as text are refused like any value of the
wrong type, a byte-order mark before the TOML is skipped, and working hours that a 15-minute
calendar cannot keep to are refused (events always fall inside the stated hours)."""

import math

import msgspec
import pytest

from engine import calendar as cal
from engine import scenario as sc
from engine.errors import InvalidInput
from tests.runner import busywork


def refused(raw: dict) -> str:
    with pytest.raises(InvalidInput) as info:
        sc.from_dict(raw)
    return str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"days": "30"}, "scenario: days: '30' is not allowed; expected a whole number"),
        ({"seed": "42"}, "scenario: seed: '42' is not allowed; expected a whole number"),
        ({"activity": "2"}, "scenario: activity: '2' is not allowed"),
        ({"work": {"tasks_per_project": "12"}},
         "scenario: work.tasks_per_project: '12' is not allowed; expected a whole number"),
        ({"work": {"actions_per_day": "22"}},
         "scenario: work.actions_per_day: '22' is not allowed; expected a number"),
        ({"days": 30.5}, "scenario: days: 30.5 is not allowed; expected a whole number"),
    ],
)  # fmt: skip
def test_numbers_written_as_text_are_refused_like_activity(raw, expected):
    assert refused(raw).startswith(expected)


def test_numbers_and_dates_as_toml_and_json_write_them_are_kept():
    scenario = sc.from_dict(
        {"days": 3, "seed": 7, "activity": 2, "start": "2026-02-02",
         "work": {"actions_per_day": 20}}
    )  # fmt: skip
    assert (scenario.days, scenario.seed, scenario.activity) == (3, 7, 2)
    assert scenario.work.actions_per_day == 20.0 and str(scenario.start) == "2026-02-02"


def test_a_quoted_number_from_the_command_line_exits_2(tmp_path):
    (tmp_path / "s.toml").write_text('days = "30"\n')
    result = busywork("simulate", "s.toml", "--out", "run", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert (
        result.stderr
        == "Error: SCENARIO s.toml: days: '30' is not allowed; expected a whole number\n"
    )


def test_a_byte_order_mark_before_the_toml_is_skipped(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes("\ufeffdays = 3\nseed = 5\n".encode())
    scenario = sc.load(path)
    assert (scenario.days, scenario.seed) == (3, 5)
    path.write_bytes(b"\xef\xbb\xbfdays = [\n")  # still invalid TOML: said so, as before
    with pytest.raises(InvalidInput, match="not valid TOML"):
        sc.load(path)


@pytest.mark.parametrize(
    ("hours", "example"),
    [("09:07-09:23", "09:00-09:30"), ("09:10-17:50", "09:15-17:45"),
     ("08:00-17:20", "08:00-17:15")],
)  # fmt: skip
def test_hours_off_the_quarter_hours_are_refused(tmp_path, hours, example):
    (tmp_path / "s.toml").write_text(
        f'[[people]]\nname = "Ann"\nrole = "manager"\nhours = "{hours}"\n'
    )
    result = busywork("simulate", "s.toml", "--out", "run", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr == (
        f"Error: SCENARIO s.toml: people[0].hours: {hours!r} does not start and end on a quarter hour; "
        f"expected times ending in :00, :15, :30 or :45 such as {example!r} (activity is "
        "planned in 15-minute steps, so other times could not be kept to)\n"
    )


@pytest.mark.parametrize("hours", ["09:15-09:30", "09:45-10:00", "00:00-00:15", "23:45-24:00"])
def test_quarter_hour_hours_keep_every_moment_inside_them(rng, hours):
    scenario = sc.default_scenario()
    person = msgspec.structs.replace(scenario.people[0], hours=hours, days_off=[])
    calendar = cal.build_calendar(
        scenario, person, evening=False, holidays=(), origin=cal.origin_of(scenario)
    )
    first, last = sc.parse_hours(hours)
    now, count = 0.0, 0
    while (now := calendar.next_activity(now, rng, 20 * 86400.0)) != math.inf:
        local = calendar.local(float(int(now)))
        assert first <= local.hour + local.minute / 60 + local.second / 3600 < last
        count += 1
    assert count > 100


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"activity": "HIGH"}, "scenario: activity: 'HIGH' is not allowed (did you mean 'high'?)"),
        ({"people": [{"name": "Ann", "role": "manager", "hours": "EU"}]},
         "scenario: people[0].hours: 'EU' is not working hours (did you mean 'eu'?)"),
    ],
)  # fmt: skip
def test_a_choice_in_other_letter_case_is_suggested(raw, expected):
    assert refused(raw).startswith(expected)


# A number out of range is said as written: msgspec makes 2 into 2.0 for a float field.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"work": {"actions_per_day": -3}},
         "scenario: work.actions_per_day: -3 is out of range; expected 0.1 to 500"),
        ({"rhythm": {"burstiness": 2}}, "scenario: rhythm.burstiness: 2 is out of range"),
        ({"rhythm": {"burstiness": 2.0}}, "scenario: rhythm.burstiness: 2.0 is out of range"),
        ({"workspace": {"approval_share": 1}},
         "scenario: workspace.approval_share: 1 is out of range; expected 0 to 0.5: approvals"),
        ({"activity": 20}, "scenario: activity: 20 is out of range; expected low, medium"),
        ({"activity": 8.25}, "scenario: activity: 8.25 is out of range"),
    ],
)  # fmt: skip
def test_a_number_out_of_range_is_said_as_written(raw, expected):
    assert refused(raw).startswith(expected)
