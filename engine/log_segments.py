"""Segment files of a file event log: naming, listing, and the one reader both `read` and `follow`
use.

A segment is ``events/<first seq>.jsonl`` (zero-padded to 8 digits; more digits still sort right
because segments are ordered by the integer value of the name). Line ``k`` (1-based) of a
segment holds the event with seq ``first_seq + k - 1``, so a reader can skip lines by counting
newlines instead of decoding them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import msgspec

from engine.errors import BusyworkError, InvalidInput, LogCorrupted
from engine.events import DECODER, Event

SUFFIX = ".jsonl"
READ_CHUNK = 1 << 20

# A batch of complete lines: (segment path, line number of the first line, its seq, lines).
LineBatch = tuple[Path, int, int, list[bytes]]


class SeqOutOfOrder(BusyworkError):
    """An append whose seq does not continue the log."""


def seq_error(expected: int, got: object) -> SeqOutOfOrder:
    return SeqOutOfOrder(f"event seq out of order: expected seq {expected}, got {got}")


def check_from_seq(from_seq: int) -> None:
    if not isinstance(from_seq, int) or from_seq < 1:
        raise InvalidInput(f"from_seq: expected an integer >= 1, got {from_seq!r}")


def segment_name(first_seq: int) -> str:
    return f"{first_seq:08d}{SUFFIX}"


def list_segments(events_dir: Path) -> list[tuple[int, Path]]:
    """The segments as (first seq, path), in seq order; [] when the folder does not exist."""
    try:
        names = os.listdir(events_dir)
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise LogCorrupted(not_a_folder(events_dir)) from None
    found: dict[int, Path] = {}
    for name in names:
        stem = name[: -len(SUFFIX)]
        if not (name.endswith(SUFFIX) and stem.isascii() and stem.isdigit()):
            continue
        first = int(stem)
        if first in found:
            raise LogCorrupted(
                f"{events_dir}: two segments start at seq {first}: {found[first].name} and {name}"
            )
        found[first] = events_dir / name
    return sorted(found.items())


def not_a_folder(events_dir: Path) -> str:
    return (
        f"{events_dir}: is a file, not a folder; expected the run's folder of event segments "
        "(events/00000001.jsonl …)"
    )


def check_first_segment(segments: list[tuple[int, Path]]) -> None:
    if segments and segments[0][0] != 1:
        raise LogCorrupted(f"{segments[0][1]}: the first segment must start at seq 1")


def count_lines(path: Path, end: int | None = None) -> int:
    """Newlines in the file (up to byte `end`); used only to name a line in an error message."""
    with open(path, "rb") as f:
        return (f.read() if end is None else f.read(end)).count(b"\n")


def last_line(path: Path) -> tuple[bytes | None, int, bytes]:
    """The last complete line of a file (without newline, or None when there is none), its start
    offset, and the bytes after it that have no newline yet (a torn or still-being-written line).
    Reads backwards from the end, so it costs the size of the last line, not of the file."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        tail = b""
        pos = size
        while pos > 0:
            step = min(pos, 1 << 16)
            pos -= step
            f.seek(pos)
            tail = f.read(step) + tail
            end = tail.rfind(b"\n")
            if end == -1:
                continue
            start = tail.rfind(b"\n", 0, end) + 1
            if start > 0 or pos == 0:
                return tail[start:end], pos + start, tail[end + 1 :]
        return None, 0, tail


def first_line(path: Path) -> bytes | None:
    """The first complete line of a file (without newline), or None when it has none."""
    with open(path, "rb") as f:
        head = b""
        while chunk := f.read(1 << 16):
            head += chunk
            end = head.find(b"\n")
            if end != -1:
                return head[:end]
    return None


def decode_line(path: Path, line_no: int, line: bytes) -> Event:
    try:
        return DECODER.decode(line)
    except msgspec.DecodeError as exc:
        raise LogCorrupted(f"{path}, line {line_no}: {exc}") from None


def decode_batches(batches: Iterator[LineBatch]) -> Iterator[Event]:
    """Decode lines with the shared typed decoder, checking that seqs run without gaps."""
    decode = DECODER.decode
    for path, line_no, seq, lines in batches:
        for line in lines:
            try:
                event = decode(line)
            except msgspec.DecodeError as exc:
                raise LogCorrupted(f"{path}, line {line_no}: {exc}") from None
            if event.seq != seq:
                raise LogCorrupted(
                    f"{path}, line {line_no}: expected seq {seq}, got seq {event.seq}"
                )
            yield event
            seq += 1
            line_no += 1


def _after_lines(data: bytes, count: int) -> int:
    """The offset just after the first `count` newlines of data (which has more than that)."""
    end = 0
    for _ in range(count):
        end = data.index(b"\n", end) + 1
    return end


def line_batches(
    events_dir: Path,
    from_seq: int,
    *,
    follow: bool,
    stop: threading.Event | None = None,
    poll_interval: float = 0.1,
) -> Iterator[LineBatch]:
    """Yield the complete lines with seq >= from_seq, in order, across segments.

    A line is visible once its newline is on disk; bytes after the last newline are held back.
    Without `follow` it ends at the end of what is visible now. With `follow` it polls for more
    and ends only after `stop` is set and one last pass has read everything visible by then.

    Every read starts where the first unfinished line begins, so a line is never stitched
    together from two reads: a writer reopening a crashed log cuts its torn last line and writes
    on from there, and bytes of the torn line read before the cut must not meet bytes of the new
    line read after it. Bytes before that offset end in a newline and never change.
    """
    fd: int | None = None
    path = events_dir
    first_seq = next_seq = line_no = offset = 0
    size = READ_CHUNK  # grows only for a line longer than one read
    stopping = False
    try:
        while True:
            if fd is None:
                segments = list_segments(events_dir)
                check_first_segment(segments)
                if segments:
                    first_seq, path = segments[0]
                    for first, seg_path in segments:
                        if first <= from_seq:
                            first_seq, path = first, seg_path
                    fd = os.open(path, os.O_RDONLY)
                    next_seq, line_no, offset = first_seq, 0, 0
                    continue
            else:
                data = os.pread(fd, size, offset)
                end = data.rfind(b"\n") + 1
                if end:
                    size = READ_CHUNK
                    offset += end
                    skip = from_seq - next_seq
                    if skip > 0:
                        # Lines before from_seq are counted, not split or decoded.
                        count = data.count(b"\n", 0, end)
                        start = end if count <= skip else _after_lines(data, skip)
                        count = min(count, skip)
                        next_seq += count
                        line_no += count
                        data = data[start:end]
                    lines = data.split(b"\n")
                    lines.pop()  # the unfinished line after the last newline, read again next
                    if lines:
                        yield path, line_no + 1, next_seq, lines
                        next_seq += len(lines)
                        line_no += len(lines)
                    continue
                if len(data) == size:  # one line longer than a read: read it whole
                    size *= 2
                    continue
                # End of this file: the writer fills a segment before creating the next one, so
                # once a later segment exists, one more read drains this one completely.
                later = [s for s in list_segments(events_dir) if s[0] > first_seq]
                if later:
                    data = os.pread(fd, size, offset)
                    if b"\n" in data or len(data) == size:
                        continue
                    if data:
                        raise LogCorrupted(
                            f"{path}, line {line_no + 1}: line has no newline but a later segment"
                            f" ({later[0][1].name}) exists"
                        )
                    if later[0][0] != next_seq:
                        raise LogCorrupted(
                            f"{later[0][1]}: segment starts at seq {later[0][0]} but the previous"
                            f" segment {path.name} ends at seq {next_seq - 1} (line {line_no})"
                        )
                    os.close(fd)
                    fd = None  # cleared first: a failed open must not close it twice
                    first_seq, path = later[0]
                    fd = os.open(path, os.O_RDONLY)
                    line_no, offset = 0, 0
                    continue
            if not follow or stopping:
                return
            if stop is not None:
                stopping = stop.wait(poll_interval)
            else:
                time.sleep(poll_interval)
    finally:
        if fd is not None:
            os.close(fd)
