"""Counts of progress clauses two people of a team post within the hour ("the outliers are
explained except two" on two tasks), for tests/realism_probe.py. From events alone."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from engine import events as ev

# Two people of a team who post the same progress clause within this long read as one script.
CLAUSE_CLASH = timedelta(hours=1)


@cache
def _progress_clauses() -> frozenset[str]:
    """Every progress clause of the template vocabulary: the state of the work by its kind
    ("the first draft is up for comments") and each industry's "I ..." clauses."""
    from engine.content import vocab_comments as vc
    from engine.content import vocab_tasks as vt
    from engine.content.templates_tables import INDUSTRY_VOCABULARY

    clauses = {p for pool in vt.CLS.values() for p in pool} | set(vc.GENERIC_SLOTS["prog"])
    for raw in INDUSTRY_VOCABULARY.values():
        clauses |= {p for pools in raw["talk"].values() for p in pools.get("prog", ())}
    return frozenset(clauses)


def clause_clashes(events: Iterable[ev.Event]) -> list[tuple[ev.CommentAdded, str]]:
    """Comments that post a progress clause someone else of the same team posted less than
    CLAUSE_CLASH before (each on their own task): (comment, the clause)."""
    team_of: dict[str, str] = {}
    last: dict[tuple[str, str], deque[tuple[datetime, str]]] = defaultdict(deque)
    found = []
    for e in events:
        if isinstance(e, ev.PersonJoined):
            team_of[e.person] = e.team
        elif isinstance(e, ev.CommentAdded):
            team = team_of.get(e.actor, "")
            for clause in _progress_clauses():
                if clause not in e.text:
                    continue
                said = last[team, clause]
                while said and e.at - said[0][0] >= CLAUSE_CLASH:
                    said.popleft()
                if any(who != e.actor for _, who in said):
                    found.append((e, clause))
                said.append((e.at, e.actor))
    return found
