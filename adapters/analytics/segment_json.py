"""A segment's JSON lines as a DuckDB source: read with the event columns' types, and each line
first decoded with the engine's typed decoder, so that a damaged line is reported with its file
and line (as `show` reports it) instead of being read with a NULL or an unknown type.
`adapters.analytics.segments` decides which segments are read this way.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from adapters.analytics.schema import EventColumns, columns_struct, quote
from engine.errors import LogCorrupted
from engine.events import decode


def typed_select(columns: EventColumns, source_sql: str) -> str:
    """SELECT every column with its type from a read_json source.

    Timestamps are read as TIMESTAMPTZ (which honours a "Z" or "+02:00" suffix; TIMESTAMP
    would drop the offset) and stored as naive UTC so nothing depends on the session zone.
    """
    parts = []
    for name, duck in columns.types.items():
        col = quote(name)
        parts.append(f"timezone('UTC', {col}) AS {col}" if duck == "TIMESTAMP" else col)
    return f"SELECT {', '.join(parts)} FROM {source_sql}"


def read_json_sql(columns: EventColumns, paths: list[Path]) -> str:
    files = "[" + ", ".join(sql_string(str(p)) for p in paths) + "]"
    struct = columns_struct(columns).replace("'TIMESTAMP'", "'TIMESTAMPTZ'")
    return (
        f"read_json({files}, format='newline_delimited', columns={struct}, "
        "maximum_object_size=16777216)"
    )


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def locate_bad_line(path: Path, limit: int | None = None) -> str:
    """Name the first line of a segment that does not decode as an event (for errors)."""
    with open(path, "rb") as fh:
        data = fh.read(limit) if limit is not None else fh.read()
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            decode(line)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            return f"{path}, line {number}: {exc}"
    return f"{path}: a line does not match the event columns"


def corrupted(path: Path, exc: Exception, limit: int | None = None) -> LogCorrupted:
    return LogCorrupted(f"{locate_bad_line(path, limit)} (DuckDB: {str(exc).splitlines()[0]})")


def check_lines(path: Path, data: bytes) -> None:
    """Decode every line of `data` (complete lines of `path`) as an event: raises
    LogCorrupted naming the first line that is not one (an unknown type, a wrong value)."""
    for number, line in enumerate(data.splitlines(), start=1):
        try:
            decode(line)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise LogCorrupted(f"{path}, line {number}: {exc}") from None


def empty_select(columns: EventColumns) -> str:
    """A typed SELECT of no rows: the open segment's table when it holds no complete line."""
    return typed_select(columns, f"({_empty_row(columns)}) WHERE false")


def _empty_row(columns: EventColumns) -> str:
    casts = ", ".join(
        f"NULL::{'TIMESTAMPTZ' if duck == 'TIMESTAMP' else duck} AS {quote(name)}"
        for name, duck in columns.types.items()
    )
    return f"SELECT {casts}"
