"""How a template becomes text: split once at its placeholders, then filled from fixed values,
verb forms that agree with the subject, or words drawn from the vocabulary's pools.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final, TypeVar

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


def verb_forms(noun_phrase: str) -> Mapping[str, str]:
    return _PLURAL if is_plural(noun_phrase) else _SINGULAR


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def pick(draw: Callable[[], float], pool: tuple[T, ...]) -> T:
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
                        value = fixed[part] = pick(draw, pools[part])
                out.append(value)
            literal = not literal
    return "".join(out)
