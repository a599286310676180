"""Scenarios at the edges of the model still get the work their weekly rates ask for:
`busywork report` checks them like the default. Each end-to-end test failed its report's
completion_rate_per_week check before (60 days, seed 42): activity 4 made 10.59 completions a
contributor-week against 12 (activity 8: 18.1 against 24), dependency_probability = 1 made 2.40
against 3, approval_share = 0.5 made 1.89 and a manager of forty 2.47. Values the model cannot
keep up with (an approval share above 0.5, an activity level above 8) are refused."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from engine import events as ev
from engine import scenario as sc
from engine.content.templates import TemplateSource
from engine.errors import InvalidInput
from engine.people import approval_overhead
from engine.world import World
from tests.runner import busywork
from tests.test_team_shape import wide_team_toml


def example_with(tmp_path: Path, **values: str) -> str:
    """The annotated default scenario (`busywork init`) over 60 days with `values` set (each
    key must be in it, written as its default)."""
    busywork("init", "example.toml", cwd=tmp_path)
    text = (tmp_path / "example.toml").read_text()
    changes = {"days": ("30", "60"), **{k: (None, v) for k, v in values.items()}}
    lines = text.splitlines()
    for key, (old, new) in changes.items():
        at = [i for i, line in enumerate(lines) if line.split("=")[0].strip() == key]
        assert len(at) == 1, f"the example scenario changed: no single {key!r}"
        name, rest = lines[at[0]].split("=", 1)
        assert old is None or rest.split()[0] == old, f"the example's {key} is not {old}"
        lines[at[0]] = f"{name}= {new}"
    return "\n".join(lines) + "\n"


def report_of(text: str, tmp_path: Path) -> dict[str, dict]:
    """Simulate the scenario and return its report's checks by name."""
    (tmp_path / "scenario.toml").write_text(text)
    busywork("simulate", "scenario.toml", "--out", "run", cwd=tmp_path, timeout=300)
    out = busywork("report", "run", "--json", cwd=tmp_path, check=False, timeout=300).stdout
    return {c["name"]: c for c in json.loads(out)["checks"]}


def assert_report_passes(checks: dict[str, dict]) -> None:
    completion = checks["completion_rate_per_week"]
    assert completion["verdict"] == "pass", completion["detail"]
    failed = {n: c["detail"] for n, c in checks.items() if c["verdict"] == "fail"}
    assert not failed, failed


@pytest.mark.slow
def test_a_busy_team_keeps_up_with_four_times_the_work(tmp_path):
    """Response waits of a whole day capped the team's starts, reviews and hand-overs."""
    checks = report_of(example_with(tmp_path, activity="4"), tmp_path)
    assert checks["completion_rate_per_week"]["target"] == 12.0
    assert_report_passes(checks)


@pytest.mark.slow
def test_the_busiest_allowed_team_gets_enough_projects(tmp_path):
    """At activity 8 projects came once a day at most (their interval rounded up to whole
    days) and handed-over work waited a day: 18.1 completions a contributor-week against 24."""
    checks = report_of(example_with(tmp_path, activity=f"{sc.MAX_ACTIVITY}"), tmp_path)
    assert checks["completion_rate_per_week"]["target"] == 3.0 * sc.MAX_ACTIVITY
    assert_report_passes(checks)


def test_an_activity_the_team_cannot_keep_up_with_is_refused(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("activity = 12\n")
    with pytest.raises(InvalidInput) as caught:
        sc.load(path)
    assert str(caught.value).endswith(
        "activity: 12 is out of range; expected low, medium, high or a number above 0 and at "
        "most 8 (above 8 the team cannot keep up with the scaled work; for more events per "
        "person without more work, raise work.actions_per_day)"
    )


@pytest.mark.slow
def test_a_team_whose_every_task_waits_on_another_keeps_up(tmp_path):
    checks = report_of(example_with(tmp_path, dependency_probability="1"), tmp_path)
    assert_report_passes(checks)


@pytest.mark.slow
def test_a_team_with_half_its_tasks_approvals_keeps_up(tmp_path):
    checks = report_of(example_with(tmp_path, approval_share="0.5"), tmp_path)
    assert_report_passes(checks)


@pytest.mark.slow
def test_a_manager_of_forty_plans_enough_work(tmp_path):
    assert_report_passes(report_of(wide_team_toml(40), tmp_path))


def test_work_passed_on_is_taken_care_of_sooner_only_above_high_activity():
    """Within a day up to activity "high" (the timing those runs always had), within a day
    over the activity level's multiple of "high" above it."""

    def busyness(activity: str | float) -> float:
        scenario = sc.resolve(msgspec.structs.replace(sc.default_scenario(), activity=activity))
        return World(scenario, TemplateSource(), lambda event: None).rates.busyness

    assert busyness("low") == busyness("medium") == busyness("high") == 1.0
    assert busyness(4.0) == 2.0


def test_approvals_beyond_the_planned_share_bring_more_work():
    assert approval_overhead(0.0) == approval_overhead(0.08) == 1.0
    assert approval_overhead(0.5) == pytest.approx(0.92 / 0.5)


def test_dependencies_beyond_the_planned_chance_wait_on_work_under_way():
    """With every task waiting on another, most wait on a task already started (one that can
    finish in time), not on a chain of tasks nobody has started."""
    scenario = sc.resolve(msgspec.structs.replace(sc.default_scenario(), days=21))
    scenario = msgspec.structs.replace(
        scenario, workspace=msgspec.structs.replace(scenario.workspace, dependency_probability=1.0)
    )
    states: dict[str, str] = {}
    milestones: set[str] = set()
    on: list[str] = []

    def sink(event: ev.Event) -> None:
        if isinstance(event, ev.TaskCreated):
            states[event.task] = "new"
            if event.subtype == "milestone":
                milestones.add(event.task)
        elif isinstance(event, ev.TaskStateChanged):
            states[event.task] = event.state
        elif isinstance(event, ev.DependencyAdded) and event.task not in milestones:
            on.append(states[event.depends_on])

    world = World(scenario, TemplateSource(), sink)
    world.run()
    started = sum(state in ("in_progress", "in_review") for state in on)
    assert len(on) > 50
    assert started / len(on) > 0.5, f"{started} of {len(on)} dependencies on work under way"


@pytest.mark.parametrize("share", [0.51, 1.0])
def test_an_approval_share_above_half_is_refused(tmp_path, share):
    path = tmp_path / "s.toml"
    path.write_text(f"[workspace]\napproval_share = {share}\n")
    with pytest.raises(InvalidInput) as caught:
        sc.load(path)
    message = str(caught.value)
    assert f"workspace.approval_share: {share} is out of range; expected 0 to 0.5" in message
    assert "completion_rate_per_week" in message


def test_a_team_that_finishes_nothing_still_starts_work():
    """completion_rate_per_week = 0: tasks are started and none is sent for review (no credit
    to spend; subtasks still get ticked off); the work before a review is endless, not a
    division by 0."""
    scenario = sc.resolve(msgspec.structs.replace(sc.default_scenario(), days=14))
    scenario = msgspec.structs.replace(
        scenario, work=msgspec.structs.replace(scenario.work, completion_rate_per_week=0.0)
    )
    states: list[str] = []

    def sink(event: ev.Event) -> None:
        if isinstance(event, ev.TaskStateChanged):
            states.append(event.state)

    World(scenario, TemplateSource(), sink).run()
    assert "in_progress" in states
    assert "in_review" not in states
