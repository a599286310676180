"""What a person does when they act: one choice, made from the projected state.

Obligations come first (announce time away, say you are back, answer whoever asked you,
review what waits for you, finish approved work, unblock), then steady work paced by weekly
rates (ask for review, hit a blocker, start or pick up a task: engine.steady_work), then
conversation (progress notes, questions, likes, follows: engine.conversation). Managers run projects instead: create
them and their tasks, assign, post status updates, chase quiet tasks and close finished
projects (engine.projects, engine.scope); in a team of managers only, they also do the work
(engine.people.managers_only_teams).

What comes in from others (a question, a review, an approval, a freed or handed-over task, a
slipped date) is taken care of within a day of the person's own activity (engine.moves.noticed):
what arrived overnight is spread over the next day in its rhythm, not done at its first moment.
"""

from __future__ import annotations

from engine import events as ev
from engine.answers import (
    answer,
    answer_before_review,
    awaits_answer,
    chase,
    maybe_follow,
    own_open_question,
)
from engine.conversation import converse
from engine.draws import between
from engine.moves import comment, complete, handled, move, noticed, works_on_tasks
from engine.people import Actor
from engine.projects import run_projects
from engine.scope import own_follow_up
from engine.steady_work import HANDOVER_OF_DAY, pace, steady_work
from engine.time_away import announce_time_away, say_back
from engine.workspace import escalate_priority, open_dependency
from engine.workspace_decisions import decide_approval
from engine.world import World


def act(world: World, actor: Actor) -> None:
    if not actor.joined:
        _join(world, actor)
        return
    actor.actions += 1
    pace(world, actor)  # every action counts towards the weekly rates, obligations too
    if (  # obligations first, in this order (direct calls: this runs at every moment)
        say_back(world, actor)
        or announce_time_away(world, actor)
        or answer(world, actor)
        or _review(world, actor)
        or decide_approval(world, actor)
        or _finish_approved(world, actor)
        or _unblock(world, actor)
        or _slip_due_date(world, actor)
    ):
        return
    if actor.role == "manager" and run_projects(world, actor):
        return
    if works_on_tasks(actor) and steady_work(world, actor):
        return
    converse(world, actor)


# -- joining and time away -------------------------------------------------------------------


def _join(world: World, actor: Actor) -> None:
    p = actor.person
    world.emit(
        ev.PersonJoined(
            world.next_seq(),
            world.now,
            actor.id,
            person=actor.id,
            name=p.name,
            email=p.email,
            role=p.role,
            timezone=p.timezone,
            team=p.team,
        )
    )
    actor.joined = True
    world.joined_teammates.clear()  # (engine.moves.teammates)


# -- obligations -----------------------------------------------------------------------------


def _review(world: World, actor: Actor) -> bool:
    waiting = world.state.reviews[actor.id]
    if not waiting:
        return False
    share = HANDOVER_OF_DAY / world.rates.busyness
    ready = [t for t in waiting if noticed(actor, "r" + t, share)]  # (each is seen, then waits)
    if not ready:
        return False
    task = world.state.tasks[ready[0]]
    if answer_before_review(world, actor, task):
        return True
    handled(actor, "r" + task.id)
    outcome = "approved"
    if actor.rng.random() < world.rates.changes_requested_probability:
        move(world, actor, task, "in_progress")
        outcome = "changes_requested"
    comment(world, actor, task, "review_feedback", to=task.assignee, outcome=outcome)
    maybe_follow(world, actor, task.id)
    return True


def _finish_approved(world: World, actor: Actor) -> bool:
    share = HANDOVER_OF_DAY / world.rates.busyness
    for task_id, task in world.state.assigned[actor.id].in_review.items():
        if (
            task.approved
            and open_dependency(world, task) is None
            and noticed(actor, "f" + task_id, share)
        ):
            # A question of theirs on it still unanswered: chased once and waited for a while,
            # then the task is finished without it (the done comment says what they went with).
            unanswered = own_open_question(world, task) if task.open_questions else None
            if unanswered is not None:
                if chase(world, actor, task, unanswered):
                    return True
                if awaits_answer(actor, task):
                    continue
            handled(actor, "f" + task_id)
            actor.chased.pop(task_id, None)
            complete(world, actor, task, unanswered)
            own_follow_up(world, actor, task_id)
            return True
    return False


def _unblock(world: World, actor: Actor) -> bool:
    tasks = world.state.tasks
    for task_id, task in world.state.assigned[actor.id].blocked.items():
        waits_on = ""
        if task.blocked_by is not None:  # waiting on another task: free once it is done
            other = tasks.get(task.blocked_by)
            ready = (other is None or other.completed) and noticed(actor, "u" + task_id)
            waits_on = other.name if other is not None else ""
        else:  # a blocker of the work itself lasts a stretch of the assignee's working time
            ready = world.blocked_until.get(task_id, 0.0) <= actor.actions
        if ready:
            world.blocked_until.pop(task_id, None)
            handled(actor, "u" + task_id)
            reason = task.blocker or ""  # read before the move: it forgets the block
            move(world, actor, task, "in_progress")
            comment(world, actor, task, "unblocked", topic=reason, waits_on=waits_on)
            return True
    return False


def _slip_due_date(world: World, actor: Actor) -> bool:
    in_progress = world.state.assigned[actor.id].in_progress
    if not in_progress:
        return False
    today = world.local_today(actor)
    for task_id, task in in_progress.items():
        due_on = task.due_on
        if due_on is not None and due_on < today and noticed(actor, "s" + task_id):
            handled(actor, "s" + task_id)
            new_due = world.workdays_after(actor, today, between(actor.rng, 2, 6))
            world.emit(
                ev.DueDateChanged(
                    world.next_seq(),
                    world.now,
                    actor.id,
                    task=task.id,
                    due_on=new_due,
                    previous=task.due_on,
                )
            )
            escalate_priority(world, actor, task)
            return True
    return False
