"""Scenario type errors in plain words: msgspec's "Expected `bool | null`, got `str` - at
`$.people[0].evening`" becomes "people[0].evening: 'yes' is not allowed; expected true or
false", naming the field path, the value as the user wrote it and what is allowed."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Any, Literal, get_args, get_origin

import msgspec

from engine.suggest import suggest


def explain(exc: msgspec.ValidationError, raw: dict[str, Any], root: type) -> str:
    """Turn msgspec's '... - at `$.people[3].tz`' into 'people[3].tz: <the value as written> is
    not allowed; expected <what is, in plain words>', with a "did you mean" where one fits."""
    text, _, at = str(exc).partition(" - at `")
    path = at.rstrip("`").removeprefix("$").lstrip(".") if at else ""
    unknown = re.match(r"Object contains unknown field `(.+)`", text)
    if unknown:
        key = unknown.group(1)
        struct = _struct_at(root, path)
        names = tuple(f.encode_name for f in msgspec.structs.fields(struct)) if struct else ()
        hint = suggest(key, names)
        allowed = f"; known keys: {', '.join(names)}" if names else ""
        return f"{_join(path, key)}: unknown key{hint}{allowed}"
    missing = re.match(r"Object missing required field `(.+)`", text)
    if missing:
        where = _join(path, missing.group(1))
        return f"{where}: missing; expected {describe(_type_at(root, where), where)}"
    declared = _type_at(root, path)
    value = _value_at(raw, path)
    if declared is None or value is _MISSING:  # not a field of ours: msgspec's own words
        return f"{path or 'scenario'}: {text}"
    hint = suggest(value, _literal_choices(declared)) if isinstance(value, str) else ""
    return (
        f"{path or 'scenario'}: {as_written(value)} is not allowed{hint}; "
        f"expected {describe(declared, path)}"
    )


def describe(tp: Any, path: str) -> str:
    """What a value of declared type `tp` (at `path`) looks like in a TOML file, in plain words:
    a field's own `Meta(description=...)` if it has one."""
    if get_origin(tp) is Annotated:
        described = [m.description for m in tp.__metadata__ if isinstance(m, msgspec.Meta)]
        return described[0] if described and described[0] else describe(get_args(tp)[0], path)
    if get_origin(tp) is Literal:
        return f"one of {', '.join(map(str, get_args(tp)))}"
    if _is_struct(tp):
        return "a table" if path.endswith("]") else f"a [{path}] table"
    if get_origin(tp) is list:
        (item,) = get_args(tp)
        if _is_struct(item):
            return f"a list of [[{path}]] tables"
        return f"a list ([...]) whose items are each {describe(item, path + '[0]')}"
    options = [describe(arg, path) for arg in get_args(tp) if arg is not type(None)]
    if options:  # a union; null cannot be written in TOML, so it is not offered
        return " or ".join(dict.fromkeys(options))
    return _PLAIN_WORDS.get(tp, getattr(tp, "__name__", str(tp)))


_PLAIN_WORDS: dict[Any, str] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: 'text in quotes ("...")',
    date: "a date like 2026-01-05",
}


def as_written(value: Any) -> str:
    """A value as TOML spells it (true, 2026-01-05T09:00:00, 'text'), cut short if long."""
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, date | time):  # datetime is a date
        shown = value.isoformat()
    elif isinstance(value, list):
        shown = f"[{', '.join(as_written(v) for v in value)}]"
    elif isinstance(value, dict):
        shown = "a table"
    else:
        shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


_MISSING = object()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _value_at(raw: Any, path: str) -> Any:
    node = raw
    for part in re.findall(r"[^.\[\]]+", path):
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            return _MISSING
    return node


def _type_at(root: type, path: str) -> Any:
    """The declared type at a path like 'people[3].role' or 'holidays.dates[0]' (None if the
    path leads outside the declared types)."""
    node: Any = root
    for part in re.findall(r"[^.\[\]]+", path):
        node = _container(node)
        if part.isdigit():
            if get_origin(node) is not list:
                return None
            node = get_args(node)[0]
        else:
            fields = (
                {f.encode_name: f for f in msgspec.structs.fields(node)} if _is_struct(node) else {}
            )
            if part not in fields:
                return None
            node = fields[part].type
    return node


def _container(tp: Any) -> Any:
    """The struct or list inside `tp` (`Annotated[...]`, `list[FieldSpec] | None`), or None."""
    if get_origin(tp) is Annotated:
        return _container(get_args(tp)[0])
    if _is_struct(tp) or get_origin(tp) is list:
        return tp
    return next(filter(None, (_container(arg) for arg in get_args(tp))), None)


def _struct_at(root: type, path: str) -> type | None:
    node = _container(_type_at(root, path))
    return node if _is_struct(node) else None


def _is_struct(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def _literal_choices(tp: Any) -> tuple[str, ...]:
    if get_origin(tp) is Literal:
        return tuple(map(str, get_args(tp)))
    return ()
