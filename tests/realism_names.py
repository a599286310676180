"""Measures of how task names read, from a log's events alone (tests/realism_probe.py counts
them):

- name patterns: the first PATTERN_WORDS words of a top-level task's name (approvals and
  milestones left out); a team that names a third of its tasks "Line up the sign-off of …",
  "Prepare the hand-over of …" and "Plan the rollout of …" reads generated;
- repeated subtasks: a subtask name said more than a few times in a run ("Book the hand-over"
  24 times in a month);
- milestones named for their project ("Milestone 1: Orders API v2 launch"), and a project's
  milestones out of order (a later one due earlier, or named for an earlier stage of the work:
  "Runbook published" before "Outline of the runbook agreed");
- approvals made from a follow-up or next step ("Approve: Line up the sign-off of the load
  balancer config").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from engine import events as ev

PATTERN_WORDS = 3


def name_patterns(events: Iterable[ev.Event]) -> Counter[str]:
    """How many top-level ordinary tasks start with each PATTERN_WORDS words."""
    return Counter(
        " ".join(e.name.split()[:PATTERN_WORDS])
        for e in events
        if isinstance(e, ev.TaskCreated) and e.parent is None and e.subtype == "default_task"
    )


def worst_pattern(events: Iterable[ev.Event]) -> tuple[str, int, int]:
    """(the most used name pattern, its tasks, all top-level ordinary tasks)."""
    patterns = name_patterns(events)
    if not patterns:
        return "", 0, 0
    pattern, count = patterns.most_common(1)[0]
    return pattern, count, sum(patterns.values())


def repeated_subtasks(events: Iterable[ev.Event], most: int = 3) -> list[tuple[str, int]]:
    """Subtask names created more than `most` times, with how often."""
    names = Counter(e.name for e in events if isinstance(e, ev.TaskCreated) and e.parent)
    return [(name, n) for name, n in names.most_common() if n > most]


def milestones_naming_their_project(events: Iterable[ev.Event]) -> list[ev.TaskCreated]:
    """Milestones whose name holds their project's name."""
    projects: dict[str, str] = {}
    found = []
    for e in events:
        if isinstance(e, ev.ProjectCreated):
            projects[e.project] = e.name.lower()
        elif isinstance(e, ev.TaskCreated) and e.subtype == "milestone":
            project = projects.get(e.project)
            found += [e] if project and project in e.name.lower() else []
    return found


@cache
def _milestone_frames() -> list[tuple[re.Pattern[str], int, int]]:
    """Each milestone wording as a pattern, with its stage and how many words it fixes."""
    from engine.content import vocab_milestones as vm

    fill = re.compile(r"\\\{[sOo]\\\}")
    return [
        (re.compile(fill.sub(".+", re.escape(frame)) + "$"), stage, len(frame))
        for stages in vm.MILESTONES.values()
        for stage, frames in enumerate(stages)
        for frame in frames
    ]


def milestone_stage(name: str) -> int | None:
    """The stage of the work a milestone's name says is reached (its most specific wording's)."""
    found = [(size, stage) for pattern, stage, size in _milestone_frames() if pattern.match(name)]
    return max(found)[1] if found else None


def milestones_out_of_order(events: Iterable[ev.Event]) -> list[tuple[str, list[str]]]:
    """Projects whose milestones, in the order they were created, are not due in that order or
    name an earlier stage after a later one: (project, its milestone names)."""
    milestones: dict[str, list[ev.TaskCreated]] = {}
    for e in events:
        if isinstance(e, ev.TaskCreated) and e.subtype == "milestone":
            milestones.setdefault(e.project, []).append(e)
    found = []
    for project, made in milestones.items():
        dues = [e.due_on for e in made if e.due_on is not None]
        stages = [-1 if (s := milestone_stage(e.name)) is None else s for e in made]
        if dues != sorted(dues) or -1 in stages or stages != sorted(stages):
            found.append((project, [e.name for e in made]))
    return found


@cache
def _follow_up_frames() -> re.Pattern[str]:
    """The fixed words of every follow-up and next step name (the part before its subject)."""
    from engine.content import vocab_follow_ups as vf

    frames = {
        name.split("{s}")[0].strip()
        for table in (vf.FOLLOW_UPS, vf.NEXT_STEPS)
        for kinds in table.values()
        for name, _ in kinds
    }
    return re.compile("(?i)(" + "|".join(re.escape(f) for f in sorted(frames) if f) + ")")


def approvals_of_follow_ups(events: Iterable[ev.Event]) -> list[ev.TaskCreated]:
    """Approval tasks whose name is made from a follow-up's or next step's."""
    frames = _follow_up_frames()
    return [
        e
        for e in events
        if isinstance(e, ev.TaskCreated) and e.subtype == "approval" and frames.search(e.name)
    ]
