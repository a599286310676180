"""What makes a workspace look used beyond tasks and comments: custom fields whose values
move with the work, tags, dependencies that block and unblock, and milestones; the decisions
made on them (approvals, milestones reached, portfolios) are in `engine.workspace_decisions`.

The world calls these from the managers' and contributors' behaviours; each makes its choice
from the projected state, like every other behaviour.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Final, NamedTuple

from engine import events as ev
from engine.content import TaskBlueprint
from engine.content.task_names import approval_name, milestone_name
from engine.draws import between, pick, uniform, weighted
from engine.moves import change_field, teammates
from engine.people import Actor
from engine.state_views import ProjectView, TaskView
from engine.workspace_defaults import PRIORITY, STAGE, STAGE_BY_STATE, TAG_COLORS
from engine.workspace_defaults import custom_fields as field_specs
from engine.workspace_defaults import tags as tag_names
from engine.world import World

# Priority weights 30, 45, 20, 5 (low … urgent), accumulated as random.choices does
_PRIORITY_CUMULATIVE: Final = (30, 75, 95, 100)
# A new task waits on any earlier open task of its project with up to this chance (the
# default dependency_probability); the chance beyond it is of waiting on one UNDER_WAY, which
# can finish in time. Chains of tasks not started yet are worked one at a time: with every
# task waiting on any other, a team spent its first weeks waiting and fell short of its rates.
PLANNED_DEPENDENCY_PROBABILITY: Final = 0.25
UNDER_WAY: Final = frozenset({"in_progress", "in_review"})
# Who asks for and decides approvals (engine.workspace_decisions).
APPROVERS: Final = ("manager", "lead")


# -- set-up (once per run, by the first manager to act) ---------------------------------------


def enabled(world: World) -> bool:
    return world.rates.workspace_enabled


def set_up_workspace(world: World, actor: Actor) -> bool:
    if world.workspace_ready or not enabled(world):
        return False
    world.workspace_ready = True
    for spec in field_specs(world.scenario):
        field_id = world.next_id("cf")
        world.field_specs[field_id] = spec
        if spec == STAGE:
            world.stage_field = field_id
        elif spec == PRIORITY:
            world.priority_field = field_id
        world.emit(
            ev.CustomFieldCreated(
                world.next_seq(),
                world.now,
                actor.id,
                field=field_id,
                name=spec.name,
                kind=spec.type,
                options=tuple(spec.options),
                precision=spec.precision,
            )
        )
    for i, name in enumerate(tag_names(world.scenario)):
        tag_id = world.next_id("tg")
        world.tag_ids.append(tag_id)
        world.emit(
            ev.TagCreated(
                world.next_seq(),
                world.now,
                actor.id,
                tag=tag_id,
                name=name,
                color=TAG_COLORS[i % len(TAG_COLORS)],
            )
        )
    return True


def project_extras(world: World, actor: Actor) -> dict:
    """Members and custom fields for a new project of this manager."""
    members = (actor.id, *(a.id for a in teammates(world, actor)))
    return {"members": members, "custom_fields": tuple(world.field_specs)}


# -- tasks -------------------------------------------------------------------------------------


class TaskExtras(NamedTuple):
    """What the workspace adds to a new top-level task named `name` (an approval is renamed)."""

    name: str
    custom_fields: dict[str, str | float]
    tags: tuple[str, ...] = ()
    subtype: ev.TaskSubtype = "default_task"
    assignee: str | None = None


def task_extras(
    world: World,
    actor: Actor,
    project: ProjectView,
    blueprint: TaskBlueprint,
    due_on: date,
    planned: bool = True,
) -> TaskExtras:
    """Subtype (and approver), tags and custom field values for a new top-level task of
    `project`. An approval is named as what is approved (see
    engine.content.task_names.approval_name): by the task's own name only when `planned` (of
    the project's plan, not a follow-up), and unlike the project's other tasks."""
    rng, space = actor.rng, world.scenario.workspace
    name, subject = blueprint.name, blueprint.subject
    custom_fields = field_values(world, actor, due_on, subject)
    if not enabled(world):
        return TaskExtras(name, custom_fields)
    tags: tuple[str, ...] = ()
    if world.tag_ids and rng.random() < 0.6:
        tags = tuple(rng.sample(world.tag_ids, k=min(len(world.tag_ids), between(rng, 1, 2))))
    if rng.random() < space.approval_share:
        # Someone else approves: never the one asking (who is not its assignee either).
        approvers = [
            a.id
            for a in teammates(world, actor)
            if a.role in APPROVERS and world.state.people[a.id].away is None
        ]
        if approvers:
            approver = pick(rng, approvers)
            tasks = world.state.tasks  # (the project's names: only when an approval is made)
            taken = {tasks[t].name for t in project.tasks}
            approval = approval_name(rng, name, subject, planned, taken)
            if approval is not None:
                custom_fields.pop(world.stage_field or "", None)  # no stages to approve
                return TaskExtras(approval, custom_fields, tags, "approval", approver)
    return TaskExtras(name, custom_fields, tags)


def field_values(world: World, actor: Actor, due_on: date, subject: str) -> dict[str, str | float]:
    rng = actor.rng
    values: dict[str, str | float] = {}
    for field_id, spec in world.field_specs.items():
        if field_id == world.stage_field:
            values[field_id] = STAGE_BY_STATE["new"]
        elif field_id == world.priority_field:
            values[field_id] = weighted(rng, PRIORITY.options, _PRIORITY_CUMULATIVE)
        elif rng.random() < 0.3:
            continue  # not every field is filled in
        elif spec.type == "enum":
            values[field_id] = pick(rng, spec.options)
        elif spec.type == "number":
            scale = 10**spec.precision
            top = 50_000 if spec.precision else 13
            values[field_id] = math.floor(uniform(rng, 1, top) * scale) / scale
        elif spec.type == "date":
            quarter_end = date(due_on.year, 3 * ((due_on.month - 1) // 3) + 3, 1)
            values[field_id] = quarter_end.replace(day=28).isoformat()
        else:
            values[field_id] = subject[:1].upper() + subject[1:]
    return values


def planned_dependency(world: World, actor: Actor, project: ProjectView) -> str | None:
    """Maybe an earlier open task of the project for a new task to wait on: up to
    PLANNED_DEPENDENCY_PROBABILITY any, and the chance beyond it one under way. Chosen before
    the task is made, so its due date can leave room for it (see engine.scope.create_task)."""
    if not enabled(world):
        return None
    draw = actor.rng.random()
    if draw >= world.scenario.workspace.dependency_probability:
        return None
    tasks = world.state.tasks
    earlier = [
        t
        for t in project.tasks
        if tasks[t].parent is None
        and tasks[t].subtype == "default_task"
        and not tasks[t].completed
        and (draw < PLANNED_DEPENDENCY_PROBABILITY or tasks[t].state in UNDER_WAY)
    ]
    return pick(actor.rng, earlier[-6:]) if earlier else None


def add_milestones(world: World, actor: Actor, project: ProjectView) -> None:
    """Once a project's tasks are in: milestones reached when some of them finish. Each of
    several waits on later work than the one before (the tasks by due date, in as many runs),
    and is named for what is reached at that point of its work (see
    engine.content.task_names.milestone_name)."""
    if not enabled(world):
        return
    tasks, rng = world.state.tasks, actor.rng
    candidates = [
        t
        for t in project.tasks
        if tasks[t].parent is None and tasks[t].subtype == "default_task" and not tasks[t].completed
    ]
    # (a milestone waits on two tasks at least)
    count = min(world.scenario.workspace.milestones_per_project, len(candidates) // 2)
    by_due = sorted(candidates, key=lambda t: tasks[t].due_on or date.max)
    recent = world.recent_patterns(actor.person.team)
    taken: set[str] = set()
    for n in range(count):
        run = by_due[n * len(by_due) // count : (n + 1) * len(by_due) // count]
        waits_on = rng.sample(run, k=min(3, len(run)))
        last = max(waits_on, key=by_due.index)  # (the one that reaches it)
        subject = world.subjects.get(last, tasks[last].name)
        name = milestone_name(rng, subject, by_due.index(last) / len(by_due), taken, recent)
        if name is None:
            continue
        taken.add(name)
        due = max((d for t in waits_on if (d := tasks[t].due_on) is not None), default=None)
        milestone = world.next_id("t")
        world.subjects[milestone] = subject
        world.emit(
            ev.TaskCreated(
                world.next_seq(),
                world.now,
                actor.id,
                task=milestone,
                project=project.id,
                name=name,
                section=project.sections.get("new"),
                assignee=actor.id,
                due_on=due,
                subtype="milestone",
            )
        )
        for task_id in waits_on:
            world.emit(
                ev.DependencyAdded(
                    world.next_seq(), world.now, actor.id, task=milestone, depends_on=task_id
                )
            )
        world.open_milestones.setdefault(actor.id, {})[milestone] = project.id


def open_dependency(world: World, task: TaskView) -> str | None:
    """A task this one waits on that is still open (None when it may go on)."""
    if world.scenario.workspace.allow_open_dependencies:
        return None
    tasks = world.state.tasks
    for dep in task.depends_on:
        if dep in tasks and not tasks[dep].completed:
            return dep
    return None


def work_to_wait_for(world: World, task: TaskView) -> str | None:
    """A task this one waits on that is still being worked on (None when it can start: a task
    in review is done but for its review, so what follows it can be started; it is finished
    before going to review, see open_dependency)."""
    # (most tasks wait on nothing: asked of every task a person might start; the policy is read
    # from the state, a native attribute, not from the scenario's Structs)
    if not task.depends_on or world.state.allow_open_dependencies:
        return None
    tasks = world.state.tasks
    for dep in task.depends_on:
        other = tasks.get(dep)
        if other is not None and not other.completed and other.state != "in_review":
            return dep
    return None


def first_startable(world: World, task_ids: Iterable[str]) -> str | None:
    """The first of `task_ids` that can start (see work_to_wait_for), None if none can: a
    person starts what they can work on."""
    tasks = world.state.tasks
    for task_id in task_ids:
        if work_to_wait_for(world, tasks[task_id]) is None:
            return task_id
    return None


def count_startable(world: World, task_ids: Iterable[str]) -> int:
    """How many of `task_ids` can start (see work_to_wait_for)."""
    tasks, count = world.state.tasks, 0
    for task_id in task_ids:  # (a loop, not sum() over a generator: it runs in every check
        if work_to_wait_for(world, tasks[task_id]) is None:  # of a team's unstarted work)
            count += 1
    return count


def escalate_priority(world: World, actor: Actor, task: TaskView) -> None:
    """A task that slips its due date gets one step more urgent."""
    field_id = world.priority_field
    if field_id is None:
        return
    current = task.custom.get(field_id)
    if not isinstance(current, str) or current == PRIORITY.options[-1]:
        return
    change_field(
        world, actor, task, field_id, PRIORITY.options[PRIORITY.options.index(current) + 1]
    )
