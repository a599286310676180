"""Conversation: answering whoever asked, progress notes and questions on work under way,
updates on blocked work, likes and follows.

Notes follow the scenario's ``comments_per_task_per_day`` per task in progress: every action
adds that rate's share of a day to the person's note credit, and a note spends one. Notes on
one task are spaced in the person's own activity (engine.world.NOTE_GAP_OF_DAY of a usual
day's actions apart), not by the clock: a cap counted per day would let the mornings use it up and silence
the afternoons, while a gap in actions keeps notes where the activity is, whatever the rate.
A note that must wait for its gap keeps its credit (up to MAX_COMMENT_CREDIT)."""

from __future__ import annotations

import zlib
from datetime import date
from typing import Final

from engine import events as ev
from engine.draws import below, pick
from engine.moves import (
    comment,
    follow,
    handled,
    noticed,
    reviewer_for,
    social_share,
    teammates,
)
from engine.people import Actor, WaitingQuestion
from engine.person_calendar import ONE_DAY
from engine.state_views import MAX_QUESTIONS_PER_TASK, Question, TaskView
from engine.workspace import work_to_wait_for
from engine.world import World

# Answering on the third working day after the question (on the answerer's calendar) or
# later comes with an apology: a Friday question answered on Monday is not late.
LATE_ANSWER_WORKING_DAYS: Final = 3
# One question in this many slips through (a notification missed): it is answered, with an
# apology, once LATE_ANSWER_WORKING_DAYS have passed. Which ones is fixed by the question's id.
MISSED_ONE_IN: Final = 20
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
_WAITING_KEPT: Final = 64  # cached questions per person before the cache starts afresh


def answer(world: World, actor: Actor) -> bool:
    asked = world.state.asked[actor.id]
    if not asked:
        return False
    for topic, question in asked.items():
        waiting = _waiting(actor, topic, question)
        late = waiting.waited >= LATE_ANSWER_WORKING_DAYS
        # A missed one is noticed only once it is late (then it waits its turn like the rest).
        if late:
            if noticed(actor, waiting.late_key):
                break
        elif not waiting.missed and noticed(actor, waiting.on_time_key):
            break
    else:  # nothing is due yet: each waits its turn, and a missed one until it is late
        return False
    handled(actor, waiting.on_time_key)
    handled(actor, waiting.late_key)
    actor.waiting.pop(topic, None)
    task = world.state.tasks[question.task]
    waits_on, owner = _waited_on(world, actor, task) if question.kind == "where_is" else ("", None)
    comment(
        world,
        actor,
        task,
        "sorry_for_delay" if late else "answer",
        to=question.asker,
        detail=f"{waiting.waited} days" if late else "",
        topic=topic,
        replying_to=question.text,
        reply_kind=question.kind,
        waits_on=waits_on,
        waits_on_owner=owner,
    )
    maybe_follow(world, actor, task.id)
    return True


def _waited_on(world: World, actor: Actor, task: TaskView) -> tuple[str, str | None]:
    """For a where-is about a task not started: the name of the task it waits on to start, and
    who has that one when it is someone else ("", None when it waits on nothing)."""
    if task.state != "new":
        return "", None
    other = work_to_wait_for(world, task)
    if other is None:
        return "", None
    blocker = world.state.tasks[other]
    return blocker.name, blocker.assignee if blocker.assignee != actor.id else None


def _waiting(actor: Actor, topic: str, question: Question) -> WaitingQuestion:
    """The question's cached facts, its wait brought up to today (this runs at every moment of
    someone with a question waiting: most of them)."""
    cache = actor.waiting
    waiting = cache.get(topic)
    if waiting is None:
        if len(cache) > _WAITING_KEPT:  # questions that went with their projects
            cache.clear()
        asked_on = question.at.astimezone(actor.calendar.tz).date()
        missed = zlib.crc32(topic.encode()) % MISSED_ONE_IN == 0
        waiting = cache[topic] = WaitingQuestion(topic, asked_on, missed)
    today = actor.calendar.last_day
    if waiting.counted_on != today:
        waiting.counted_on = today
        waiting.waited = _working_days_since(actor, waiting.asked_on)
    return waiting


def _working_days_since(actor: Actor, asked_on: date) -> int:
    """Working days on the actor's calendar after `asked_on` up to today (today counts)."""
    cal, day, today, count = actor.calendar, asked_on, actor.calendar.last_day, 0
    while day < today:
        day += ONE_DAY
        if day.weekday() not in cal.days_off and day not in cal.holidays:
            count += 1
    return count


def maybe_follow(world: World, actor: Actor, task_id: str) -> None:
    """Someone who gets involved in a task (reviews it, answers on it) may follow it while
    it is open, as people do with work they care about."""
    if actor.rng.random() < world.rates.follower_probability:
        follow(world, actor, task_id)


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
        if _past_gap(actor, task.id) and len(task.asked) < MAX_QUESTIONS_PER_TASK:
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
