"""What a person does when they act: one choice, made from the projected state.

Obligations come first (announce time away, say you are back, answer whoever asked you,
review what waits for you, finish approved work, unblock), then steady work paced by weekly
rates (ask for review, hit a blocker, start or pick up a task), then conversation (progress
notes, questions, likes, follows). Managers also run projects: create them and their tasks,
assign, post status updates, chase quiet tasks and close finished projects.
"""

from __future__ import annotations

from typing import Final

from engine import events as ev
from engine.draws import below, between, pick, uniform
from engine.moves import assign, comment, complete, move, my_open, reviewer_for
from engine.projects import run_projects
from engine.state import TaskView
from engine.workspace import decide_approval, escalate_priority, open_dependency
from engine.world import Actor, World

LATE_ANSWER_SECONDS: Final = 2 * 86400  # answering later than this comes with an apology


def act(world: World, actor: Actor) -> None:
    if not actor.joined:
        _join(world, actor)
        return
    _pace(world, actor)  # every action counts towards the weekly rates, obligations too
    if (  # obligations first, in this order (direct calls: this runs at every moment)
        _return(world, actor)
        or _announce_time_away(world, actor)
        or _answer(world, actor)
        or _review(world, actor)
        or decide_approval(world, actor)
        or _finish_approved(world, actor)
        or _unblock(world, actor)
        or _slip_due_date(world, actor)
    ):
        return
    if actor.role == "manager":
        if run_projects(world, actor):
            return
    elif _steady_work(world, actor):
        return
    _conversation(world, actor)


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


def _announce_time_away(world: World, actor: Actor) -> bool:
    if not actor.away_plan:
        return False
    start_on, end_on = actor.away_plan[0]
    today = world.local_today(actor)
    if today >= start_on:  # missed the chance to announce: stay silent about this one
        actor.away_plan.pop(0)
        return False
    if (start_on - today).days > 3:
        return False
    actor.away_plan.pop(0)
    world.emit(
        ev.PersonWentOutOfOffice(
            world.next_seq(), world.now, actor.id, person=actor.id, start_on=start_on, end_on=end_on
        )
    )
    actor.announced = (start_on, end_on)
    back = world.workdays_after(actor, end_on, 1)
    tasks, mine = world.state.tasks, world.state.assigned[actor.id]
    active = mine.active()
    for task_id in active[:3]:
        comment(world, actor, tasks[task_id], "out_of_office", detail=back.strftime("%a %d %b"))
    return True


def _return(world: World, actor: Actor) -> bool:
    if actor.announced is None or world.local_today(actor) <= actor.announced[1]:
        return False
    actor.announced = None
    world.emit(ev.PersonReturned(world.next_seq(), world.now, actor.id, person=actor.id))
    return True


# -- obligations -----------------------------------------------------------------------------


def _answer(world: World, actor: Actor) -> bool:
    asked = world.state.asked[actor.id]
    if not asked:
        return False
    question = next(iter(asked.values()))
    task = world.state.tasks[question.task]
    waited = (world.now - question.at).total_seconds()
    if waited > LATE_ANSWER_SECONDS:
        comment(
            world,
            actor,
            task,
            "sorry_for_delay",
            to=question.asker,
            detail=f"{round(waited / 86400)} days",
        )
    else:
        comment(world, actor, task, "answer", to=question.asker)
    return True


def _review(world: World, actor: Actor) -> bool:
    waiting = world.state.reviews[actor.id]
    if not waiting:
        return False
    task = world.state.tasks[next(iter(waiting))]
    if actor.rng.random() < world.rates.changes_requested_probability:
        move(world, actor, task, "in_progress")
    comment(world, actor, task, "review_feedback", to=task.assignee)
    return True


def _finish_approved(world: World, actor: Actor) -> bool:
    tasks = world.state.tasks
    for task_id in world.state.assigned[actor.id].in_review:
        task = tasks[task_id]
        if task.approved and open_dependency(world, task) is None:
            complete(world, actor, task)
            return True
    return False


def _unblock(world: World, actor: Actor) -> bool:
    tasks = world.state.tasks
    for task_id in world.state.assigned[actor.id].blocked:
        task = tasks[task_id]
        if task.blocked_by is not None:  # waiting on another task: free once it is done
            ready = task.blocked_by not in tasks or tasks[task.blocked_by].completed
        else:
            ready = world.blocked_until.get(task_id, 0) <= world.clock
        if ready:
            world.blocked_until.pop(task_id, None)
            move(world, actor, task, "in_progress")
            comment(world, actor, task, "unblocked")
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
        if due_on is not None and due_on < today:
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
    open_tasks = mine.count
    actor.comment_credit += rates.comments_per_task_per_day * open_tasks * 5 * per_action
    if actor.role == "manager":
        return
    # Idle credit is capped so a quiet spell does not become a burst.
    actor.work_credit = min(3.0, actor.work_credit + rates.work_credit_per_action)
    # Blockers arrive as a Poisson process over in-progress work, drawn now and hit at the
    # next chance to work (drawing later would lose those that fall on busy moments).
    in_progress = len(mine.in_progress)
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
        world.blocked_until[task.id] = world.clock + rng.expovariate(
            1 / (world.scenario.work.blocked_days_mean * 86400)
        )
        comment(world, actor, task, "blocked")
        return True
    ready = (  # only looked for once there is credit to spend: most moments have none
        [t for t in in_progress if not t.open_subtasks and open_dependency(world, t) is None]
        if actor.work_credit >= actor.work_threshold
        else ()
    )
    if ready:
        actor.work_credit -= actor.work_threshold
        actor.work_threshold = uniform(rng, 0.5, 1.5)
        task = ready[0]
        reviewer = reviewer_for(world, actor, task)
        if reviewer is None:
            complete(world, actor, task)
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
            task = fresh[0]
            move(world, actor, task, "in_progress")
            waits_on = open_dependency(world, task)
            if waits_on is not None:  # it cannot really start: blocked by the unfinished task
                move(world, actor, task, "blocked", blocked_by=waits_on)
                comment(world, actor, task, "blocked")
            elif rng.random() < 0.6:
                comment(world, actor, task, "start")
            return True
        if _pick_up(world, actor):
            return True
    return False


def _first_open_subtask(world: World, task: TaskView) -> TaskView:
    tasks = world.state.tasks
    return next(tasks[s] for s in task.subtasks if not tasks[s].completed)


def _advance_subtask(world: World, actor: Actor, sub: TaskView) -> None:
    if sub.state == "new":
        move(world, actor, sub, "in_progress")
    else:
        complete(world, actor, sub)


def _pick_up(world: World, actor: Actor) -> bool:
    projects = world.state.projects
    for project_id in world.state.open_projects_by_team.get(actor.person.team, ()):
        project = projects[project_id]
        if project.unassigned:
            task_id = next(iter(project.unassigned))
            assign(world, actor, task_id, actor.id)
            return True
    return False


# -- conversation (everyone) -----------------------------------------------------------------


def _conversation(world: World, actor: Actor) -> None:
    rng, rates, state = actor.rng, world.rates, world.state
    mine = state.assigned[actor.id]
    if mine.in_progress or mine.blocked or mine.in_review:
        if actor.comment_credit >= 1:
            actor.comment_credit -= 1
            task = state.tasks[pick(rng, mine.active())]
            to = reviewer_for(world, actor, task) if rng.random() < 0.3 else None
            comment(world, actor, task, "question" if to else "progress", to=to)
            return
        if world.tag_ids and rng.random() < 0.03:  # tags also arrive after creation
            task = state.tasks[pick(rng, mine.active())]
            tag = pick(rng, world.tag_ids)
            if tag not in task.tags:
                world.emit(
                    ev.TagAdded(world.next_seq(), world.now, actor.id, task=task.id, tag=tag)
                )
                return
    recent = state.recently_completed
    if not recent:
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
