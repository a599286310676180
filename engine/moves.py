"""The small moves every behaviour is made of: comment, move a task, complete it, assign it,
change a custom field, and the questions behaviours ask of the state (my open tasks, my
teammates, who reviews this)."""

from __future__ import annotations

from typing import Final

from engine import events as ev
from engine.content import CommentContext, PersonRef
from engine.content.team_clauses import RecentClauses
from engine.draws import pick
from engine.people import Actor
from engine.state_views import Question, TaskView
from engine.workspace_defaults import STAGE_BY_STATE
from engine.world import World

# What comes in is taken care of within this share of the person's usual day of actions
# (uniformly: what came overnight is spread over the next day, as the day's own rhythm).
RESPONSE_OF_DAY: Final = 1.0
# Past this many pending keys, those long overdue are dropped (they belonged to work that went
# elsewhere); a key dropped and seen again is drawn afresh.
_DUE_KEPT: Final = 64

# Kinds whose comment raises a topic others come back to (an answer, an unblocking).
_TOPIC_STARTERS: Final = frozenset({"question", "where_is", "blocked"})


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
    *,
    topic: str = "",
    replying_to: str = "",
    reply_kind: str = "",
    outcome: str = "",
    waits_on: str = "",
    waits_on_owner: str | None = None,
    period: str = "",
    cover: str | None = None,
) -> None:
    """Post a comment on `task`. A question, where-is or blocker without a `topic` starts one:
    its own id (its answer, follow-ups and unblocking pass that id). `cover` names a colleague
    the text mentions without addressing the comment to them (out-of-office)."""
    project = world.state.projects[task.project]
    comment_id = world.next_id("c")
    if not topic and kind in _TOPIC_STARTERS:
        topic = comment_id
    mentioned = to if to is not None else cover
    cal = actor.calendar
    actor.said.on(int(world.clock // 86400.0))  # (what the author wrote lately, by day)
    team_said = world.clauses_said.get(actor.person.team)
    if team_said is None:
        team_said = world.clauses_said[actor.person.team] = RecentClauses()
    team_said.at(world.clock)
    context = CommentContext(
        kind=kind,
        asked=task.asked if kind == "question" and outcome != "chase" else (),
        task_name=task.name,
        task_subject=world.subjects.get(task.id, task.name),
        task_work=world.task_work.get(task.id, ""),
        project_name=project.name,
        author=person_ref(world, actor.id),
        to=None if mentioned is None else person_ref(world, mentioned),
        detail=detail,
        topic=topic,
        replying_to=replying_to,
        reply_kind=reply_kind,
        outcome=outcome,
        waits_on=waits_on,
        waits_on_owner=None if waits_on_owner is None else person_ref(world, waits_on_owner),
        task_state=task.state,
        local_hour=cal.local_hour(world.clock),  # wall time, also on a day clocks change
        period=period,
        said=actor.said,
        team_said=team_said,
    )
    text = world.content.comment(world.content_rng, context)
    world.emit(
        ev.CommentAdded(
            world.next_seq(),
            world.now,
            actor.id,
            comment=comment_id,
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
    """The built-in Stage custom field follows the lifecycle."""
    field_id = world.stage_field
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
    """The actor's teammates who have joined (a shared list: read it, do not change it)."""
    mates = world.joined_teammates.get(actor.id)
    if mates is None:
        team = world.teams[actor.person.team]
        mates = world.joined_teammates[actor.id] = [a for a in team if a.joined and a is not actor]
    return mates


def reviewer_for(world: World, actor: Actor, task: TaskView) -> str | None:
    """A lead of the team or the project's owner; in a team with too few of them for its
    contributors (engine.people.peer_reviewing_teams), a fellow contributor too. In a team of
    managers only (Actor.hands_on), any fellow manager; a manager alone finishes unreviewed."""
    owner = world.state.projects[task.project].owner
    mates = teammates(world, actor)
    if actor.hands_on:
        candidates = [a.id for a in mates]
    else:
        leads = [a.id for a in mates if a.role == "lead"]
        candidates = leads + ([owner] if owner != actor.id else [])
    if actor.person.team in world.peer_reviewing_teams:
        candidates += [a.id for a in mates if a.role == "individual_contributor"]
    candidates = [c for c in candidates if world.state.people[c].away is None]
    return pick(actor.rng, candidates) if candidates else None


def complete(
    world: World,
    actor: Actor,
    task: TaskView,
    unanswered: tuple[str, str, Question] | None = None,
) -> None:
    """Finish the task; `unanswered`, the assignee's own question on it that got no answer (its
    id, who was asked, it: engine.answers), is acknowledged in the done comment ("I didn't hear
    back, so I decided to follow last year's format")."""
    move(world, actor, task, "done")
    world.emit(ev.TaskCompleted(world.next_seq(), world.now, actor.id, task=task.id))
    if unanswered is not None:
        topic, to, question = unanswered
        comment(
            world, actor, task, "done", outcome="unanswered", topic=topic,
            replying_to=question.text, cover=to,
        )  # fmt: skip
    elif task.parent is None and actor.rng.random() < 0.6:
        comment(world, actor, task, "done")


def follow(world: World, actor: Actor, task_id: str) -> None:
    """The actor follows a task they got involved in (if they do not already)."""
    task = world.state.tasks.get(task_id)
    if task is not None and actor.id not in task.followers and task.assignee != actor.id:
        world.emit(
            ev.FollowerAdded(world.next_seq(), world.now, actor.id, task=task_id, follower=actor.id)
        )


def at_work(world: World, person: str) -> bool:
    """Whether `person` works today by their own calendar and has not announced time away."""
    who = world.by_id.get(person)
    if who is None or world.state.people[person].away is not None:
        return False
    cal = who.calendar
    return cal.is_working_day(cal.local(world.clock).date())


def works_on_tasks(actor: Actor) -> bool:
    """Whether the person works on tasks: everyone but managers, and managers too in a team
    of managers only (Actor.hands_on)."""
    return actor.role != "manager" or actor.hands_on


def picks_up_unassigned(actor: Actor) -> bool:
    """Whether the person takes unassigned work of the team on their own: contractors work on
    what they are given (for engine.steady_work._pick_up)."""
    return actor.role in ("lead", "individual_contributor") or actor.hands_on


def waits_for_work(world: World, actor: Actor) -> bool:
    """A contractor (who does not take unassigned work) with nothing to work on: the manager
    hands them the next task (engine.projects), and the others leave it to them. (Only when
    they run dry: a slow hand kept at the full work in progress would hold up projects.)"""
    if picks_up_unassigned(actor) or actor.role == "manager":
        return False
    if world.state.people[actor.id].away is not None:
        return False
    mine = world.state.assigned[actor.id]
    return not mine.new and not mine.in_progress


def social_share(actor: Actor) -> float:
    """How much of a teammate's likes and follows the person gives: contractors stay at the
    edge of the team's conversation (engine.conversation)."""
    return 0.3 if actor.role == "contractor" else 1.0


def noticed(actor: Actor, key: str, share: float = RESPONSE_OF_DAY) -> bool:
    """Whether `actor` has got round to `key` (a question, a review, a freed task): the first
    time they see it they draw when, up to `share` of their usual day of their own actions later.
    What piles up overnight is then taken care of through the morning in the person's own
    rhythm, not all at their first moment of the day."""
    due = actor.due.get(key)
    if due is None:
        delay = actor.rng.random() * share * actor.day_actions
        due = actor.due[key] = actor.actions + round(delay)
        if len(actor.due) > _DUE_KEPT:
            stale = actor.actions - 5 * actor.day_actions
            for old in [k for k, at in actor.due.items() if at < stale]:
                del actor.due[old]
    return actor.actions >= due


def handled(actor: Actor, key: str) -> None:
    """`key` is taken care of: a later one with the same key waits afresh."""
    actor.due.pop(key, None)
