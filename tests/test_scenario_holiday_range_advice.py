"""A holiday country whose years do not cover the run: the error names the field to change
(a person's own country, not [holidays] country) and a fix that works."""

from datetime import date

import pytest

from engine import scenario as sc
from engine.errors import InvalidInput
from tests.runner import busywork

PERSON_US = (
    '[holidays]\ncountry = ""\n[[people]]\nname = "Boss"\nrole = "manager"\ncountry = "US"\n'
)


def test_a_persons_country_is_the_one_to_drop(tmp_path):
    (tmp_path / "s.toml").write_text(PERSON_US)
    result = busywork("simulate", "s.toml", "--start", "2099-06-01", "--days", "1000",
                      "--out", "run", cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "Error: SCENARIO s.toml: people[0].country: 'US': the holidays package knows its public holidays"
        " from 1777 to 2100, but the run covers 2099-06-01 to 2102-02-25; a run of --days 579 "
        'or fewer ends within them, or set people[0].country = "" (or leave it out) to use '
        "[holidays] country\n"
    )
    assert '[holidays] country = ""' not in result.stderr  # it is "" already


def test_the_advised_fixes_work(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(PERSON_US)
    flags = {"start": ("--start", date(2099, 6, 1))}
    assert sc.load(path, {**flags, "days": ("--days", 579)}).days == 579
    path.write_text(PERSON_US.replace('country = "US"\n', 'country = ""\n'))
    assert sc.load(path, {**flags, "days": ("--days", 1000)}).days == 1000


def test_the_scenarios_country_keeps_its_own_advice(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('start = 2099-06-01\ndays = 1000\n[holidays]\ncountry = "US"\n')
    with pytest.raises(InvalidInput) as info:
        sc.load(path)
    assert str(info.value).endswith(
        '; a run of days = 579 or fewer ends within them, or set [holidays] country = "" (and '
        "list dates) for this run"
    )


def test_a_start_before_the_known_years_still_asks_for_another_start(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('start = 2001-01-08\n[[people]]\nname = "Ann"\nrole = "manager"\n'
                    'country = "NP"\n')  # fmt: skip
    with pytest.raises(InvalidInput) as info:
        sc.load(path)
    assert '; choose a start in those years, or set people[0].country = ""' in str(info.value)
