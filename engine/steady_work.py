"""Steady work of contributors and leads (engine.actions.act comes here when no obligation is
due): accrue progress credit by weekly rates, hit blockers, work through subtasks, ask for
review, start what was handed over and pick up unassigned tasks of the team.

A task takes some of its assignee's working time before it can go to review (a share of what
a task takes them on average, more with subtasks): started and sent for review within the
hour, it would read as no work done.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Final

from engine.answers import own_open_question
from engine.conversation import accrue_notes
from engine.draws import pick, uniform
from engine.moves import (
    assign,
    at_work,
    comment,
    complete,
    handled,
    move,
    noticed,
    picks_up_unassigned,
    reviewer_for,
    teammates,
    waits_for_work,
    works_on_tasks,
)
from engine.people import Actor
from engine.scope import own_follow_up
from engine.state_views import TaskView
from engine.workspace import first_startable, open_dependency, work_to_wait_for
from engine.world import World

# Work passed on (a task handed over to start, a review, approved work to finish) is taken
# care of within this share of the person's day of actions, over the team's busyness
# (engine.rates.PLANNED_ACTIVITY); work they pick up themselves, at once. At a busier level a
# day's wait each capped the team's completions (10.6 a week against 12 at activity 4, 18.1
# against 24 at 8): handed-over tasks are started one after another.
HANDOVER_OF_DAY: Final = 1.0
# A task started takes at least this share of the working time its assignee spends on a task
# on average (their actions between review requests, at the scenario's rates), and this share
# of that more per subtask; each task varies around it (0.6-1.4 times). At the default rates
# that is about half a working day. (Without it one task in twenty went to review within
# three hours of its start, one in forty within the hour; the median is about a week.)
MIN_WORK_SHARE: Final = 0.35
SUBTASK_WORK_SHARE: Final = 0.5
# However fast the team works (at a busy activity level tasks are small, and a busy hour holds
# many of a person's actions), never less than this by the clock.
MIN_WORK_SECONDS: Final = 5400.0
# A random blocker falls on a task under way at least this long (clock seconds).
JUST_STARTED_SECONDS: Final = 1800.0
# A task's subtasks are done one after another over this share of the time a task is in
# progress on average (its assignee's actions per review request times the tasks they keep in
# progress): done all in its first hour ("Share the write-up" ticked off before the write-up
# was reviewed), the task then ran on for days with nothing left but its name.
STEPS_SPAN_SHARE: Final = 0.4


def pace(world: World, actor: Actor) -> None:
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


def steady_work(world: World, actor: Actor) -> bool:
    rng = actor.rng
    mine = world.state.assigned[actor.id]
    in_progress = list(mine.in_progress.values())
    # (a task just started is not blocked yet: "Got it, starting" then "Stuck" a minute later
    # reads as a script; the blocker waits for a task that has been under way a while)
    if in_progress and actor.blockers_due:
        blockable = [t for t in in_progress if not _just_started(world, actor, t)]
        if blockable:
            actor.blockers_due -= 1
            task = pick(rng, blockable)
            move(world, actor, task, "blocked")
            days = rng.expovariate(1 / world.scenario.work.blocked_days_mean)
            world.blocked_until[task.id] = actor.actions + days * actor.day_actions
            comment(world, actor, task, "blocked")
            return True
    ready: list[TaskView] = []
    if actor.work_credit >= actor.work_threshold:  # most moments have no credit to spend
        worked, actions, clock = actor.worked_until, actor.actions, world.clock
        for t in in_progress:
            until = worked.get(t.id)  # (the work it takes first: see _plan_work)
            if not t.open_subtasks and (
                until is None or (until[0] <= actions and until[1] <= clock)
            ):
                waits_on = open_dependency(world, t)
                if waits_on is not None:  # done but for the task it waits on: parked till then
                    actor.worked_until.pop(t.id, None)
                    move(world, actor, t, "blocked", blocked_by=waits_on)
                    comment(world, actor, t, "blocked", waits_on=world.state.tasks[waits_on].name)
                    return True
                ready.append(t)
    if ready:
        spent, actor.work_threshold = actor.work_threshold, uniform(rng, 0.5, 1.5)
        actor.work_credit -= spent
        task = min(ready, key=lambda t: _urgency(world, t))
        reviewer = reviewer_for(world, actor, task)
        actor.worked_until.pop(task.id, None)
        if reviewer is None:
            # Unreviewed, it takes the rounds a review would add (a manager alone did 4 a week)
            actor.work_credit -= (world.rates.review_rounds - 1) * spent
            # (everyone who could answer is away: what the actor asked stays unanswered)
            complete(world, actor, task, own_open_question(world, task))
            own_follow_up(world, actor, task.id)
        else:
            move(world, actor, task, "in_review")
            comment(world, actor, task, "review_request", to=reviewer)
        return True
    for task in in_progress:
        if task.open_subtasks and rng.random() < 0.5:
            sub = _first_open_subtask(world, task)
            if sub.state == "new" or _step_due(actor, task):
                _advance_subtask(world, actor, sub)
                return True
    if len(in_progress) < world.rates.work_in_progress:
        # A task that waits on work still under way stays new until it can be worked on
        # (started, it was blocked at once: "Parking X until Y is finished" a minute after
        # "On it"). One whose dependency is in review can start; if it is done first, it is
        # parked until that finishes (above).
        fresh = [
            t
            for t in mine.new.values()
            if t.subtype == "default_task" and work_to_wait_for(world, t) is None
        ]
        if fresh:
            # Work handed over is started within a day (see HANDOVER_OF_DAY).
            task = min(fresh, key=lambda t: _urgency(world, t)[1])  # the oldest project's
            if not noticed(actor, "n" + task.id, HANDOVER_OF_DAY / world.rates.busyness):
                return False
            handled(actor, "n" + task.id)
            move(world, actor, task, "in_progress")
            _plan_work(world, actor, task)
            if rng.random() < 0.6:
                comment(world, actor, task, "start")
            return True
        if _pick_up(world, actor):
            return True
    return False


def _plan_work(world: World, actor: Actor, task: TaskView) -> None:
    """The least of the person's working time (their own actions) the task takes before it can
    go to review (see MIN_WORK_SHARE)."""
    size = 1.0 + SUBTASK_WORK_SHARE * len(task.subtasks)
    rate = world.rates.work_credit_per_action  # 0: nothing is ever finished (no credit)
    per_task = 1.0 / rate if rate > 0.0 else math.inf  # actions a review request takes
    need = MIN_WORK_SHARE * size * uniform(actor.rng, 0.6, 1.4) * per_task
    mine = world.state.assigned[actor.id].in_progress
    _keep_bounded(actor.worked_until, mine)
    actor.worked_until[task.id] = (actor.actions + need, world.clock + MIN_WORK_SECONDS)
    if task.subtasks:
        _keep_bounded(actor.steps_paced, mine)
        span = STEPS_SPAN_SHARE * world.rates.work_in_progress * per_task
        actor.steps_paced[task.id] = (float(actor.actions), span)


def _keep_bounded(plans: dict[str, tuple[float, float]], mine: dict[str, TaskView]) -> None:
    """Once a person's records of their tasks outnumber those in progress by a few, drop the
    others' (tasks that went to someone else, or with their project)."""
    if len(plans) > 2 * len(mine) + 8:
        for task_id in [t for t in plans if t not in mine]:
            del plans[task_id]


def _just_started(world: World, actor: Actor, task: TaskView) -> bool:
    """Whether the person started the task less than JUST_STARTED_SECONDS ago (its work plan
    began then: see _plan_work)."""
    plan = actor.worked_until.get(task.id)
    return plan is not None and world.clock < plan[1] - MIN_WORK_SECONDS + JUST_STARTED_SECONDS


def _step_due(actor: Actor, task: TaskView) -> bool:
    """Whether the task's next subtask can be done: its steps are spread evenly over the
    STEPS_SPAN_SHARE of a task's time from its start (see _plan_work), the last one by then."""
    paced = actor.steps_paced.get(task.id)
    if paced is None:  # started by someone else (handed over part-way): as it comes
        return True
    count = len(task.subtasks)
    done = count - task.open_subtasks
    return actor.actions >= paced[0] + paced[1] * (done + 1) / count


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
    """Take an unassigned task of the team that can start, unless a teammate who only works on what they are
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
        # One that can start (a task waiting on an open one is left for later).
        task_id = first_startable(world, project.unassigned) if project.unassigned else None
        if task_id is not None:
            assign(world, actor, task_id, actor.id)
            actor.due["n" + task_id] = actor.actions  # taken to start at once
            return True
    return False
