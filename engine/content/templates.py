"""The offline template content source: industry vocabulary combined at random.

A comment is built from independently chosen parts (opener, body with the subject, extra,
closer) whose placeholders are filled from the industry's vocabulary, so a few hundred
phrases give hundreds of thousands of distinct comments. The vocabulary is compiled once at
import into immutable tables; a comment's templates are split into literal text and placeholder
names there too, so a call only draws from ``rng`` and joins strings.

The protocol's ``comment`` does not say which industry a task belongs to, so the source finds
it from the subject: every subject a blueprint produces is unique across industries and
indexed here, with its kind of work and whether it is plural ("the lanes are"). A subject
from elsewhere falls back to neutral vocabulary. ``status_update`` gets no industry either and
uses neutral wording. Every comment kind mentions the subject.
"""

from __future__ import annotations

import random
import string
import zlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final, NamedTuple, TypeVar

from engine.content import (
    CommentContext,
    PersonRef,
    ProjectBlueprint,
    TaskBlueprint,
)
from engine.content import vocab_comments as vc
from engine.content import vocab_finance_retail as _fr
from engine.content import vocab_health_education as _he
from engine.content import vocab_manufacturing_energy as _me
from engine.content import vocab_tasks as vt
from engine.content import vocab_technology_media as _tm
from engine.content import vocab_travel_government as _tg
from engine.errors import InvalidInput
from engine.events import COMMENT_KINDS, STATUS_TYPES, StatusType
from engine.scenario import INDUSTRIES

_RAW: Final[dict[str, dict]] = {
    **_fr.INDUSTRIES, **_he.INDUSTRIES, **_me.INDUSTRIES, **_tm.INDUSTRIES, **_tg.INDUSTRIES,
}  # fmt: skip

# Every industry a scenario may name has a vocabulary here.
assert set(_RAW) == set(INDUSTRIES), sorted(set(_RAW) ^ set(INDUSTRIES))

# Share of comments that are just the body, opener + body, or the full four parts.
_SHORT: Final = 0.35
_MEDIUM: Final = 0.70
_SUBTASK_SHARE: Final = 0.4
_NAME_ROUNDS: Final = 3
_MIN_TASKS: Final = 8
_MAX_TASKS: Final = 20

Pools = Mapping[str, tuple[str, ...]]
T = TypeVar("T")


# A template split at its placeholders: literal text at even positions, placeholder names at
# odd ones ("Thanks {to}!" -> ("Thanks ", "to", "!")). Filling it is what str.format_map does,
# without parsing the template at every call.
Template = tuple[str, ...]


class _Theme(NamedTuple):
    names: tuple[Template, ...]
    fills: tuple[str, ...]
    goals: tuple[Template, ...]
    objects: tuple[tuple[str, str], ...]  # (object, work class)


class _Industry(NamedTuple):
    name: str
    themes: tuple[_Theme, ...]
    common: tuple[tuple[str, str], ...]
    pools: Pools  # industry vocabulary merged with the generic slots


# A part's templates by the author's local hour: index h (0-23) holds those that fit hour h,
# index 24 (hour unknown) only the untagged ones.
ByHour = tuple[tuple[Template, ...], ...]
_UNKNOWN_HOUR: Final = 24


class _Kind(NamedTuple):
    openers: ByHour
    openers_to: ByHour
    bodies: ByHour
    bodies_to: ByHour
    extras: ByHour
    closers: ByHour
    default_detail: str


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


def _split_all(texts: tuple[str, ...]) -> tuple[Template, ...]:
    return tuple(split_template(text) for text in texts)


def _objects(groups: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    return tuple((obj, cls) for cls in vt.WORK_CLASSES for obj in groups.get(cls, ()))


def _compile_industry(name: str, raw: dict) -> _Industry:
    themes = tuple(
        _Theme(_split_all(t["names"]), t["fills"], _split_all(t["goals"]), _objects(t))
        for t in raw["themes"]
    )
    pools = dict(vc.GENERIC_SLOTS)
    pools.update({k: v for k, v in raw.items() if k not in ("themes", "common")})
    pools["q"] = vc.QUARTERS
    return _Industry(name, themes, _objects(raw["common"]), MappingProxyType(pools))


# Verb forms that agree with the subject ("the checklist is", "the lanes are").
_SINGULAR: Final[Mapping[str, str]] = MappingProxyType(
    {"is": "is", "looks": "looks", "needs": "needs", "does": "does"}
)
_PLURAL: Final[Mapping[str, str]] = MappingProxyType(
    {"is": "are", "looks": "look", "needs": "need", "does": "do"}
)
_PREPOSITIONS: Final = frozenset(
    {"for", "with", "of", "in", "on", "by", "to", "from", "at", "per", "across", "under"}
    | {"after", "before", "between", "vs.", "into", "during", "without", "against"}
)
_SINGULAR_ENDINGS: Final = ("ss", "us", "is", "ics")
_IRREGULAR_PLURALS: Final = frozenset({"criteria", "people", "minutes"})


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
    )


def _forms(noun_phrase: str) -> Mapping[str, str]:
    return _PLURAL if is_plural(noun_phrase) else _SINGULAR


def _with_class(pools: Pools, cls: str) -> Pools:
    return MappingProxyType(
        {**pools, "cls": vt.CLS[cls], "plan": vt.PLAN[cls], "nit": vt.NITS[cls]}
    )


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


# A subject's comment pools, verb forms and capitalized self ("The audit plan").
_Subject = tuple[Pools, Mapping[str, str], str]


def _subject(noun_phrase: str, pools: Pools) -> _Subject:
    return pools, _forms(noun_phrase), _capitalized(noun_phrase)


def _subject_index(industries: Mapping[str, _Industry]) -> Mapping[str, _Subject]:
    """Subject -> the comment pools of its industry and work class, its verb forms and its
    capitalized form, worked out once."""
    index: dict[str, _Subject] = {}
    for industry in industries.values():
        by_class = {cls: _with_class(industry.pools, cls) for cls in vt.WORK_CLASSES}
        objects = [o for theme in industry.themes for o in theme.objects] + list(industry.common)
        for obj, cls in objects:
            index["the " + obj] = _subject("the " + obj, by_class[cls])
    return MappingProxyType(index)


def _by_hour(texts: tuple[str, ...], where: str) -> ByHour:
    """A part's phrases sorted by the hours they fit (tags: see ``vocab_comments``)."""
    tagged: list[tuple[range, Template]] = []
    for text in texts:
        hours = range(_UNKNOWN_HOUR)
        if text.startswith("~"):
            tag, _, text = text.partition(" ")
            if tag[1:] not in vc.HOUR_TAGS:
                raise ValueError(f"{where}: {tag!r} is not an hour tag ({', '.join(vc.HOUR_TAGS)})")
            hours = range(*vc.HOUR_TAGS[tag[1:]])
        tagged.append((hours, split_template(text)))
    table = tuple(
        tuple(t for hours, t in tagged if hour in hours) for hour in range(_UNKNOWN_HOUR)
    ) + (tuple(t for hours, t in tagged if len(hours) == _UNKNOWN_HOUR),)
    if texts and not table[_UNKNOWN_HOUR]:
        raise ValueError(f"{where}: every phrase is tagged; one must fit any hour")
    return table


def _compile_kinds() -> Mapping[str, _Kind]:
    """Every kind, and every variant ("kind:what") with the kind's parts where it has none."""
    kinds: dict[str, _Kind] = {}
    parts = ("openers", "openers_to", "bodies", "bodies_to", "extras", "closers")
    for name in [*COMMENT_KINDS, *vc.VARIANTS]:
        steps = name.split(":")
        merged = dict(vc.KINDS[steps[0]])
        for depth in range(2, len(steps) + 1):  # "answer:where_is:new" refines "answer:where_is"
            merged.update(vc.VARIANTS.get(":".join(steps[:depth]), {}))
        table = {part: _by_hour(merged.get(part, ()), f"{name}.{part}") for part in parts}
        kinds[name] = _Kind(
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
        if len(pools[first]) != len(pools[second]):
            raise ValueError(f"{where}: {first} and {second} must have the same length")


def topic_number(topic: str) -> int:
    """A stable number for a topic key: the same key picks the same question and answer (or
    blocker and unblocking) in every run and process."""
    return zlib.crc32(topic.encode())


_INDUSTRIES: Final[Mapping[str, _Industry]] = MappingProxyType(
    {name: _compile_industry(name, _RAW[name]) for name in INDUSTRIES}
)
_BY_SUBJECT: Final = _subject_index(_INDUSTRIES)
_KINDS: Final = _compile_kinds()
for _name, _ind in _INDUSTRIES.items():
    _check_pairs(_ind.pools, f"industry {_name}")
_check_pairs(vc.GENERIC_SLOTS, "generic slots")
_TASK_NOTES: Final = MappingProxyType(
    {cls: _split_all(texts) for cls, texts in vt.TASK_NOTES.items()}
)
_SUBTASKS: Final = MappingProxyType({cls: _split_all(texts) for cls, texts in vt.SUBTASKS.items()})
_NOTE_TAILS: Final = _split_all(vc.PROJECT_NOTE_TAILS)
_STATUS_TITLES, _STATUS_SUMMARIES, _STATUS_MIDDLES, _STATUS_NEXTS = (
    MappingProxyType({status: _split_all(texts) for status, texts in table.items()})
    for table in (vc.STATUS_TITLES, vc.STATUS_SUMMARIES, vc.STATUS_MIDDLES, vc.STATUS_NEXTS)
)
_NO_FORMS: Final[Mapping[str, str]] = MappingProxyType({})
# For a subject no blueprint of ours produced: neutral words, any kind of work.
_NEUTRAL: Final[Pools] = _with_class(
    MappingProxyType({**vc.GENERIC_SLOTS, "q": vc.QUARTERS}), "any"
)


def first_name(person: PersonRef, default: str = "team") -> str:
    """How colleagues address someone: "Alice Chen" -> "Alice" (``default`` if nameless)."""
    parts = person.name.split()
    return parts[0] if parts else default


def _industry(name: str) -> _Industry:
    try:
        return _INDUSTRIES[name]
    except KeyError:
        raise InvalidInput(
            f"industry {name!r} is not known; expected one of: {', '.join(INDUSTRIES)}"
        ) from None


def _pick(draw: Callable[[], float], pool: tuple[T, ...]) -> T:
    return pool[int(draw() * float(len(pool)))]  # as `* len(pool)`, but a native multiply


def fill(
    templates: list[Template],
    fixed: dict[str, str],
    forms: Mapping[str, str],
    draw: Callable[[], float],
    pools: Pools,
) -> str:
    """The templates filled and joined by spaces. A placeholder's value comes from `fixed`, else
    `forms`, else is drawn from its pool in `pools` and kept in `fixed`: each name is drawn
    once, in the order the placeholders appear."""
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
                        value = fixed[part] = _pick(draw, pools[part])
                out.append(value)
            literal = not literal
    return "".join(out)


def _answer_variant(context: CommentContext) -> str:
    if context.reply_kind == "where_is":
        state = context.task_state
        return f"answer:where_is:{state}" if state else "answer:where_is"
    return "answer"


def _variant(context: CommentContext) -> str:
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
        return _answer_variant(context)
    return kind


class TemplateSource:
    """Offline, deterministic content from per-industry templates."""

    name = "templates"

    def __init__(self) -> None:
        self._first_names: dict[str, str] = {}  # full name → first name ("" if nameless)

    def _first_name(self, person: PersonRef, default: str) -> str:
        """`first_name`, remembered: people write many comments."""
        first = self._first_names.get(person.name)
        if first is None:
            first = self._first_names[person.name] = first_name(person, "")
        return first or default

    def project(self, rng: random.Random, *, industry: str, index: int) -> ProjectBlueprint:
        ind = _industry(industry)
        draw = rng.random
        # Cycle themes, then name patterns, by index; the n-th use of a pattern draws its {x}
        # from the n-th of _NAME_ROUNDS disjoint slices of the fills. So names cannot repeat
        # within a run's first themes x patterns x _NAME_ROUNDS projects (36) of an industry.
        theme = ind.themes[index % len(ind.themes)]
        which = (index // len(ind.themes)) % len(theme.names)
        use = index // (len(ind.themes) * len(theme.names))
        fills = theme.fills[use % _NAME_ROUNDS :: _NAME_ROUNDS]
        pools: Pools = {**ind.pools, "x": fills}
        drawn: dict[str, str] = {}  # the name and the notes share their drawn words
        name = fill([theme.names[which]], drawn, _NO_FORMS, draw, pools)
        tails = rng.sample(_NOTE_TAILS, 1 + int(draw() * 2))
        # goals[i] is the goal of the project named by names[i].
        notes = fill([theme.goals[which], *tails], drawn, _NO_FORMS, draw, pools)
        count = _MIN_TASKS + int(draw() * (_MAX_TASKS - _MIN_TASKS + 1))
        n_common = min(len(ind.common), max(count - len(theme.objects), int(draw() * 3)))
        chosen = rng.sample(theme.objects, count - n_common) + rng.sample(ind.common, n_common)
        tasks = tuple(self._task(draw, rng, obj, cls, ind.pools) for obj, cls in chosen)
        return ProjectBlueprint(name=name, notes=notes, tasks=tasks)

    def _task(
        self, draw: Callable[[], float], rng: random.Random, obj: str, cls: str, pools: Pools
    ) -> TaskBlueprint:
        subject = "the " + obj
        fixed = {"s": subject, "S": _capitalized(subject)}
        forms = _forms(obj)
        notes = fill([_pick(draw, _TASK_NOTES[cls])], fixed, forms, draw, pools)
        subtasks: tuple[str, ...] = ()
        if draw() < _SUBTASK_SHARE:
            picked = rng.sample(_SUBTASKS[cls], 1 + int(draw() * 3))
            subtasks = tuple(fill([template], fixed, forms, draw, pools) for template in picked)
        return TaskBlueprint(
            name=f"{_pick(draw, vt.VERBS[cls])} {obj}", notes=notes, subject=subject,
            subtasks=subtasks,
        )  # fmt: skip

    def comment(self, rng: random.Random, context: CommentContext) -> str:
        base = _KINDS.get(context.kind)
        if base is None:
            raise InvalidInput(
                f"comment kind {context.kind!r} is not known; "
                f"expected one of: {', '.join(COMMENT_KINDS)}"
            )
        kind = _KINDS.get(_variant(context), base)
        subject = context.task_subject
        found = _BY_SUBJECT.get(subject)
        pools, forms, capitalized = found if found is not None else _subject(subject, _NEUTRAL)
        draw = rng.random
        fixed = {
            "s": subject,
            "S": capitalized,
            "me": self._first_name(context.author, "me"),
            "d": context.detail or kind.default_detail,
            "w": context.waits_on or "the task before it",
            "p": context.period or vc.DEFAULT_PERIOD,
        }
        if context.topic:  # one topic: the question and its answer, the blocker and its end
            number = topic_number(context.topic)
            for pool in ("qst", "ans", "blk", "unb"):
                options = pools[pool]
                fixed[pool] = options[number % len(options)]
        hour = context.local_hour
        h = hour if hour is not None and 0 <= hour < _UNKNOWN_HOUR else _UNKNOWN_HOUR
        to = context.to
        if to is not None:
            fixed["to"] = self._first_name(to, "team")
        addressed = to is not None and (kind.openers_to[h] or kind.bodies_to[h])
        parts: list[Template] = []
        shape = draw()
        if addressed and kind.bodies_to[h]:
            body = _pick(draw, kind.bodies_to[h])
        else:
            body = _pick(draw, kind.bodies[h])
        if addressed and kind.openers_to[h]:
            parts.append(_pick(draw, kind.openers_to[h]))
        elif shape >= _SHORT:
            parts.append(_pick(draw, kind.openers[h]))
        parts.append(body)
        if context.kind == "sorry_for_delay" and context.reply_kind:  # the apology answers too
            answer = _KINDS.get(_answer_variant(context), _KINDS["answer"])
            parts.append(_pick(draw, answer.bodies[h]))
        if shape >= _MEDIUM:
            parts.append(_pick(draw, kind.extras[h]))
        if shape >= _MEDIUM or (shape >= _SHORT and draw() < 0.4):
            parts.append(_pick(draw, kind.closers[h]))
        return fill(parts, fixed, forms, draw, pools)

    def status_update(
        self,
        rng: random.Random,
        *,
        project_name: str,
        status_type: StatusType,
        done: int,
        total: int,
        author: PersonRef,
    ) -> tuple[str, str]:
        if status_type not in vc.STATUS_TITLES:
            raise InvalidInput(
                f"status type {status_type!r} is not known; "
                f"expected one of: {', '.join(STATUS_TYPES)}"
            )
        draw = rng.random
        total = max(total, 0)
        done = min(max(done, 0), total)
        fixed = {
            "P": project_name,
            "of": f"{done} of {total} task{'' if total == 1 else 's'}",
            "done": str(done),
            "total": str(total),
            "left": str(total - done),
            "pct": str(round(100 * done / total) if total else 0),
        }
        title = fill([_pick(draw, _STATUS_TITLES[status_type])], fixed, _NO_FORMS, draw, _NEUTRAL)
        sentences = [
            _pick(draw, _STATUS_SUMMARIES[status_type]),
            _pick(draw, _STATUS_MIDDLES[status_type]),
        ]
        if draw() < 0.7:
            sentences.append(_pick(draw, _STATUS_NEXTS[status_type]))
        text = fill(sentences, fixed, _NO_FORMS, draw, _NEUTRAL)
        signature = self._first_name(author, "")
        if draw() < 0.5 and signature:
            text += "\n\n" + signature
        return title, text


__all__ = [
    "INDUSTRIES",
    "TemplateSource",
    "fill",
    "first_name",
    "is_plural",
    "split_template",
    "topic_number",
]
