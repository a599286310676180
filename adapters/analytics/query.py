"""`busywork query` and `busywork export`: any SQL over a run's views, out as rows or files."""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import duckdb

from adapters.analytics.rows import (
    JSON,
    unique_columns,
    write_file,
    write_rows,
    zoned,
    zoned_select,
)
from adapters.analytics.views import VIEWS, Run, open_run
from engine.errors import BusyworkError, InvalidInput
from engine.files import file_above, write_error

QUERY_FORMATS = ("table", "csv", "json")
EXPORT_FORMATS = ("parquet", "csv")
_CHUNK = 10_000


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple]
    # rows the query returned: more than `rows` holds when `query(keep=N)` kept the first N
    count: int = -1

    def __post_init__(self) -> None:
        if self.count < 0:
            self.count = len(self.rows)


# What a query may be: it asks questions of a run. Files out go through --out or `export`.
# DESCRIBE, SHOW, SUMMARIZE, FROM … and VALUES parse as SELECT; EXPLAIN is judged by what it
# explains (EXPLAIN ANALYZE runs its statement).
READ_STATEMENTS = frozenset({"SELECT"})
_TRY = "try: select type, count(*) from events group by 1"
_EXPLAIN_PREFIX = re.compile(
    r"\A(?:\s|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*EXPLAIN\s+(?:ANALY[SZ]E\b\s*)?(?:\([^)]*\)\s*)?",
    re.IGNORECASE | re.DOTALL,
)


def execute(run: Run, sql: str) -> duckdb.DuckDBPyConnection:
    """Run one user query, read-only: one statement, a SELECT (or an EXPLAIN of one); the
    connection is locked to private copies of the run's files first (`Run.lock`). A SQL error
    becomes InvalidInput carrying DuckDB's message."""
    if not sql.strip():
        raise InvalidInput(f"query: empty SQL; {_TRY}")
    try:
        # Parsed here, before anything runs: DuckDB executes a script's statements one by one
        # and would run a COPY before reaching a syntax error further on.
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise _explain(run, exc, sql) from None
    _refuse_writes(statements)
    if not statements:
        raise InvalidInput(f"query: no SQL statement, only comments or semicolons; {_TRY}")
    if len(statements) > 1:
        raise InvalidInput(
            f"query: {len(statements)} statements; query runs one statement at a time "
            "(drop the others, or run them one by one)"
        )
    run.lock()
    try:
        return run.con.execute(sql)
    except duckdb.Error as exc:
        raise _explain(run, exc, sql) from None


def _refuse_writes(statements: list) -> None:
    for statement in statements:
        kind = statement.type.name
        if kind in READ_STATEMENTS:
            continue
        name = _statement_name(statement)
        if kind == "EXPLAIN":
            explained = _explained(statement.query)
            if explained is not None and explained.type.name in READ_STATEMENTS:
                continue
            inner = _statement_name(explained) if explained is not None else "this statement"
            name = f"EXPLAIN of {inner}"
        hint = ""
        if kind in ("COPY", "EXPORT", "COPY_DATABASE") or "COPY" in name or "EXPORT" in name:
            hint = (
                "; to write rows to a file use --format csv|json --out FILE, or `busywork export`"
            )
        raise InvalidInput(
            f"query: {name} is not allowed: query only reads the run's views "
            f"({', '.join(VIEWS[:5])}, …) with SELECT{hint}"
        )


def _statement_name(statement) -> str:
    words = statement.query.split()
    first = words[0].upper() if words else ""
    return first if first.isalpha() and first != "WITH" else statement.type.name


def _explained(sql: str):
    """The one statement an EXPLAIN [ANALYZE] [(options)] explains; None when it is not one
    statement that parses."""
    prefix = _EXPLAIN_PREFIX.match(sql)
    if prefix is None:
        return None
    try:
        inner = duckdb.extract_statements(sql[prefix.end() :])
    except duckdb.Error:
        return None
    return inner[0] if len(inner) == 1 else None


def _explain(run: Run, exc: duckdb.Error, sql: str = "") -> Exception:
    corrupted = run.log_error(exc)
    if corrupted is not None:
        return corrupted
    message = str(exc).strip()
    if isinstance(exc, duckdb.ParserException) and _KEYWORD_COLUMN.search(sql):
        message += '\nHint: "at" and "to" are SQL keywords; quote the columns: "at", "to".'
    if isinstance(exc, duckdb.PermissionException):
        message = (
            "query reads only the run's views "
            f"({', '.join(VIEWS[:5])}, …); files outside the run, the network and extensions "
            f"are not available.\n{message}"
        )
    return InvalidInput(sql_error(message))


def sql_error(message: str) -> str:
    """DuckDB's message as one 'SQL error: …' line, then its details (the candidate columns,
    `LINE 1: …` and the carets under the fault) indented under it, without its blank lines:
    all of them indented alike, so the carets still point at the fault."""
    first, *details = [line.rstrip() for line in message.splitlines() if line.strip()]
    return "\n  ".join([f"SQL error: {first}", *details])


_KEYWORD_COLUMN = re.compile(r'(?<![\w"])(at|to)(?![\w"])', re.IGNORECASE)


def query(
    run: str | Path | Run, sql: str, *, seal: bool = True, keep: int | None = None
) -> QueryResult:
    """The rows of one query over the views (for small results; see `write_query`): all of
    them, or the first `keep` and the count of all (a table shows a few of a huge result)."""
    if not isinstance(run, Run):
        with open_run(run, seal=seal) as opened:
            return query(opened, sql, keep=keep)
    cursor = execute(run, sql)
    columns, types = _describe(cursor)
    if keep is None:
        try:
            rows = cursor.fetchall()
        except duckdb.Error as exc:
            raise _explain(run, exc) from None
        return QueryResult(columns, types, rows)
    kept, count = [], 0
    for row in iter_rows(run, cursor):
        if count < keep:
            kept.append(row)
        count += 1
    return QueryResult(columns, types, kept, count)


def _describe(cursor: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    description = cursor.description or []
    return [d[0] for d in description], [str(d[1]) for d in description]


def iter_rows(run: Run, cursor: duckdb.DuckDBPyConnection) -> Iterator[tuple]:
    while True:
        try:
            chunk = cursor.fetchmany(_CHUNK)
        except duckdb.Error as exc:
            raise _explain(run, exc) from None
        if not chunk:
            return
        yield from chunk


def write_query(run: str | Path | Run, sql: str, fmt: str, out: TextIO | Path | str) -> int:
    """Stream a query's rows to a text stream or file as CSV or JSON; returns the row count."""
    if isinstance(out, str | Path):
        out = out_path(out, "a file")
    if not isinstance(run, Run):
        with open_run(run) as opened:
            return write_query(opened, sql, fmt, out)
    cursor = execute(run, sql)
    columns, _ = _describe(cursor)
    if isinstance(out, Path):
        return write_file(fmt, columns, iter_rows(run, cursor), out)
    return write_rows(fmt, columns, iter_rows(run, cursor), out)


# DuckDB's IO errors carry the system's reason in a JSON blob after the message:
# 'IO Error: Async write failed …: {"exception_type":"IO","exception_message":"Could not
# write file \"…\": No space left on device","errno":"28"}'.
_DUCKDB_DETAILS = re.compile(r"\{.*\}\s*\Z", re.DOTALL)


def _duckdb_write_error(target: Path, exc: duckdb.Error) -> BusyworkError:
    """A COPY to `target` that failed, as a clean message naming the path: the system's reason
    (from DuckDB's details when it gives them); a full disk is a failure, not bad input."""
    text = str(exc).strip()
    reason, err = text.removeprefix("IO Error: "), None
    found = _DUCKDB_DETAILS.search(text)
    if found is not None:
        try:
            details = json.loads(found.group())
        except ValueError:
            details = None
        if isinstance(details, dict):
            message = str(details.get("exception_message") or "")
            reason = message.rsplit(": ", 1)[-1] if message else reason
            code = str(details.get("errno") or "")
            err = int(code) if code.isdigit() else None
    if err is None and "No space left on device" in reason:
        err = errno.ENOSPC
    return write_error("--out", target, err, reason.splitlines()[0] if reason else text)


def out_path(out: str | Path, what: str) -> Path:
    """The --out path; an empty one is refused (``Path("")`` would be the current folder)."""
    if not str(out).strip():
        raise InvalidInput(f"--out: empty; expected {what} to write to")
    return Path(out)


def export(run: str | Path | Run, out_dir: str | Path, fmt: str = "parquet") -> list[Path]:
    """Write every view (`VIEWS`) as Parquet or CSV files."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"--format: {fmt!r} is not allowed; expected one of parquet, csv")
    out_dir = out_path(out_dir, "a folder")
    if not isinstance(run, Run):
        with open_run(run) as opened:
            return export(opened, out_dir, fmt)
    if run.locked:
        raise BusyworkError(
            f"{run.path}: this session was locked to reading by a query; open the run again to export"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InvalidInput(f"--out: {out_dir} exists and is not a folder") from None
    except NotADirectoryError:
        above = file_above(out_dir)
        why = f"{above} is a file, not a folder" if above else "Not a directory"
        raise InvalidInput(f"--out: cannot create {out_dir}: {why}") from None
    except OSError as exc:
        raise InvalidInput(f"--out: cannot create {out_dir}: {exc.strerror or exc}") from None
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER"
    written = []
    for view in VIEWS:
        target = out_dir / f"{view}.{fmt}"
        literal = "'" + str(target).replace("'", "''") + "'"
        try:
            run.con.execute(f"COPY ({zoned_select(run.con, view, fmt)}) TO {literal} ({options})")
        except duckdb.IOException as exc:
            raise _duckdb_write_error(target, exc) from None
        except duckdb.Error as exc:
            raise _explain(run, exc) from None
        written.append(target)
    return written


def to_json_value(result: QueryResult) -> list[dict]:
    """The rows as JSON-ready objects (what `--format json` prints)."""
    columns = unique_columns(result.columns)
    rows = [dict(zip(columns, map(zoned, r), strict=True)) for r in result.rows]
    return json.loads(JSON.encode(rows))
