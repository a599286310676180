"""What a comment is made of, before it is filled: the variant of its kind the context asks
for, its body and optional parts (each one the author did not write lately and, for the
optional ones, saying no word the parts before them said: `part_echo`), and what a question
asks (something not asked on its task yet) or an answer answers.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Final

from engine.content import CommentContext, PersonRef
from engine.content import vocab_comments as vc
from engine.content.templates_fill import (
    Part,
    Pools,
    RecentParts,
    clashes,
    fresh,
    fresh_word,
    freshest,
)

# The generic questions and their answers, which every industry's own replace in its pools:
# a question falls back on them when its task was asked all of its industry's.
_GENERIC_PAIRS: Final = (vc.GENERIC_SLOTS["qst"], vc.GENERIC_SLOTS["ans"])


def topic_number(topic: str) -> int:
    """A stable number for a topic key: the same key picks the same blocker and unblocking in
    every run and process (and the answer to a question whose wording it cannot find)."""
    return zlib.crc32(topic.encode())


def paired_answer(pools: Pools, question: str) -> str | None:
    """The answer paired with what `question` (its text) asks: questions and answers pair by
    position (``qst``, ``ans``; the generic ones after the industry's, which a question falls
    back on: see `unasked_question`). None: a question not worded from these pools."""
    for asked_in, answered_in in ((pools["qst"], pools["ans"]), _GENERIC_PAIRS):
        for index, asked in enumerate(asked_in):
            if asked in question:
                return answered_in[index]
    return None


def answer_to(pools: Pools, question: str, number: int) -> str:
    """`paired_answer`, else (a question not worded from these pools) the answer `number` (the
    topic's) picks."""
    answer = paired_answer(pools, question)
    if answer is None:
        answers = pools["ans"]
        answer = answers[number % len(answers)]
    return answer


def first_name(person: PersonRef, default: str = "team") -> str:
    """How colleagues address someone: "Alice Chen" -> "Alice" (``default`` if nameless)."""
    parts = person.name.split()
    return parts[0] if parts else default


def answer_variant(context: CommentContext) -> str:
    if context.reply_kind == "where_is":
        if context.waits_on:  # not started: it waits on another task (and whoever has it)
            return "answer:where_is:waiting" + (":theirs" if context.waits_on_owner else "")
        state = context.task_state
        return f"answer:where_is:{state}" if state else "answer:where_is"
    return "answer"


def variant(context: CommentContext) -> str:
    """The most specific variant of the comment's kind this context asks for (it may not
    exist: then the kind itself serves)."""
    kind = context.kind
    if kind == "review_feedback":
        outcome = context.outcome
        return f"{kind}:{outcome}" if outcome and outcome != "approved" else kind
    if kind == "blocked":
        name = "blocked:still" if context.outcome == "still" else kind
        return f"{name}:dependency" if context.waits_on else name
    if kind == "unblocked":
        return "unblocked:dependency" if context.waits_on else kind
    if kind == "answer":
        return answer_variant(context)
    if kind == "sorry_for_delay" and context.reply_kind:
        return "sorry_for_delay:reply"
    if kind == "question" and context.outcome in ("theirs", "chase"):
        return f"question:{context.outcome}"
    if kind == "done" and context.outcome == "unanswered":  # (see templates.comment)
        return "done:unanswered"
    return kind


def fresh_body(
    draw: Callable[[], float], bodies: tuple[Part, ...], said: RecentParts | None, subject: str
) -> Part:
    """A body the person has not written lately; when they wrote them all, one they have not
    written on this subject lately (a body names its subject, so on another task it reads
    differently: a busy reviewer or answerer runs through the bodies in a few days, and would
    otherwise say the very sentence again on a task they answer twice)."""
    body = fresh(draw, bodies, said)
    if body is None:
        body = freshest(draw, bodies, said, subject)
        assert said is not None  # (a body is always fresh to someone who remembers nothing)
        said.note(body)  # (said again now: not fresh tomorrow, when its older use is forgotten)
    elif said is not None:
        said.note((body, subject))
    return body


class _BodyTable:
    """A table of bodies (one hour's of a kind), as `fitting` reads it: those of its bodies that
    hold a fixed text (with nothing taken, only they can clash), the fixed texts they hold, and
    which bodies fit by those texts' values (worked out once a value: a comment looks at a
    table or two, and comparing words is arithmetic on numbers of a thousand bits and more)."""

    def __init__(self, bodies: tuple[Part, ...]) -> None:
        self.bodies = bodies
        self.holders = tuple(body for body in bodies if body.fixed)
        self.names = tuple(sorted({name for body in self.holders for name in body.fixed}))
        self.fits: dict[str, tuple[Part, ...]] = {}


# By the id of its tuple (the tables' tuples live as long as the process; the table keeps its
# own, so an id is never another's while it is here).
_TABLES: Final[dict[int, _BodyTable]] = {}
_FITS_KEPT: Final = 256  # values a table remembers before it starts afresh (memory stays flat)


def fitting(bodies: tuple[Part, ...], fixed: dict[str, str], taken: int) -> tuple[Part, ...]:
    """The bodies that, with the fixed texts they hold, say no word twice nor one of `taken`
    (the other body's: see part_echo), where one does, else all: "Let's pilot on one unit first
    for now: ... doesn't need to be perfect in the first round" is not said. (`bodies` is one of
    the tables' tuples: `_TABLES` keeps one entry for each.)"""
    if taken:
        return _fitting(bodies, bodies, fixed, taken)
    table = _TABLES.get(id(bodies))
    if table is None or table.bodies is not bodies:
        table = _TABLES[id(bodies)] = _BodyTable(bodies)
    if not table.holders:
        return bodies
    names = table.names
    if len(names) == 1:  # (most tables: their bodies hold the same one)
        key = fixed.get(names[0]) or ""
    else:
        key = "\0".join(fixed.get(name) or "" for name in names)
    fits = table.fits.get(key)
    if fits is None:
        if len(table.fits) >= _FITS_KEPT:
            table.fits.clear()
        fits = table.fits[key] = _fitting(bodies, table.holders, fixed, taken)
    return fits


def _fitting(
    bodies: tuple[Part, ...], candidates: tuple[Part, ...], fixed: dict[str, str], taken: int
) -> tuple[Part, ...]:
    """`fitting`, looking for clashes among `candidates` (the bodies that may clash)."""
    clashing = [body for body in candidates if clashes(body, fixed, taken)]
    if not clashing or len(clashing) == len(bodies):  # (none clashes, or all do: any will do)
        return bodies
    return tuple(body for body in bodies if body not in clashing)


def _asked_in(text: str, pools: Pools) -> list[str]:
    """The question phrases of the subject's pools and the generic ones that `text` asks: the
    phrases that end at one of its question marks (each phrase ends with one; a look at each
    mark, not a search of the text for each phrase: a task's questions are read at each new one)."""
    found = []
    mark = text.find("?")
    while mark >= 0:
        head = text[: mark + 1]
        found += [q for q in pools["qst"] if head.endswith(q)]
        found += [q for q in _GENERIC_PAIRS[0] if head.endswith(q)]
        mark = text.find("?", mark + 1)
    return found


def unasked_question(
    draw: Callable[[], float], pools: Pools, said: RecentParts | None, asked: tuple[str, ...]
) -> str:
    """What a question asks: a question phrase none of the task's earlier questions (`asked`,
    their texts) asked, of the subject's pools, else of the generic ones, else (a task asked
    everything) any; of those, one the asker did not ask lately (`fresh_word`)."""
    done: set[str] = set()
    for text in asked:
        done.update(_asked_in(text, pools))
    for pool in (pools["qst"], _GENERIC_PAIRS[0]):
        unasked = tuple(q for q in pool if q not in done)
        if unasked:
            return fresh_word(draw, unasked, said)
    return fresh_word(draw, pools["qst"], said)
