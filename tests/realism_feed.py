"""Counts of feed patterns a reader notices, for tests/realism_probe.py: a task blocked as soon
as it was started, a comment naming its subject twice, the team's most used apology, a word
said twice in a row. From events alone, so they measure any log, old or new."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from engine import events as ev

START_BLOCK = timedelta(minutes=2)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def start_then_block(events: Iterable[ev.Event]) -> tuple[int, int]:
    """(blocks within START_BLOCK of the task's start, all blocks)."""
    started: dict[str, datetime] = {}
    quick = blocks = 0
    for e in events:
        if isinstance(e, ev.TaskStateChanged):
            if e.state == "in_progress" and e.previous == "new":
                started[e.task] = e.at
            elif e.state == "blocked":
                blocks += 1
                at = started.get(e.task)
                quick += at is not None and e.at - at <= START_BLOCK
    return quick, blocks


def _objects(name: str) -> list[str]:
    """What a task's name may be about: the name without its first one to three words (its
    verb), of two words or more, in lower case ("Run the post-launch retro" -> "post-launch
    retro", ...)."""
    words = name.lower().split()
    return [" ".join(words[n:]) for n in range(1, 4) if len(words) - n >= 2]


def subject_twice(events: Iterable[ev.Event]) -> list[ev.CommentAdded]:
    """Comments that name their task's subject twice."""
    names: dict[str, list[str]] = {}
    found = []
    for e in events:
        if isinstance(e, ev.TaskCreated):
            names[e.task] = _objects(e.name)
        elif isinstance(e, ev.CommentAdded) and e.task in names:
            text = e.text.lower()
            if any(text.count(obj) >= 2 for obj in names[e.task]):
                found.append(e)
    return found


_DAYS = re.compile(r"\b(\d+|a few|a couple of|two|three) (days?|weeks?)\b|\ba while\b")


def apology_wordings(events: Iterable[ev.Event]) -> dict[str, int]:
    """Apologies by wording: the apology sentence with the subject and the time left out."""
    names: dict[str, list[str]] = {}
    out: dict[str, int] = defaultdict(int)
    for e in events:
        if isinstance(e, ev.TaskCreated):
            names[e.task] = _objects(e.name)
        elif isinstance(e, ev.CommentAdded) and e.kind == "sorry_for_delay":
            for sentence in _SENTENCE_END.split(e.text):
                low = sentence.lower()
                if re.search(r"sorry|apolog|owe you", low):
                    for obj in names.get(e.task, ()):
                        low = low.replace(obj, "X")
                    out[_DAYS.sub("D", low)] += 1
                    break
    return out


# A word, not part of one ("We're re-planning" is no doubled "re").
DOUBLED = re.compile(r"(?<![\w'-])(\w+)\s+\1(?![\w'-])", re.IGNORECASE)


def doubled_words(events: Iterable[ev.Event]) -> list[str]:
    """Texts of the log with a word twice in a row."""
    found = []
    for e in events:
        texts: tuple[str, ...] = ()
        if isinstance(e, ev.CommentAdded):
            texts = (e.text,)
        elif isinstance(e, ev.StatusUpdatePosted):
            texts = (e.title, e.text)
        elif isinstance(e, ev.TaskCreated):
            texts = (e.name, e.notes)
        found += [t for t in texts if DOUBLED.search(t)]
    return found
