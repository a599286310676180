"""Scenario values at the edges: each is either simulated as documented or refused with one
line naming the file, the field path, the value and what is allowed (never a traceback)."""

import math
from datetime import date

import pytest

from engine import calendar as cal
from engine import events as ev
from engine import scenario as sc
from engine.content.templates import TemplateSource
from engine.errors import InvalidInput
from engine.person_calendar import BIN_SECONDS
from engine.world import World
from tests.runner import busywork

MANAGER = '[[people]]\nname = "Ann"\nrole = "manager"\n'


def load_text(tmp_path, text: str) -> sc.Scenario:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return sc.load(path)


def refused(tmp_path, text: str) -> str:
    with pytest.raises(InvalidInput) as info:
        load_text(tmp_path, text)
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'scenario.toml'}: ")
    assert "\n" not in message
    return message


def active_local_days(scenario: sc.Scenario) -> set[date]:
    events: list[ev.Event] = []
    world = World(scenario, TemplateSource(), events.append)
    world.run()
    return {e.at.astimezone(world.by_id[e.actor].calendar.tz).date() for e in events}


# -- holidays ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "[holidays]\n", "[holidays]\ndates = []\n"])
def test_a_file_without_a_country_gets_us_holidays_like_the_default(tmp_path, text):
    loaded = load_text(tmp_path, text)
    assert loaded.holidays.country == "US"
    assert loaded == sc.default_scenario()


def test_an_empty_country_means_no_public_holidays(tmp_path):
    # 19 January 2026 is Martin Luther King Jr. Day in the US.
    mlk = date(2026, 1, 19)
    with_us = load_text(tmp_path, "days = 21\n")
    without = load_text(tmp_path, 'days = 21\n[holidays]\ncountry = ""\n')
    assert without.holidays.country == ""
    assert mlk not in active_local_days(with_us)
    assert mlk in active_local_days(without)


def test_the_example_file_documents_the_empty_country():
    assert 'country = "US"' in sc.example_toml()
    assert '"" for none' in sc.example_toml()


# -- working hours ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ("09:00-09:07", "people[0].hours: '09:00-09:07' lasts 7 minutes; expected at least 15"),
        ("09:00-09:14", "people[0].hours: '09:00-09:14' lasts 14 minutes; expected at least 15"),
        ("23:59-24:00", "people[0].hours: '23:59-24:00' lasts 1 minutes; expected at least 15"),
        ("09:00-24:30", "people[0].hours: '09:00-24:30' ends after midnight; expected an end"),
    ],
)
def test_hours_shorter_than_a_calendar_step_are_refused(tmp_path, hours, expected):
    assert expected in refused(tmp_path, f'{MANAGER}hours = "{hours}"\n')


@pytest.mark.parametrize("minute", range(0, 60, 15))
def test_the_shortest_allowed_hours_make_a_working_day(minute):
    start = f"09:{minute:02d}"
    end = f"{9 + (minute + 15) // 60:02d}:{(minute + 15) % 60:02d}"
    begin, finish = sc.parse_hours(f"{start}-{end}")
    assert (finish - begin) * 3600 == pytest.approx(BIN_SECONDS)
    curve = cal.daily_curve(sc.Rhythm(), begin, finish, evening=False)
    assert sum(curve) > 0


def test_the_last_quarter_hour_of_the_day_is_allowed(tmp_path):
    loaded = load_text(tmp_path, f'{MANAGER}hours = "23:45-24:00"\n')
    assert sc.parse_hours(loaded.people[0].hours) == (23.75, 24.0)


def test_short_hours_fail_before_a_run_is_created(tmp_path):
    (tmp_path / "s.toml").write_text(f'{MANAGER}hours = "09:00-09:07"\n')
    result = busywork("simulate", "s.toml", "--out", "run", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "Error: SCENARIO s.toml: people[0].hours: '09:00-09:07' lasts 7"
    )
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()  # no run left behind marked "running"


# -- start date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "start = 0001-01-01",
            "start: 0001-01-01 is out of range; expected a date from 1900-01-01",
        ),
        (
            "start = 1899-12-31",
            "start: 1899-12-31 is out of range; expected a date from 1900-01-01",
        ),
        (
            "start = 9999-12-30",
            "start: 9999-12-30 is out of range; expected a date from 1900-01-01",
        ),
        ("start = 9990-06-01\ndays = 3660", "start: 9990-06-01 is out of range"),
        (
            "start = 9000-06-01\ndays = 3660",
            "start: 9000-06-01 with days = 3660 ends on 9010-06-08; expected a run that lies "
            "within 1900-01-01 to 9000-12-31",
        ),
        ("start = 9000-12-31\ndays = 2", "start: 9000-12-31 with days = 2 ends on 9001-01-01"),
    ],
)
def test_start_dates_outside_the_calendar_are_refused(tmp_path, text, expected):
    assert expected in refused(tmp_path, text + "\n")


def test_the_first_and_last_allowed_days_simulate(tmp_path):
    first = active_local_days(load_text(tmp_path, "start = 1900-01-01\ndays = 2\n"))
    no_country = '\n[holidays]\ncountry = ""\n'  # the holidays package stops at 2100
    last = active_local_days(load_text(tmp_path, "start = 9000-12-30\ndays = 2" + no_country))
    assert first and first <= {date(1900, 1, 1), date(1900, 1, 2)}
    assert last and last <= {date(9000, 12, 30), date(9000, 12, 31)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "start = 2100-12-30\ndays = 5",
            "holidays.country: 'US': the holidays package knows its public holidays from 1777 to "
            "2100, but the run covers 2100-12-30 to 2101-01-03",
        ),
        (
            'start = 2200-01-05\n[holidays]\ncountry = ""\n[[people]]\nname = "A"\n'
            'role = "manager"\ncountry = "DE"',
            "people[0].country: 'DE': the holidays package knows its public holidays from",
        ),
    ],
)
def test_a_holiday_country_must_cover_the_run(tmp_path, text, expected):
    """Outside its years the holidays package gives no holidays: every one would be a workday."""
    message = refused(tmp_path, text + "\n")
    assert expected in message and 'country = ""' in message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--start", "0001-01-01"], "Error: --start: 0001-01-01 is out of range; expected a date"),
        (
            ["--start", "9000-06-01", "--days", "3660"],
            "Error: --start: 9000-06-01 with --days 3660 ends on 9010-06-08",
        ),
        (["--start", "9000-12-30"], "Error: --start: 9000-12-30 with days = 30 ends on 9001-01-28"),
    ],
)
def test_cli_overrides_of_start_and_days_are_checked(tmp_path, args, expected):
    result = busywork("simulate", *args, "--out", "run", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(expected)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()


# -- teams, rhythm, workspace, time zones -----------------------------------------------------


def test_every_team_needs_a_manager(tmp_path):
    text = MANAGER + 'team = "A"\n[[people]]\nname = "Ben"\nteam = "B"\n'
    message = refused(tmp_path, text)
    assert "people: team 'B' has no manager; each team needs one (role = \"manager\")" in message


def test_a_team_with_its_own_manager_is_fine(tmp_path):
    text = MANAGER + 'team = "A"\n[[people]]\nname = "Ben"\nrole = "manager"\nteam = "B"\n'
    assert {p.team for p in load_text(tmp_path, text).people} == {"A", "B"}


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "-5", "10.5"])
def test_evening_weight_is_range_checked(tmp_path, value):
    message = refused(tmp_path, f"[rhythm]\nevening_weight = {value}\n")
    assert "rhythm.evening_weight: " in message
    assert "is out of range; expected 0 to 10" in message


@pytest.mark.parametrize("value", [0, 0.35, 10])
def test_evening_weight_in_range_is_kept(tmp_path, value):
    loaded = load_text(tmp_path, f"[rhythm]\nevening_weight = {value}\n")
    assert math.isclose(loaded.rhythm.evening_weight, value)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ('["", " "]', "workspace.custom_fields[0].options[0]: '' is blank; expected an option"),
        ('["Low", " "]', "workspace.custom_fields[0].options[1]: ' ' is blank"),
        ('["Low", "\\t"]', "workspace.custom_fields[0].options[1]: '\\t' is blank"),
    ],
)
def test_blank_enum_options_are_refused(tmp_path, options, expected):
    text = f'[workspace]\ncustom_fields = [{{ name = "P", type = "enum", options = {options} }}]\n'
    assert expected in refused(tmp_path, text)


@pytest.mark.parametrize("name", ["Due date", "assignee", "  DUE   Date ", "Tags", "Name"])
def test_custom_fields_named_like_task_properties_are_refused(tmp_path, name):
    """Asana refuses such a field (400): better said before simulating than at replay."""
    text = f'[workspace]\ncustom_fields = [{{ name = "{name}", type = "text" }}]\n'
    message = refused(tmp_path, text)
    where = f"workspace.custom_fields[0].name: {name!r}"
    assert f"{where} is the name of a built-in Asana task property" in message
    assert "expected another name (not one of Name, Task name, Assignee, Due date" in message
    assert "in any letter case" in message


def test_custom_fields_named_near_task_properties_are_kept(tmp_path):
    text = (
        '[workspace]\ncustom_fields = [{ name = "Due quarter", type = "date" }, '
        '{ name = "Assignee team", type = "text" }, { name = "Tag", type = "text" }]\n'
    )
    names = [f.name for f in load_text(tmp_path, text).workspace.custom_fields]
    assert names == ["Due quarter", "Assignee team", "Tag"]


def test_too_many_enum_options_are_refused(tmp_path):
    options = ", ".join(f'"o{i}"' for i in range(501))
    text = (
        f'[workspace]\ncustom_fields = [{{ name = "P", type = "enum", options = [{options}] }}]\n'
    )
    assert "workspace.custom_fields[0].options: 501 options; expected at most 500" in refused(
        tmp_path, text
    )


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ('["a", "a", "A"]', "workspace.tags[1]: 'a' repeats tags[0] ('a'); expected tag names"),
        ('["urgent", "Urgent"]', "workspace.tags[1]: 'Urgent' repeats tags[0] ('urgent')"),
        ('["x", "urgent ", "URGENT"]', "workspace.tags[2]: 'URGENT' repeats tags[1] ('urgent ')"),
        ('["x", " "]', "workspace.tags[1]: ' ' is blank; expected a tag name"),
    ],
)
def test_blank_and_repeated_tags_are_refused(tmp_path, tags, expected):
    assert expected in refused(tmp_path, f"[workspace]\ntags = {tags}\n")


def test_distinct_tags_and_options_are_kept(tmp_path):
    text = (
        '[workspace]\ntags = ["urgent", "customer"]\n'
        'custom_fields = [{ name = "P", type = "enum", options = ["Low", "low"] }]\n'
    )
    loaded = load_text(tmp_path, text)
    assert loaded.workspace.tags == ["urgent", "customer"]


@pytest.mark.parametrize(
    "zone", ["localtime", "LocalTime", "posixrules", "posix/Europe/Berlin", "right/UTC"]
)
def test_machine_dependent_time_zones_are_refused(tmp_path, zone):
    message = refused(tmp_path, f'timezone = "{zone}"\n')
    assert f"timezone: {zone!r} is not a known time zone (it depends on the machine" in message
    assert "expected an IANA name like 'Europe/Berlin'" in message
    person = refused(tmp_path, f'{MANAGER}timezone = "{zone}"\n')
    assert f"people[0].timezone: {zone!r} is not a known time zone" in person


@pytest.mark.parametrize("zone", ["UTC", "Etc/GMT+5", "Europe/Berlin"])
def test_iana_zones_are_accepted(tmp_path, zone):
    assert load_text(tmp_path, f'timezone = "{zone}"\n').timezone == zone
