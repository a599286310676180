"""The projection: ``fold(state, event)`` turns a log into what exists now.

The simulation chooses every action from this state, replay asks it what must exist before
an event, and tests fold whole logs through it: it refuses an impossible history (a comment
on a task that does not exist, completion before creation, work by someone who is away) with
``ImpossibleEvent`` naming the seq.

Collections that the world picks from are dicts used as ordered sets: iteration order must
not depend on string hashing, or the same seed would give different runs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from engine import events as ev
from engine.errors import BusyworkError

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"in_progress"}),
    "in_progress": frozenset({"blocked", "in_review", "done"}),  # done: subtasks, no reviewer
    "blocked": frozenset({"in_progress"}),
    "in_review": frozenset({"in_progress", "done"}),
    "done": frozenset({"in_progress"}),  # only after TaskReopened
}
# Milestones are reached and approvals decided in one step.
ONE_STEP = frozenset({"milestone", "approval"})


class ImpossibleEvent(BusyworkError):
    """An event contradicts what the log says happened before it."""


@dataclass(slots=True)
class PersonView:
    id: str
    name: str
    email: str
    role: str
    timezone: str
    team: str
    tz: ZoneInfo
    away: tuple[date, date] | None = None


@dataclass(slots=True)
class ProjectView:
    id: str
    name: str
    owner: str
    team: str
    created_at: datetime
    sections: dict[str, str] = field(default_factory=dict)  # lifecycle state → section id
    tasks: dict[str, None] = field(default_factory=dict)
    unassigned: dict[str, None] = field(default_factory=dict)  # open top-level tasks, no assignee
    open_tasks: int = 0  # tasks and subtasks not completed
    completed: bool = False
    last_status_at: datetime | None = None
    last_status_type: str | None = None
    members: dict[str, None] = field(default_factory=dict)
    custom_fields: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class FieldView:
    id: str
    name: str
    kind: str
    options: tuple[str, ...]


@dataclass(slots=True)
class PortfolioView:
    id: str
    name: str
    owner: str
    projects: dict[str, None] = field(default_factory=dict)
    last_status_at: datetime | None = None


@dataclass(slots=True)
class TaskView:
    id: str
    project: str
    name: str
    creator: str
    created_at: datetime
    parent: str | None
    assignee: str | None
    state: str = "new"
    due_on: date | None = None
    completed: bool = False
    completed_at: datetime | None = None
    approved: bool = False
    reviewer: str | None = None
    followers: dict[str, None] = field(default_factory=dict)
    likers: dict[str, None] = field(default_factory=dict)
    comments: int = 0
    last_activity: datetime | None = None
    subtasks: dict[str, None] = field(default_factory=dict)
    open_subtasks: int = 0
    subtype: str = "default_task"
    custom: dict[str, str | float] = field(default_factory=dict)
    tags: dict[str, None] = field(default_factory=dict)
    depends_on: dict[str, None] = field(default_factory=dict)
    dependents: dict[str, None] = field(default_factory=dict)
    blocked_by: str | None = None
    approval_status: str | None = None  # approvals: pending until decided


@dataclass(slots=True, frozen=True)
class Question:
    """A question or where-is waiting for an answer from the person it was put to."""

    task: str
    asker: str
    at: datetime


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
    # Tasks of completed projects: forgotten (memory stays flat in run length), ids kept.
    archived: set[str] = field(default_factory=set)
    status_updates: int = 0
    # person → lifecycle state → tasks assigned to them in that state (done tasks are not kept)
    assigned: dict[str, dict[str, dict[str, None]]] = field(default_factory=dict)
    open_counts: dict[str, int] = field(default_factory=dict)  # person → open assigned tasks
    open_projects: dict[str, None] = field(default_factory=dict)
    # owner → their open projects; team → its open projects (managers look here often)
    open_projects_by_owner: dict[str, dict[str, None]] = field(default_factory=dict)
    open_projects_by_team: dict[str, dict[str, None]] = field(default_factory=dict)
    # person → {comment id: question} of questions / where-is addressed to them, unanswered
    asked: dict[str, dict[str, Question]] = field(default_factory=dict)
    custom_fields: dict[str, FieldView] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # tag id → name
    portfolios: dict[str, PortfolioView] = field(default_factory=dict)
    # tasks completed lately, newest last (teammates like and follow from here)
    recently_completed: deque[str] = field(default_factory=lambda: deque(maxlen=30))
    # person → {task id: None} waiting for their review
    reviews: dict[str, dict[str, None]] = field(default_factory=dict)


def open_count(state: State, person: str) -> int:
    return state.open_counts[person]


def _index(state: State, task: TaskView) -> None:
    if task.assignee is not None and task.state != "done":
        state.assigned[task.assignee][task.state][task.id] = None
        state.open_counts[task.assignee] += 1


def _unindex(state: State, task: TaskView) -> None:
    if task.assignee is not None and task.state != "done":
        del state.assigned[task.assignee][task.state][task.id]
        state.open_counts[task.assignee] -= 1


def fold(state: State, event: ev.Event) -> State:
    """Apply one event to the state (in place, for speed) and return it."""
    if event.seq != state.last_seq + 1:
        raise ImpossibleEvent(f"seq {event.seq}: expected seq {state.last_seq + 1}")
    if state.last_at is not None and event.at < state.last_at:
        raise ImpossibleEvent(
            f"seq {event.seq}: time goes backwards ({event.at} < {state.last_at})"
        )
    handler = _HANDLERS[type(event)]
    if type(event) is not ev.PersonJoined:
        _check_actor(state, event)
    handler(state, event)
    state.last_seq = event.seq
    state.last_at = event.at
    return state


def _fail(event: ev.Event, why: str) -> ImpossibleEvent:
    return ImpossibleEvent(f"seq {event.seq} ({type(event).__name__}): {why}")


def _check_actor(state: State, event: ev.Event) -> None:
    person = state.people.get(event.actor)
    if person is None:
        raise _fail(event, f"actor {event.actor!r} has not joined")
    if person.away is not None and type(event) is not ev.PersonReturned:
        local_day = event.at.astimezone(person.tz).date()
        if person.away[0] <= local_day <= person.away[1]:
            raise _fail(event, f"actor {event.actor!r} is out of office on {local_day}")


def _task(state: State, event: ev.Event, task_id: str) -> TaskView:
    task = state.tasks.get(task_id)
    if task is None:
        if task_id in state.archived:
            raise _fail(event, f"task {task_id!r} belongs to a completed project")
        raise _fail(event, f"task {task_id!r} does not exist")
    return task


def _person(state: State, event: ev.Event, person_id: str) -> PersonView:
    person = state.people.get(person_id)
    if person is None:
        raise _fail(event, f"person {person_id!r} has not joined")
    return person


def _person_joined(state: State, e: ev.PersonJoined) -> None:
    if e.person in state.people:
        raise _fail(e, f"person {e.person!r} joined twice")
    if e.actor != e.person:
        raise _fail(e, "a person joins by themself")
    state.people[e.person] = PersonView(
        id=e.person,
        name=e.name,
        email=e.email,
        role=e.role,
        timezone=e.timezone,
        team=e.team,
        tz=ZoneInfo(e.timezone),
    )
    state.assigned[e.person] = {s: {} for s in TRANSITIONS if s != "done"}
    state.open_counts[e.person] = 0
    state.asked[e.person] = {}
    state.reviews[e.person] = {}


def _project_created(state: State, e: ev.ProjectCreated) -> None:
    if e.project in state.projects:
        raise _fail(e, f"project {e.project!r} created twice")
    _person(state, e, e.owner)
    for member in e.members:
        _person(state, e, member)
    for field_id in e.custom_fields:
        if field_id not in state.custom_fields:
            raise _fail(e, f"custom field {field_id!r} does not exist")
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
        raise _fail(e, f"project {e.project!r} does not exist")
    if e.state:
        project.sections[e.state] = e.section


def _task_created(state: State, e: ev.TaskCreated) -> None:
    if e.task in state.tasks:
        raise _fail(e, f"task {e.task!r} created twice")
    project = state.projects.get(e.project)
    if project is None:
        raise _fail(e, f"project {e.project!r} does not exist")
    if project.completed:
        raise _fail(e, f"project {e.project!r} is already complete")
    if e.parent is not None:
        parent = _task(state, e, e.parent)
        parent.subtasks[e.task] = None
        parent.open_subtasks += 1
    task = TaskView(
        id=e.task,
        project=e.project,
        name=e.name,
        creator=e.actor,
        created_at=e.at,
        parent=e.parent,
        assignee=e.assignee,
        due_on=e.due_on,
        last_activity=e.at,
        subtype=e.subtype,
        approval_status="pending" if e.subtype == "approval" else None,
    )
    if e.subtype == "approval" and e.assignee is None:
        raise _fail(e, f"approval {e.task!r} needs an approver (its assignee)")
    for tag in e.tags:
        if tag not in state.tags:
            raise _fail(e, f"tag {tag!r} does not exist")
        task.tags[tag] = None
    for field_id, value in e.custom_fields.items():
        check_field_value(state, e, project, field_id, value)
        task.custom[field_id] = value
    for follower in e.followers:
        _person(state, e, follower)
        task.followers[follower] = None
    state.tasks[e.task] = task
    project.tasks[e.task] = None
    project.open_tasks += 1
    if e.assignee is not None:
        _person(state, e, e.assignee)
        _index(state, task)
    elif e.parent is None:
        project.unassigned[e.task] = None


def _task_assigned(state: State, e: ev.TaskAssigned) -> None:
    task = _task(state, e, e.task)
    _person(state, e, e.assignee)
    if task.assignee != e.previous:
        raise _fail(e, f"task {e.task!r} was assigned to {task.assignee!r}, not {e.previous!r}")
    _unindex(state, task)
    task.assignee = e.assignee
    _index(state, task)
    state.projects[task.project].unassigned.pop(e.task, None)
    task.last_activity = e.at


def _task_state_changed(state: State, e: ev.TaskStateChanged) -> None:
    task = _task(state, e, e.task)
    if task.state != e.previous:
        raise _fail(e, f"task {e.task!r} is {task.state!r}, not {e.previous!r}")
    one_step = task.subtype in ONE_STEP and task.state == "new" and e.state == "done"
    if e.state not in TRANSITIONS[task.state] and not one_step:
        raise _fail(e, f"task {e.task!r} cannot go from {task.state!r} to {e.state!r}")
    if e.blocked_by is not None:
        if e.state != "blocked" or e.blocked_by not in task.depends_on:
            raise _fail(
                e, f"task {e.task!r} cannot be blocked by {e.blocked_by!r}: not its dependency"
            )
        if _task(state, e, e.blocked_by).completed:
            raise _fail(e, f"task {e.task!r} cannot wait on {e.blocked_by!r}: it is complete")
    task.blocked_by = e.blocked_by
    if task.state == "done" and task.completed:
        raise _fail(e, f"task {e.task!r} must be reopened before it moves out of done")
    if task.state == "in_review" and task.reviewer is not None:
        state.reviews[task.reviewer].pop(e.task, None)
    _unindex(state, task)
    task.state = e.state
    _index(state, task)
    task.approved = False
    task.last_activity = e.at


def _task_completed(state: State, e: ev.TaskCompleted) -> None:
    task = _task(state, e, e.task)
    if task.completed:
        raise _fail(e, f"task {e.task!r} is already complete")
    if task.state != "done":
        raise _fail(e, f"task {e.task!r} completed while {task.state!r}")
    if task.approval_status == "pending":
        raise _fail(e, f"approval {e.task!r} completed before it was decided")
    if not state.allow_open_dependencies:
        open_deps = [
            d for d in task.depends_on if d in state.tasks and not state.tasks[d].completed
        ]
        if open_deps:
            raise _fail(e, f"task {e.task!r} completed while it waits on {open_deps[0]!r}")
    task.completed = True
    task.completed_at = e.at
    task.last_activity = e.at
    project = state.projects[task.project]
    project.unassigned.pop(e.task, None)
    project.open_tasks -= 1
    if task.parent is None:
        state.recently_completed.append(e.task)
    else:
        state.tasks[task.parent].open_subtasks -= 1


def _task_reopened(state: State, e: ev.TaskReopened) -> None:
    task = _task(state, e, e.task)
    if not task.completed:
        raise _fail(e, f"task {e.task!r} is not complete")
    task.completed = False
    task.last_activity = e.at
    state.projects[task.project].open_tasks += 1
    if task.parent is not None:
        state.tasks[task.parent].open_subtasks += 1


def _due_date_changed(state: State, e: ev.DueDateChanged) -> None:
    task = _task(state, e, e.task)
    if task.due_on != e.previous:
        raise _fail(e, f"task {e.task!r} was due {task.due_on}, not {e.previous}")
    task.due_on = e.due_on


def _comment_added(state: State, e: ev.CommentAdded) -> None:
    task = _task(state, e, e.task)
    state.comments += 1
    task.comments += 1
    task.last_activity = e.at
    kind = e.kind
    if e.to is not None:
        _person(state, e, e.to)
    if kind in ("question", "where_is") and e.to is not None:
        state.asked[e.to][e.comment] = Question(task=e.task, asker=e.actor, at=e.at)
    elif kind in ("answer", "sorry_for_delay"):
        pending = state.asked[e.actor]
        for comment_id in [c for c, q in pending.items() if q.task == e.task]:
            del pending[comment_id]
    elif kind == "review_request" and e.to is not None:
        task.reviewer = e.to
        state.reviews[e.to][e.task] = None
    elif kind == "review_feedback":
        state.reviews[e.actor].pop(e.task, None)
        task.approved = task.state == "in_review"


def _task_liked(state: State, e: ev.TaskLiked) -> None:
    _task(state, e, e.task).likers[e.actor] = None


def _follower_added(state: State, e: ev.FollowerAdded) -> None:
    _person(state, e, e.follower)
    _task(state, e, e.task).followers[e.follower] = None


def _status_update_posted(state: State, e: ev.StatusUpdatePosted) -> None:
    project = state.projects.get(e.project)
    if project is None:
        raise _fail(e, f"project {e.project!r} does not exist")
    project.last_status_at = e.at
    project.last_status_type = e.status_type
    state.status_updates += 1


def _project_completed(state: State, e: ev.ProjectCompleted) -> None:
    project = state.projects.get(e.project)
    if project is None:
        raise _fail(e, f"project {e.project!r} does not exist")
    if project.completed:
        raise _fail(e, f"project {e.project!r} is already complete")
    if project.open_tasks:
        raise _fail(e, f"project {e.project!r} completed with {project.open_tasks} open tasks")
    project.completed = True
    for task_id in project.tasks:
        del state.tasks[task_id]
    state.archived.update(project.tasks)
    for pending in state.asked.values():  # nobody will answer about a closed project
        for comment_id in [c for c, q in pending.items() if q.task in project.tasks]:
            del pending[comment_id]
    project.tasks.clear()
    del state.open_projects[e.project]
    del state.open_projects_by_owner[project.owner][e.project]
    del state.open_projects_by_team[project.team][e.project]


def _person_went_out_of_office(state: State, e: ev.PersonWentOutOfOffice) -> None:
    person = _person(state, e, e.person)
    if e.end_on < e.start_on:
        raise _fail(e, f"out of office ends {e.end_on} before it starts {e.start_on}")
    person.away = (e.start_on, e.end_on)


def _person_returned(state: State, e: ev.PersonReturned) -> None:
    person = _person(state, e, e.person)
    if person.away is None:
        raise _fail(e, f"person {e.person!r} was not away")
    person.away = None


from engine.state_workspace import WORKSPACE_HANDLERS, check_field_value  # noqa: E402

_HANDLERS = {
    **WORKSPACE_HANDLERS,
    ev.PersonJoined: _person_joined,
    ev.ProjectCreated: _project_created,
    ev.SectionCreated: _section_created,
    ev.TaskCreated: _task_created,
    ev.TaskAssigned: _task_assigned,
    ev.TaskStateChanged: _task_state_changed,
    ev.TaskCompleted: _task_completed,
    ev.TaskReopened: _task_reopened,
    ev.DueDateChanged: _due_date_changed,
    ev.CommentAdded: _comment_added,
    ev.TaskLiked: _task_liked,
    ev.FollowerAdded: _follower_added,
    ev.StatusUpdatePosted: _status_update_posted,
    ev.ProjectCompleted: _project_completed,
    ev.PersonWentOutOfOffice: _person_went_out_of_office,
    ev.PersonReturned: _person_returned,
}
