"""DuckDB column types for the event log, derived from the event vocabulary.

Every column gets an explicit type (no auto-detection): a field missing from a line (because
it equals its default, or belongs to another event type) reads as NULL, never as a guessed
type. Derived from ``engine.events`` so a new event type or field needs no change here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

import msgspec
from msgspec import inspect as mi

from engine.events import EVENT_TYPES

# The envelope comes first; event fields follow in order of first appearance.
ENVELOPE = ("seq", "at", "type", "actor")


@dataclass(frozen=True)
class EventColumns:
    types: dict[str, str]  # column -> DuckDB type, in view order
    # Non-null defaults to restore (omitted on disk): column -> (SQL literal, event types).
    defaults: dict[str, tuple[str, tuple[str, ...]]]
    fingerprint: str  # changes when any column or type changes: sealed files go stale


def _duckdb_type(t: mi.Type, where: str) -> str:
    if isinstance(t, mi.UnionType):
        inner = [x for x in t.types if not isinstance(x, mi.NoneType)]
        if len(inner) == 1:
            return _duckdb_type(inner[0], where)
        return "VARCHAR"
    if isinstance(t, mi.IntType):
        return "BIGINT"
    if isinstance(t, mi.FloatType):
        return "DOUBLE"
    if isinstance(t, mi.BoolType):
        return "BOOLEAN"
    if isinstance(t, mi.StrType):
        return "VARCHAR"
    if isinstance(t, mi.LiteralType) and all(isinstance(v, str) for v in t.values):
        return "VARCHAR"
    if isinstance(t, mi.DateTimeType):
        return "TIMESTAMP"  # always UTC in the log; kept naive so display never shifts
    if isinstance(t, mi.DateType):
        return "DATE"
    if isinstance(t, mi.VarTupleType | mi.ListType | mi.TupleType):
        items = t.item_type if isinstance(t, mi.VarTupleType | mi.ListType) else t.item_types[0]
        return f"{_duckdb_type(items, where)}[]"
    if isinstance(t, mi.DictType):
        return "JSON"  # e.g. custom field values: read with ->> or json_extract
    raise TypeError(f"{where}: no DuckDB column type for {t!r}; extend adapters.analytics.schema")


def _sql_literal(value: object, duck_type: str) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple | list) and not value:
        return f"[]::{duck_type}"
    if isinstance(value, dict) and not value:
        return "'{}'::JSON"
    if isinstance(value, datetime | date):
        return f"'{value.isoformat()}'::{duck_type}"
    raise TypeError(f"no SQL literal for default {value!r}")


def event_columns(event_types: Mapping[str, type[msgspec.Struct]] = EVENT_TYPES) -> EventColumns:
    types: dict[str, str] = {"seq": "BIGINT", "at": "TIMESTAMP", "type": "VARCHAR"}
    defaults: dict[str, tuple[object, list[str]]] = {}
    for tag, cls in event_types.items():
        for field in cast(mi.StructType, mi.type_info(cls)).fields:  # a Struct's is a StructType
            name = field.encode_name
            duck = _duckdb_type(field.type, f"{tag}.{name}")
            # One column serves every event with a field of that name; when types disagree
            # (TaskAssigned.previous is a person, DueDateChanged.previous a date) it is text.
            if types.setdefault(name, duck) != duck:
                types[name] = "VARCHAR"
            if field.default not in (msgspec.NODEFAULT, None):
                defaults.setdefault(name, (field.default, []))[1].append(tag)
    ordered = {k: types[k] for k in ENVELOPE} | {
        k: v for k, v in types.items() if k not in ENVELOPE
    }
    literal_defaults = {
        name: (_sql_literal(value, ordered[name]), tuple(tags))
        for name, (value, tags) in defaults.items()
    }
    fingerprint = hashlib.sha256(repr(sorted(ordered.items())).encode()).hexdigest()[:12]
    return EventColumns(ordered, literal_defaults, fingerprint)


def quote(identifier: str) -> str:
    """A SQL identifier, quoted (field names such as ``to`` are SQL keywords)."""
    return '"' + identifier.replace('"', '""') + '"'


def columns_struct(columns: EventColumns) -> str:
    """The ``columns={...}`` argument of ``read_json``."""
    items = ", ".join(f"'{name}': '{duck}'" for name, duck in columns.types.items())
    return "{" + items + "}"
