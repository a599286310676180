"""Is the log whole? Seqs run 1, 2, 3 … across the segments without a gap (line k of a
segment holds seq first_seq + k − 1, engine.log_segments), and a complete run holds as many
events as its manifest counts.

DuckDB reads whatever segment files are there, so without these checks a run with a segment
lost (or cut short, or an ``events/`` folder gone) would be summarised as if it were whole.
They cost a few reads per segment, never a scan of the log: a sealed segment's seqs are
checked once, when it is sealed, and its row count is in its Parquet footer; the open segment
is checked in memory; a finished segment read as JSON (a read-only run folder) by its line
count and its first and last lines. That a complete run holds what its manifest counts is
checked by `engine.log_check.check_count`, which `busywork show` shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import msgspec

from engine.errors import LogCorrupted
from engine.log_check import seqs_missing
from engine.log_segments import first_line, last_line

_CHUNK = 1 << 24


class _Seq(msgspec.Struct):
    seq: int


_SEQ = msgspec.json.Decoder(_Seq)


@dataclass(frozen=True)
class Counted:
    """One segment as read: its file, the seq its name says it starts at, its complete lines."""

    path: Path
    first_seq: int
    rows: int


def _seq_of(path: Path, number: int, line: bytes) -> int:
    try:
        return _SEQ.decode(line).seq
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise LogCorrupted(f"{path}, line {number}: {exc}") from None


def seq_break(path: Path, first_seq: int, limit: int | None = None) -> str | None:
    """Name the first line of a segment whose seq is not the one its place calls for (None
    when every line fits: the file changed since it was read)."""
    with open(path, "rb") as fh:
        data = fh.read(limit) if limit is not None else fh.read()
    lines = data[: data.rfind(b"\n") + 1].splitlines()
    for number, line in enumerate(lines, start=1):
        found = _seq_of(path, number, line)
        if found != first_seq + number - 1:
            return f"{path}, line {number}: expected seq {first_seq + number - 1}, got seq {found}"
    return None


def check_rows(
    path: Path,
    first_seq: int,
    seqs: tuple[int, int | None, int | None, int],
    limit: int | None = None,
) -> None:
    """`seqs` is (rows, lowest seq, highest seq, distinct seqs) of the segment read from
    `path` (up to byte `limit`): they must be first_seq … first_seq + rows − 1."""
    rows, low, high, distinct = seqs
    last = first_seq + rows - 1
    if rows and (low, high, distinct) != (first_seq, last, rows):
        raise LogCorrupted(
            seq_break(path, first_seq, limit)
            or f"{path}: read {rows:,} events with seqs {low}–{high} ({distinct:,} distinct); "
            f"expected seqs {first_seq}–{last}"
        )


def json_rows(path: Path, first_seq: int) -> int:
    """The complete lines of a finished segment read as JSON, after checking that its first
    and last lines hold the seqs its name and line count call for."""
    rows = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            rows += chunk.count(b"\n")
    if rows:
        first, (last, _, _) = first_line(path), last_line(path)
        ends = (_seq_of(path, 1, first or b""), _seq_of(path, rows, last or b""))
        check_rows(path, first_seq, (rows, *ends, rows))
    return rows


def check_sequence(segments: list[Counted]) -> int:
    """Check that the segments (in order) continue each other from seq 1; returns the number
    of events they hold."""
    expected, previous = 1, None
    for segment in segments:
        if segment.first_seq != expected:
            after = (
                f"{previous.path.name} ends at seq {expected - 1}"
                if previous is not None
                else "the log starts at seq 1"
            )
            what = (
                f"{seqs_missing(expected, segment.first_seq - 1)} missing"
                if segment.first_seq > expected
                else "segments overlap"
            )
            raise LogCorrupted(
                f"{segment.path}: expected seq {expected} ({after}), got seq "
                f"{segment.first_seq}: {what}"
            )
        expected, previous = segment.first_seq + segment.rows, segment
    return expected - 1
