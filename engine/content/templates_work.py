"""Comment pools for a task whose own work is of another kind than its subject's: a follow-up
or next step ("Hold a backup date for the load test" is about the load test, but its work is
arranging a date: vocab_follow_ups.WORK). Its comments mention the subject as any task's do,
with the words of its own work (vocab_follow_up_talk) and its industry's class-free talk,
never those of doing the work it follows ("Plan is to reread the current version" on "Note the
lessons from the load test").

A subject's pools for a kind of work are worked out the first time a comment needs them, then
kept (`AT_WORK`): of a few thousand pairs a run meets a few hundred.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from engine.content import vocab_follow_up_talk as vw
from engine.content.subject_clash import PhraseIndex, subject_keys, without
from engine.content.templates_fill import Pools, word_bits
from engine.content.templates_tables import (
    NEUTRAL,
    SUBJECT_WORK,
    Industry,
    Subject,
    as_subject,
    known_subject,
)

# The pools that name the state of the work, a first step, a review point (vocab_tasks), what
# comes next (the generic "check the numbers again" is no step of sending the holds out) and
# the questions and answers (see vocab_follow_up_talk).
_WORK_ONLY: Final = ("cls", "plan", "nit", "next", "qst", "ans")


def _at_work(pools: Pools, work: str) -> Pools:
    """`pools` (an industry's class-free ones) for a task of `work`: its own talk first, then
    the class-free talk (paired pools stay paired: both sides grow alike)."""
    talk = vw.TALK[work]
    merged = {
        pool: phrases if pool in _WORK_ONLY else phrases + pools.get(pool, ())
        for pool, phrases in talk.items()
    }
    return MappingProxyType({**pools, **merged})


# (industry name or "" for none, work) -> (its pools, an index of their phrases), made the first
# time a comment needs them: a run meets a few of the 88 pairs, and building them all took a
# tenth of a short run's start.
_BY_WORK: Final[dict[tuple[str, str], tuple[Pools, PhraseIndex]]] = {}
for _table in vw.TALK.values():
    for _words in _table.values():
        for _word in _words:
            word_bits(_word)


def pools_at_work(industry: Industry | None, work: str) -> tuple[Pools, PhraseIndex]:
    """The class-free pools of `industry` (None: the neutral ones) for a task of `work`, and an
    index of their phrases; kept in _BY_WORK."""
    key = (industry.name if industry is not None else "", work)
    found = _BY_WORK.get(key)
    if found is None:
        pools = _at_work(industry.pools if industry is not None else NEUTRAL, work)
        found = _BY_WORK[key] = (pools, PhraseIndex(pools.values()))
    return found


# (subject, work) -> the subject's comment pools for that work, its verb forms, its capital.
AT_WORK: Final[dict[tuple[str, str], Subject]] = {}


def subject_at_work(subject: str, work: str) -> Subject:
    """`subject`'s comment pools for a task of `work` (see vocab_follow_up_talk), cut of what
    would name it again (see subject_clash), and its forms; kept in AT_WORK."""
    industry = SUBJECT_WORK.get(subject)
    pools, index = pools_at_work(industry[0] if industry is not None else None, work)
    pools = without(pools, index.clashing(subject_keys(subject)))
    known = known_subject(subject)
    found = (pools, known[1], known[2]) if known is not None else as_subject(subject, pools)
    AT_WORK[subject, work] = found
    return found
