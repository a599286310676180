"""Checks a file event log runs when it is opened: whole sealed segments, a repairable tail.

Only the last segment can be torn (a writer fsyncs a segment before it starts the next), so a
writable open reads the last segment line by line and cuts a torn last line, while earlier
segments are checked at their edges only (first and last line); `read` checks every line it
passes.
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from engine.errors import LogCorrupted
from engine.events import DECODER
from engine.log_segments import (
    READ_CHUNK,
    count_lines,
    decode_line,
    first_line,
    last_line,
    list_segments,
)


class _SeqOnly(msgspec.Struct):
    seq: int


_SEQ_DECODER = msgspec.json.Decoder(_SeqOnly)


def check_sealed_segment(first: int, path: Path, next_first: int) -> None:
    """A segment followed by another must hold exactly seqs `first` .. `next_first - 1`."""
    head = first_line(path)
    if head is None:
        raise LogCorrupted(f"{path}: segment has no complete line but a later segment exists")
    head_seq = decode_line(path, 1, head).seq
    if head_seq != first:
        raise LogCorrupted(
            f"{path}, line 1: expected seq {first} (the file name), got seq {head_seq}"
        )
    tail, _start, rest = last_line(path)
    if rest:
        raise LogCorrupted(
            f"{path}, line {count_lines(path) + 1}: line has no newline but a later segment exists"
        )
    # Lines are counted only to name one in an error: counting reads the whole file.
    try:
        tail_seq = DECODER.decode(tail or b"").seq
    except msgspec.DecodeError as exc:
        raise LogCorrupted(f"{path}, line {count_lines(path)}: {exc}") from None
    if tail_seq != next_first - 1:
        raise LogCorrupted(
            f"{path}, line {count_lines(path)}: expected seq {next_first - 1} (the next segment"
            f" starts at {next_first}), got seq {tail_seq}"
        )


def scan_last_segment(first: int, path: Path) -> tuple[int, str | None]:
    """Check every line of the last segment and cut a torn last line (no newline, or not
    decodable). Returns the last seq and a note of what was cut (None when nothing was)."""
    expected, line_no, offset = first, 0, 0
    bad: tuple[int, int, str] | None = None  # an undecodable line: torn only if it is the last
    partial = b""
    with open(path, "rb") as f:
        while chunk := f.read(READ_CHUNK):
            lines = (partial + chunk).split(b"\n")
            partial = lines.pop()
            for line in lines:
                line_no += 1
                if bad is not None:
                    raise LogCorrupted(f"{path}, line {bad[0]}: {bad[2]}")
                try:
                    seq = DECODER.decode(line).seq
                except msgspec.DecodeError as exc:
                    bad = (line_no, offset, str(exc))
                else:
                    if seq != expected:
                        raise LogCorrupted(
                            f"{path}, line {line_no}: expected seq {expected}, got seq {seq}"
                        )
                    expected += 1
                offset += len(line) + 1
    if bad is not None and partial:
        raise LogCorrupted(f"{path}, line {bad[0]}: {bad[2]}")
    if bad is not None:
        cut_line, cut_at, reason = bad[0], bad[1], f"cannot decode: {bad[2]}"
    elif partial:
        cut_line, cut_at, reason = line_no + 1, offset, "no newline"
    else:
        return expected - 1, None
    with open(path, "r+b") as f:
        size = f.seek(0, os.SEEK_END)
        f.truncate(cut_at)
        os.fsync(f.fileno())
    note = (
        f"{path}: cut torn last line {cut_line} ({size - cut_at} bytes, {reason}); "
        f"the log now ends at seq {expected - 1}"
    )
    return expected - 1, note


def visible_last_seq(events_dir: Path) -> int:
    """The seq of the last complete line on disk (for readers of a log being written)."""
    segments = list_segments(events_dir)
    if not segments:
        return 0
    first, path = segments[-1]
    line, _start, _rest = last_line(path)
    if line is None:
        return first - 1
    try:
        return _SEQ_DECODER.decode(line).seq
    except msgspec.DecodeError as exc:
        raise LogCorrupted(f"{path}, line {count_lines(path)}: {exc}") from None


def check_count(events_dir: Path, held: int, manifest_events: object) -> None:
    """A complete run's log holds exactly the events its manifest counts: `held`, the events
    its segments hold from seq 1 without a gap. Shared by `busywork show` (engine.run.check_whole)
    and the analytics (adapters.analytics.continuity), so both name a lost segment alike."""
    if not isinstance(manifest_events, int) or isinstance(manifest_events, bool):
        return  # a manifest without a count: nothing to compare with
    if held == manifest_events:
        return
    manifest = events_dir.parent / "manifest.json"
    if not events_dir.is_dir():
        raise LogCorrupted(
            f"{events_dir}: missing; {manifest} says the complete run has {manifest_events:,} "
            "events"
        )
    if held < manifest_events:
        lost = f"{seqs_missing(held + 1, manifest_events)} missing"
    else:
        lost = f"{held - manifest_events:,} more than the manifest counts"
    holds = f"{held:,} events (seq 1–{held})" if held else "no events"
    raise LogCorrupted(
        f"{events_dir}: holds {holds}, but {manifest} says the complete run has "
        f"{manifest_events:,}: {lost}"
    )


def seqs_missing(first: int, last: int) -> str:
    """'event 7 is' or 'events 7–9 are'."""
    return f"event {first} is" if first == last else f"events {first}–{last} are"
