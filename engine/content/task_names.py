"""How the tasks a team adds are named: which follow-up, next step or milestone wording it
uses (the one it used least lately), and what an approval of a planned task is called.

A team keeps in mind the wordings of its last PATTERN_MEMORY such names (RecentPatterns, one a
team, kept by the engine): without it, "Line up the sign-off of …", "Prepare the hand-over of
…" and "Plan the rollout of …" named a third of a month's tasks.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from typing import Final, TypeVar

from engine.content import vocab_follow_ups as vf
from engine.content import vocab_milestones as vm
from engine.content.templates_tables import WORK_CLASS
from engine.content.vocab_tasks import VERBS
from engine.draws import pick

T = TypeVar("T")

# How many of its latest added-task names a team keeps in mind.
PATTERN_MEMORY: Final = 24


class RecentPatterns:
    """The wordings (name templates) a team used for its last PATTERN_MEMORY added tasks."""

    def __init__(self) -> None:
        self.used: deque[str] = deque()
        self.counts: dict[str, int] = {}

    def least_used(self, options: Sequence[T], patterns: Sequence[str]) -> list[T]:
        """Those of `options` (whose patterns are `patterns`, in the same order) the team used
        least lately, in their order."""
        counts = self.counts
        uses = [counts.get(pattern, 0) for pattern in patterns]
        fewest = min(uses)
        return [o for o, n in zip(options, uses, strict=True) if n == fewest]

    def note(self, pattern: str) -> None:
        self.used.append(pattern)
        self.counts[pattern] = self.counts.get(pattern, 0) + 1
        if len(self.used) > PATTERN_MEMORY:
            oldest = self.used.popleft()
            self.counts[oldest] -= 1


def titled(template: str, subject: str) -> str:
    """`template` filled with `subject` (and its article-less form), its first letter a capital."""
    bare = subject.removeprefix("the ")
    text = template.format(s=subject, o=bare, O=bare[:1].upper() + bare[1:])
    return text[:1].upper() + text[1:]


# The names follow-ups give a subject (`follow_up_names`), by their table's id and the subject:
# a look for a follow-up tries each of its kind of work's against the team's task names. Started
# afresh past NAMES_KEPT, so a long run's memory stays flat.
_NAMES: Final[dict[tuple[int, str], tuple[str, ...]]] = {}
NAMES_KEPT: Final = 2048


def follow_up_names(kinds: vf.FollowUps, subject: str) -> tuple[str, ...]:
    """What each of `kinds` (one of vocab_follow_ups' tables, which live as long as the
    process) names a follow-up of `subject` (`titled`), worked out once a table and subject."""
    key = (id(kinds), subject)
    names = _NAMES.get(key)
    if names is None:
        if len(_NAMES) >= NAMES_KEPT:
            _NAMES.clear()
        names = _NAMES[key] = tuple(titled(kind[0], subject) for kind in kinds)
    return names


def approval_name(
    rng: random.Random, name: str, subject: str, planned: bool, taken: set[str]
) -> str | None:
    """What an approval made in place of the task `name` about `subject` is called, unlike
    each of `taken` (None when every wording is taken). For a `planned` task, by the verb that
    names it where it is a template's ("Revise on-call playbook" → "Approve the revisions to
    the on-call playbook"); else, and in place of a follow-up, by its kind of work ("Sign off
    the on-call playbook"): an approval of the work, never made from a follow-up's name."""
    cls = WORK_CLASS.get(subject, "any")
    groups = [vm.APPROVALS[cls]]
    by_verb = vm.APPROVALS_BY_VERB.get(cls, {})
    bare = subject.removeprefix("the ")
    verb = next((v for v in VERBS.get(cls, ()) if name == f"{v} {bare}"), None)
    if planned and verb in by_verb:
        groups.insert(0, by_verb[verb])
    for frames in groups:
        free = [f for f in frames if titled(f, subject) not in taken]
        if free:
            return titled(pick(rng, free), subject)
    return None


def milestone_name(
    rng: random.Random, subject: str, lateness: float, taken: set[str], recent: RecentPatterns
) -> str | None:
    """A milestone reached by work on `subject`, at the stage of its kind of work that
    `lateness` (0 for the project's first work, under 1 for its last) falls in; named unlike
    `taken` (None when every wording is), the wording the team used least lately."""
    stages = vm.MILESTONES[WORK_CLASS.get(subject, "any")]
    at = min(len(stages) - 1, int(lateness * len(stages)))
    # (the stage's own wordings first, then the nearest stages', later ones first)
    for stage in sorted(range(len(stages)), key=lambda s: (abs(s - at), -s)):
        free = [f for f in stages[stage] if titled(f, subject) not in taken]
        if free:
            frame = pick(rng, recent.least_used(free, free))
            recent.note(frame)
            return titled(frame, subject)
    return None
