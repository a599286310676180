"""Task names read like a real team's: no pattern a team piles onto, subtasks that name their
subject, milestones named for what is reached and approvals that read as approvals.

Before, in the default month: 66 of 181 top-level tasks (36%) came from next-step templates
("Line up the sign-off of …" and "Line up the logistics for …" 28, "Prepare the hand-over of
…" 24, "Plan the rollout of …" 14), the subtask "Book the hand-over" stood 24 times, every
milestone was "Milestone 1: <project name>", and approvals were "Approve: <any task name>",
follow-ups too ("Approve: Line up the sign-off of the load balancer config"). The measures are
in tests/realism_names.py."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import msgspec
import pytest

from engine import events as ev
from engine import scenario as sc
from engine.content import vocab_follow_ups as vf
from engine.content.task_names import approval_name
from tests import realism_probe as probe
from tests.realism_names import (
    PATTERN_WORDS,
    approvals_of_follow_ups,
    milestone_stage,
    milestones_naming_their_project,
    milestones_out_of_order,
    repeated_subtasks,
    worst_pattern,
)

AT = datetime(2026, 1, 5, 17, tzinfo=UTC)
# The most top-level tasks one name pattern may start (a real team's names vary).
MOST_PATTERN_SHARE = 0.08
# (industry, activity, seed) of 60-day runs, besides the default month.
RUNS = {
    "default": ({}, 30, None),
    "retail high": ({"industry": "retail", "activity": "high"}, 60, 9),
    "healthcare": ({"industry": "healthcare"}, 60, 11),
    "manufacturing": ({"industry": "manufacturing"}, 60, 3),
    "government": ({"industry": "government"}, 60, 5),
}


@pytest.fixture(scope="module", params=list(RUNS))
def run_events(request: pytest.FixtureRequest) -> list[ev.Event]:
    overrides, days, seed = RUNS[request.param]
    return probe.run(overrides, days=days, seed=seed)


def _created(n: int, name: str, **fields: object) -> ev.TaskCreated:
    fields.setdefault("project", "p1")
    return ev.TaskCreated(seq=n, at=AT, actor="u1", task=f"t{n}", name=name,
                          **fields)  # type: ignore[arg-type]  # fmt: skip


def test_the_measures_find_piled_up_patterns_repeated_steps_and_misnamed_tasks():
    """Salted: the measures count what the old names did, and not approvals and milestones
    as patterns."""
    project = "Orders API v2 launch"
    events = [
        ev.ProjectCreated(
            seq=1, at=AT, actor="u1", project="p1", name=project, owner="u1", team="x"
        ),
        _created(2, "Plan the rollout of the runbook"),
        _created(3, "Plan the rollout of the help center article"),
        _created(4, "Draft the pricing memo"),
        *(_created(n, "Book the hand-over", parent="t2") for n in (5, 6, 7, 8)),
        _created(9, "Milestone 1: Orders API v2 launch", subtype="milestone"),
        _created(10, "Approve: Prepare the hand-over of the runbook", subtype="approval"),
        _created(11, "Approve: Plan the rollout of the runbook", subtype="approval"),
        _created(12, "Cutover complete", subtype="milestone"),
        _created(13, "Approve the rollout plan for the runbook", subtype="approval"),
    ]
    assert worst_pattern(events) == ("Plan the rollout", 2, 3)
    assert repeated_subtasks(events) == [("Book the hand-over", 4)]
    assert [e.task for e in milestones_naming_their_project(events)] == ["t9"]
    assert [e.task for e in approvals_of_follow_ups(events)] == ["t10", "t11"]


def test_each_follow_up_pattern_starts_its_own_way():
    """Two patterns that start with the same words would count as one (the old "Line up the
    sign-off of" and "Line up the logistics for"), and every step names its subject."""
    frames = {name for table in (vf.FOLLOW_UPS, vf.NEXT_STEPS) for kinds in table.values()
              for name, _ in kinds}  # fmt: skip
    starts = [" ".join(f.format(s="the x y z").split()[:PATTERN_WORDS]) for f in frames]
    assert len(set(starts)) == len(starts), sorted(starts)
    steps = [s for table in (vf.FOLLOW_UPS, vf.NEXT_STEPS) for kinds in table.values()
             for _, ss in kinds for s in ss]  # fmt: skip
    assert all("{s}" in s for s in steps), [s for s in steps if "{s}" not in s]


def test_no_name_pattern_starts_more_than_a_few_tasks(run_events):
    pattern, count, tasks = worst_pattern(run_events)
    assert tasks > 100
    assert count <= MOST_PATTERN_SHARE * tasks, (pattern, count, tasks)


def test_no_subtask_name_repeats_more_than_three_times(run_events):
    assert repeated_subtasks(run_events) == []


def test_milestones_are_named_for_what_is_reached(run_events):
    milestones = [e for e in run_events if isinstance(e, ev.TaskCreated)
                  and e.subtype == "milestone"]  # fmt: skip
    assert milestones
    assert milestones_naming_their_project(run_events) == []


def test_an_approval_is_named_for_what_is_approved():
    """A planned task's approval by the verb that names it; one made in place of a follow-up
    approves the work by its kind; none named like a task of the project."""
    rng = random.Random(1)
    subject = "the on-call playbook"  # (a document of the technology industry)
    planned = approval_name(rng, "Revise on-call playbook", subject, True, set())
    assert planned in {"Approve the revisions to the on-call playbook",
                       "Sign off the revised text of the on-call playbook"}  # fmt: skip
    follow_up = "Second pass on the on-call playbook"
    assert approval_name(rng, follow_up, subject, False, set()) in {
        "Sign off the on-call playbook",
        "Approve the final version of the on-call playbook",
    }
    taken = {"Sign off the on-call playbook", "Approve the final version of the on-call playbook"}
    assert approval_name(rng, follow_up, subject, False, taken) is None


def test_approvals_are_made_from_base_tasks_only(run_events):
    approvals = [e for e in run_events if isinstance(e, ev.TaskCreated)
                 and e.subtype == "approval"]  # fmt: skip
    assert approvals
    assert [e.name for e in approvals_of_follow_ups(run_events)] == []
    assert not [e.name for e in approvals if e.name.startswith("Approve: ")]


def test_the_measure_finds_milestones_out_of_order():
    """Salted: a project's milestones that name an earlier stage after a later one, or are due
    before the one before them, are found; a name of no known wording is too."""

    def milestone(n: int, name: str, day: int, project: str) -> ev.TaskCreated:
        due = AT.date().replace(day=day)
        return _created(n, name, subtype="milestone", due_on=due, project=project)

    assert milestone_stage("Outline of the runbook agreed") == 0
    assert milestone_stage("Go-live of the SSO enforcement approved") == 2  # (not "{O} approved")
    events = [
        milestone(1, "Outline of the runbook agreed", 10, "p1"),
        milestone(2, "Runbook published", 20, "p1"),
        milestone(3, "Runbook published", 10, "p2"),
        milestone(4, "Outline of the runbook agreed", 20, "p2"),
        milestone(5, "Outline of the runbook agreed", 20, "p3"),
        milestone(6, "Runbook published", 10, "p3"),
        milestone(7, "Milestone 1: Orders API v2 launch", 10, "p4"),
    ]
    assert [p for p, _ in milestones_out_of_order(events)] == ["p2", "p3", "p4"]


@pytest.mark.parametrize("industry", ["technology", "healthcare"])
def test_several_milestones_of_a_project_come_in_the_order_work_reaches_them(industry):
    workspace = msgspec.structs.replace(sc.default_scenario().workspace, milestones_per_project=3)
    events = probe.run({"industry": industry, "workspace": workspace}, days=30)
    milestones = [e for e in events if isinstance(e, ev.TaskCreated) and e.subtype == "milestone"]
    assert len(milestones) >= 12
    assert milestones_out_of_order(events) == []
    assert milestones_naming_their_project(events) == []
