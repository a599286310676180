"""Scenario loading: defaults, the annotated example, and errors that name path and value."""

import tomllib

import pytest

from engine import scenario as sc
from engine.errors import InvalidInput
from engine.events import Role


def load_text(tmp_path, text: str) -> sc.Scenario:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return sc.load(path)


def test_default_is_a_twelve_person_team_in_two_time_zones():
    scenario = sc.default_scenario()
    assert len(scenario.people) == 12
    assert len({p.timezone for p in scenario.people}) == 2
    assert scenario.industry == "technology"
    assert {p.role for p in scenario.people} == set(Role.__args__)
    assert all(p.email.endswith("@example.com") for p in scenario.people)


def test_empty_file_is_the_default_team(tmp_path):
    loaded = load_text(tmp_path, "")
    assert [p.name for p in loaded.people] == [p.name for p in sc.default_scenario().people]


def test_annotated_example_describes_the_default():
    assert sc.from_dict(tomllib.loads(sc.example_toml())) == sc.default_scenario()


def test_activity_levels_and_numbers(tmp_path):
    assert load_text(tmp_path, 'activity = "low"').activity_factor == 0.3
    assert load_text(tmp_path, 'activity = "high"').activity_factor == 2.0
    assert load_text(tmp_path, "activity = 1.5").activity_factor == 1.5


def test_person_defaults_are_filled(tmp_path):
    loaded = load_text(
        tmp_path,
        '[[people]]\nname = "Zoë O\'Brien"\nrole = "manager"\nhours = "eu"\n',
    )
    person = loaded.people[0]
    assert person.email == "zoe.o.brien@example.com"
    assert person.timezone == loaded.timezone
    assert sc.parse_hours(person.hours) == (9.0, 17.5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('industy = "finance"', "industy: unknown key (did you mean 'industry'?)"),
        ('industry = "fintech"', "industry: 'fintech' is not allowed"),
        (
            "[work]\ntasks_per_projct = 3",
            "work.tasks_per_projct: unknown key (did you mean 'tasks_per_project'?)",
        ),
        (
            '[work]\ntasks_per_project = "many"',
            "work.tasks_per_project: 'many' is not allowed; expected a whole number",
        ),
        ("days = 0", "days: 0 is out of range; expected 1 to 3660"),
        (
            'activity = "frantic"',
            "activity: 'frantic' is not allowed; expected low, medium, high or a number above 0 "
            "and at most 8",
        ),
        ("activity = -1", "activity: -1 is out of range; expected low, medium, high or a number"),
        ("[rhythm]\nburstiness = 1.5", "rhythm.burstiness: 1.5 is out of range; expected 0 to 1"),
        (
            'timezone = "Europe/Berlinn"',
            "timezone: 'Europe/Berlinn' is not a known time zone (did you mean 'Europe/Berlin'?)",
        ),
        ('[holidays]\ncountry = "XX"', "holidays.country: 'XX' is not a country code"),
        ('start = "soon"', "start: 'soon' is not allowed; expected a date like 2026-01-05"),
    ],
)
def test_bad_values_name_path_value_and_allowed(tmp_path, text, expected):
    with pytest.raises(InvalidInput) as info:
        load_text(tmp_path, text)
    assert expected in str(info.value)
    assert str(tmp_path / "scenario.toml") in str(info.value)


PEOPLE = '[[people]]\nname = "Ann"\nrole = "manager"\n[[people]]\nname = "Ben"\n'


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('timezone = "Mars/Base"', "people[1].timezone: 'Mars/Base' is not a known time zone"),
        (
            'role = "boss"',
            "people[1].role: 'boss' is not allowed; expected one of manager, lead, individual_contributor, contractor",
        ),
        (
            'hours = "9-5"',
            "people[1].hours: '9-5' is not working hours; expected \"HH:MM-HH:MM\" or one of us, eu",
        ),
        (
            'hours = "18:00-09:00"',
            "people[1].hours: '18:00-09:00' does not end after it starts; expected \"HH:MM-HH:MM\" "
            "with the end after the start (working hours cannot cross midnight), or a preset: us,",
        ),
        ('days_off = ["saturday"]', "people[1].days_off[0]: 'saturday' is not allowed"),
        (
            'email = "ann@example.com"',
            "people[0].email: 'ann@example.com', made from the name 'Ann', is people[1].email "
            "too; set people[0].email to another address",
        ),
        ('email = "nobody"', "people[1].email: 'nobody' is not an email address"),
        ('timezne = "UTC"', "people[1].timezne: unknown key (did you mean 'timezone'?)"),
    ],
)
def test_bad_people_name_their_index(tmp_path, extra, expected):
    with pytest.raises(InvalidInput) as info:
        load_text(tmp_path, PEOPLE + extra + "\n")
    assert expected in str(info.value)


def test_a_team_needs_a_manager(tmp_path):
    with pytest.raises(InvalidInput, match='at least one person needs role = "manager"'):
        load_text(tmp_path, '[[people]]\nname = "Solo"\n')


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(InvalidInput, match="no such scenario file"):
        sc.load(tmp_path / "nope.toml")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        load_text(tmp_path, "name = ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('industry = "Tech"', "industry: 'Tech' is not allowed (did you mean 'technology'?)"),
        ('industry = "gov"', "(did you mean 'government'?)"),
        ('industry = "mfg"', "(did you mean 'manufacturing'?)"),  # letters left out
        (PEOPLE + 'role = "mgr"', "people[1].role: 'mgr' is not allowed (did you mean 'manager'?)"),
    ],
)
def test_a_value_cut_short_or_abbreviated_gets_a_did_you_mean(tmp_path, text, expected):
    with pytest.raises(InvalidInput) as info:
        load_text(tmp_path, text + "\n")
    assert expected in str(info.value)


def test_no_did_you_mean_when_the_start_fits_several_values(tmp_path):
    with pytest.raises(InvalidInput) as info:
        load_text(tmp_path, 'industry = "e"\n')  # education or energy: no guess
    assert "did you mean" not in str(info.value)
