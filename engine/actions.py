"""What a person does when they act: one choice, made from the projected state.

Obligations come first (announce time away, say you are back, answer whoever asked you,
review what waits for you, finish approved work, unblock), then steady work paced by weekly
rates (ask for review, hit a blocker, start or pick up a task), then conversation (progress
notes, questions, likes, follows: engine.conversation). Managers run projects instead: create
them and their tasks, assign, post status updates, chase quiet tasks and close finished
projects (engine.projects, engine.scope); in a team of managers only, they also do the work
(engine.people.managers_only_teams).

What comes in from others (a question, a review, an approval, a freed or handed-over task, a
slipped date) is taken care of within a day of the person's own activity (engine.moves.noticed):
what arrived overnight is spread over the next day in its rhythm, not done at its first moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from engine import events as ev
from engine.conversation import accrue_notes, answer, converse, maybe_follow
from engine.draws import between, pick, uniform
from engine.moves import (
    assign,
    at_work,
    comment,
    complete,
    handled,
    move,
    my_open,
    noticed,
    picks_up_unassigned,
    reviewer_for,
    teammates,
    waits_for_work,
    works_on_tasks,
)
from engine.people import Actor
from engine.projects import run_projects
from engine.scope import own_follow_up
from engine.state_views import TaskView
from engine.time_away import announce_time_away, say_back
from engine.workspace import escalate_priority, open_dependency
from engine.workspace_decisions import decide_approval
from engine.world import World

# Work passed on (a task handed over to start, a review, approved work to finish) is taken
# care of within this share of the person's day of actions, over the team's busyness
# (engine.world.PLANNED_ACTIVITY); work they pick up themselves, at once. At a busier level a
# day's wait each capped the team's completions (10.6 a week against 12 at activity 4, 18.1
# against 24 at 8): handed-over tasks are started one after another.
HANDOVER_OF_DAY: Final = 1.0


def act(world: World, actor: Actor) -> None:
    if not actor.joined:
        _join(world, actor)
        return
    actor.actions += 1
    _pace(world, actor)  # every action counts towards the weekly rates, obligations too
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
    if works_on_tasks(actor) and _steady_work(world, actor):
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
    handled(actor, "r" + task.id)
    outcome = "approved"
    if actor.rng.random() < world.rates.changes_requested_probability:
        move(world, actor, task, "in_progress")
        outcome = "changes_requested"
    comment(world, actor, task, "review_feedback", to=task.assignee, outcome=outcome)
    maybe_follow(world, actor, task.id)
    return True


def _finish_approved(world: World, actor: Actor) -> bool:
    tasks, share = world.state.tasks, HANDOVER_OF_DAY / world.rates.busyness
    for task_id in world.state.assigned[actor.id].in_review:
        task = tasks[task_id]
        if (
            task.approved
            and open_dependency(world, task) is None
            and noticed(actor, "f" + task_id, share)
        ):
            handled(actor, "f" + task_id)
            complete(world, actor, task)
            own_follow_up(world, actor, task_id)
            return True
    return False


def _unblock(world: World, actor: Actor) -> bool:
    tasks = world.state.tasks
    for task_id in world.state.assigned[actor.id].blocked:
        task = tasks[task_id]
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
    today, tasks = world.local_today(actor), world.state.tasks
    for task_id in in_progress:
        task = tasks[task_id]
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


# -- steady work (contributors and leads) ----------------------------------------------------


def _pace(world: World, actor: Actor) -> None:
    """Accrue progress: weekly rates become credit per action, spent when it crosses 1."""
    rates, state = world.rates, world.state
    per_action = rates.per_action
    mine = state.assigned[actor.id]
    in_progress = len(mine.in_progress)
    accrue_notes(world, actor, in_progress)
    if not works_on_tasks(actor):
        return
    # Idle credit is capped so a quiet spell does not become a burst.
    actor.work_credit = min(3.0, actor.work_credit + rates.work_credit_per_action)
    # Blockers arrive as a Poisson process over in-progress work, drawn now and hit at the
    # next chance to work (drawing later would lose those that fall on busy moments).
    if actor.rng.random() < rates.blocked_rate_per_week * in_progress * per_action:
        actor.blockers_due += 1


def _steady_work(world: World, actor: Actor) -> bool:
    rng = actor.rng
    mine = world.state.assigned[actor.id]
    in_progress = my_open(world, mine.in_progress)
    if in_progress and actor.blockers_due:
        actor.blockers_due -= 1
        task = pick(rng, in_progress)
        move(world, actor, task, "blocked")
        days = rng.expovariate(1 / world.scenario.work.blocked_days_mean)
        world.blocked_until[task.id] = actor.actions + days * actor.day_actions
        comment(world, actor, task, "blocked")
        return True
    ready = (  # only looked for once there is credit to spend: most moments have none
        [t for t in in_progress if not t.open_subtasks and open_dependency(world, t) is None]
        if actor.work_credit >= actor.work_threshold
        else ()
    )
    if ready:
        spent, actor.work_threshold = actor.work_threshold, uniform(rng, 0.5, 1.5)
        actor.work_credit -= spent
        task = min(ready, key=lambda t: _urgency(world, t))
        reviewer = reviewer_for(world, actor, task)
        if reviewer is None:
            # Unreviewed, it takes the rounds a review would add (a manager alone did 4 a week)
            actor.work_credit -= (world.rates.review_rounds - 1) * spent
            complete(world, actor, task)
            own_follow_up(world, actor, task.id)
        else:
            move(world, actor, task, "in_review")
            comment(world, actor, task, "review_request", to=reviewer)
        return True
    for task in in_progress:
        if task.open_subtasks and rng.random() < 0.5:
            _advance_subtask(world, actor, _first_open_subtask(world, task))
            return True
    if len(in_progress) < world.rates.work_in_progress:
        fresh = [t for t in my_open(world, mine.new) if t.subtype == "default_task"]
        if fresh:
            # Work handed over is started within a day (see HANDOVER_OF_DAY).
            task = min(fresh, key=lambda t: _urgency(world, t)[1])  # the oldest project's
            if not noticed(actor, "n" + task.id, HANDOVER_OF_DAY / world.rates.busyness):
                return False
            handled(actor, "n" + task.id)
            move(world, actor, task, "in_progress")
            waits_on = open_dependency(world, task)
            if waits_on is not None:  # it cannot really start: blocked by the unfinished task
                move(world, actor, task, "blocked", blocked_by=waits_on)
                comment(world, actor, task, "blocked", waits_on=world.state.tasks[waits_on].name)
            elif rng.random() < 0.6:
                comment(world, actor, task, "start")
            return True
        if _pick_up(world, actor):
            return True
    return False


def _urgency(world: World, task: TaskView) -> tuple[bool, datetime]:
    """What to work on first: what others wait on, then the oldest project's (finish what is
    nearly done rather than spread over every open project)."""
    return not task.dependents, world.state.projects[task.project].created_at


def _first_open_subtask(world: World, task: TaskView) -> TaskView:
    tasks = world.state.tasks
    return next(tasks[s] for s in task.subtasks if not tasks[s].completed)


def _advance_subtask(world: World, actor: Actor, sub: TaskView) -> None:
    if sub.state == "new":
        move(world, actor, sub, "in_progress")
    else:
        complete(world, actor, sub)


def _pick_up(world: World, actor: Actor) -> bool:
    """Take an unassigned task of the team, unless a teammate who only works on what they are
    given (a contractor) has nothing at all while a manager is at work to hand it to them."""
    if not picks_up_unassigned(actor):  # contractors work on what they are given
        return False
    others = teammates(world, actor)
    if any(waits_for_work(world, o) for o in others) and any(
        o.role == "manager" and at_work(world, o.id) for o in others
    ):
        return False
    projects = world.state.projects
    for project_id in world.state.open_projects_by_team.get(actor.person.team, ()):
        project = projects[project_id]
        if project.unassigned:
            task_id = next(iter(project.unassigned))
            assign(world, actor, task_id, actor.id)
            actor.due["n" + task_id] = actor.actions  # taken to start at once
            return True
    return False
