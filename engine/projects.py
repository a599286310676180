"""How managers run projects: close finished ones, report status, create projects and their
tasks, hand out work, and chase tasks that went quiet."""

from __future__ import annotations

from typing import Final

from engine import events as ev
from engine.draws import between
from engine.moves import assign, comment, move, person_ref, teammates
from engine.state import ProjectView
from engine.workspace import (
    add_milestones,
    after_task_created,
    project_extras,
    reach_milestones,
    run_portfolio,
    set_up_workspace,
    task_extras,
)
from engine.world import Actor, World

SECTIONS: Final = (
    ("To do", "new"),
    ("In progress", "in_progress"),
    ("Blocked", "blocked"),
    ("In review", "in_review"),
    ("Done", "done"),
)
QUIET_SECONDS: Final = 3 * 86400  # a task this quiet gets a "where is ...?"
REOPEN_WINDOW_SECONDS: Final = 3 * 86400


def run_projects(world: World, actor: Actor) -> bool:
    for step in (
        set_up_workspace,
        reach_milestones,
        run_portfolio,
        _close_finished,
        _post_status,
        _create_tasks,
        _start_project,
        _assign,
        _chase_quiet,
        _reopen,
    ):
        if step(world, actor):
            return True
    return False


def _own_open_projects(world: World, actor: Actor) -> list[ProjectView]:
    projects = world.state.projects
    return [projects[p] for p in world.state.open_projects_by_owner.get(actor.id, ())]


def _close_finished(world: World, actor: Actor) -> bool:
    for project in _own_open_projects(world, actor):
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
                world.blocked_until.pop(task_id, None)
            world.task_queue.pop(project.id, None)
            return True
    return False


def _post_status(world: World, actor: Actor) -> bool:
    every = world.rates.status_update_every_seconds
    for project in _own_open_projects(world, actor):
        last = project.last_status_at or project.created_at
        if (world.now - last).total_seconds() >= every:
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


def _start_project(world: World, actor: Actor) -> bool:
    cadence = world.rates.new_project_every_seconds
    projects = world.state.projects
    backlog = sum(
        len(projects[p].unassigned) + len(world.task_queue.get(p, ()))
        for p in world.state.open_projects_by_team.get(actor.person.team, ())
    )
    hungry = backlog < max(2, len(teammates(world, actor)) // 2)
    if not hungry and world.clock - actor.last_project_at < cadence:
        return False
    blueprint = world.content.project(
        world.content_rng, industry=world.scenario.industry, index=world.project_index()
    )
    project_id = world.next_id("p")
    world.emit(
        ev.ProjectCreated(
            world.next_seq(),
            world.now,
            actor.id,
            project=project_id,
            name=blueprint.name,
            notes=blueprint.notes,
            owner=actor.id,
            team=actor.person.team,
            **project_extras(world, actor),
        )
    )
    for name, state in SECTIONS:
        world.emit(
            ev.SectionCreated(
                world.next_seq(),
                world.now,
                actor.id,
                section=world.next_id("s"),
                project=project_id,
                name=name,
                state=state,
            )
        )
    size = world.scenario.work.tasks_per_project
    world.task_queue[project_id] = list(blueprint.tasks[:size])
    actor.last_project_at = world.clock
    return True


def _create_tasks(world: World, actor: Actor) -> bool:
    rng, rates = actor.rng, world.rates
    for project in _own_open_projects(world, actor):
        queue = world.task_queue.get(project.id)
        if not queue:
            continue
        for _ in range(min(len(queue), between(rng, 1, 3))):
            blueprint = queue.pop(0)
            today = world.local_today(actor)
            task_id = world.next_id("t")
            followers = tuple(
                a.id
                for a in teammates(world, actor)
                if rng.random() < rates.follower_probability / 3
            )
            world.subjects[task_id] = blueprint.subject
            due_on = world.workdays_after(actor, today, between(rng, 3, 15))
            extras = task_extras(world, actor, blueprint.name, blueprint.subject, due_on)
            world.emit(
                ev.TaskCreated(
                    world.next_seq(),
                    world.now,
                    actor.id,
                    task=task_id,
                    project=project.id,
                    notes=blueprint.notes,
                    section=project.sections.get("new"),
                    due_on=due_on,
                    start_on=today if rng.random() < 0.3 else None,
                    followers=followers,
                    name=extras.name,
                    assignee=extras.assignee,
                    subtype=extras.subtype,
                    tags=extras.tags,
                    custom_fields=extras.custom_fields,
                )
            )
            after_task_created(world, actor, task_id, project)
            if extras.subtype != "default_task":
                continue  # approvals have no subtasks
            for sub_name in blueprint.subtasks:
                sub_id = world.next_id("t")
                world.subjects[sub_id] = blueprint.subject
                world.emit(
                    ev.TaskCreated(
                        world.next_seq(),
                        world.now,
                        actor.id,
                        task=sub_id,
                        project=project.id,
                        name=sub_name,
                        parent=task_id,
                    )
                )
        if not queue:  # all tasks are in: now the milestones can wait on some of them
            add_milestones(world, actor, project)
        return True
    return False


def _assign(world: World, actor: Actor) -> bool:
    if actor.rng.random() < 0.5:
        return False
    people = [
        a
        for a in teammates(world, actor)
        if a.role != "manager" and world.state.people[a.id].away is None
    ]
    if not people:
        return False
    for project in _own_open_projects(world, actor):
        if project.unassigned:
            task_id = next(iter(project.unassigned))
            assigned = world.state.assigned
            assignee = min(people, key=lambda a: (assigned[a.id].count, a.id))
            assign(world, actor, task_id, assignee.id)
            return True
    return False


def _chase_quiet(world: World, actor: Actor) -> bool:
    today = world.local_today(actor)
    if actor.last_chase_day == today:  # look for quiet tasks once a day
        return False
    actor.last_chase_day = today
    state = world.state
    for project in _own_open_projects(world, actor):
        for task_id in project.tasks:
            task = state.tasks[task_id]
            if (
                task.completed
                or task.assignee in (None, actor.id)
                or task.parent is not None
                or task.state in ("new", "blocked")
            ):
                continue
            quiet_since = task.last_activity
            if quiet_since is None or (world.now - quiet_since).total_seconds() < QUIET_SECONDS:
                continue
            asked = state.asked[task.assignee]
            if any(q.task == task_id for q in asked.values()):
                continue
            comment(world, actor, task, "where_is", to=task.assignee)
            return True
    return False


def _reopen(world: World, actor: Actor) -> bool:
    state = world.state
    if not state.recently_completed or actor.rng.random() >= world.rates.reopen_probability:
        return False
    task = state.tasks.get(state.recently_completed[-1])
    if task is None or task.subtype != "default_task":
        return False
    owner = state.projects[task.project].owner
    if (
        owner != actor.id
        or state.projects[task.project].completed
        or not task.completed
        or task.parent is not None
        or task.assignee is None
        or task.completed_at is None
        or (world.now - task.completed_at).total_seconds() > REOPEN_WINDOW_SECONDS
    ):
        return False
    world.emit(ev.TaskReopened(world.next_seq(), world.now, actor.id, task=task.id))
    move(world, actor, task, "in_progress")
    comment(world, actor, task, "review_feedback", to=task.assignee)
    return True
