"""A run without events says why: `busywork simulate` of a Saturday, or of days that are all
holidays, used to print "0 events" and empty tables without a word (engine.quiet_run)."""

from __future__ import annotations

import json
from datetime import date

import msgspec

from engine.quiet_run import why_no_events
from engine.scenario import default_scenario, resolve
from tests.runner import busywork


def test_a_saturday_says_nobody_works_on_a_weekend(tmp_path):
    args = ("simulate", "--days", "1", "--start", "2026-01-10")
    result = busywork(*args, "--out", "sat", cwd=tmp_path)
    assert "0 events" in result.stdout
    assert "Note: nobody works on the run's days (weekend), so nothing happened" in result.stdout
    # --json keeps its shape: "events": 0 says it to a script
    quiet = json.loads(busywork(*args, "--out", "sat2", "--json", cwd=tmp_path).stdout)
    assert quiet["events"] == 0 and "note" not in quiet


def test_company_holidays_and_time_zones_are_named(tmp_path):
    # New Year's Day: a holiday in the US; the New Yorkers' next morning is after the run.
    scenario = msgspec.structs.replace(default_scenario(), days=1, start=date(2026, 1, 1))
    assert why_no_events(resolve(scenario)) == (
        "nobody works on the run's days (holidays, outside working hours), so nothing happened"
    )
    (tmp_path / "closed.toml").write_text(
        'start = 2026-01-05\ndays = 2\n[holidays]\ncountry = ""\n'
        "dates = [2026-01-05, 2026-01-06]\n"
        '[[people]]\nname = "Ann Alone"\nrole = "manager"\n'
    )
    result = busywork("simulate", "closed.toml", "--out", "closed", cwd=tmp_path)
    assert "Note: nobody works on the run's days (holidays)" in result.stdout


def test_a_run_with_events_has_no_note(tmp_path):
    result = busywork("simulate", "--days", "1", "--out", "monday", cwd=tmp_path)
    assert "Note:" not in result.stdout
    assert why_no_events(resolve(default_scenario())) == ""
