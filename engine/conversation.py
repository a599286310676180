"""Conversation: progress notes and questions on work under way, updates on blocked work,
likes and follows (answering whoever asked: engine.answers).

Notes follow the scenario's ``comments_per_task_per_day`` per task in progress: every action
adds that rate's share of a day to the person's note credit, and a note spends one. Notes on
one task are spaced in the person's own activity (engine.world.NOTE_GAP_OF_DAY of a usual
day's actions apart), not by the clock: a cap counted per day would let the mornings use it up and silence
the afternoons, while a gap in actions keeps notes where the activity is, whatever the rate.
A note that must wait for its gap keeps its credit (up to MAX_COMMENT_CREDIT)."""

from __future__ import annotations

from typing import Final

from engine import events as ev
from engine.answers import maybe_follow
from engine.draws import below, pick
from engine.moves import comment, reviewer_for, social_share, teammates
from engine.people import Actor
from engine.state_views import MAX_QUESTIONS_PER_TASK, TaskView
from engine.world import World

# Notes (progress notes and questions) on one task are NOTE_GAP_OF_DAY (engine.world) of the
# person's usual day of actions apart, and never more than MAX_NOTES_PER_TASK_PER_DAY progress
# notes on one task in one local day (which the gap makes rare: only a busy day has room).
MAX_NOTES_PER_TASK_PER_DAY: Final = 2
MAX_COMMENT_CREDIT: Final = 3.0  # notes saved up while busy do not come out as a flood
QUESTION_SHARE: Final = 0.3  # of conversation comments: a question to a reviewer
# Teammates ask about work in progress too, beyond its assignee's own notes (and each question
# gets its answer): at a free moment a teammate asks with the chance that would give each task
# in progress this share of `comments_per_task_per_day`. Only moments with nothing else to do
# ask, so about a fifth of it is realised (about 0.3 questions a task-day at the default rate).
TEAM_QUESTION_SHARE: Final = 1.5
BLOCKER_UPDATE_AFTER_SECONDS: Final = 86400.0  # quiet this long, a blocked task gets an update


def _past_gap(actor: Actor, task_id: str) -> bool:
    """Whether the person's last note on the task is far enough back in their own actions: the
    gap is NOTE_GAP_OF_DAY of today's actions (their usual day times today's factor), so a
    busy day does not fit a third note and the daily cap is only a safety net."""
    last = actor.noted.get(task_id)
    if last is None:
        return True
    today = actor.calendar.day_factor(actor.calendar.last_day)
    return actor.actions - last >= actor.note_gap * today


def _noted(actor: Actor, task: TaskView, active: list[TaskView]) -> None:
    """Remember the note's moment (in the person's actions); forget tasks no longer theirs."""
    noted = actor.noted
    noted[task.id] = actor.actions
    if len(noted) > 2 * len(active) + 4:
        keep = {t.id for t in active}
        for task_id in [t for t in noted if t not in keep]:
            del noted[task_id]


def _note(world: World, actor: Actor) -> bool:
    """One conversation comment: a question on a task under way, a progress note on a task in
    progress, or an update on a task that has been blocked and quiet for a day, for the reason
    its blocker gave. False when no task is ready for one (the credit waits)."""
    rng, state = actor.rng, world.state
    mine, tasks = state.assigned[actor.id], state.tasks
    active = mine.active()
    if rng.random() < QUESTION_SHARE:
        task = pick(rng, active)
        # (nothing is left to ask about work approved and about to be finished)
        if (
            not task.approved
            and _past_gap(actor, task.id)
            and len(task.asked) < MAX_QUESTIONS_PER_TASK
        ):
            to = reviewer_for(world, actor, task)
            if to is not None and not any(q.task == task.id for q in state.asked[to].values()):
                comment(world, actor, task, "question", to=to)
                _noted(actor, task, active)
                return True
    today = world.local_today(actor)
    ready = []
    for t in mine.in_progress.values():
        if _past_gap(actor, t.id):
            if t.notes_day != today or t.notes_that_day < MAX_NOTES_PER_TASK_PER_DAY:
                ready.append(t)
            else:  # (the gap makes this rare) skip it, not save it for the next morning
                actor.noted[t.id] = actor.actions
    if ready:
        task = pick(rng, ready)
        comment(world, actor, task, "progress")
        _noted(actor, task, active)
        return True
    now = world.now
    for task in mine.blocked.values():
        # Quiet for a day by the clock and a day of the person's own activity since they last
        # wrote on it (so the update comes at some moment of a day, not at its first).
        last = actor.noted.get(task.id)
        if last is None:
            actor.noted[task.id] = actor.actions
            continue
        quiet = actor.actions - last >= actor.day_actions and (
            task.last_activity is None
            or (now - task.last_activity).total_seconds() >= BLOCKER_UPDATE_AFTER_SECONDS
        )
        if quiet:
            actor.noted[task.id] = actor.actions
            other = tasks.get(task.blocked_by) if task.blocked_by is not None else None
            comment(
                world,
                actor,
                task,
                "blocked",
                topic=task.blocker or "",
                outcome="still",
                waits_on=other.name if other is not None else "",
            )
            return True
    return False


def accrue_notes(world: World, actor: Actor, in_progress: int) -> None:
    """Notes are written about work under way: the rate is per task in progress."""
    if in_progress:
        rates = world.rates
        actor.comment_credit = min(
            MAX_COMMENT_CREDIT,
            actor.comment_credit
            + rates.comments_per_task_per_day * in_progress * 5 * rates.per_action,
        )


def _ask_teammate(world: World, actor: Actor) -> bool:
    """A question to a teammate about a task they have in progress. The asker picks a teammate
    and one of their tasks in progress, then asks with a probability that gives each such task
    TEAM_QUESTION_SHARE of the scenario's comment rate from the team as a whole (the teammates'
    chances of picking it cancel the team's size). Managers ask their own way (see
    engine.projects); contractors, at the edge of the team, ask less."""
    if actor.role == "manager":
        return False
    rng, state = actor.rng, world.state
    others = teammates(world, actor)
    if not others:
        return False
    other = pick(rng, others)
    theirs = state.assigned[other.id].in_progress
    if not theirs:
        return False
    rates = world.rates
    chance = (
        TEAM_QUESTION_SHARE * rates.comments_per_task_per_day * len(theirs) * 5 * rates.per_action
    )
    if rng.random() >= chance * social_share(actor):
        return False
    task = pick(rng, list(theirs.values()))
    if (
        task.parent is not None
        or len(task.asked) >= MAX_QUESTIONS_PER_TASK
        or not _past_gap(actor, task.id)
        or state.people[other.id].away is not None  # (asked while off: answered later)
        or any(q.task == task.id for q in state.asked[other.id].values())
    ):
        return False
    comment(world, actor, task, "question", to=other.id, outcome="theirs")
    actor.noted[task.id] = actor.actions
    maybe_follow(world, actor, task.id)
    return True


def converse(world: World, actor: Actor) -> None:
    rng, rates, state = actor.rng, world.rates, world.state
    mine = state.assigned[actor.id]
    busy = bool(mine.in_progress or mine.blocked or mine.in_review)
    if busy and actor.comment_credit >= 1 and _note(world, actor):
        actor.comment_credit -= 1
        return
    if _ask_teammate(world, actor):
        return
    if busy and world.tag_ids and rng.random() < 0.03:  # tags also arrive after creation
        task = pick(rng, mine.active())
        tag = pick(rng, world.tag_ids)
        if tag not in task.tags:
            world.emit(ev.TagAdded(world.next_seq(), world.now, actor.id, task=task.id, tag=tag))
            return
    recent = state.recently_completed
    if not recent:
        return
    share = social_share(actor)
    if share < 1.0 and rng.random() >= share:  # contractors like and follow less
        return
    liked = state.tasks.get(recent[below(rng, len(recent))])
    if liked is None or liked.assignee == actor.id:  # gone with its finished project, or mine
        return
    roll = rng.random()
    if roll < rates.like_probability and actor.id not in liked.likers:
        world.emit(ev.TaskLiked(world.next_seq(), world.now, actor.id, task=liked.id))
    elif roll > 1 - rates.follower_probability / 4 and actor.id not in liked.followers:
        world.emit(
            ev.FollowerAdded(
                world.next_seq(), world.now, actor.id, task=liked.id, follower=actor.id
            )
        )
