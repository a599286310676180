"""Counts of status updates whose words do not fit their project's numbers, for
tests/realism_probe.py: from a run's events (`status_edges`) and straight from the template
source at each edge (`status_sweep`)."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable

from engine import events as ev

_COUNTS = re.compile(r"\b(\d+) of (\d+) tasks?\b|\b(\d+)/(\d+) done\b")
# What a status may not say at each edge (matched on the text in lower case).
_NOTHING_DONE = re.compile(r"the rest|\b0 of \d+|\b0/\d+|\(0%\)|0% through|good week|\bonly 0\b")
_NOTHING_LEFT = re.compile(
    r"the rest|\b0 to go|remaining 0|\b0 still open|\b0 of \d+ still open|still open|to go\b"
)
_ONE_LEFT = re.compile(
    r"remaining 1 depend|\b1 still open and some of them|a few items|two items|several items"
)
_BLOCKED_NONE = re.compile(r"no blockers|everyone has what they need")
_ALL_BLOCKED = re.compile(r"some of them are blocked|late or blocked|a few items are slipping")
# Claims that contradict each other: every open task waits on outside input, yet a count of
# them does ("two items"), or only one dependency is named.
_ALL_REMAINING = re.compile(r"(?<!of )the remaining \d+ depend")
_SOME_OF_THEM = re.compile(r"two items|one dependency")
_ALL_MOVING = re.compile(r"the rest are moving")
_THE_BLOCKERS = re.compile(r"around the blockers")
# Behind plan said as if little were done when half or more is ("only 9 of 12 tasks done
# (75%)", "well short of plan" three quarters through), and scope to cut with one task left.
_LITTLE_DONE = re.compile(r"\bonly \d+ of|well short of plan")
_CUT_SCOPE = re.compile(r"cut scope")


def status_misreads(text: str, done: int, total: int, blocked: int) -> list[str]:
    """The edges at which a status text for `done` of `total` tasks (`blocked` of the open
    ones blocked) says what its numbers do not bear out."""
    text = text.lower()
    checks = [
        ("nothing done", done == 0 and total > 0 and _NOTHING_DONE.search(text)),
        ("nothing left", done == total > 0 and _NOTHING_LEFT.search(text)),
        ("one left", total - done == 1 and _ONE_LEFT.search(text)),
        ("blocked but none said", blocked > 0 and _BLOCKED_NONE.search(text)),
        ("all blocked", 0 < blocked == total - done and _ALL_BLOCKED.search(text)),
        ("all and some", _ALL_REMAINING.search(text) and _SOME_OF_THEM.search(text)),
        ("moving but blocked", blocked > 0 and _ALL_MOVING.search(text)),
        ("blockers but none", blocked == 0 and _THE_BLOCKERS.search(text)),
        ("little done but half", 2 * done >= total > 0 and _LITTLE_DONE.search(text)),
        ("cut scope, one left", total - done == 1 and _CUT_SCOPE.search(text)),
    ]
    return [name for name, hit in checks if hit]


def status_edges(events: Iterable[ev.Event]) -> list[tuple[str, ev.StatusUpdatePosted]]:
    """Status updates whose words do not fit the project's numbers: (which edge, the update).
    Done and total come from the text where it says them ("3 of 12 tasks"; else the edges
    that need them are not checked), the blocked and open counts from the tasks' states."""
    project_of: dict[str, str] = {}
    blocked: dict[str, set[str]] = defaultdict(set)
    open_tasks: dict[str, set[str]] = defaultdict(set)
    found = []
    for e in events:
        if isinstance(e, ev.TaskCreated):  # (subtasks too: a status counts them)
            project_of[e.task] = e.project
            open_tasks[e.project].add(e.task)
        elif isinstance(e, ev.TaskStateChanged) and e.task in project_of:
            target = blocked[project_of[e.task]]
            (target.add if e.state == "blocked" else target.discard)(e.task)
        elif isinstance(e, ev.TaskCompleted) and e.task in project_of:
            open_tasks[project_of[e.task]].discard(e.task)
            blocked[project_of[e.task]].discard(e.task)
        elif isinstance(e, ev.TaskReopened) and e.task in project_of:
            open_tasks[project_of[e.task]].add(e.task)
        elif isinstance(e, ev.StatusUpdatePosted):
            stuck, still_open = len(blocked[e.project]), len(open_tasks[e.project])
            match = _COUNTS.search(e.text.lower())
            if match is not None:
                done, total = (int(g) for g in match.groups() if g is not None)
            else:  # no count to read: the open tasks as created so far
                done, total = 1, 1 + still_open
            found += [(name, e) for name in status_misreads(e.text, done, total, stuck)]
    return found


# The edges of a project's numbers, as (done, total, blocked), for `status_sweep`.
STATUS_EDGES = {
    "0 done": (0, 12, 0),
    "all done": (12, 12, 0),
    "1 left": (11, 12, 0),
    "all blocked": (9, 12, 3),
    "some blocked": (5, 12, 1),
    "most done": (10, 12, 0),
    "three quarters": (9, 12, 0),
    "half done": (6, 12, 0),
}


def status_sweep(draws: int = 100) -> dict[str, int]:
    """Status texts that misread their numbers, of `draws` per edge and status type, straight
    from the template source (a 60-day run has few projects at an edge when their status is
    due)."""
    from engine.content import PersonRef
    from engine.content.templates import TemplateSource

    source, rng = TemplateSource(), random.Random(5)
    author = PersonRef(name="Alice Chen", role="manager")
    out = {}
    for name, (done, total, blocked) in STATUS_EDGES.items():
        out[name] = 0
        for status_type in ("on_track", "at_risk", "off_track", "on_hold"):
            for _ in range(draws):
                args = {"project_name": "P", "status_type": status_type, "done": done,
                        "total": total, "author": author}  # fmt: skip
                try:
                    _, text = source.status_update(rng, **args, blocked=blocked)  # type: ignore[arg-type]
                except TypeError:  # a source from before the blocked count
                    _, text = source.status_update(rng, **args)  # type: ignore[arg-type]
                out[name] += bool(status_misreads(text, done, total, blocked))
    return out
