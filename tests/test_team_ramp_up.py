"""Teams of ten (a manager, a lead, seven contributors, a contractor) failed the report's
completion_rate_per_week check: 2.14 a contributor-week against 3 for twenty such teams over 14
days, 2.53 for four over 30 days. After the first week they delivered 3: the shortfall was the
ramp-up. Their manager started with one project's tasks for all nine (a manager of five's
stock), so half the team sat idle through its first days; and the report judged the first
week, in which any team's first tasks are still going through work and review."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from adapters.analytics.report import RAMP_UP_DAYS, realism_report
from engine import events as ev
from engine.content.templates import TemplateSource
from engine.run import create_run, simulate_run
from engine.scenario import from_dict
from engine.state import State, fold
from tests.replay_checks import events_of

ROLES = ("manager", "lead", *["individual_contributor"] * 7, "contractor")


def teams_of_ten(teams: int, days: int, seed: int = 42) -> dict:
    people = [
        {"name": f"Person {t} {i}", "role": role, "team": f"Team {t}"}
        for t in range(teams)
        for i, role in enumerate(ROLES)
    ]
    return {"start": "2026-01-05", "days": days, "seed": seed, "people": people}


def simulate(path: Path, raw: dict) -> Path:
    manifest = create_run(path, from_dict(raw), TemplateSource())
    simulate_run(path, manifest, TemplateSource())
    return path


def test_a_manager_of_nine_starts_with_work_for_all_of_them(tmp_path):
    """Their pace (engine.people.project_paces) is 1.6: two projects at once. With one, 44–57 %
    of the contributors' working hours on days 3 to 5 had nothing to start or work on."""
    events = events_of(simulate(tmp_path / "one", teams_of_ten(1, 7)))
    first_day = events[0].at.date()
    started = [e for e in events if isinstance(e, ev.ProjectCreated)]
    assert len([e for e in started if e.at.date() == first_day]) == 2
    # Sampled hourly through the US working hours (17–24 UTC) of days 3 to 5.
    state, idle, samples = State(), 0, 0
    hour = events[0].at.replace(hour=17, minute=0, second=0) + timedelta(days=2)
    until = hour + timedelta(days=3)
    for event in events:
        while event.at >= hour and hour < until:
            if hour.hour >= 17:
                workers = [p for p, v in state.people.items() if v.role != "manager"]
                mine = [state.assigned[p] for p in workers]
                samples += len(mine)
                idle += sum(not (a.new or a.in_progress) for a in mine)
            hour += timedelta(hours=1)
        fold(state, event)
    assert samples and idle / samples < 0.25, idle / samples


def test_twenty_teams_of_ten_deliver_the_rate_over_two_weeks(tmp_path):
    check = next(
        c
        for c in realism_report(simulate(tmp_path / "twenty", teams_of_ten(20, 14))).checks
        if c.name == "completion_rate_per_week"
    )
    assert check.verdict == "pass", check.detail
    assert f"after the first {RAMP_UP_DAYS} days" in check.detail


def test_a_run_no_longer_than_its_ramp_up_does_not_judge_completions(tmp_path):
    check = next(
        c
        for c in realism_report(simulate(tmp_path / "week", teams_of_ten(4, 7))).checks
        if c.name == "completion_rate_per_week"
    )
    assert check.verdict == "too_little_data", check.detail
