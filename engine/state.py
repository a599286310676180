"""The projection: ``fold(state, event)`` turns a log into what exists now.

The simulation chooses every action from this state, replay asks it what must exist before
an event, and tests fold whole logs through it: it refuses an impossible history (a comment
on a task that does not exist, completion before creation, work by someone who is away) with
``ImpossibleEvent`` naming the seq.

Collections that the world picks from are dicts used as ordered sets: iteration order must
not depend on string hashing, or the same seed would give different runs.

This module holds the state, the rules every event obeys, people and projects; what the state
holds is in ``engine.state_views``; tasks and their conversation fold in
``engine.state_tasks``, workspace objects in ``engine.state_workspace``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from engine import events as ev
from engine.errors import BusyworkError
from engine.state_views import (
    Assignments,
    FieldView,
    PersonView,
    PortfolioView,
    ProjectView,
    Question,
    TaskView,
)

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "new": frozenset({"in_progress"}),
    "in_progress": frozenset({"blocked", "in_review", "done"}),  # done: subtasks, no reviewer
    "blocked": frozenset({"in_progress"}),
    "in_review": frozenset({"in_progress", "done"}),
    "done": frozenset({"in_progress"}),  # only after TaskReopened
}
# Milestones are reached and approvals decided in one step.
ONE_STEP: Final = frozenset({"milestone", "approval"})


class ImpossibleEvent(BusyworkError):
    """An event contradicts what the log says happened before it."""


@dataclass(slots=True)
class State:
    # Whether a task may be completed while a task it depends on is open (scenario policy).
    allow_open_dependencies: bool = False
    last_seq: int = 0
    last_at: datetime | None = None
    people: dict[str, PersonView] = field(default_factory=dict)
    projects: dict[str, ProjectView] = field(default_factory=dict)
    tasks: dict[str, TaskView] = field(default_factory=dict)
    comments: int = 0
    status_updates: int = 0
    assigned: dict[str, Assignments] = field(default_factory=dict)  # person → open tasks
    open_projects: dict[str, None] = field(default_factory=dict)
    # owner → their open projects; team → its open projects (managers look here often)
    open_projects_by_owner: dict[str, dict[str, None]] = field(default_factory=dict)
    open_projects_by_team: dict[str, dict[str, None]] = field(default_factory=dict)
    # team → {name: how many of its open projects' tasks have it} (a follow-up is named unlike
    # each: engine.scope; kept here, not gathered from the projects at every follow-up)
    open_task_names_by_team: dict[str, dict[str, int]] = field(default_factory=dict)
    # person → {comment id: question} of questions / where-is addressed to them, unanswered
    asked: dict[str, dict[str, Question]] = field(default_factory=dict)
    custom_fields: dict[str, FieldView] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # tag id → name
    portfolios: dict[str, PortfolioView] = field(default_factory=dict)
    # tasks completed lately, newest last (teammates like and follow from here)
    recently_completed: deque[str] = field(default_factory=lambda: deque(maxlen=30))
    # person → {task id: None} waiting for their review
    reviews: dict[str, dict[str, None]] = field(default_factory=dict)


# Folds one event type into the state; the handler tables are keyed by that type.
Handler = Callable[[State, Any], None]


def index_assignment(state: State, task: TaskView) -> None:
    if task.assignee is not None and task.state != "done":
        state.assigned[task.assignee].in_state(task.state)[task.id] = task


def unindex_assignment(state: State, task: TaskView) -> None:
    if task.assignee is not None and task.state != "done":
        del state.assigned[task.assignee].in_state(task.state)[task.id]


# Final: compiled code keeps it in a C static instead of looking it up in `ev` per event.
_PERSON_JOINED: Final = ev.PersonJoined


def fold(state: State, event: ev.Event) -> State:
    """Apply one event to the state (in place, for speed) and return it."""
    seq, at, kind = event.seq, event.at, type(event)  # each read of a Struct's field is a lookup
    if seq != state.last_seq + 1:
        raise ImpossibleEvent(f"seq {seq}: expected seq {state.last_seq + 1}")
    if state.last_at is not None and at < state.last_at:
        raise ImpossibleEvent(f"seq {seq}: time goes backwards ({at} < {state.last_at})")
    handler = _HANDLERS[kind]
    if kind is not _PERSON_JOINED:
        _check_actor(state, event)
    handler(state, event)
    state.last_seq = seq
    state.last_at = at
    return state


def impossible(event: ev.Event, why: str) -> ImpossibleEvent:
    return ImpossibleEvent(f"seq {event.seq} ({type(event).__name__}): {why}")


def _check_actor(state: State, event: ev.Event) -> None:
    person = state.people.get(event.actor)
    if person is None:
        raise impossible(event, f"actor {event.actor!r} has not joined")
    if person.away is not None and type(event) is not ev.PersonReturned:
        local_day = event.at.astimezone(person.tz).date()
        if person.away[0] <= local_day <= person.away[1]:
            raise impossible(event, f"actor {event.actor!r} is out of office on {local_day}")


def existing_task(state: State, event: ev.Event, task_id: str) -> TaskView:
    task = state.tasks.get(task_id)
    if task is None:
        # Tasks of completed projects are forgotten, so memory stays flat in run length.
        raise impossible(event, f"task {task_id!r} does not exist (or its project is complete)")
    return task


def existing_person(state: State, event: ev.Event, person_id: str) -> PersonView:
    person = state.people.get(person_id)
    if person is None:
        raise impossible(event, f"person {person_id!r} has not joined")
    return person


def _person_joined(state: State, e: ev.PersonJoined) -> None:
    if e.person in state.people:
        raise impossible(e, f"person {e.person!r} joined twice")
    if e.actor != e.person:
        raise impossible(e, "a person joins by themself")
    state.people[e.person] = PersonView(
        id=e.person,
        name=e.name,
        email=e.email,
        role=e.role,
        timezone=e.timezone,
        team=e.team,
        tz=ZoneInfo(e.timezone),
    )
    state.assigned[e.person] = Assignments()
    state.asked[e.person] = {}
    state.reviews[e.person] = {}


def _project_created(state: State, e: ev.ProjectCreated) -> None:
    if e.project in state.projects:
        raise impossible(e, f"project {e.project!r} created twice")
    existing_person(state, e, e.owner)
    for member in e.members:
        existing_person(state, e, member)
    for field_id in e.custom_fields:
        if field_id not in state.custom_fields:
            raise impossible(e, f"custom field {field_id!r} does not exist")
    state.projects[e.project] = ProjectView(
        id=e.project,
        name=e.name,
        owner=e.owner,
        team=e.team,
        created_at=e.at,
        members=dict.fromkeys(e.members),
        custom_fields=e.custom_fields,
    )
    state.open_projects[e.project] = None
    state.open_projects_by_owner.setdefault(e.owner, {})[e.project] = None
    state.open_projects_by_team.setdefault(e.team, {})[e.project] = None


def _section_created(state: State, e: ev.SectionCreated) -> None:
    project = state.projects.get(e.project)
    if project is None:
        raise impossible(e, f"project {e.project!r} does not exist")
    if e.state:
        project.sections[e.state] = e.section


def _status_update_posted(state: State, e: ev.StatusUpdatePosted) -> None:
    project = state.projects.get(e.project)
    if project is None:
        raise impossible(e, f"project {e.project!r} does not exist")
    project.last_status_at = e.at
    project.last_status_type = e.status_type
    state.status_updates += 1


def _project_completed(state: State, e: ev.ProjectCompleted) -> None:
    project = state.projects.get(e.project)
    if project is None:
        raise impossible(e, f"project {e.project!r} does not exist")
    if project.completed:
        raise impossible(e, f"project {e.project!r} is already complete")
    if project.open_tasks:
        raise impossible(e, f"project {e.project!r} completed with {project.open_tasks} open tasks")
    project.completed = True
    names = state.open_task_names_by_team.setdefault(project.team, {})
    for task_id in project.tasks:
        name = state.tasks.pop(task_id).name
        left = names[name] - 1
        if left:
            names[name] = left
        else:
            del names[name]
    for pending in state.asked.values():  # nobody will answer about a closed project
        for comment_id in [c for c, q in pending.items() if q.task in project.tasks]:
            del pending[comment_id]
    # A finished project stays only as its name, owner and outcome (portfolios count it):
    # what it held is released, so memory stays flat in run length.
    for held in (project.tasks, project.sections, project.members, project.unassigned):
        held.clear()
    del state.open_projects[e.project]
    del state.open_projects_by_owner[project.owner][e.project]
    del state.open_projects_by_team[project.team][e.project]


def _person_went_out_of_office(state: State, e: ev.PersonWentOutOfOffice) -> None:
    person = existing_person(state, e, e.person)
    if e.end_on < e.start_on:
        raise impossible(e, f"out of office ends {e.end_on} before it starts {e.start_on}")
    person.away = (e.start_on, e.end_on)


def _person_returned(state: State, e: ev.PersonReturned) -> None:
    person = existing_person(state, e, e.person)
    if person.away is None:
        raise impossible(e, f"person {e.person!r} was not away")
    person.away = None


from engine.state_tasks import TASK_HANDLERS  # noqa: E402
from engine.state_workspace import WORKSPACE_HANDLERS  # noqa: E402

_HANDLERS: Final[dict[type, Handler]] = {
    **TASK_HANDLERS,
    **WORKSPACE_HANDLERS,
    ev.PersonJoined: _person_joined,
    ev.ProjectCreated: _project_created,
    ev.SectionCreated: _section_created,
    ev.StatusUpdatePosted: _status_update_posted,
    ev.ProjectCompleted: _project_completed,
    ev.PersonWentOutOfOffice: _person_went_out_of_office,
    ev.PersonReturned: _person_returned,
}
