"""Scenario input as users write it: command-line overrides are laid over the file before it
is checked, an empty people list is refused, type mistakes are explained in plain words, and
emails made from names survive accents, other scripts and repeated names."""

import json
from datetime import date

import pytest

from adapters.web.job_scenario import resolve_scenario
from adapters.web.spec import FieldError, JobSpec
from engine import scenario as sc
from engine.errors import InvalidInput
from tests.runner import busywork

MANAGER = '[[people]]\nname = "Ann"\nrole = "manager"\n'
# Nepal's public holidays are known from 2010: a run in 2001 cannot use them.
NEPAL_2001 = f'start = 2001-01-08\n{MANAGER}[[people]]\nname = "Bo"\ncountry = "NP"\n'


def write(tmp_path, text: str, name: str = "sc.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path, overrides=None) -> str:
    with pytest.raises(InvalidInput) as info:
        sc.load(path, overrides)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# -- overrides before checks ------------------------------------------------------------------


def test_start_from_the_command_line_is_checked_instead_of_the_files(tmp_path):
    write(tmp_path, NEPAL_2001)
    result = busywork(
        "simulate", "sc.toml", "--start", "2026-01-05", "--days", "3", "--out", "run",
        "--json", cwd=tmp_path,
    )  # fmt: skip
    assert json.loads(result.stdout)["first_at"].startswith("2026-01-0")
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["scenario"]["start"] == "2026-01-05"


def test_a_file_start_the_holidays_cannot_cover_is_replaced_by_start(tmp_path):
    path = write(tmp_path, "start = 2101-01-08\n")
    assert sc.load(path, {"start": ("--start", date(2026, 1, 5))}).start == date(2026, 1, 5)
    assert "the run covers 2101-01-08 to 2101-02-06" in refused(path)


def test_a_check_that_fails_describes_the_run_the_flags_ask_for(tmp_path):
    path = write(tmp_path, NEPAL_2001.replace("2001-01-08", "2026-01-05"))
    message = refused(path, {"start": ("--start", date(2005, 3, 1)), "days": ("--days", 10)})
    assert message == (
        f"{path}: people[1].country: 'NP': the holidays package knows its public holidays from "
        "2010 to 2100, but the run covers 2005-03-01 to 2005-03-10; choose a --start in those "
        'years, or set people[1].country = "" (or leave it out) to use [holidays] country'
    )


@pytest.mark.parametrize(
    ("text", "args", "expected"),
    [
        ("", ["--start", "9000-12-30"], "--start: 9000-12-30 with days = 30 ends on 9001-01-28"),
        (
            'start = 8999-06-01\n[holidays]\ncountry = ""\n',
            ["--days", "3650"],
            "--days: 3650 with start = 8999-06-01 ends on 9009-05-29; expected a run that lies "
            "within 1900-01-01 to 9000-12-31",
        ),
        (
            "days = 400\n",
            ["--start", "8999-12-01"],
            "--start: 8999-12-01 with days = 400 ends on 9001-01-04",
        ),
        (
            "",
            ["--start", "2101-01-05"],
            "SCENARIO sc.toml: holidays.country: 'US': the holidays package knows its public holidays "
            "from 1777 to 2100, but the run covers 2101-01-05 to 2101-02-03; choose a --start",
        ),
    ],
)
def test_an_error_a_flag_causes_names_the_flag(tmp_path, text, args, expected):
    write(tmp_path, text)
    result = busywork("simulate", "sc.toml", *args, "--out", "run", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: {expected}"), result.stderr
    assert result.stderr.count("\n") == 1 and not (tmp_path / "run").exists()


def test_without_a_file_an_error_names_the_built_in_scenario(tmp_path):
    result = busywork("simulate", "--start", "2101-01-05", "--out", "run", cwd=tmp_path,
                      check=False)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("Error: the built-in scenario: holidays.country: 'US': ")


def test_web_form_fields_are_laid_over_the_file_before_it_is_checked(tmp_path):
    write(tmp_path, "start = 2101-01-08\n")
    spec = JobSpec(scenario_file="sc.toml", scenario={"start": "2026-01-05", "days": 2})
    scenario = resolve_scenario(spec, tmp_path)
    assert (scenario.start, scenario.days) == (date(2026, 1, 5), 2)
    with pytest.raises(FieldError) as info:
        resolve_scenario(JobSpec(scenario_file="sc.toml"), tmp_path)
    # the file's own start is the cause: the error names the file, not a form field
    assert info.value.field == "scenario_file"
    assert info.value.detail.startswith("sc.toml: holidays.country: "), info.value.detail


# -- people -----------------------------------------------------------------------------------


def test_an_empty_people_list_is_refused(tmp_path):
    write(tmp_path, "people = []\n")
    result = busywork("simulate", "sc.toml", "--days", "1", "--out", "run", cwd=tmp_path,
                      check=False)  # fmt: skip
    assert result.returncode == 2 and not (tmp_path / "run").exists()
    assert result.stderr == (
        "Error: SCENARIO sc.toml: people: [] lists no one; expected at least one person ([[people]] with "
        "a name), or leave people out for the built-in 12-person team\n"
    )


def test_no_people_key_means_the_built_in_team(tmp_path):
    assert sc.load(write(tmp_path, 'name = "Default product team"\n')) == sc.default_scenario()


# -- type mistakes in plain words -------------------------------------------------------------


HOURS = (
    '"HH:MM-HH:MM" with the end after the start (working hours cannot cross midnight), or a '
    "preset: us, eu, uk, apac, latam, global"
)
ACTIVITY = "low, medium, high or a number above 0 and at most 8"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f'{MANAGER}hours = "22:00-06:00"',
            f"people[0].hours: '22:00-06:00' does not end after it starts; expected {HOURS}",
        ),
        (f"{MANAGER}hours = 9", f"people[0].hours: 9 is not allowed; expected {HOURS}"),
        (
            "start = 2026-01-05T09:00:00",
            "start: 2026-01-05T09:00:00 is not allowed; expected a date like 2026-01-05",
        ),
        (
            '[holidays]\ndates = ["next friday"]',
            "holidays.dates[0]: 'next friday' is not allowed; expected a date like 2026-01-05",
        ),
        ("activity = true", f"activity: true is not allowed; expected {ACTIVITY}"),
        ('activity = "extreme"', f"activity: 'extreme' is not allowed; expected {ACTIVITY}"),
        ('activity = "hihg"', "activity: 'hihg' is not allowed (did you mean 'high'?)"),
        ("activity = 21", f"activity: 21 is out of range; expected {ACTIVITY}"),
        (
            f'{MANAGER}evening = "yes"',
            "people[0].evening: 'yes' is not allowed; expected true or false (leave it out to "
            "draw it with rhythm.evening_share)",
        ),
        (
            f'{MANAGER}days_off = "sat"',
            "people[0].days_off: 'sat' is not allowed; expected a list of weekdays like "
            '["sat", "sun"] (from mon, tue, wed, thu, fri, sat, sun)',
        ),
        ("seed = 1.5", "seed: 1.5 is not allowed; expected a whole number"),
        ("[work]\nlike_probability = [1]", "work.like_probability: [1] is not allowed; expected a"),
        ('people = "Ann"', "people: 'Ann' is not allowed; expected a list of [[people]] tables"),
        ('people = ["Ann"]', "people[0]: 'Ann' is not allowed; expected a table"),
        ("rhythm = 3", "rhythm: 3 is not allowed; expected a [rhythm] table"),
        (
            '[[people]]\nrole = "manager"',
            'people[0].name: missing; expected text in quotes ("...")',
        ),
        (
            'content = "anthropc"',
            "content: 'anthropc' is not allowed (did you mean 'anthropic'?); expected one of "
            "templates, anthropic",
        ),
        (
            '[workspace]\ncustom_fields = [{ name = "Size", type = "enumm" }]',
            "workspace.custom_fields[0].type: 'enumm' is not allowed (did you mean 'enum'?); "
            "expected one of enum, number, date, text",
        ),
        (
            'company = { name = "x", domain_words = "EHR" }',
            "company.domain_words: 'EHR' is not allowed; expected a list ([...]) whose items are "
            'each text in quotes ("...")',
        ),
    ],
)
def test_type_mistakes_say_what_is_allowed_in_plain_words(tmp_path, text, expected):
    path = write(tmp_path, text + "\n")
    message = refused(path)
    assert message.startswith(f"{path}: {expected}"), message
    assert "Expected `" not in message and "RFC3339" not in message and "datetime." not in message


# -- emails made from names -------------------------------------------------------------------


def emails(tmp_path, *people: str) -> list[str]:
    text = "".join(f"[[people]]\n{p}\n" for p in people)
    loaded = sc.load(write(tmp_path, text.replace("\n", '\nrole = "manager"\n', 1)))
    assert sc.resolve(loaded) == loaded  # resolving again keeps every email
    return [p.email for p in loaded.people]


def test_accents_are_folded_and_other_scripts_get_an_address_by_position(tmp_path):
    assert emails(
        tmp_path, 'name = "José Núñez"', 'name = "李 小龙"', 'name = "王 五"',
        'name = "Søren Łukasz Straße"', 'name = "Zoë O\'Brien"',
    ) == [
        "jose.nunez@example.com", "person2@example.com", "person3@example.com",
        "soren.lukasz.strasse@example.com", "zoe.o.brien@example.com",
    ]  # fmt: skip


def test_the_same_name_twice_gets_numbered_addresses(tmp_path):
    assert emails(
        tmp_path, 'name = "Jo Smith"', 'name = "Jo  Smith"', 'name = "X"\nemail = "jo.smith.2@example.com"',
        'name = "jo smith"',
    ) == [
        "jo.smith@example.com", "jo.smith.3@example.com", "jo.smith.2@example.com",
        "jo.smith.4@example.com",
    ]  # fmt: skip


def test_two_written_emails_that_clash_are_refused(tmp_path):
    text = f'{MANAGER}email = "a@x.org"\n[[people]]\nname = "Bo"\nemail = "A@x.org"\n'
    assert refused(write(tmp_path, text)).endswith(
        "people[1].email: 'A@x.org' is used by two people (people[0] too); emails must be unique"
    )


def test_a_written_email_that_clashes_with_a_made_one_says_where_that_came_from(tmp_path):
    text = f'{MANAGER}[[people]]\nname = "Bo"\nemail = "ann@example.com"\n'
    assert refused(write(tmp_path, text)).endswith(
        "people[0].email: 'ann@example.com', made from the name 'Ann', is people[1].email too; "
        "set people[0].email to another address"
    )


def test_the_default_teams_emails_stay_first_dot_last():
    assert [p.email for p in sc.default_scenario().people] == [
        "alice.chen@example.com", "bob.martinez@example.com", "carol.nguyen@example.com",
        "dan.okafor@example.com", "erin.walsh@example.com", "farid.haddad@example.com",
        "grace.kim@example.com", "hiro.tanaka@example.com", "isabel.costa@example.com",
        "jamal.reed@example.com", "kira.ivanova@example.com", "leo.park@example.com",
    ]  # fmt: skip
