"""The small moves every behaviour is made of: comment, move a task, complete it, assign it,
change a custom field, and the questions behaviours ask of the state (my open tasks, my
teammates, who reviews this)."""

from __future__ import annotations

from engine import events as ev
from engine.content import CommentContext, PersonRef
from engine.draws import pick
from engine.state import TaskView
from engine.workspace_defaults import STAGE, STAGE_BY_STATE
from engine.world import Actor, World


def person_ref(world: World, person_id: str) -> PersonRef:
    ref = world.person_refs.get(person_id)
    if ref is None:  # names and roles never change: one reference per person
        p = world.state.people[person_id]
        ref = world.person_refs[person_id] = PersonRef(name=p.name, role=p.role)
    return ref


def comment(
    world: World,
    actor: Actor,
    task: TaskView,
    kind: ev.CommentKind,
    to: str | None = None,
    detail: str = "",
) -> None:
    project = world.state.projects[task.project]
    context = CommentContext(
        kind=kind,
        task_name=task.name,
        task_subject=world.subjects.get(task.id, task.name),
        project_name=project.name,
        author=person_ref(world, actor.id),
        to=None if to is None else person_ref(world, to),
        detail=detail,
    )
    text = world.content.comment(world.content_rng, context)
    world.emit(
        ev.CommentAdded(
            world.next_seq(),
            world.now,
            actor.id,
            comment=world.next_id("c"),
            task=task.id,
            kind=kind,
            text=text,
            to=to,
        )
    )


def move(
    world: World, actor: Actor, task: TaskView, state: ev.TaskState, blocked_by: str | None = None
) -> None:
    section = world.state.projects[task.project].sections.get(state)
    world.emit(
        ev.TaskStateChanged(
            world.next_seq(),
            world.now,
            actor.id,
            task=task.id,
            state=state,
            previous=task.state,
            section=section,
            blocked_by=blocked_by,
        )
    )
    _sync_stage(world, actor, task)


def _sync_stage(world: World, actor: Actor, task: TaskView) -> None:
    """The Stage custom field follows the lifecycle."""
    field_id = world.field_ids.get(STAGE.name)
    if field_id is None or field_id not in task.custom:
        return
    stage = STAGE_BY_STATE[task.state]
    if task.custom[field_id] != stage:
        change_field(world, actor, task, field_id, stage)


def change_field(
    world: World, actor: Actor, task: TaskView, field_id: str, value: ev.FieldValue
) -> None:
    """Set a custom field of the task (it holds a value already)."""
    world.emit(
        ev.CustomFieldChanged(
            world.next_seq(),
            world.now,
            actor.id,
            task=task.id,
            field=field_id,
            value=value,
            previous=task.custom[field_id],
        )
    )


def assign(world: World, actor: Actor, task_id: str, assignee: str) -> None:
    """Give an unassigned task to `assignee` (the actor takes it, or a manager hands it out)."""
    world.emit(
        ev.TaskAssigned(
            world.next_seq(), world.now, actor.id, task=task_id, assignee=assignee, previous=None
        )
    )


def teammates(world: World, actor: Actor) -> list[Actor]:
    return [a for a in world.teams[actor.person.team] if a.joined and a is not actor]


def my_open(world: World, ids: dict[str, None]) -> list[TaskView]:
    """The tasks of `ids` (one of someone's Assignments)."""
    tasks = world.state.tasks
    return [tasks[t] for t in ids]


def reviewer_for(world: World, actor: Actor, task: TaskView) -> str | None:
    owner = world.state.projects[task.project].owner
    leads = [a.id for a in teammates(world, actor) if a.role == "lead"]
    candidates = leads + ([owner] if owner != actor.id else [])
    candidates = [c for c in candidates if world.state.people[c].away is None]
    return pick(actor.rng, candidates) if candidates else None


def complete(world: World, actor: Actor, task: TaskView) -> None:
    move(world, actor, task, "done")
    world.emit(ev.TaskCompleted(world.next_seq(), world.now, actor.id, task=task.id))
    if task.parent is None and actor.rng.random() < 0.6:
        comment(world, actor, task, "done")
