"""How a template becomes text: split once at its placeholders, then filled from fixed values,
verb forms that agree with the subject, or words drawn from the vocabulary's pools.
"""

from __future__ import annotations

import string
from collections import deque
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final, TypeVar

from engine.content.part_echo import stems, template_stems
from engine.content.team_clauses import RecentClauses

Pools = Mapping[str, tuple[str, ...]]
T = TypeVar("T")

# A template split at its placeholders: literal text at even positions, placeholder names at
# odd ones ("Thanks {to}!" -> ("Thanks ", "to", "!")). Filling it is what str.format_map does,
# without parsing the template at every call.
Template = tuple[str, ...]


def split_template(text: str) -> Template:
    """A template as literal text and placeholder names, alternating (see `Template`)."""
    parts: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        if parts and len(parts) % 2 == 1:  # two literals in a row (an escaped brace): join them
            parts[-1] += literal
        else:
            parts.append(literal)
        if name is not None:
            if not name.isidentifier() or spec or conversion:
                raise ValueError(f"template {text!r}: placeholder {{{name}}} must be a plain name")
            parts.append(name)
    return tuple(parts) if parts else ("",)


def split_all(texts: tuple[str, ...]) -> tuple[Template, ...]:
    return tuple(split_template(text) for text in texts)


# Verb forms that agree with the subject ("the checklist is", "the lanes are").
_SINGULAR: Final[Mapping[str, str]] = MappingProxyType(
    {"is": "is", "looks": "looks", "needs": "needs", "does": "does", "depends": "depends"}
)
_PLURAL: Final[Mapping[str, str]] = MappingProxyType(
    {"is": "are", "looks": "look", "needs": "need", "does": "do", "depends": "depend"}
)
NO_FORMS: Final[Mapping[str, str]] = MappingProxyType({})  # for text with no subject
_PREPOSITIONS: Final = frozenset(
    {"for", "with", "of", "in", "on", "by", "to", "from", "at", "per", "across", "under"}
    | {"after", "before", "between", "vs.", "into", "during", "without", "against"}
)
_SINGULAR_ENDINGS: Final = ("ss", "us", "is")
_IRREGULAR_PLURALS: Final = frozenset({"criteria", "people", "minutes"})
# Fields of study are singular ("analytics is"); other words in -ics are plural ("the funnel
# metrics are", "the logistics are").
_SINGULAR_ICS: Final = frozenset(
    {"analytics", "informatics", "economics", "ergonomics", "mathematics", "physics", "ethics"}
)


def is_plural(noun_phrase: str) -> bool:
    """Whether a noun phrase's head noun is plural ("rules for bank feeds": yes; "POS": no)."""
    head = ""
    for word in noun_phrase.split():
        if word.lower() in _PREPOSITIONS and head:
            break
        head = word
    return head.lower() in _IRREGULAR_PLURALS or (
        head.endswith("s")
        and not head.isupper()  # an acronym: POS, EHS
        and not head.lower().endswith(_SINGULAR_ENDINGS)
        and head.lower() not in _SINGULAR_ICS
    )


def verb_forms(noun_phrase: str) -> Mapping[str, str]:
    return _PLURAL if is_plural(noun_phrase) else _SINGULAR


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def pick(draw: Callable[[], float], pool: tuple[T, ...]) -> T:
    return pool[int(draw() * float(len(pool)))]  # as `* len(pool)`, but a native multiply


# A part's (a template's literal text's) or a drawn word's own words, by stem (see part_echo),
# as a set of bits (one bit a stem: which bit does not matter, only that parts that share a stem
# share its bit), worked out once for each (`templates_tables` works out all of its own at
# import). Bits, not sets: a comment joins and compares them for every part and drawn word.
NO_WORDS: Final = 0
_BITS: Final[dict[str, int]] = {}  # stem -> its bit
_WORD_BITS: Final[dict[str, int]] = {}


def _bits(stems_of_text: frozenset[str]) -> int:
    bits = 0
    for stem in sorted(stems_of_text):
        bit = _BITS.get(stem)
        if bit is None:
            bit = _BITS[stem] = 1 << len(_BITS)
        bits |= bit
    return bits


# The placeholders a comment gets a fixed text for that says words of its own (the days
# waited, the blocker, the question asked, its answer...): a part holding one says them as much
# as its literal text (`said_by`). Names (the subject, people, a task waited on) are no words.
FIXED_TEXTS: Final = frozenset({"d", "p", "qst", "blk", "unb", "ans"})


class Part:
    """A comment part's phrase, made once when the tables are built (`templates_tables`): its
    template, its literal words (`part_echo.template_stems`, as bits) and the placeholders of
    FIXED_TEXTS it holds. What a person wrote lately (`RecentParts`) keys on the part itself,
    which hashes by identity: a template (a tuple) would hash all of its pieces at every
    look-up."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.words = _bits(template_stems(template))
        self.fixed = tuple(name for name in template[1::2] if name in FIXED_TEXTS)
        # For a part with one fixed text: whether it says a word of that text's value, by value
        # (see `clashes`; the tables of every hour share the part).
        self.clashes_with: dict[str, bool] = {}


def word_bits(word: str) -> int:
    """A drawn word's (phrase's) words (`part_echo.stems`), as bits."""
    words = _WORD_BITS.get(word)
    if words is None:
        words = _WORD_BITS[word] = _bits(stems(word))
    return words


def said_by(part: Part, fixed: dict[str, str]) -> int:
    """The words a part says: its literal ones and those of the fixed texts it holds (a blocker
    "the nursing leads want to wait" says "wait" as much as the part's own text)."""
    words = part.words
    for name in part.fixed:
        value = fixed.get(name)
        if value:
            words |= word_bits(value)
    return words


# Values a part remembers whether it clashes with (`Part.clashes_with`) before it starts
# afresh: they come of the vocabulary's pools, so few, but a long run's memory stays flat.
_CLASHES_KEPT: Final = 256


def clashes(part: Part, fixed: dict[str, str], taken: int) -> bool:
    """Whether the part, with its fixed texts, says a word twice or one of `taken`. (Comparing
    words is arithmetic on numbers of a thousand bits and more: with nothing taken, a part with
    one fixed text works it out once for each value.)"""
    if not taken and len(part.fixed) == 1:
        value = fixed.get(part.fixed[0])
        if not value:
            return False
        memo = part.clashes_with
        known = memo.get(value)
        if known is None:
            if len(memo) >= _CLASHES_KEPT:
                memo.clear()
            known = memo[value] = bool(part.words & word_bits(value))
        return known
    words = part.words
    for name in part.fixed:
        value = fixed.get(name)
        if value:
            more = word_bits(value)
            if words & more:
                return True
            words |= more
    return bool(words & taken)


def fresh_word(
    draw: Callable[[], float],
    pool: tuple[str, ...],
    said: RecentParts | None,
    taken: int = NO_WORDS,
    team: RecentClauses | None = None,
) -> str:
    """A word (phrase) of `pool` that says none of the words `taken` (the comment's parts say
    them) where one does not, and of those one the person has not used lately, else the one
    they used longest ago; with `team`, one no teammate used in the last hours where there is
    one (of those one the person did not use lately, else the one they used longest ago),
    noted there."""
    word = pool[int(draw() * float(len(pool)))]  # (pick, written out: it runs for every word)
    used: dict[object, int] = said.used if said is not None else {}
    shared: dict[str, float] = team.used if team is not None else {}
    if word in used or word in shared or (taken and word_bits(word) & taken):
        fits = [w for w in pool if not (taken and word_bits(w) & taken)] or list(pool)
        unused = [w for w in fits if w not in used]
        # (a teammate's clause within the hour shows more than one the person said days ago)
        unshared = [w for w in fits if w not in shared] if shared else fits
        fresh_to_both = [w for w in unused if w not in shared] if shared else unused
        if fresh_to_both:
            word = pick(draw, tuple(fresh_to_both))
        elif unshared:
            word = min(unshared, key=lambda w: used.get(w, -1))
        elif unused:
            word = pick(draw, tuple(unused))
        else:
            word = min(fits, key=lambda w: used.get(w, -1))
    if said is not None:
        said.note(word)
    if team is not None:
        team.note(word)
    return word


# The pools of progress clauses ("the first draft is up for comments", "walked the floor with
# the store manager"): two people of a team who say the same one within the hour read as one
# script (see RecentClauses).
CLAUSE_POOLS: Final = frozenset({"cls", "prog"})


def fill(
    templates: list[Template],
    fixed: dict[str, str],
    forms: Mapping[str, str],
    draw: Callable[[], float],
    pools: Pools,
    said: RecentParts | None = None,
    taken: int = NO_WORDS,
    team: RecentClauses | None = None,
    *,
    drawn_taken: bool = False,
) -> str:
    """The templates filled and joined by spaces. A placeholder's value comes from `fixed`, else
    `forms`, else is drawn from its pool in `pools` (one `said` lately if there is another, and
    that says none of the words `taken`; a progress clause one the `team` did not say lately:
    see `fresh_word`) and kept in `fixed`: each name is drawn once, in the order the
    placeholders appear. With `drawn_taken` (a comment) a drawn word's words join `taken`, so
    a later one says none of them ("is compliance OK ...? Asking because compliance will
    ask" is not said)."""
    out: list[str] = []
    for number, template in enumerate(templates):
        if number:
            out.append(" ")
        literal = True
        for part in template:
            if literal:
                out.append(part)
            else:
                value = fixed.get(part)
                if value is None:
                    value = forms.get(part)
                    if value is None:
                        clauses = team if part in CLAUSE_POOLS else None
                        value = fresh_word(draw, pools[part], said, taken, clauses)
                        fixed[part] = value
                        if drawn_taken:
                            taken |= word_bits(value)
                out.append(value)
            literal = not literal
    return "".join(out)


# What a person keeps in mind of their own comments: the parts and the drawn words of the
# comments they wrote today and on the days before it, up to a bound for a burst.
RECENT_DAYS: Final = 4
RECENT_KEYS: Final = 1024


class RecentParts:
    """What one person wrote lately (see RECENT_DAYS), oldest first: the parts (templates; with
    the addressee, for the parts that name them) and the words drawn into them. A source picks
    another variant than one of these, so nobody says the same sentence twice in a few days.
    Bounded in time and size, so a long run's memory stays flat."""

    def __init__(self) -> None:
        self.used: dict[object, int] = {}  # key -> when it was used (a count of keys)
        self.count = 0
        self.day = -1
        self._day_starts: deque[tuple[int, int]] = deque()  # (day, count when it began)

    def on(self, day: int) -> None:
        """Say what day it is (a number), before the person writes: older days are forgotten."""
        if day == self.day:
            return
        self.day = day
        starts = self._day_starts
        starts.append((day, self.count))
        while starts[0][0] <= day - RECENT_DAYS:
            starts.popleft()
        self._forget(starts[0][1])

    def note(self, key: object) -> None:
        used = self.used
        used.pop(key, None)
        used[key] = self.count
        self.count += 1
        if len(used) > RECENT_KEYS:
            del used[next(iter(used))]

    def _forget(self, before: int) -> None:
        # `used` is in the order of use (a key used again moves to the end), so what is older
        # than `before` is at its front: drop just that, not rebuild the whole memory.
        used = self.used
        stale = []
        for key, when in used.items():
            if when >= before:
                break
            stale.append(key)
        for key in stale:
            del used[key]


def fresh(
    draw: Callable[[], float],
    pool: tuple[Part, ...],
    said: RecentParts | None,
    to: str = "",
    taken: int = NO_WORDS,
) -> Part | None:
    """A part of `pool` the person has not used lately (for `to`, when it names them) and that
    says none of the words `taken` (by stem: the parts before it in the comment said them),
    noted as used; None when there is none. (Written out: it runs for every part.)"""
    part = pool[int(draw() * float(len(pool)))]
    used: dict[object, int] = said.used if said is not None else {}
    key: object = (part, to) if to else part
    if key in used or part.words & taken:
        unused = [p for p in pool if ((p, to) if to else p) not in used and not p.words & taken]
        if not unused:
            return None
        part = pick(draw, tuple(unused))
        key = (part, to) if to else part
    if said is None:
        return part
    used[key] = said.count  # (new to `used`: the note, without its look for the key)
    said.count += 1
    if len(used) > RECENT_KEYS:
        del used[next(iter(used))]
    return part


def freshest(
    draw: Callable[[], float], pool: tuple[Part, ...], said: RecentParts | None, to: str = ""
) -> Part:
    """A part of `pool` the person has not used lately, else the one they used longest ago."""
    part = fresh(draw, pool, said, to)
    if part is None:
        assert said is not None
        used = said.used
        part = min(pool, key=lambda p: used.get((p, to) if to else p, -1))
        said.note((part, to) if to else part)
    return part
