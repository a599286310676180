"""Folding tasks and their conversation: creation, assignment, the lifecycle, completion,
due dates, comments (questions and reviews waiting for someone), likes and followers (see
engine.state for the projection and its rules)."""

from __future__ import annotations

from typing import Final

from engine import events as ev
from engine.state import (
    ONE_STEP,
    TRANSITIONS,
    Handler,
    State,
    existing_person,
    existing_task,
    impossible,
    index_assignment,
    unindex_assignment,
)
from engine.state_views import Question, TaskView
from engine.state_workspace import check_field_value


def _task_created(state: State, e: ev.TaskCreated) -> None:
    # Fields read more than once are read once: each read of a Struct's field is a lookup.
    task_id, parent_id, assignee, subtype, at = e.task, e.parent, e.assignee, e.subtype, e.at
    if task_id in state.tasks:
        raise impossible(e, f"task {task_id!r} created twice")
    project = state.projects.get(e.project)
    if project is None:
        raise impossible(e, f"project {e.project!r} does not exist")
    if project.completed:
        raise impossible(e, f"project {e.project!r} is already complete")
    if parent_id is not None:
        parent = existing_task(state, e, parent_id)
        parent.subtasks[task_id] = None
        parent.open_subtasks += 1
    task = TaskView(
        id=task_id,
        project=project.id,
        name=e.name,
        creator=e.actor,
        created_at=at,
        parent=parent_id,
        assignee=assignee,
        due_on=e.due_on,
        last_activity=at,
        subtype=subtype,
        approval_status="pending" if subtype == "approval" else None,
    )
    if subtype == "approval" and assignee is None:
        raise impossible(e, f"approval {task_id!r} needs an approver (its assignee)")
    for tag in e.tags:
        if tag not in state.tags:
            raise impossible(e, f"tag {tag!r} does not exist")
        task.tags[tag] = None
    for field_id, value in e.custom_fields.items():
        check_field_value(state, e, project, field_id, value)
        task.custom[field_id] = value
    for follower in e.followers:
        existing_person(state, e, follower)
        task.followers[follower] = None
    state.tasks[task_id] = task
    project.tasks[task_id] = None
    names = state.open_task_names_by_team.setdefault(project.team, {})
    names[task.name] = names.get(task.name, 0) + 1
    project.open_tasks += 1
    if assignee is not None:
        existing_person(state, e, assignee)
        index_assignment(state, task)
    elif parent_id is None:
        project.unassigned[task_id] = None


def _task_assigned(state: State, e: ev.TaskAssigned) -> None:
    task = existing_task(state, e, e.task)
    existing_person(state, e, e.assignee)
    if task.assignee != e.previous:
        raise impossible(
            e, f"task {e.task!r} was assigned to {task.assignee!r}, not {e.previous!r}"
        )
    unindex_assignment(state, task)
    task.assignee = e.assignee
    index_assignment(state, task)
    state.projects[task.project].unassigned.pop(e.task, None)
    task.last_activity = e.at


def _task_state_changed(state: State, e: ev.TaskStateChanged) -> None:
    task_id, new_state, blocked_by = e.task, e.state, e.blocked_by  # read once: lookups
    task = existing_task(state, e, task_id)
    if task.state != e.previous:
        raise impossible(e, f"task {task_id!r} is {task.state!r}, not {e.previous!r}")
    one_step = task.subtype in ONE_STEP and task.state == "new" and new_state == "done"
    if new_state not in TRANSITIONS[task.state] and not one_step:
        raise impossible(e, f"task {task_id!r} cannot go from {task.state!r} to {new_state!r}")
    if blocked_by is not None:
        if new_state != "blocked" or blocked_by not in task.depends_on:
            raise impossible(
                e, f"task {task_id!r} cannot be blocked by {blocked_by!r}: not its dependency"
            )
        if existing_task(state, e, blocked_by).completed:
            raise impossible(e, f"task {task_id!r} cannot wait on {blocked_by!r}: it is complete")
    task.blocked_by = blocked_by
    task.blocker = None  # a new block gives its reason in the comment that follows
    if task.state == "done" and task.completed:
        raise impossible(e, f"task {task_id!r} must be reopened before it moves out of done")
    if task.state == "in_review" and task.reviewer is not None:
        state.reviews[task.reviewer].pop(task_id, None)
    unindex_assignment(state, task)
    task.state = new_state
    index_assignment(state, task)
    task.approved = False
    task.last_activity = e.at


def _task_completed(state: State, e: ev.TaskCompleted) -> None:
    task = existing_task(state, e, e.task)
    if task.completed:
        raise impossible(e, f"task {e.task!r} is already complete")
    if task.state != "done":
        raise impossible(e, f"task {e.task!r} completed while {task.state!r}")
    if task.approval_status == "pending":
        raise impossible(e, f"approval {e.task!r} completed before it was decided")
    if not state.allow_open_dependencies:
        open_deps = [
            d for d in task.depends_on if d in state.tasks and not state.tasks[d].completed
        ]
        if open_deps:
            raise impossible(e, f"task {e.task!r} completed while it waits on {open_deps[0]!r}")
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
    task = existing_task(state, e, e.task)
    if not task.completed:
        raise impossible(e, f"task {e.task!r} is not complete")
    task.completed = False
    task.last_activity = e.at
    state.projects[task.project].open_tasks += 1
    if task.parent is not None:
        state.tasks[task.parent].open_subtasks += 1


def _due_date_changed(state: State, e: ev.DueDateChanged) -> None:
    task = existing_task(state, e, e.task)
    if task.due_on != e.previous:
        raise impossible(e, f"task {e.task!r} was due {task.due_on}, not {e.previous}")
    task.due_on = e.due_on


def _comment_added(state: State, e: ev.CommentAdded) -> None:
    task_id, at, to, kind = e.task, e.at, e.to, e.kind  # read once: each read is a lookup
    task = existing_task(state, e, task_id)
    state.comments += 1
    task.comments += 1
    task.last_activity = at
    if to is not None:
        existing_person(state, e, to)
    if kind == "progress":
        day = at.astimezone(state.people[e.actor].tz).date()
        if task.notes_day != day:
            task.notes_day, task.notes_that_day = day, 0
        task.notes_that_day += 1
    elif kind == "blocked":
        if task.blocker is None and task.state == "blocked":
            task.blocker = e.comment
    elif kind in ("question", "where_is") and to is not None:
        state.asked[to][e.comment] = Question(
            task=task_id, asker=e.actor, at=at, kind=kind, text=e.text
        )
        if kind == "question":
            task.asked += (e.text,)
            task.open_questions += ((e.comment, to),)
    elif kind in ("answer", "sorry_for_delay"):
        pending = state.asked[e.actor]
        for comment_id in [c for c, q in pending.items() if q.task == task_id]:
            del pending[comment_id]
        if task.open_questions:  # (answered all at once, as those kept under the answerer)
            task.open_questions = tuple(q for q in task.open_questions if q[1] != e.actor)
    elif kind == "review_request" and to is not None:
        task.reviewer = to
        state.reviews[to][task_id] = None
    elif kind == "review_feedback":
        state.reviews[e.actor].pop(task_id, None)
        task.approved = task.state == "in_review"


def _task_liked(state: State, e: ev.TaskLiked) -> None:
    existing_task(state, e, e.task).likers[e.actor] = None


def _follower_added(state: State, e: ev.FollowerAdded) -> None:
    existing_person(state, e, e.follower)
    existing_task(state, e, e.task).followers[e.follower] = None


TASK_HANDLERS: Final[dict[type, Handler]] = {
    ev.TaskCreated: _task_created,
    ev.TaskAssigned: _task_assigned,
    ev.TaskStateChanged: _task_state_changed,
    ev.TaskCompleted: _task_completed,
    ev.TaskReopened: _task_reopened,
    ev.DueDateChanged: _due_date_changed,
    ev.CommentAdded: _comment_added,
    ev.TaskLiked: _task_liked,
    ev.FollowerAdded: _follower_added,
}
