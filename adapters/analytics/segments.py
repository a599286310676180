"""The run's event segments as DuckDB sources: sealed Parquet, finished JSON, open JSON.

The JSON-lines log is the truth. A finished segment (every segment but the last: the log
only appends to its newest one) may be sealed into ``derived/events/`` as Parquet, which
DuckDB scans ~50× faster. A sealed file's name carries the segment's size, mtime and the
column fingerprint it was written for, so a segment that changed (or a schema that grew)
makes it stale, and a stale file is never read. The open segment is snapshotted: its bytes
are read once and cut after the last newline, so a line being written (or torn by a crash)
is never seen and every query of one session sees the same prefix.

Every session checks that the segments hold seqs 1, 2, 3 … without a gap (``continuity``).
Every line DuckDB reads from JSON is first decoded with the engine's typed decoder (once per
segment when it is sealed; see ``segment_json``). A sealed file is trusted only when its
footer reads and its seqs are those of its segment; otherwise it is sealed again.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from adapters.analytics.continuity import Counted, check_rows, check_sequence, json_rows
from adapters.analytics.schema import EventColumns
from adapters.analytics.segment_json import (
    check_lines,
    corrupted,
    empty_select,
    read_json_sql,
    sql_string,
    typed_select,
)
from engine.errors import LogCorrupted
from engine.log_check import check_count
from engine.log_segments import not_a_folder

_SEGMENT_NAME = re.compile(r"^(\d{8,})\.jsonl$")
SEALED_DIR = Path("derived") / "events"
# In a sealed file's name: files sealed before seqs were checked at sealing are never read.
SEAL_VERSION = 2
_SEQS = "SELECT count(*), min(seq), max(seq), count(DISTINCT seq) FROM {}"


@dataclass(frozen=True)
class Segment:
    path: Path
    first_seq: int
    size: int
    mtime_ns: int

    def sealed_name(self, columns: EventColumns) -> str:
        return (
            f"{self.path.stem}.{self.size}-{self.mtime_ns}-{columns.fingerprint}"
            f"-v{SEAL_VERSION}.parquet"
        )


@dataclass(frozen=True)
class Sources:
    """Where each segment of one session is read from."""

    sealed: list[Path]  # Parquet files of finished segments
    finished_json: list[Path]  # finished segments read as JSON (not sealed)
    open_segment: Path | None  # the newest segment, read as a snapshot
    open_rows: int  # complete lines in that snapshot
    torn_bytes: int  # bytes after its last newline (a line being written), ignored


def list_segments(run: Path) -> list[Segment]:
    """Segments ordered by the seq of their first event (the number in the file name)."""
    events_dir = run / "events"
    found = []
    try:
        entries = list(os.scandir(events_dir))
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise LogCorrupted(not_a_folder(events_dir)) from None
    for entry in entries:
        match = _SEGMENT_NAME.match(entry.name)
        if match and entry.is_file():
            st = entry.stat()
            found.append(Segment(Path(entry.path), int(match.group(1)), st.st_size, st.st_mtime_ns))
    return sorted(found, key=lambda s: s.first_seq)


def seal(
    con: duckdb.DuckDBPyConnection, run: Path, segment: Segment, columns: EventColumns
) -> tuple[Path, int] | None:
    """Write one finished segment as Parquet (atomically); returns the sealed file and its
    rows, or None when the segment changed while we read it (it was not finished after all)."""
    check_lines(segment.path, segment.path.read_bytes())
    target_dir = run / SEALED_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / segment.sealed_name(columns)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{segment.path.stem}.", suffix=".tmp", dir=target_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        select = typed_select(columns, read_json_sql(columns, [segment.path]))
        try:
            con.execute(
                f"COPY ({select}) TO {sql_string(str(tmp))} (FORMAT parquet, COMPRESSION zstd)"
            )
        except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
            raise corrupted(segment.path, exc) from None
        seqs = con.execute(_SEQS.format(f"read_parquet({sql_string(str(tmp))})")).fetchone()
        assert seqs is not None  # an aggregate: always one row
        check_rows(segment.path, segment.first_seq, seqs)
        after = segment.path.stat()
        if (after.st_size, after.st_mtime_ns) != (segment.size, segment.mtime_ns):
            return None
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    # Older seals of this segment (it changed, or the columns did) are never read again.
    for old in target_dir.glob(f"{segment.path.stem}.*.parquet"):
        if old != target:
            old.unlink(missing_ok=True)
    return target, seqs[0]


_FOOTER_SEQS = (
    "SELECT file_name, sum(row_group_num_rows)::BIGINT, min(stats_min_value::BIGINT), "
    "max(stats_max_value::BIGINT) FROM parquet_metadata({}) WHERE path_in_schema = 'seq' "
    "GROUP BY file_name"
)


def _sealed_rows(con: duckdb.DuckDBPyConnection, sealed: dict[Segment, Path]) -> dict[Path, int]:
    """The rows of each sealed file whose footer reads and holds its segment's seqs (those
    that do not, being damaged or written by something else, are left out: sealed again)."""
    if not sealed:
        return {}
    try:
        files = "[" + ", ".join(sql_string(str(p)) for p in sealed.values()) + "]"
        footers = {Path(f): rest for f, *rest in con.execute(_FOOTER_SEQS.format(files)).fetchall()}
    except duckdb.Error:  # one file does not read: look at each alone
        footers = {}
        for path in sealed.values():
            try:
                footers.update(
                    (Path(f), rest)
                    for f, *rest in con.execute(
                        _FOOTER_SEQS.format(sql_string(str(path)))
                    ).fetchall()
                )
            except duckdb.Error:
                continue
    good = {}
    for segment, path in sealed.items():
        rows, low, high = footers.get(path, (None, None, None))
        if rows and (low, high) == (segment.first_seq, segment.first_seq + rows - 1):
            good[path] = rows
    return good


def plan_sources(
    con: duckdb.DuckDBPyConnection,
    run: Path,
    columns: EventColumns,
    *,
    seal_finished: bool,
    snapshot_dir: Path,
    run_complete: bool = False,
    manifest_events: object = None,
) -> Sources:
    """Decide each segment's source, sealing finished ones when asked (best effort: a run
    folder we cannot write to is read from JSON), and load the open segment's snapshot into
    the temp table ``_open_segment``. Raises LogCorrupted when seqs skip or repeat across the
    segments, or a complete run (`run_complete`) holds other than `manifest_events` events."""
    segments = list_segments(run)
    finished, newest = segments[:-1], (segments[-1] if segments else None)
    if newest is not None and run_complete and _ends_with_newline(newest.path):
        finished, newest = segments, None  # the writer is done: the last segment is final too
    sealed: list[Path] = []
    finished_json: list[Path] = []
    rows: dict[Path, int] = {}  # per segment: its rows
    existing = {seg: run / SEALED_DIR / seg.sealed_name(columns) for seg in finished}
    trusted = _sealed_rows(con, {seg: p for seg, p in existing.items() if p.is_file()})
    can_write = seal_finished
    for segment in finished:
        current = existing[segment]
        if current in trusted:
            sealed.append(current)
            rows[segment.path] = trusted[current]
            continue
        if can_write:  # not sealed yet, or a damaged seal: (re)seal it
            try:
                done = seal(con, run, segment, columns)
            except (OSError, duckdb.IOException, duckdb.PermissionException):
                done = None
                can_write = False  # read-only run folder: read the JSON, as it is
            if done is not None:
                sealed.append(done[0])
                rows[segment.path] = done[1]
                continue
        finished_json.append(segment.path)
        rows[segment.path] = json_rows(segment.path, segment.first_seq)
        check_lines(segment.path, segment.path.read_bytes())
    open_rows, torn = _load_open_segment(con, newest, columns, snapshot_dir)
    if newest is not None:
        rows[newest.path] = open_rows
    events = check_sequence([Counted(seg.path, seg.first_seq, rows[seg.path]) for seg in segments])
    if run_complete:
        check_count(run / "events", events, manifest_events)
    return Sources(sealed, finished_json, newest.path if newest else None, open_rows, torn)


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return True
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def _load_open_segment(
    con: duckdb.DuckDBPyConnection,
    segment: Segment | None,
    columns: EventColumns,
    snapshot_dir: Path,
) -> tuple[int, int]:
    empty = empty_select(columns)
    if segment is None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _open_segment AS {empty}")
        return 0, 0
    with open(segment.path, "rb") as fh:
        data = fh.read()  # one read: the writer may append while we look
    cut = data.rfind(b"\n") + 1
    torn = len(data) - cut
    if cut == 0:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _open_segment AS {empty}")
        return 0, torn
    check_lines(segment.path, data[:cut])
    snapshot = snapshot_dir / "open-segment.jsonl"
    snapshot.write_bytes(data[:cut] if torn else data)
    try:
        select = typed_select(columns, read_json_sql(columns, [snapshot]))
        con.execute(f"CREATE OR REPLACE TEMP TABLE _open_segment AS {select}")
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise corrupted(segment.path, exc, cut) from None
    finally:
        snapshot.unlink(missing_ok=True)
    seqs = con.execute(_SEQS.format("_open_segment")).fetchone()
    assert seqs is not None  # an aggregate: always one row
    check_rows(segment.path, segment.first_seq, seqs, cut)
    return seqs[0], torn
