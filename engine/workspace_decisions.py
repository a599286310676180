"""Decisions on the workspace's objects: approvers decide approvals, managers mark milestones
reached once what they wait on is done, and keep a portfolio of their projects with a status
(see `engine.workspace` for the objects themselves)."""

from __future__ import annotations

from itertools import accumulate
from typing import Final

from engine import events as ev
from engine.draws import weighted
from engine.moves import comment, handled, noticed, person_ref
from engine.people import Actor
from engine.state_views import TaskView
from engine.workspace import APPROVERS, enabled
from engine.world import World

APPROVAL_OUTCOMES: Final[tuple[ev.ApprovalStatus, ...]] = (
    "approved",
    "changes_requested",
    "rejected",
)
# Approved 70 %, changes requested 20 %, rejected 10 %, accumulated as random.choices does
_APPROVAL_CUMULATIVE: Final = tuple(accumulate((0.7, 0.2, 0.1)))


def decide_approval(world: World, actor: Actor) -> bool:
    """Approvers decide pending approvals assigned to them, usually not the same hour (each
    within a day of their own working time, see engine.moves.noticed)."""
    if actor.role not in APPROVERS:
        return False
    for task_id, task in world.state.assigned[actor.id].new.items():
        if (
            task.subtype == "approval"
            and task.approval_status == "pending"
            and noticed(actor, "a" + task_id)
        ):
            handled(actor, "a" + task_id)
            status = weighted(actor.rng, APPROVAL_OUTCOMES, _APPROVAL_CUMULATIVE)
            world.emit(
                ev.ApprovalDecided(
                    world.next_seq(), world.now, actor.id, task=task_id, status=status
                )
            )
            comment(world, actor, task, "review_feedback", to=task.creator, outcome=status)
            _finish_one_step(world, actor, task)
            return True
    return False


def reach_milestones(world: World, actor: Actor) -> bool:
    tasks, mine = world.state.tasks, world.open_milestones.get(actor.id)
    if not mine:
        return False
    for milestone in list(mine):
        task = tasks.get(milestone)
        if task is None:  # gone with its finished project
            del mine[milestone]
        elif all(tasks[d].completed for d in task.depends_on if d in tasks) and noticed(
            actor, "m" + milestone
        ):
            handled(actor, "m" + milestone)
            _finish_one_step(world, actor, task)
            del mine[milestone]
            return True
    return False


def _finish_one_step(world: World, actor: Actor, task: TaskView) -> None:
    section = world.state.projects[task.project].sections.get("done")
    world.emit(
        ev.TaskStateChanged(
            world.next_seq(),
            world.now,
            actor.id,
            task=task.id,
            state="done",
            previous=task.state,
            section=section,
        )
    )
    world.emit(ev.TaskCompleted(world.next_seq(), world.now, actor.id, task=task.id))


def run_portfolio(world: World, actor: Actor) -> bool:
    """Managers keep a portfolio of their projects and post its status on the project cadence."""
    if not (enabled(world) and world.scenario.workspace.portfolios):
        return False
    state = world.state
    mine = state.open_projects_by_owner.get(actor.id)
    portfolio_id = world.portfolio_of.get(actor.id)
    if portfolio_id is None:
        if not mine:
            return False
        portfolio_id = world.portfolio_of[actor.id] = world.next_id("pf")
        first_name = actor.person.name.split()[0]
        world.emit(
            ev.PortfolioCreated(
                world.next_seq(),
                world.now,
                actor.id,
                portfolio=portfolio_id,
                name=f"{first_name}'s {actor.person.team} portfolio",
                owner=actor.id,
            )
        )
        return True
    portfolio = state.portfolios[portfolio_id]
    for project_id in mine or ():
        if project_id not in portfolio.projects:
            world.emit(
                ev.PortfolioItemAdded(
                    world.next_seq(),
                    world.now,
                    actor.id,
                    portfolio=portfolio_id,
                    project=project_id,
                )
            )
            return True
    every = world.rates.status_update_every_seconds
    last = portfolio.last_status_at
    due = last is None or (world.now - last).total_seconds() >= every
    if portfolio.projects and due and noticed(actor, "p" + portfolio_id):
        handled(actor, "p" + portfolio_id)
        _portfolio_status(world, actor, portfolio_id)
        return True
    return False


def _portfolio_status(world: World, actor: Actor, portfolio_id: str) -> None:
    state = world.state
    portfolio = state.portfolios[portfolio_id]
    projects = [state.projects[p] for p in portfolio.projects]
    done = sum(1 for p in projects if p.completed)
    # The portfolio is as healthy as its least healthy open project.
    worst = {"on_track": 0, "at_risk": 1, "off_track": 2}
    open_statuses = [s for p in projects if not p.completed and (s := p.last_status_type)]
    worst_open = max(open_statuses or ["on_track"], key=lambda t: worst.get(t, 0))
    status: ev.StatusType = "on_track"
    if worst_open in ("at_risk", "off_track"):
        status = "at_risk" if worst_open == "at_risk" else "off_track"
    title, text = world.content.status_update(
        world.content_rng,
        project_name=portfolio.name,
        status_type=status,
        done=done,
        total=len(projects),
        author=person_ref(world, actor.id),
        unit="project",
    )
    world.emit(
        ev.PortfolioStatusPosted(
            world.next_seq(),
            world.now,
            actor.id,
            status_update=world.next_id("su"),
            portfolio=portfolio_id,
            status_type=status,
            title=title,
            text=text,
        )
    )
