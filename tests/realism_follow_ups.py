"""Counts of follow-ups' steps that say their follow-up again, for tests/realism_probe.py:
"Write the one-page summary of the slow query log" under "Draft a one-page summary of the slow
query log". From events alone. (What a follow-up's comments say: realism_fit.follow_up_misfits.)"""

from __future__ import annotations

import re
from collections.abc import Iterable

from engine import events as ev
from tests.realism_fit import _work_words, follow_up_work

# Words that say nothing of what is done: articles, prepositions, particles ("send round").
_FILLER = frozenset(
    {"a", "an", "the", "of", "for", "on", "in", "from", "about", "to", "with", "at", "by"}
    | {"into", "ahead", "up", "round", "out"}
)
# Verbs (and their nouns) that name one act: "Draft a summary" and "Write the summary" do the
# same, and so do "Circulate", "Send round" and "Post", or "Prepare the support team" and
# "Brief the support team".
_SAME_ACT = {
    "draft": "write", "type": "write", "send": "share", "circulate": "share", "post": "share",
    "publish": "share", "brief": "prepare", "schedule": "plan", "adjust": "tune", "ask": "collect",
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9'-]+")


def _act(name: str, work_object: str) -> frozenset[str]:
    """What `name` does, less its subject (`work_object`): its words that say something, each
    act by one word."""
    said = name.lower().replace(work_object, " ")
    return frozenset(_SAME_ACT.get(w, w) for w in _WORD.findall(said) if w not in _FILLER)


def restating_steps(events: Iterable[ev.Event]) -> list[tuple[ev.TaskCreated, str]]:
    """Subtasks of a follow-up or next step that do what their parent's name says, on the same
    subject (every word of the parent's act is in theirs): (subtask, its parent's name)."""
    objects = _work_words()[0]
    parents: dict[str, tuple[str, frozenset[str], str]] = {}  # follow-up → name, act, object
    found = []
    for e in events:
        if not isinstance(e, ev.TaskCreated):
            continue
        if e.parent is None and follow_up_work(e.name):
            named = [o for o in objects if o in e.name.lower()]
            if named:
                work_object = max(named, key=len)
                parents[e.task] = (e.name, _act(e.name, work_object), work_object)
        elif e.parent in parents:
            name, act, work_object = parents[e.parent]
            if act and act <= _act(e.name, work_object):
                found.append((e, name))
    return found
