"""How a manager starts projects (on the team's cadence, sooner when it runs short of work) and
puts their planned tasks in, over a day or so."""

from __future__ import annotations

import math
from typing import Final

from engine import events as ev
from engine.moves import handled, noticed
from engine.people import Actor
from engine.scope import (
    create_task,
    own_open_projects,
    saturated_at,
    short_of_work_below,
    unstarted_work,
)
from engine.workspace import add_milestones, project_extras
from engine.world import World

SECTIONS: Final = (
    ("To do", "new"),
    ("In progress", "in_progress"),
    ("Blocked", "blocked"),
    ("In review", "in_review"),
    ("Done", "done"),
)
# Chance that a moment a manager could add a planned task to a new project goes elsewhere: the
# tasks go in one at a time over the manager's day, not as a burst at its first moment.
TASK_SETUP_PAUSE: Final = 0.5
# Project cadence: a team short of unstarted work (engine.scope.short_of_work_below) may get its
# next project after PULL_FORWARD of the interval; one with plenty (saturated_at) waits.
PULL_FORWARD: Final = 0.75


def start_project(world: World, actor: Actor) -> bool:
    """A manager starts a project every `new_project_every_days` working days. A team about
    to run out of work may get it early, but not before PULL_FORWARD of the interval; a team
    with plenty unstarted waits (so open projects do not pile up whatever the cadence). A
    manager's first projects, as many as their pace (engine.people.project_paces, rounded),
    come at once: the team's opening stock of work."""
    pace = world.project_paces[actor.person.team]
    # (A manager of ten started with one project's tasks for all of them, as a manager of
    # five does: half the team sat idle through its first days, 2.5 completions a
    # contributor-week over a month against 3.)
    opening = actor.projects_started < max(1, round(pace))
    elapsed = math.inf if opening else world.clock - actor.last_project_at
    cadence = world.rates.new_project_every_seconds / pace
    if elapsed < PULL_FORWARD * cadence:
        return False
    waiting, workers, idle = unstarted_work(world, actor.person.team)
    # Due: started within a day of the manager's time; at once for a team short of work, and
    # a manager's opening projects at once.
    hungry = idle or waiting < short_of_work_below(world, workers)
    if not hungry and not opening and not noticed(actor, "project"):
        return False
    if not idle:
        if elapsed < cadence and waiting >= short_of_work_below(world, workers):
            return False
        if workers and waiting >= saturated_at(world, workers):
            return False
    blueprint = world.content.project(
        world.content_rng, industry=world.scenario.industry, index=world.project_index()
    )
    project_id = world.next_id("p")
    world.emit(
        ev.ProjectCreated(
            world.next_seq(),
            world.now,
            actor.id,
            project=project_id,
            name=blueprint.name,
            notes=blueprint.notes,
            owner=actor.id,
            team=actor.person.team,
            **project_extras(world, actor),
        )
    )
    for name, state in SECTIONS:
        world.emit(
            ev.SectionCreated(
                world.next_seq(),
                world.now,
                actor.id,
                section=world.next_id("s"),
                project=project_id,
                name=name,
                state=state,
            )
        )
    size = world.scenario.work.tasks_per_project
    world.task_queue[project_id] = list(blueprint.tasks[:size])
    world.spare_tasks[project_id] = list(blueprint.tasks[size:])  # for when scope grows
    actor.last_project_at = _project_started_for(world, actor, cadence)
    actor.projects_started += 1
    handled(actor, "project")
    return True


def _project_started_for(world: World, actor: Actor, cadence: float) -> float:
    """The moment the next project's interval counts from: now, or, when the interval is
    shortened (a manager of many, engine.people.project_paces, or a team busier than
    engine.rates.PLANNED_ACTIVITY), the moment this one was due when it started late. A short
    interval measured from each start rounded up to whole days (a manager starts projects at
    their first moments of a day): a manager of thirty started one every two days where the
    team needed one every 1.9."""
    now, last = world.clock, actor.last_project_at
    shortened = world.project_paces[actor.person.team] > 1 or world.rates.busyness > 1
    if not shortened or last == -math.inf:
        return now
    return min(now, last + cadence)


def _short_of_work(world: World, actor: Actor) -> bool:
    waiting, workers, idle = unstarted_work(world, actor.person.team)
    return idle > 0 or waiting < short_of_work_below(world, workers)


def create_tasks(world: World, actor: Actor) -> bool:
    rng = actor.rng
    for project in own_open_projects(world, actor):
        queue = world.task_queue.get(project.id)
        if not queue:
            continue
        if rng.random() < TASK_SETUP_PAUSE and not _short_of_work(world, actor):
            return False  # a project's tasks go in over a day or so, sooner when work runs short
        # A manager of many (see engine.people.project_paces) adds several in one sitting:
        # one at a time, their own actions would cap the team's work.
        for _ in range(min(len(queue), max(1, round(world.project_paces[actor.person.team])))):
            create_task(world, actor, project, queue.pop(0))
        if not queue:  # all tasks are in: now the milestones can wait on some of them
            add_milestones(world, actor, project)
        return True
    return False
