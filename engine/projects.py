"""How managers run projects: close finished ones, report status, create projects and their
tasks (`engine.project_starts`), hand out work, and chase tasks that went quiet."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Final

from engine import events as ev
from engine.draws import pick
from engine.moves import (
    assign,
    at_work,
    comment,
    follow,
    handled,
    move,
    noticed,
    person_ref,
    teammates,
    waits_for_work,
)
from engine.people import Actor
from engine.project_starts import create_tasks, start_project
from engine.scope import (
    grow_project,
    own_open_projects,
)
from engine.state_views import MAX_QUESTIONS_PER_TASK, ProjectView, TaskView
from engine.workspace import first_startable, set_up_workspace
from engine.workspace_decisions import reach_milestones, run_portfolio
from engine.world import World

# A task quiet for this many whole working days of its assignee gets a "where is ...?"
QUIET_WORKING_DAYS: Final = 3
REOPEN_WINDOW_SECONDS: Final = 3 * 86400
# Chance that a manager's otherwise idle moment goes on a question about a running task
# (about one a working day at 22 actions a day).
MANAGER_QUESTION_PROBABILITY: Final = 0.1


def run_projects(world: World, actor: Actor) -> bool:
    for step in (
        set_up_workspace,
        reach_milestones,
        run_portfolio,
        _close_finished,
        _post_status,
        create_tasks,
        start_project,
        _assign,  # before growing: an idle contractor gets what is there first
        grow_project,
        _ask_question,
        _chase_quiet,
        _reopen,
    ):
        if step(world, actor):
            return True
    return False


def _close_finished(world: World, actor: Actor) -> bool:
    for project in own_open_projects(world, actor):
        if world.task_queue.get(project.id) or not project.tasks:
            continue
        if project.open_tasks == 0:
            _status_update(world, actor, project, "complete")
            finished = list(project.tasks)
            world.emit(
                ev.ProjectCompleted(world.next_seq(), world.now, actor.id, project=project.id)
            )
            for task_id in finished:  # the projection forgets them; so does the world
                world.subjects.pop(task_id, None)
                world.task_work.pop(task_id, None)
                world.blocked_until.pop(task_id, None)
            world.task_queue.pop(project.id, None)
            world.spare_tasks.pop(project.id, None)
            world.grown.pop(project.id, None)
            world.followed_up.difference_update(finished)
            world.judged_done.difference_update(finished)
            return True
    return False


def _post_status(world: World, actor: Actor) -> bool:
    # Moments are whole seconds, so "at least `every` seconds ago" is "at or before the moment
    # ceil(every) seconds ago": one datetime comparison a project, no timedelta each.
    every = timedelta(seconds=math.ceil(world.rates.status_update_every_seconds))
    posted_by = world.now - every
    for project in own_open_projects(world, actor):
        last = project.last_status_at or project.created_at
        if last <= posted_by and noticed(actor, "s" + project.id):
            handled(actor, "s" + project.id)
            _status_update(world, actor, project, _health(world, actor, project))
            return True
    return False


def _health(world: World, actor: Actor, project: ProjectView) -> ev.StatusType:
    tasks = [world.state.tasks[t] for t in project.tasks]
    open_tasks = [t for t in tasks if not t.completed]
    if not open_tasks:
        return "on_track"
    today = world.local_today(actor)
    overdue = sum(1 for t in open_tasks if t.due_on is not None and t.due_on < today)
    blocked = sum(1 for t in open_tasks if t.state == "blocked")
    share = (overdue + blocked) / len(open_tasks)
    if share > 0.35:
        return "off_track"
    if share > 0.1:
        return "at_risk"
    return "on_track"


def _status_update(
    world: World, actor: Actor, project: ProjectView, status_type: ev.StatusType
) -> None:
    tasks = [world.state.tasks[t] for t in project.tasks]
    done = sum(1 for t in tasks if t.completed)
    title, text = world.content.status_update(
        world.content_rng,
        project_name=project.name,
        status_type=status_type,
        done=done,
        total=len(tasks) + len(world.task_queue.get(project.id, ())),
        author=person_ref(world, actor.id),
        blocked=sum(1 for t in tasks if t.state == "blocked" and not t.completed),
    )
    world.emit(
        ev.StatusUpdatePosted(
            world.next_seq(),
            world.now,
            actor.id,
            status_update=world.next_id("su"),
            project=project.id,
            status_type=status_type,
            title=title,
            text=text,
        )
    )


def _assign(world: World, actor: Actor) -> bool:
    """Hand out an unassigned task: now and then to whoever has least, at once to someone with
    nothing at all or to a contractor with room for one (they do not pick up work on their
    own, and would sit idle)."""
    assigned = world.state.assigned
    people = [
        a
        for a in teammates(world, actor)
        if a.role != "manager" and world.state.people[a.id].away is None
    ]
    idle = [a for a in people if not assigned[a.id].count or waits_for_work(world, a)]
    if not people or (not idle and actor.rng.random() < 0.5):
        return False
    for project in own_open_projects(world, actor):
        if project.unassigned:
            # One that can start first (a task waiting on an open one can be planned ahead).
            task_id = first_startable(world, project.unassigned) or next(iter(project.unassigned))
            assignee = min(idle or people, key=lambda a: (assigned[a.id].count, a.id))
            assign(world, actor, task_id, assignee.id)
            return True
    return False


def _ask_question(world: World, actor: Actor) -> bool:
    """Managers ask too: a question to whoever works on a running task of theirs (at work, not
    asked about it already), and they follow the task from then on."""
    rng = actor.rng
    if rng.random() >= MANAGER_QUESTION_PROBABILITY:
        return False
    state = world.state
    candidates: list[TaskView] = []
    for project in own_open_projects(world, actor):
        for task_id in project.tasks:
            task = state.tasks[task_id]
            if (
                task.state in ("in_progress", "in_review")
                and task.parent is None
                and task.assignee not in (None, actor.id)
            ):
                candidates.append(task)
    if not candidates:
        return False
    task = pick(rng, candidates)
    assignee = task.assignee
    if assignee is None or not at_work(world, assignee):
        return False
    if len(task.asked) >= MAX_QUESTIONS_PER_TASK or any(
        q.task == task.id for q in state.asked[assignee].values()
    ):
        return False
    comment(world, actor, task, "question", to=assignee, outcome="theirs")
    follow(world, actor, task.id)
    return True


def _chase_quiet(world: World, actor: Actor) -> bool:
    today = world.local_today(actor)
    # Look for quiet tasks once a day, at some moment of it (not always at its first).
    if actor.last_chase_day == today or not noticed(actor, "chase"):
        return False
    actor.last_chase_day = today
    handled(actor, "chase")
    state = world.state
    for project in own_open_projects(world, actor):
        for task_id in project.tasks:
            task = state.tasks[task_id]
            if (
                task.completed
                or task.assignee in (None, actor.id)
                or task.parent is not None
                or task.state == "blocked"
                # not started yet: worth asking about once it is overdue
                or (task.state == "new" and (task.due_on is None or task.due_on >= today))
            ):
                continue
            quiet_since = task.last_activity
            if quiet_since is None or (world.now - quiet_since).days < QUIET_WORKING_DAYS:
                continue  # (a cheap first sieve: working days are fewer than calendar days)
            if not _quiet_long_enough(world, task.assignee, quiet_since):
                continue
            asked = state.asked[task.assignee]
            if any(q.task == task_id for q in asked.values()):
                continue
            comment(world, actor, task, "where_is", to=task.assignee)
            return True
    return False


def _quiet_long_enough(world: World, person: str, since: datetime) -> bool:
    """Whether `person` is at work today and has let QUIET_WORKING_DAYS of their own working
    days pass since `since` (days off, holidays and time away do not count). Someone who is
    out of office, or has announced they are about to be, is left alone: the task waits."""
    if not at_work(world, person):
        return False
    cal = world.by_id[person].calendar
    since_seconds = (since - world.origin).total_seconds()
    return cal.working_days_between(since_seconds, world.clock) >= QUIET_WORKING_DAYS


def _reopen(world: World, actor: Actor) -> bool:
    """The project's owner looks at each task finished in their projects once, soon after, and
    reopens it with the scenario's reopen probability (per finished task: how often the owner
    has a spare moment does not change it)."""
    state = world.state
    for task_id in state.recently_completed:
        task = state.tasks.get(task_id)
        if (
            task is None
            or task_id in world.judged_done
            or task.subtype != "default_task"
            or task.parent is not None
            or state.projects[task.project].owner != actor.id
        ):
            continue
        world.judged_done.add(task_id)
        if (
            task.assignee == actor.id  # a manager of managers only does not reopen their own
            or actor.rng.random() >= world.rates.reopen_probability
            or state.projects[task.project].completed
            or not task.completed
            or task.assignee is None
            or task.completed_at is None
            or (world.now - task.completed_at).total_seconds() > REOPEN_WINDOW_SECONDS
        ):
            continue
        world.emit(ev.TaskReopened(world.next_seq(), world.now, actor.id, task=task.id))
        move(world, actor, task, "in_progress")
        comment(world, actor, task, "review_feedback", to=task.assignee, outcome="reopened")
        return True
    return False
