"""Measures of a task's steps (its subtasks) and of follow-up names, from a log's events alone
(tests/realism_probe.py counts them):

- steps out of order: a task's subtasks of the template steps (engine/content/vocab_tasks.py
  SUBTASKS, in either wording) listed, and so done, in another order than the steps' ("Send
  the follow-up notes" before "Prepare the agenda");
- rushed steps: tasks sent to review whose subtasks were all done in the first RUSHED_SHARE of
  the time from the task's start to its review (then it ran on with nothing left to tick);
- repeated follow-ups: a follow-up or next step created with the name of a task of another
  open project of its team ("Write up the tracker for the team" twice in a week).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from engine import events as ev
from engine.content import vocab_follow_ups as vf
from engine.content import vocab_tasks as vt

RUSHED_SHARE = 0.2
_FILL = re.compile(r"\\\{[a-z]+\\\}")


def _step_patterns() -> list[tuple[re.Pattern[str], int]]:
    """Each template step as a pattern of its filled names, with its place in its kind's order."""
    return [
        (re.compile(_FILL.sub(".+", re.escape(step)) + "$"), i)
        for steps in vt.SUBTASKS.values()
        for i, wordings in enumerate(steps)
        for step in wordings
    ]


def steps_out_of_order(events: Iterable[ev.Event]) -> list[str]:
    """Parents whose template subtasks were created (so are done) out of the steps' order."""
    patterns = _step_patterns()
    places: dict[str, list[int]] = {}
    for e in events:
        if isinstance(e, ev.TaskCreated) and e.parent is not None:
            place = next((i for p, i in patterns if p.match(e.name)), None)
            if place is not None:
                places.setdefault(e.parent, []).append(place)
    return [task for task, order in places.items() if order != sorted(order)]


def rushed_steps(events: Iterable[ev.Event]) -> tuple[int, int]:
    """(tasks whose subtasks were all done in the first RUSHED_SHARE of the time from the task's
    start to its first review request, tasks with subtasks that went to review)."""
    parent: dict[str, str] = {}
    started: dict[str, datetime] = {}
    last_step: dict[str, datetime] = {}
    rushed = reviewed = 0
    for e in events:
        if isinstance(e, ev.TaskCreated) and e.parent is not None:
            parent[e.task] = e.parent
        elif isinstance(e, ev.TaskCompleted) and e.task in parent:
            last_step[parent[e.task]] = e.at
        elif isinstance(e, ev.TaskStateChanged) and e.task not in parent:
            if e.state == "in_progress":
                started.setdefault(e.task, e.at)
            elif e.state == "in_review" and e.task in last_step and e.task in started:
                took = (e.at - started[e.task]).total_seconds()
                if took > 0:
                    reviewed += 1
                    rushed += (last_step.pop(e.task) - started[e.task]).total_seconds() < (
                        RUSHED_SHARE * took
                    )
    return rushed, reviewed


def _follow_up_names() -> re.Pattern[str]:
    kinds = [k for table in (vf.FOLLOW_UPS, vf.NEXT_STEPS) for ks in table.values() for k in ks]
    names = {_FILL.sub(".+", re.escape(name)) for name, _ in kinds}
    return re.compile("(?i)(" + "|".join(sorted(names)) + ")$")


def repeated_follow_ups(events: Iterable[ev.Event]) -> list[ev.TaskCreated]:
    """Follow-ups named like a task of another open project of their team."""
    follow_up = _follow_up_names()
    team: dict[str, str] = {}
    open_names: dict[str, dict[str, set[str]]] = {}  # team → name → its open projects
    found = []
    for e in events:
        if isinstance(e, ev.ProjectCreated):
            team[e.project] = e.team
        elif isinstance(e, ev.ProjectCompleted):
            for projects in open_names.get(team[e.project], {}).values():
                projects.discard(e.project)
        elif isinstance(e, ev.TaskCreated):
            names = open_names.setdefault(team.get(e.project, ""), {})
            elsewhere = names.get(e.name, set()) - {e.project}
            if e.parent is None and elsewhere and follow_up.match(e.name):
                found.append(e)
            names.setdefault(e.name, set()).add(e.project)
    return found
