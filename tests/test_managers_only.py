"""A team of managers only does its own work: nobody else would. Before, a manager alone made
50 tasks in 30 days and worked none (every project "off track"), and two managers finished 4
of 111. Now they pick up, start, get blocked on and finish tasks at the scenario's rate: a
fellow manager reviews, a manager alone finishes unreviewed (engine.people.managers_only_teams).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from adapters.analytics.report import realism_report
from engine import events as ev
from engine.content.templates import TemplateSource
from engine.people import managers_only_teams
from engine.run import create_run, simulate_run
from engine.scenario import from_dict, resolve
from engine.state import State, fold
from tests.replay_checks import events_of


def managers_only(managers: int, days: int, seed: int = 1, teams: int = 1) -> dict:
    """`teams` teams of `managers` managers each."""
    people = [
        {"name": f"Manager {i} Only", "role": "manager", "team": f"Team {i % teams}"}
        for i in range(managers * teams)
    ]
    return {"start": "2026-01-05", "days": days, "seed": seed, "people": people}


def simulate(path: Path, raw: dict) -> Path:
    manifest = create_run(path, from_dict(raw), TemplateSource())
    simulate_run(path, manifest, TemplateSource())
    return path


def folded(run: Path) -> tuple[State, list[ev.Event]]:
    """Fold the whole log as tests/test_world.py does (fold rejects any impossible history),
    checking each completion comes after its task's creation."""
    events, state, created = events_of(run), State(), {}
    for event in events:
        fold(state, event)
        if isinstance(event, ev.TaskCreated):
            created[event.task] = event.at
        if isinstance(event, ev.TaskCompleted):
            assert created[event.task] <= event.at
    assert all(t.state == "done" for t in state.tasks.values() if t.completed)
    return state, events


def completion_check(run: Path):
    return next(c for c in realism_report(run).checks if c.name == "completion_rate_per_week")


def test_only_teams_without_anyone_else_are_managers_only():
    scenario = resolve(
        from_dict(
            {
                "people": [
                    {"name": "Ann Alone", "role": "manager", "team": "solo"},
                    {"name": "Bea Boss", "role": "manager", "team": "staffed"},
                    {"name": "Cal Coder", "team": "staffed"},
                ]
            }
        )
    )
    assert managers_only_teams(scenario.people) == {"solo"}


def test_a_manager_alone_works_the_tasks_at_the_scenarios_rate(tmp_path):
    # Six teams of one, for a sample the report judges within ±17 %: finishing unreviewed
    # without the rounds a review would take, they did 4 a week against 3.
    run = simulate(tmp_path / "alone", managers_only(1, 120, teams=6))
    check = completion_check(run)
    assert check.tolerance < 0.25
    assert check.verdict == "pass", check.detail
    state, events = folded(run)
    states = Counter(e.state for e in events if isinstance(e, ev.TaskStateChanged))
    assert {"in_progress", "blocked", "done"} <= set(states)
    assert "in_review" not in states  # nobody to review: finished unreviewed
    kinds = Counter(e.kind for e in events if isinstance(e, ev.CommentAdded))
    assert kinds["start"] and kinds["blocked"] and kinds["unblocked"]
    assert not kinds["review_request"]
    assert any(isinstance(e, ev.ProjectCompleted) for e in events)


def test_two_managers_review_each_others_work(tmp_path):
    run = simulate(tmp_path / "pair", managers_only(2, 90, seed=3))
    check = completion_check(run)
    assert check.verdict == "pass", check.detail
    _, events = folded(run)
    requests = [e for e in events if isinstance(e, ev.CommentAdded) and e.kind == "review_request"]
    assert requests
    assert all(e.to is not None and e.to != e.actor for e in requests)
    completed_by = Counter(e.actor for e in events if isinstance(e, ev.TaskCompleted))
    assert set(completed_by) == {"u1", "u2"}  # both do the work
