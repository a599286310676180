"""Strict request checking: every field known, typed and resolved before anything changes.

A spec maps field names to checkers. ``check_fields`` rejects unknown fields (suggesting the
closest known one), wrong types, bad enums, unknown references and missing required fields,
each with a 400 naming the field path, e.g. ``data.assignee: unknown user 'zz'``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, Protocol

from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.store import Store
from engine.suggest import suggest

# Fields Asana sets itself; naming them in a request is a mistake worth its own message.
READ_ONLY = frozenset(
    [
        "gid",
        "resource_type",
        "created_at",
        "modified_at",
        "completed_at",
        "completed_by",
        "created_by",
        "permalink_url",
        "num_likes",
        "num_hearts",
        "likes",
        "hearts",
        "num_subtasks",
        "author",
        "type",
    ]
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


class Lookup(Protocol):
    store: Store
    user_gid: str
    form: bool  # the body was a form: its values are strings ("true", "3", "null", "a,b")


Checker = Callable[[str, Any, Lookup], Any]


def _type_name(value: object) -> str:
    return {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string",
            list: "array", dict: "object"}.get(type(value), type(value).__name__)  # fmt: skip


def _expect(path: str, what: str, value: object):
    return bad_request(f"{path}: expected {what}, got {_type_name(value)}")


def text(path: str, value: Any, _: Lookup) -> str:
    if not isinstance(value, str):
        raise _expect(path, "a string", value)
    return value


def name(path: str, value: Any, lookup: Lookup) -> str:
    value = text(path, value, lookup)
    if not value.strip():
        raise bad_request(f"{path}: must not be empty")
    return value


def boolean(path: str, value: Any, lookup: Lookup) -> bool:
    if lookup.form and isinstance(value, str):
        if value not in ("true", "false"):
            raise bad_request(f"{path}: expected true or false, got {_show(value)}")
        return value == "true"
    if not isinstance(value, bool):
        raise _expect(path, "a boolean", value)
    return value


def day(path: str, value: Any, _: Lookup) -> str:
    if not isinstance(value, str):
        raise _expect(path, "a date string YYYY-MM-DD", value)
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise bad_request(f"{path}: '{value}' is not a date (expected YYYY-MM-DD)") from None
    return value


def number(path: str, value: Any, lookup: Lookup) -> int | float:
    """A JSON number; in a form, its decimal text."""
    if lookup.form and isinstance(value, str):
        if not _DECIMAL.fullmatch(value):
            raise bad_request(f"{path}: {_show(value)} is not a number (expected e.g. 3 or 2.5)")
        return int(value) if _INTEGER.fullmatch(value) else float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _expect(path, "a number", value)
    return value


def field_names(path: str, value: Any, lookup: Lookup) -> list[str]:
    """Names of fields to return (an ``options.fields`` array)."""
    if not isinstance(value, list):
        raise _expect(path, "an array of field names", value)
    return [text(f"{path}[{i}]", item, lookup) for i, item in enumerate(value)]


def nullable(checker: Checker) -> Checker:
    def check(path: str, value: Any, lookup: Lookup) -> Any:
        if value is None or (lookup.form and value == "null"):
            return None
        return checker(path, value, lookup)

    return check


def one_of(*allowed: str | None) -> Checker:
    def check(path: str, value: Any, lookup: Lookup) -> Any:
        if lookup.form and value == "null" and None in allowed:
            return None
        if value not in allowed:
            shown = ", ".join("null" if a is None else a for a in allowed)
            raise bad_request(f"{path}: {_show(value)} is not one of {shown}")
        return value

    return check


def ref(kind: str) -> Checker:
    """A gid of an existing ``kind``; users may also be named by email or ``"me"``."""

    def check(path: str, value: Any, lookup: Lookup) -> str:
        if not isinstance(value, str):
            raise _expect(path, f"a {kind} gid string", value)
        if kind == "user":
            if value == "me":
                return lookup.user_gid
            user = lookup.store.users_by_email.get(value.lower()) or lookup.store.get(kind, value)
            if getattr(user, "outside", False):
                raise bad_request(f"{path}: user {_show(value)} is not a member of this workspace")
            if user is not None:
                return user.gid
        if lookup.store.get(kind, value) is None:
            raise bad_request(f"{path}: unknown {kind} {_show(value)}")
        return value

    return check


def ref_list(kind: str) -> Checker:
    item = ref(kind)

    def check(path: str, value: Any, lookup: Lookup) -> list[str]:
        if lookup.form and isinstance(value, str):  # a form's "a,b" (or one gid)
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            raise _expect(path, f"an array of {kind} gids", value)
        gids = [item(f"{path}[{i}]", v, lookup) for i, v in enumerate(value)]
        return list(dict.fromkeys(gids))  # keep order, drop repeats

    return check


def user_list(path: str, value: Any, lookup: Lookup) -> list[str]:
    """Users as an array or as one comma-separated string (Asana takes both for members and
    a project's followers)."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
        if not value:
            raise bad_request(f"{path}: no users given")
    return ref_list("user")(path, value, lookup)


def objects(spec: Mapping[str, Checker], required: Iterable[str] = ()) -> Checker:
    def check(path: str, value: Any, lookup: Lookup) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise _expect(path, "an array of objects", value)
        return [
            check_fields(f"{path}[{i}]", v, spec, lookup, required) for i, v in enumerate(value)
        ]

    return check


def check_fields(
    path: str,
    value: Any,
    spec: Mapping[str, Checker],
    lookup: Lookup,
    required: Iterable[str] = (),
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _expect(path, "an object", value)
    for key in value:
        if key not in spec:
            raise bad_request(_unknown_field(f"{path}.{key}", key, spec))
    for key in required:
        if key not in value:
            raise bad_request(f"{path}.{key}: required")
    return {key: spec[key](f"{path}.{key}", v, lookup) for key, v in value.items()}


def check_dates(data: dict[str, Any], distinct: bool = False) -> None:
    """Asana's rule: ``start_on`` travels with ``due_on`` and is not after it (``distinct``:
    nor on the same day, as the spec says of projects and portfolios)."""
    if data.get("start_on") is None:
        return
    if "due_on" not in data:
        raise bad_request("data.start_on: due_on must be sent together with start_on")
    if data["due_on"] is None:
        raise bad_request("data.start_on: a start date needs a due date (data.due_on)")
    if data["start_on"] > data["due_on"]:
        raise bad_request("data.start_on: must not be after data.due_on")
    if distinct and data["start_on"] == data["due_on"]:
        raise bad_request(
            f"data.start_on: must be before data.due_on, not the same day ({data['due_on']})"
        )


def rejected(reason: str) -> Checker:
    """A field Asana knows but does not accept here; the message says what to do instead."""

    def check(path: str, value: Any, _: Lookup) -> Any:
        raise bad_request(f"{path}: {reason}")

    return check


def unsupported(instead: str) -> Checker:
    """A field Asana takes that the sandbox does not keep: a 400 saying so and what to send
    instead, not "unknown field" (which would say Asana does not know it)."""
    return rejected(f"Asana takes this field but the sandbox does not keep it ({instead})")


def _unknown_field(path: str, key: str, spec: Iterable[str]) -> str:
    if key in READ_ONLY:
        return f"{path}: read-only (set by the server)"
    return f"{path}: unknown field{suggest(key, tuple(spec))}"


def _show(value: object) -> str:
    shown = repr(value) if isinstance(value, str) else _type_name(value)
    return shown if len(shown) <= 60 else shown[:57] + "...'"
