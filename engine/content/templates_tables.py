"""The template vocabulary, compiled once at import into immutable tables: every phrase already
split into literal text and placeholder names (`templates_fill`), so a call of the template
source only draws from ``rng`` and joins strings.

- Industries: their themes (name patterns, goals, work objects by class), common objects and
  word pools merged with the generic slots, and those pools for each kind of work (its talk:
  progress, blockers, questions... that fit it, and the class-free ones; never another's).
- Subjects: every subject a blueprint produces is unique across industries and indexed here
  with its industry's pools for its kind of work (less the phrases that would name it again)
  and its verb forms ("the lanes are").
- Comment kinds and their variants: each part's phrases by the author's local hour.
- Task notes, subtasks, project note tails and status update sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

from engine.content import vocab_comments as vc
from engine.content import vocab_finance_retail as _fr
from engine.content import vocab_health_education as _he
from engine.content import vocab_manufacturing_energy as _me
from engine.content import vocab_tasks as vt
from engine.content import vocab_technology_media as _tm
from engine.content import vocab_travel_government as _tg
from engine.content.subject_clash import PhraseIndex, subject_keys, without
from engine.content.templates_fill import (
    FIXED_TEXTS,
    Part,
    Pools,
    Template,
    capitalized,
    split_all,
    split_template,
    verb_forms,
    word_bits,
)
from engine.errors import InvalidInput
from engine.events import COMMENT_KINDS
from engine.scenario import INDUSTRIES

# Every industry's vocabulary as its ``vocab_*`` module writes it.
INDUSTRY_VOCABULARY: Final[dict[str, dict]] = {
    **_fr.INDUSTRIES, **_he.INDUSTRIES, **_me.INDUSTRIES, **_tm.INDUSTRIES, **_tg.INDUSTRIES,
}  # fmt: skip

# Every industry a scenario may name has a vocabulary here.
assert set(INDUSTRY_VOCABULARY) == set(INDUSTRIES), sorted(
    set(INDUSTRY_VOCABULARY) ^ set(INDUSTRIES)
)


class Theme(NamedTuple):
    names: tuple[Template, ...]
    fills: tuple[str, ...]
    goals: tuple[Template, ...]
    objects: tuple[tuple[str, str], ...]  # (object, work class)


class Industry(NamedTuple):
    name: str
    themes: tuple[Theme, ...]
    common: tuple[tuple[str, str], ...]
    pools: Pools  # industry vocabulary (class-free talk) merged with the generic slots
    by_class: Mapping[str, Pools]  # work class -> the pools for a subject of that class


# A part's templates by the author's local hour: index h (0-23) holds those that fit hour h,
# index 24 (hour unknown) only the untagged ones.
ByHour = tuple[tuple[Part, ...], ...]
UNKNOWN_HOUR: Final = 24


class Kind(NamedTuple):
    openers: ByHour
    openers_to: ByHour
    bodies: ByHour
    bodies_to: ByHour
    extras: ByHour
    closers: ByHour
    default_detail: str


def _objects(groups: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    return tuple((obj, cls) for cls in vt.WORK_CLASSES for obj in groups.get(cls, ()))


# What an industry's talk tables hold (see ``vocab_finance_retail_talk``).
TALK_POOLS: Final = ("prog", "blk", "unb", "qst", "ans", "asp")


def _check_talk(name: str, talk: Mapping[str, Pools]) -> None:
    """Talk tables are 'any' or a work class, hold only talk pools, and pair within each table."""
    for table, pools in talk.items():
        known = table == "any" or table in vt.WORK_CLASSES
        if not known or not set(pools) <= set(TALK_POOLS):
            raise ValueError(
                f"industry {name}: talk table {table!r} with pools {sorted(pools)}; expected "
                f"'any' or one of {', '.join(vt.WORK_CLASSES)}, with pools of {', '.join(TALK_POOLS)}"
            )
        _check_pairs(pools, f"industry {name}, talk {table!r}")


def _talk_of(talk: Mapping[str, Pools], cls: str) -> Pools:
    """An industry's talk for a subject of work class `cls`: the class's phrases, then the
    class-free ones (`any`), pool by pool; never another class's."""
    own, free = talk.get(cls, {}), talk["any"]
    return {pool: own.get(pool, ()) + free.get(pool, ()) for pool in dict.fromkeys([*own, *free])}


def _scope_of(name: str, scope: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """An industry's scope nouns by the kind of work they fit: each class's own, then the
    class-free ones (`any`), never another class's ("Scope is the top three endpoints" on a
    set of numbers); `any` alone for a project."""
    if "any" not in scope or not set(scope) <= {"any", *vt.WORK_CLASSES}:
        raise ValueError(
            f"industry {name}: scope tables {sorted(scope)}; expected 'any' and maybe some of "
            f"{', '.join(vt.WORK_CLASSES)}"
        )
    return {
        "any": scope["any"],
        **{cls: scope.get(cls, ()) + scope["any"] for cls in vt.WORK_CLASSES},
    }


def every_phrase(raw: Mapping, pool: str) -> tuple[str, ...]:
    """All of an industry's `pool` talk phrases (``raw`` as its module writes it), class-free
    ones first; paired pools ("qst", "ans") stay paired by position."""
    talk = raw["talk"]
    return tuple(
        p for table in ("any", *vt.WORK_CLASSES) for p in talk.get(table, {}).get(pool, ())
    )


def _compile_industry(name: str, raw: dict) -> Industry:
    themes = tuple(
        Theme(split_all(t["names"]), t["fills"], split_all(t["goals"]), _objects(t))
        for t in raw["themes"]
    )
    pools = dict(vc.GENERIC_SLOTS)
    pools.update({k: v for k, v in raw.items() if k not in ("themes", "common", "talk", "scope")})
    pools["q"] = vc.QUARTERS
    _check_talk(name, raw["talk"])
    scope = _scope_of(name, raw["scope"])
    pools["scope"] = scope["any"]  # (a project's notes: it has no one kind of work)
    by_class = {
        cls: _with_class(pools, cls, {**_talk_of(raw["talk"], cls), "scope": scope[cls]})
        for cls in vt.WORK_CLASSES
    }
    pools.update(raw["talk"]["any"])
    return Industry(
        name, themes, _objects(raw["common"]), MappingProxyType(pools), MappingProxyType(by_class)
    )


def _with_class(pools: Pools, cls: str, talk: Pools = MappingProxyType({})) -> Pools:
    return MappingProxyType(
        {**pools, **talk, "cls": vt.CLS[cls], "plan": vt.PLAN[cls], "nit": vt.NITS[cls]}
    )


# A subject's comment pools, verb forms and capitalized self ("The audit plan").
Subject = tuple[Pools, Mapping[str, str], str]


def as_subject(noun_phrase: str, pools: Pools) -> Subject:
    return pools, verb_forms(noun_phrase), capitalized(noun_phrase)


# The words that depend on the kind of work (see _with_class), for PhraseIndex.
_CLASS_WORDS: Final = PhraseIndex(
    pool for table in (vt.CLS, vt.PLAN, vt.NITS) for pool in table.values()
)


def _subjects(industry: Industry) -> list[tuple[str, str]]:
    """(subject, work class) of each of the industry's work objects, its themes' then its common
    ones."""
    objects = [o for theme in industry.themes for o in theme.objects] + list(industry.common)
    return [("the " + obj, cls) for obj, cls in objects]


# Subject -> its industry and kind of work (where two industries name it, the later).
SUBJECT_WORK: Final[dict[str, tuple[Industry, str]]] = {}
# Subject -> its Subject, made the first time a comment names it (see known_subject).
_KNOWN: Final[dict[str, Subject]] = {}
# Industry -> an index of its comment pools' phrases, for the subjects' cuts.
_PHRASES: Final[dict[str, PhraseIndex]] = {}


def known_subject(subject: str) -> Subject | None:
    """The comment pools of `subject`'s industry and kind of work, cut of what would name it
    again (see subject_clash), its verb forms and its capitalized form; None for a subject no
    blueprint of ours names. Made the first time it is asked for: a run meets one industry's
    subjects, and making every industry's took a tenth of a short run's start."""
    found = _KNOWN.get(subject)
    if found is not None:
        return found
    known = SUBJECT_WORK.get(subject)
    if known is None:
        return None
    industry, cls = known
    words = _PHRASES.get(industry.name)
    if words is None:
        by_class = industry.by_class
        words = PhraseIndex(pool for pools in by_class.values() for pool in pools.values())
        _PHRASES[industry.name] = words
    keys = subject_keys(subject)
    cut = words.clashing(keys) | _CLASS_WORDS.clashing(keys)
    found = _KNOWN[subject] = as_subject(subject, without(industry.by_class[cls], cut))
    return found


def every_subject() -> Mapping[str, Subject]:
    """Every subject a blueprint of ours names, with its `known_subject`, in the industries'
    order (for checks over all of them)."""
    index: dict[str, Subject] = {}
    for subject in SUBJECT_WORK:
        found = known_subject(subject)
        assert found is not None  # (every key of SUBJECT_WORK is known)
        index[subject] = found
    return MappingProxyType(index)


# Every comment part by its template: a kind and its variants share a phrase as one Part, so
# what its author said lately (keyed on the Part: see `Part`) is the same whichever kind said it.
_PARTS: Final[dict[Template, Part]] = {}
FIXED: Final = ", ".join(sorted(FIXED_TEXTS))


def _by_hour(texts: tuple[str, ...], where: str) -> ByHour:
    """A part's phrases sorted by the hours they fit (tags: see ``vocab_comments``)."""
    tagged: list[tuple[range, Part]] = []
    for text in texts:
        hours = range(UNKNOWN_HOUR)
        if text.startswith("~"):
            tag, _, text = text.partition(" ")
            if tag[1:] not in vc.HOUR_TAGS:
                raise ValueError(f"{where}: {tag!r} is not an hour tag ({', '.join(vc.HOUR_TAGS)})")
            hours = range(*vc.HOUR_TAGS[tag[1:]])
        template = split_template(text)
        part = _PARTS.get(template)
        if part is None:
            part = _PARTS[template] = Part(template)
        tagged.append((hours, part))
    table = tuple(
        tuple(t for hours, t in tagged if hour in hours) for hour in range(UNKNOWN_HOUR)
    ) + (tuple(t for hours, t in tagged if len(hours) == UNKNOWN_HOUR),)
    if texts and not table[UNKNOWN_HOUR]:
        raise ValueError(f"{where}: every phrase is tagged; one must fit any hour")
    return table


def _compile_kinds() -> Mapping[str, Kind]:
    """Every kind, and every variant ("kind:what") with the kind's parts where it has none."""
    kinds: dict[str, Kind] = {}
    parts = ("openers", "openers_to", "bodies", "bodies_to", "extras", "closers")
    for name in [*COMMENT_KINDS, *vc.VARIANTS]:
        steps = name.split(":")
        merged = dict(vc.KINDS[steps[0]])
        for depth in range(2, len(steps) + 1):  # "answer:where_is:new" refines "answer:where_is"
            merged.update(vc.VARIANTS.get(":".join(steps[:depth]), {}))
        table = {part: _by_hour(merged.get(part, ()), f"{name}.{part}") for part in parts}
        for part in ("openers", "openers_to", "extras", "closers"):
            # (an optional part is chosen by its literal words alone: see templates.comment)
            if any(p.fixed for hour in table[part] for p in hour):
                raise ValueError(f"{name}.{part}: only a body holds a fixed text ({FIXED})")
        kinds[name] = Kind(
            openers=table["openers"],
            openers_to=table["openers_to"],
            bodies=table["bodies"],
            bodies_to=table["bodies_to"],
            extras=table["extras"],
            closers=table["closers"],
            default_detail=vc.DEFAULT_DETAIL.get(steps[0], ""),
        )
    return MappingProxyType(kinds)


def _check_pairs(pools: Pools, where: str) -> None:
    """Answers pair with questions and unblockings with blockers by position."""
    for first, second in (("qst", "ans"), ("blk", "unb")):
        if len(pools.get(first, ())) != len(pools.get(second, ())):
            raise ValueError(f"{where}: {first} and {second} must have the same length")


_INDUSTRIES: Final[Mapping[str, Industry]] = MappingProxyType(
    {name: _compile_industry(name, INDUSTRY_VOCABULARY[name]) for name in INDUSTRIES}
)
SUBJECT_WORK.update(
    (subject, (industry, cls))
    for industry in _INDUSTRIES.values()
    for subject, cls in _subjects(industry)
)
# Each subject's kind of work (engine.scope names its follow-ups by it).
WORK_CLASS: Final[Mapping[str, str]] = MappingProxyType(
    {subject: cls for subject, (_, cls) in SUBJECT_WORK.items()}
)
KINDS: Final = _compile_kinds()
# Every drawn word's own words, worked out now (see part_echo; a part's come with it).
for _pools in [
    vc.GENERIC_SLOTS,
    *(p for ind in _INDUSTRIES.values() for p in ind.by_class.values()),
]:
    for _words in _pools.values():
        for _word in _words:
            word_bits(_word)
for _table in (vt.CLS, vt.PLAN, vt.NITS):
    for _words in _table.values():
        for _word in _words:
            word_bits(_word)
_check_pairs(vc.GENERIC_SLOTS, "generic slots")
TASK_NOTES: Final = MappingProxyType(
    {cls: split_all(texts) for cls, texts in vt.TASK_NOTES.items()}
)
# Each step's wordings (see vocab_tasks.SUBTASKS).
SUBTASKS: Final = MappingProxyType(
    {cls: tuple(split_all(wordings) for wordings in steps) for cls, steps in vt.SUBTASKS.items()}
)
NOTE_TAILS: Final = split_all(vc.PROJECT_NOTE_TAILS)
# For a subject no blueprint of ours produced: neutral words, any kind of work.
NEUTRAL: Final[Pools] = _with_class(MappingProxyType({**vc.GENERIC_SLOTS, "q": vc.QUARTERS}), "any")


def industry_named(name: str) -> Industry:
    try:
        return _INDUSTRIES[name]
    except KeyError:
        raise InvalidInput(
            f"industry {name!r} is not known; expected one of: {', '.join(INDUSTRIES)}"
        ) from None
