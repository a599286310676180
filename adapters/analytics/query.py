"""`busywork query` and `busywork export`: any SQL over a run's views, out as rows or files."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import duckdb
import msgspec

from adapters.analytics.views import VIEWS, Run, open_run
from engine.errors import InvalidInput

QUERY_FORMATS = ("table", "csv", "json")
EXPORT_FORMATS = ("parquet", "csv")
_CHUNK = 10_000


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple]


def execute(run: Run, sql: str) -> duckdb.DuckDBPyConnection:
    """Run one user query; a SQL error becomes InvalidInput carrying DuckDB's message."""
    if not sql.strip():
        raise InvalidInput("query: empty SQL; try: select type, count(*) from events group by 1")
    try:
        return run.con.execute(sql)
    except duckdb.Error as exc:
        raise _explain(run, exc, sql) from None


def _explain(run: Run, exc: duckdb.Error, sql: str = "") -> Exception:
    corrupted = run.log_error(exc)
    if corrupted is not None:
        return corrupted
    message = str(exc).strip()
    if isinstance(exc, duckdb.ParserException) and _KEYWORD_COLUMN.search(sql):
        message += '\nHint: "at" and "to" are SQL keywords; quote the columns: "at", "to".'
    return InvalidInput(f"SQL error: {message}")


_KEYWORD_COLUMN = re.compile(r'(?<![\w"])(at|to)(?![\w"])', re.IGNORECASE)


def query(run: str | Path | Run, sql: str, *, seal: bool = True) -> QueryResult:
    """All rows of one query over the views (for small results; see `write_query`)."""
    if not isinstance(run, Run):
        with open_run(run, seal=seal) as opened:
            return query(opened, sql)
    cursor = execute(run, sql)
    columns, types = _describe(cursor)
    try:
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise _explain(run, exc) from None
    return QueryResult(columns, types, rows)


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


def write_rows(fmt: str, columns: list[str], rows: Iterator[tuple], out: TextIO) -> int:
    """Write rows as CSV (header first) or as a JSON array of objects; returns the count."""
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            count += 1
        return count
    if fmt != "json":
        raise InvalidInput(f"--format: {fmt!r} is not a row format; expected csv or json")
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(_JSON.encode(dict(zip(columns, row, strict=True))).decode())
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _enc_hook(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


_JSON = msgspec.json.Encoder(enc_hook=_enc_hook, decimal_format="number")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, list | dict | tuple):
        return _JSON.encode(value).decode()
    return value


def write_query(run: str | Path | Run, sql: str, fmt: str, out: TextIO | Path) -> int:
    """Stream a query's rows to a text stream or file as CSV or JSON; returns the row count."""
    if not isinstance(run, Run):
        with open_run(run) as opened:
            return write_query(opened, sql, fmt, out)
    cursor = execute(run, sql)
    columns, _ = _describe(cursor)
    if isinstance(out, Path):
        buffer = io.StringIO()  # nothing is written when the query fails part-way
        count = write_rows(fmt, columns, iter_rows(run, cursor), buffer)
        _write_text(out, buffer.getvalue())
        return count
    return write_rows(fmt, columns, iter_rows(run, cursor), out)


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"--out: cannot write {path}: {exc.strerror or exc}") from None


def export(run: str | Path | Run, out_dir: Path, fmt: str = "parquet") -> list[Path]:
    """Write every view (events, people, projects, tasks, comments) as Parquet or CSV files."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"--format: {fmt!r} is not allowed; expected one of parquet, csv")
    if not isinstance(run, Run):
        with open_run(run) as opened:
            return export(opened, out_dir, fmt)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InvalidInput(f"--out: {out_dir} exists and is not a folder") from None
    except OSError as exc:
        raise InvalidInput(f"--out: cannot create {out_dir}: {exc.strerror or exc}") from None
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER"
    written = []
    for view in VIEWS:
        target = out_dir / f"{view}.{fmt}"
        literal = "'" + str(target).replace("'", "''") + "'"
        try:
            run.con.execute(f"COPY (SELECT * FROM {view}) TO {literal} ({options})")
        except duckdb.IOException as exc:
            raise InvalidInput(f"--out: cannot write {target}: {exc}") from None
        except duckdb.Error as exc:
            raise _explain(run, exc) from None
        written.append(target)
    return written


def to_json_value(result: QueryResult) -> list[dict]:
    """The rows as JSON-ready objects (what `--format json` prints)."""
    return json.loads(
        _JSON.encode([dict(zip(result.columns, r, strict=True)) for r in result.rows])
    )
