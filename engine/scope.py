"""A project's scope: creating a task with its subtasks, how much unstarted work a team has,
and how running projects grow when a team runs short (the tasks their plan left for later,
then follow-ups of finished work, each with a step or two of its own)."""

from __future__ import annotations

from collections.abc import Container
from typing import Final

from engine import events as ev
from engine.content import TaskBlueprint
from engine.content import vocab_follow_ups as vf
from engine.content.task_names import follow_up_names, titled
from engine.content.templates_tables import WORK_CLASS
from engine.draws import between, pick
from engine.moves import picks_up_unassigned, teammates, works_on_tasks
from engine.people import Actor
from engine.state_views import ProjectView, TaskView
from engine.workspace import count_startable, planned_dependency, task_extras
from engine.world import World

HUNGRY_PER_WORKER: Final = 1.0
SATURATED_PER_WORKER: Final = 4.0
GROWTH_LIMIT: Final = 1.5  # a project grows by at most this many times its planned tasks
# A project with no more open tasks than this is wrapping up: it gets no new ones.
WRAPPING_UP_TASKS: Final = 3
# Chance that a contributor who finishes a task of a project with work left adds a follow-up
# of it, which they take on themselves (see own_follow_up).
OWN_FOLLOW_UP_PROBABILITY: Final = 0.1
# Follow-ups of finished work and next steps of work under way, by the kind of work of their
# subject (see vocab_follow_ups).
FOLLOW_UPS: Final = vf.FOLLOW_UPS
NEXT_STEPS: Final = vf.NEXT_STEPS


def own_open_projects(world: World, actor: Actor) -> list[ProjectView]:
    projects = world.state.projects
    return [projects[p] for p in world.state.open_projects_by_owner.get(actor.id, ())]


def unstarted_work(world: World, team: str) -> tuple[int, int, int]:
    """(tasks of the team nobody has started that can start, people who do them, those of
    them with nothing at all to work on): tasks still to create, unassigned ones, and ordinary
    tasks assigned but not started. A task waiting on an open one is not work to start yet
    (counted, a team whose tasks wait on each other looked saturated and got fewer projects)."""
    projects, assigned = world.state.projects, world.state.assigned
    unassigned = 0
    for p in world.state.open_projects_by_team.get(team, ()):
        waiting_tasks = projects[p].unassigned
        if waiting_tasks:
            unassigned += count_startable(world, waiting_tasks)
        unassigned += len(world.task_queue.get(p, ()))
    waiting, workers, idle = unassigned, 0, 0
    for member in world.teams[team]:
        if works_on_tasks(member) and member.joined:
            workers += 1
            mine = assigned[member.id]
            startable = count_startable(world, mine.new) if mine.new else 0
            waiting += startable
            # Someone with nothing to do while nothing waits unassigned: the team is short,
            # however much the others have queued up.
            idle += not (startable or mine.in_progress or mine.blocked or mine.in_review)
    return waiting, workers, idle if unassigned == 0 else 0


def short_of_work_below(world: World, workers: int) -> float:
    """The unstarted tasks below which a team of `workers` is short of work (more when many of
    them are approvals, which are decided rather than worked on: see World.approval_overhead)."""
    return HUNGRY_PER_WORKER * max(1, workers) * world.approval_overhead


def saturated_at(world: World, workers: int) -> float:
    """The unstarted tasks from which a team of `workers` has plenty (see short_of_work_below)."""
    return SATURATED_PER_WORKER * workers * world.approval_overhead


def create_task(
    world: World,
    actor: Actor,
    project: ProjectView,
    blueprint: TaskBlueprint,
    assignee: str | None = None,
    planned: bool = True,
) -> str:
    """Create a top-level task of `project` (maybe an approval: named after the task only when
    `planned`, of the project's plan, not a follow-up), its subtasks and maybe a dependency,
    due after the task it waits on; `assignee` takes it at once (someone adding a follow-up
    of their own)."""
    rng, rates = actor.rng, world.rates
    today = world.local_today(actor)
    task_id = world.next_id("t")
    followers = tuple(
        a.id for a in teammates(world, actor) if rng.random() < rates.follower_probability / 3
    )
    world.subjects[task_id] = blueprint.subject
    due_on = world.workdays_after(actor, today, between(rng, 3, 15))
    waits_on = planned_dependency(world, actor, project)
    blocker_due = world.state.tasks[waits_on].due_on if waits_on is not None else None
    if blocker_due is not None and blocker_due > due_on:  # a plan leaves room for the blocker
        due_on = world.workdays_after(actor, blocker_due, between(rng, 1, 3))
    extras = task_extras(world, actor, project, blueprint, due_on, planned)
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
            assignee=extras.assignee if extras.subtype != "default_task" else assignee,
            subtype=extras.subtype,
            tags=extras.tags,
            custom_fields=extras.custom_fields,
        )
    )
    if extras.subtype != "default_task":
        return task_id  # approvals have no subtasks, nor wait on anything
    if blueprint.work:  # (an approval in its place approves the work it follows)
        world.task_work[task_id] = blueprint.work
    if waits_on is not None:
        world.emit(
            ev.DependencyAdded(
                world.next_seq(), world.now, actor.id, task=task_id, depends_on=waits_on
            )
        )
    for sub_name in blueprint.subtasks:
        sub_id = world.next_id("t")
        world.subjects[sub_id] = blueprint.subject
        if blueprint.work:
            world.task_work[sub_id] = blueprint.work
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
    return task_id


def grow_project(world: World, actor: Actor) -> bool:
    """Scope grows: a team about to run out of work gets more of a running project before the
    next project is due: the tasks its plan left for later, then follow-ups of finished work,
    then (in the newest project) next steps of work under way; a project grows by at most
    GROWTH_LIMIT times its plan, and not once it is wrapping up. A manager of many (see
    engine.people.project_paces) adds as many in a sitting as when setting up a project: one
    at a time, their own actions capped a team of forty."""
    grew = False
    for _ in range(max(1, round(world.project_paces[actor.person.team]))):
        if not _grow_one(world, actor):
            break
        grew = True
    return grew


def _grow_one(world: World, actor: Actor) -> bool:
    waiting, workers, idle = unstarted_work(world, actor.person.team)
    if not idle and waiting >= short_of_work_below(world, workers):
        return False
    # (approvals are decided, not worked on: with many of them a project grows further)
    limit = GROWTH_LIMIT * world.scenario.work.tasks_per_project * world.approval_overhead
    newest = True
    for project in reversed(own_open_projects(world, actor)):  # the newest first
        grown = world.grown.get(project.id, 0)
        if grown >= limit or world.task_queue.get(project.id) or wrapping_up(world, project):
            continue
        spare = world.spare_tasks.get(project.id)
        planned = bool(spare)  # (a task its plan left for later, not a follow-up)
        # (next steps of work under way only in the newest: the older ones are wrapping up)
        blueprint = spare.pop(0) if spare else follow_up_of(world, actor, project, newest)
        newest = False
        if blueprint is None:
            continue
        create_task(world, actor, project, blueprint, planned=planned)
        world.grown[project.id] = grown + 1
        return True
    return False


def wrapping_up(world: World, project: ProjectView) -> bool:
    """Whether the project is down to its last few open tasks: nobody adds to it any more, so
    it finishes (projects would otherwise linger and pile up)."""
    tasks, left = world.state.tasks, 0
    for task_id in project.tasks:
        task = tasks[task_id]
        if not task.completed and task.parent is None:
            left += 1
            if left > WRAPPING_UP_TASKS:
                return False
    return True


_NO_NAMES: Final[dict[str, int]] = {}  # a team with no open project's tasks


def _team_task_names(world: World, project: ProjectView) -> Container[str]:
    """The names of the project's tasks and of every task of its team's open projects: a
    follow-up is named unlike each (a follow-up keeps its subject, so a follow-up of a
    follow-up could repeat a name; and the team's projects share subjects: "Write up the
    tracker for the team" again the day after the first was done, in the next project). The
    state keeps them by team (an open project is among its team's; a finished one has no tasks
    left)."""
    return world.state.open_task_names_by_team.get(project.team, _NO_NAMES)


def _follow_up(
    world: World, actor: Actor, subject: str, table: dict[str, vf.FollowUps], taken: Container[str]
) -> TaskBlueprint | None:
    """A follow-up of the work on `subject` of one of `table`'s kinds for its kind of work,
    named unlike each of `taken` (see _team_task_names) and worded as the team's added tasks
    were least lately; None when each kind's name is taken."""
    kinds = table[WORK_CLASS.get(subject, "any")]
    names = follow_up_names(kinds, subject)
    free = [kind for kind, name in zip(kinds, names, strict=True) if name not in taken]
    if not free:
        return None
    recent = world.recent_patterns(actor.person.team)
    name, steps = pick(actor.rng, recent.least_used(free, [kind[0] for kind in free]))
    recent.note(name)
    return TaskBlueprint(
        name=titled(name, subject),
        subject=subject,
        subtasks=tuple(step.format(s=subject) for step in steps),
        work=vf.WORK[name],
    )


def follow_up_of(
    world: World, actor: Actor, project: ProjectView, under_way: bool = False
) -> TaskBlueprint | None:
    """A follow-up of one of the project's finished ordinary tasks not followed up yet; with
    `under_way`, failing that, a next step of one in progress."""
    tasks = world.state.tasks
    taken: Container[str] | None = None  # (worked out once, when a task is to be followed up)
    for task_id in project.tasks:
        task = tasks[task_id]
        if task.completed and _may_follow_up(world, task_id, task):
            world.followed_up.add(task_id)
            subject = world.subjects.get(task_id, task.name)
            if taken is None:
                taken = _team_task_names(world, project)
            if blueprint := _follow_up(world, actor, subject, FOLLOW_UPS, taken):
                return blueprint
    if under_way:
        for task_id in project.tasks:
            task = tasks[task_id]
            if task.state == "in_progress" and _may_follow_up(world, task_id, task):
                world.followed_up.add(task_id)
                subject = world.subjects.get(task_id, task.name)
                if taken is None:
                    taken = _team_task_names(world, project)
                if blueprint := _follow_up(world, actor, subject, NEXT_STEPS, taken):
                    return blueprint
    return None


def _may_follow_up(world: World, task_id: str, task: TaskView) -> bool:
    return (
        task.parent is None and task.subtype == "default_task" and task_id not in world.followed_up
    )


def own_follow_up(world: World, actor: Actor, task_id: str) -> bool:
    """Maybe add, right after finishing `task_id`, a follow-up task of it to its project and
    take it on (for engine.actions: contributors and leads create tasks of their own too).
    Only in a project that is still open, has no tasks left to create and is not wrapping up."""
    if not picks_up_unassigned(actor):
        return False
    if actor.rng.random() >= OWN_FOLLOW_UP_PROBABILITY:
        return False
    task = world.state.tasks.get(task_id)
    if task is None or task.parent is not None or task.subtype != "default_task":
        return False
    project = world.state.projects[task.project]
    if (
        project.completed
        or world.task_queue.get(project.id)
        or task_id in world.followed_up
        or wrapping_up(world, project)
    ):
        return False
    world.followed_up.add(task_id)
    subject = world.subjects.get(task_id, task.name)
    blueprint = _follow_up(world, actor, subject, FOLLOW_UPS, _team_task_names(world, project))
    if blueprint is None:
        return False
    create_task(world, actor, project, blueprint, assignee=actor.id, planned=False)
    return True
