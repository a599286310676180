"""A task's steps read as work done in order and over the task's life, and a team does not
create the same follow-up in two of its projects at once. Before: subtasks came in any order
("Send follow-up notes", then "Prepare the agenda", then "Confirm attendance", on a gemba walk
not held yet); they were all ticked off within minutes of the task's start ("Draft the
write-up" in progress for one minute, "Share the write-up" done before the write-up went to
review), in most tasks in the first fifth of the time to review; and "Write up the plant action
item tracker for the team" was created again in the team's next project the day after the
first was done (43 follow-ups of a 90-day manufacturing run at activity high, within two
weeks). The measures are in tests/realism_steps.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import events as ev
from tests import realism_probe as probe
from tests.realism_steps import repeated_follow_ups, rushed_steps, steps_out_of_order

AT = datetime(2026, 1, 5, 17, tzinfo=UTC)
RUNS = {
    "manufacturing high": ({"industry": "manufacturing", "activity": "high"}, 3),
    "retail high": ({"industry": "retail", "activity": "high"}, 9),
    "healthcare": ({"industry": "healthcare"}, 11),
    "education": ({"industry": "education"}, 5),
}


@pytest.fixture(scope="module", params=list(RUNS))
def run_events(request: pytest.FixtureRequest) -> list[ev.Event]:
    overrides, seed = RUNS[request.param]
    return probe.run(overrides, days=60, seed=seed)


def _created(n: int, name: str, parent: str | None = None, project: str = "p1") -> ev.Event:
    return ev.TaskCreated(seq=n, at=AT + timedelta(hours=n), actor="u1", task=f"t{n}",
                          project=project, name=name, parent=parent)  # fmt: skip


def _moved(n: int, task: str, state: str, hours: float) -> ev.Event:
    return ev.TaskStateChanged(seq=n, at=AT + timedelta(hours=hours), actor="u1", task=task,
                               state=state, previous="new")  # type: ignore[arg-type]  # fmt: skip


def test_the_measures_find_steps_backwards_rushed_and_a_follow_up_twice():
    """Salted: steps listed backwards, steps done in the task's first hour of a day's work, and
    a follow-up named like one in the team's other open project."""
    events = [
        ev.ProjectCreated(seq=1, at=AT, actor="u1", project="p1", name="A", owner="u1", team="x"),
        ev.ProjectCreated(seq=2, at=AT, actor="u1", project="p2", name="B", owner="u1", team="x"),
        _created(3, "Organize safety walk"),
        _created(4, "Send the follow-up notes from the safety walk", parent="t3"),
        _created(5, "Prepare the agenda for the safety walk", parent="t3"),
        _moved(6, "t3", "in_progress", 6),
        ev.TaskCompleted(seq=7, at=AT + timedelta(hours=6.5), actor="u1", task="t4"),
        ev.TaskCompleted(seq=8, at=AT + timedelta(hours=7), actor="u1", task="t5"),
        _moved(9, "t3", "in_review", 30),
        _created(10, "Write up the downtime log for the team", project="p1"),
        _created(11, "Write up the downtime log for the team", project="p2"),
    ]
    assert steps_out_of_order(events) == ["t3"]
    assert rushed_steps(events) == (1, 1)
    assert [e.task for e in repeated_follow_ups(events)] == ["t11"]
    in_order = [*events[:3], events[4], events[3], *events[5:10]]
    in_order += [ev.ProjectCompleted(seq=12, at=AT, actor="u1", project="p1"), events[10]]
    assert steps_out_of_order(in_order) == [] and repeated_follow_ups(in_order) == []


def test_a_tasks_steps_are_listed_in_the_order_they_are_done(run_events):
    assert steps_out_of_order(run_events) == []


def test_a_tasks_steps_are_spread_over_its_work(run_events):
    """Most tasks with subtasks tick their last one off after the first fifth of the time to
    review (before: over half of them ticked them all off in it)."""
    rushed, reviewed = rushed_steps(run_events)
    assert reviewed > 20
    assert rushed / reviewed < 0.3


def test_a_team_does_not_create_a_follow_up_it_has_open_in_another_project(run_events):
    assert [e.name for e in repeated_follow_ups(run_events)] == []
