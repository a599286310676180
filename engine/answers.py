"""Answering whoever asked, and what an asker does about an answer that does not come.

A question or where-is put to someone is answered within a day of their own activity (with an
apology when it is days late); one in MISSED_ONE_IN slips through until it is late. A reviewer
who opens a task with a question to them waiting on it answers that first. The assignee about
to finish a task with a question of their own on it still unanswered chases it once ("any
thoughts on my question about …?"), waits up to CHASE_WAIT_OF_DAY of their usual day for the
answer, then finishes and says in the done comment what they went with (engine.moves.complete).
"""

from __future__ import annotations

import zlib
from datetime import date
from typing import Final

from engine.moves import RESPONSE_OF_DAY, comment, follow, handled, noticed
from engine.people import Actor, WaitingQuestion
from engine.person_calendar import ONE_DAY
from engine.state_views import Question, TaskView
from engine.workspace import work_to_wait_for
from engine.world import World

# Answering on the third working day after the question (on the answerer's calendar) or
# later comes with an apology: a Friday question answered on Monday is not late.
LATE_ANSWER_WORKING_DAYS: Final = 3
# One question in this many slips through (a notification missed): it is answered, with an
# apology, once LATE_ANSWER_WORKING_DAYS have passed. Which ones is fixed by the question's id.
MISSED_ONE_IN: Final = 20
_WAITING_KEPT: Final = 64  # cached questions per person before the cache starts afresh
# After chasing their own question, the assignee of a task ready to finish waits this share of
# their usual day of actions for the answer before finishing without it.
CHASE_WAIT_OF_DAY: Final = 1.0
# A chase is taken care of within this share of its addressee's usual day of actions (a nudge
# is seen sooner than the question it chases: engine.moves.noticed).
CHASE_RESPONSE_OF_DAY: Final = 0.25
_CHASED_KEPT: Final = 16  # chased tasks remembered before those no longer in review are dropped

# A question of the task's assignee still unanswered: (its comment id, who was asked, it).
OpenQuestion = tuple[str, str, Question]


def answer(world: World, actor: Actor) -> bool:
    asked = world.state.asked[actor.id]
    if not asked:
        return False
    for topic, question in asked.items():
        waiting = _waiting(actor, topic, question, asked)
        late = waiting.waited >= LATE_ANSWER_WORKING_DAYS
        # A missed one is noticed only once it is late (then it waits its turn like the rest).
        if late:
            if noticed(actor, waiting.late_key):
                break
        elif not waiting.missed and noticed(actor, waiting.on_time_key, waiting.share):
            break
    else:  # nothing is due yet: each waits its turn, and a missed one until it is late
        return False
    reply(world, actor, topic, question)
    return True


def reply(world: World, actor: Actor, topic: str, question: Question) -> None:
    """Answer `question` (kept under `topic`): what its asker asked first of the ones waiting
    on the task for the actor, so a chase ("any thoughts on my question?") is answered by
    answering the question it chased (the answer settles them all: engine.state_tasks)."""
    asked = world.state.asked[actor.id]
    first, earliest = _first_asked(asked, question)
    waited = _waiting(actor, first, earliest, asked).waited
    for key in (topic, first):
        handled(actor, "q" + key)  # (its keys: see WaitingQuestion)
        handled(actor, "l" + key)
        actor.waiting.pop(key, None)
    late = waited >= LATE_ANSWER_WORKING_DAYS
    task = world.state.tasks[question.task]
    waits_on, owner = _waited_on(world, actor, task) if earliest.kind == "where_is" else ("", None)
    comment(
        world,
        actor,
        task,
        "sorry_for_delay" if late else "answer",
        to=earliest.asker,
        detail=f"{waited} days" if late else "",
        topic=first,
        replying_to=earliest.text,
        reply_kind=earliest.kind,
        waits_on=waits_on,
        waits_on_owner=owner,
    )
    maybe_follow(world, actor, task.id)


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


def _first_asked(asked: dict[str, Question], question: Question) -> tuple[str, Question]:
    """The first of the questions waiting in `asked` (in the order asked) that its asker put on
    its task: `question` itself, unless that is a chase of an earlier one."""
    for key, other in asked.items():
        if other.task == question.task and other.asker == question.asker:
            return key, other
    raise KeyError(question.task)  # (`question` is among them)


def _waiting(
    actor: Actor, topic: str, question: Question, asked: dict[str, Question]
) -> WaitingQuestion:
    """The question's cached facts, its wait brought up to today (this runs at every moment of
    someone with a question waiting: most of them). A chase is never missed, and is taken care
    of within CHASE_RESPONSE_OF_DAY."""
    cache = actor.waiting
    waiting = cache.get(topic)
    if waiting is None:
        if len(cache) > _WAITING_KEPT:  # questions that went with their projects
            cache.clear()
        asked_on = question.at.astimezone(actor.calendar.tz).date()
        if _first_asked(asked, question)[0] != topic:
            waiting = WaitingQuestion(topic, asked_on, False, CHASE_RESPONSE_OF_DAY)
        else:
            missed = zlib.crc32(topic.encode()) % MISSED_ONE_IN == 0
            waiting = WaitingQuestion(topic, asked_on, missed, RESPONSE_OF_DAY)
        cache[topic] = waiting
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


def answer_before_review(world: World, actor: Actor, task: TaskView) -> bool:
    """A reviewer who opens the task with a question to them waiting on it answers it first
    (they see it there): the review comes at a later moment. False when none waits."""
    for topic, question in world.state.asked[actor.id].items():
        if question.task == task.id:
            reply(world, actor, topic, question)
            return True
    return False


def own_open_question(world: World, task: TaskView) -> OpenQuestion | None:
    """The first question the task's assignee asked on it that waits for an answer yet."""
    asked = world.state.asked
    for comment_id, to in task.open_questions:
        question = asked[to].get(comment_id)
        if question is not None and question.asker == task.assignee:
            return comment_id, to, question
    return None


def chase(world: World, actor: Actor, task: TaskView, open_question: OpenQuestion) -> bool:
    """Ask again, once, whoever has not answered the actor's question on the task they are about
    to finish (not while that person is away: the actor goes ahead). True when they did."""
    chased = actor.chased
    to = open_question[1]
    if task.id in chased or world.state.people[to].away is not None:
        return False
    if len(chased) >= _CHASED_KEPT:  # (tasks that went elsewhere, or with their project)
        mine = world.state.assigned[actor.id].in_review
        for task_id in [t for t in chased if t not in mine]:
            del chased[task_id]
    comment(world, actor, task, "question", to=to, outcome="chase")
    chased[task.id] = actor.actions
    return True


def awaits_answer(actor: Actor, task: TaskView) -> bool:
    """Whether the actor, having chased their question on the task, still waits for the answer
    (CHASE_WAIT_OF_DAY of their usual day) before finishing without it."""
    chased = actor.chased.get(task.id)
    return chased is not None and actor.actions - chased < CHASE_WAIT_OF_DAY * actor.day_actions
