"""A query's rows written out: as CSV (header first) or a JSON array of objects, to a stream
or to a file. A file is streamed into a temporary file beside it and renamed over it once
every row is written, so a query that fails part-way leaves the file as it was, and a result
larger than memory is never held in memory (it was, whole, before it was written)."""

from __future__ import annotations

import contextlib
import csv
import os
import stat
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import msgspec

from engine.errors import InvalidInput
from engine.files import replaceable, write_error


def unique_columns(columns: list[str]) -> list[str]:
    """Column names made unique as DuckDB makes them in CREATE TABLE AS: a repeated ``name``
    becomes ``name_1``, ``name_2``… (JSON objects and CSV headers need unique keys; a query
    such as ``select t.name, p.name`` would otherwise lose a column)."""
    taken: set[str] = set()
    out = []
    for name in columns:
        unique, k = name, 0
        while unique in taken:
            k += 1
            unique = f"{name}_{k}"
        taken.add(unique)
        out.append(unique)
    return out


def write_rows(fmt: str, columns: list[str], rows: Iterator[tuple], out: TextIO) -> int:
    """Write rows as CSV (header first) or as a JSON array of objects, under unique column
    names (`unique_columns`); returns the count."""
    count = 0
    columns = unique_columns(columns)
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
        out.write(JSON.encode(dict(zip(columns, map(zoned, row), strict=True))).decode())
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_file(fmt: str, columns: list[str], rows: Iterator[tuple], path: Path) -> int:
    """`write_rows` into `path` (see the module's note). Only a new file or a plain one is
    replaced that way: anything else (a device such as /dev/stdout, a pipe, a symbolic or
    hard link) is written in place, as renaming over it would replace the link or device."""
    if not replaceable(path):
        try:
            with open(path, "w", encoding="utf-8", newline="") as out:
                return write_rows(fmt, columns, rows, out)
        except OSError as exc:
            raise write_error("--out", path, exc.errno, exc.strerror or str(exc)) from None
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        # mkstemp makes it private (0600); the file keeps the mode it had, else a plain one.
        os.fchmod(fd, stat.S_IMODE(path.stat().st_mode) if path.exists() else _plain_mode())
        with open(fd, "w", encoding="utf-8", newline="") as out:
            count = write_rows(fmt, columns, rows, out)
        os.replace(tmp, path)
        return count
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise write_error("--out", path, exc.errno, exc.strerror or str(exc)) from None
        raise


def _plain_mode() -> int:
    """0666 less the umask, as open() would make the file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _enc_hook(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


JSON = msgspec.json.Encoder(enc_hook=_enc_hook, decimal_format="number")


def utc_text(moment: datetime) -> str:
    """A timestamp as the event log spells `at` (ISO 8601 ending in Z), in CSV and JSON out of
    `query` and `export` alike. The views' TIMESTAMPs are UTC (so is the session's zone), though
    naive: spelled without the zone, a reader elsewhere would take them for local times."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat().replace("+00:00", "Z")


def zoned(value: Any) -> Any:
    """`value` with every timestamp in it (in a list or struct too) spelled by `utc_text`."""
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, list | tuple):
        return [zoned(v) for v in value]
    if isinstance(value, dict):
        return {k: zoned(v) for k, v in value.items()}
    return value


def zoned_select(con: Any, view: str, fmt: str) -> str:
    """SELECT a view's rows with its (naive, UTC) timestamps marked as UTC: TIMESTAMPTZ in
    Parquet, and in CSV spelled by `utc_text`, as `query` spells them. `con`: DuckDB's."""
    described = con.execute(f"SELECT * FROM {view} LIMIT 0").description or []
    replaced = []
    for name, kind, *_ in described:
        if str(kind) != "TIMESTAMP":
            continue
        column = '"' + name.replace('"', '""') + '"'
        if fmt == "parquet":
            replaced.append(f"{column}::TIMESTAMPTZ AS {column}")
        else:  # the fraction only when there is one, as Python's isoformat writes it
            replaced.append(
                f"CASE WHEN epoch_us({column}) % 1000000 = 0 "
                f"THEN strftime({column}, '%Y-%m-%dT%H:%M:%SZ') "
                f"ELSE strftime({column}, '%Y-%m-%dT%H:%M:%S.%fZ') END AS {column}"
            )
    replace = f" REPLACE ({', '.join(replaced)})" if replaced else ""
    return f"SELECT *{replace} FROM {view}"


def _csv_cell(value: Any) -> Any:
    """A cell as `busywork export --format csv` spells it where Python would spell it otherwise:
    true/false, a blob's bytes as DuckDB shows them, and a timestamp with its zone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray | memoryview):
        return _blob_text(bytes(value))
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, list | dict | tuple):
        return JSON.encode(zoned(value)).decode()
    return value


def _blob_text(data: bytes) -> str:
    """Bytes as DuckDB casts a BLOB to text: printable ASCII as it is, every other byte (and
    the backslash) as ``\\xHH``."""
    return "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02X}" for b in data)
