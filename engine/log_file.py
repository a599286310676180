"""The file event log: ``<run_dir>/events/<first seq>.jsonl`` segments, one encoded event a line.

`FileLog` opens a log (checking its segments and cutting a torn last line), reads and follows
it, and hands appends to its `engine.log_writer.SegmentWriter`, which batches them, rolls
segments and fsyncs by count and by the clock (see there). A writer that goes idle should call
`flush()`: the time rule is checked on append only.

One writer per log: a writable open takes an exclusive lock on the events folder. Readers
(`FileLog.open_readonly`) never write; they may watch a log another process is writing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType

from engine.errors import BusyworkError, InvalidInput, LogCorrupted
from engine.events import Event
from engine.locks import lock_exclusively
from engine.log_check import check_sealed_segment, scan_last_segment, visible_last_seq
from engine.log_segments import (
    LineBatch,
    check_first_segment,
    check_from_seq,
    decode_batches,
    line_batches,
    list_segments,
    not_a_folder,
)
from engine.log_writer import SegmentWriter

DEFAULT_SEGMENT_BYTES = 64 * 2**20


def _positive(name: str, value: float, minimum: float) -> None:
    if not isinstance(value, int | float) or value < minimum:
        raise InvalidInput(f"{name}: expected a number >= {minimum}, got {value!r}")


def _flatten(batches: Iterator[LineBatch]) -> Iterator[bytes]:
    for _path, _line_no, _seq, lines in batches:
        yield from lines


class FileLog:
    """An append-only event log in ``run_dir/events/``; see the module docstring."""

    def __init__(
        self,
        run_dir: Path | str,
        *,
        segment_bytes: int = DEFAULT_SEGMENT_BYTES,
        fsync_every_events: int = 1000,
        fsync_every_seconds: float = 1.0,
        readonly: bool = False,
    ) -> None:
        _positive("segment_bytes", segment_bytes, 1)
        _positive("fsync_every_events", fsync_every_events, 1)
        _positive("fsync_every_seconds", fsync_every_seconds, 0)
        self.run_dir = Path(run_dir)
        self.events_dir = self.run_dir / "events"
        self.readonly = readonly
        # What a writable open cut from a torn last line, for the caller to report; else None.
        self.repaired: str | None = None
        self._writer: SegmentWriter | None = None  # kept after close: it knows the last seq
        self._dir_fd: int | None = None
        self._closed = False
        if readonly:
            return
        try:
            self.events_dir.mkdir(parents=True, exist_ok=True)
            self._dir_fd = os.open(self.events_dir, os.O_RDONLY)
        except FileExistsError:  # mkdir's answer when it is a file
            raise LogCorrupted(not_a_folder(self.events_dir)) from None
        except OSError as exc:
            raise BusyworkError(
                f"{self.events_dir}: cannot open event log: {exc.strerror or exc}"
            ) from exc
        try:
            lock_exclusively(
                self._dir_fd,
                f"{self.events_dir}: another busywork (a simulate, live or serve job) is "
                "writing this run; wait for it to end or stop it, then run this again "
                "(show, stats and query can read the run meanwhile)",
            )
            last_seq, last_segment = self._check_for_append()
            self._writer = SegmentWriter(
                self.events_dir,
                self._dir_fd,
                last_seq,
                last_segment,
                segment_bytes=segment_bytes,
                fsync_every_events=fsync_every_events,
                fsync_every_seconds=fsync_every_seconds,
            )
        except BaseException:
            self._close_fds()
            raise

    @classmethod
    def open_readonly(cls, run_dir: Path | str) -> FileLog:
        """A reader that never truncates or writes; a torn last line is simply not visible yet."""
        return cls(run_dir, readonly=True)

    def _check_for_append(self) -> tuple[int, Path | None]:
        """Check the segments, cut a torn last line; the last seq and the last segment."""
        segments = list_segments(self.events_dir)
        check_first_segment(segments)
        for (first, path), (next_first, _) in zip(segments, segments[1:], strict=False):
            check_sealed_segment(first, path, next_first)
        if not segments:
            return 0, None
        first, path = segments[-1]
        last_seq, self.repaired = scan_last_segment(first, path)
        return last_seq, path

    # -- appending -----------------------------------------------------------------------------

    @property
    def last_seq(self) -> int:
        if self._writer is None:
            return visible_last_seq(self.events_dir)
        return self._writer.last_seq

    def append(self, events: Iterable[Event]) -> None:
        """Append events whose seqs continue `last_seq`. On a wrong seq the events before it stay
        appended and `SeqOutOfOrder` names the expected and the given seq."""
        writer = self._writer
        if writer is None or self._closed:  # checked inline: one call less per append
            raise self._not_writable()
        writer.append(events)

    def append_encoded(self, seq: int, line: bytes) -> None:
        """Append one line already encoded with `engine.events.encode` (no newline). The line is
        trusted to hold event `seq`; only the seq order and the framing are checked."""
        self.append_encoded_many(seq, (line,))

    def append_encoded_many(self, first_seq: int, lines: Sequence[bytes]) -> None:
        """Append lines already encoded (no newline) for the events `first_seq`, `first_seq` + 1,
        ...: with the checks, buffer, segment rolls and fsyncs of appending them one by one, a
        few lines at a time. On a line with a newline the lines before it stay appended."""
        writer = self._writer
        if writer is None or self._closed:
            raise self._not_writable()
        writer.append_encoded_many(first_seq, lines)

    def flush(self) -> None:
        """Write buffered lines and fsync them (durable)."""
        if self._writer is not None and not self._closed:
            self._writer.sync()

    def close(self) -> None:
        """Flush and close; idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._writer is not None:
                self._writer.sync()
        finally:
            self._close_fds()

    def _close_fds(self) -> None:
        if self._writer is not None:
            self._writer.close_files()
        if self._dir_fd is not None:  # closing the folder releases the writer lock
            os.close(self._dir_fd)
        self._dir_fd = None

    def _not_writable(self) -> BusyworkError:
        state = "opened read-only" if self.readonly else "closed"
        return BusyworkError(f"{self.events_dir}: cannot append, the event log is {state}")

    def __enter__(self) -> FileLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------

    def read(self, from_seq: int = 1) -> Iterator[Event]:
        """Events from `from_seq` to the end of what is visible now (for the writer: everything
        appended so far). Not thread-safe against a concurrent append on this same object."""
        check_from_seq(from_seq)
        self._expose_buffer()
        return decode_batches(line_batches(self.events_dir, from_seq, follow=False))

    def read_lines(self, from_seq: int = 1) -> Iterator[bytes]:
        """The raw encoded lines (without newline), not decoded: for byte comparison."""
        check_from_seq(from_seq)
        self._expose_buffer()
        return _flatten(line_batches(self.events_dir, from_seq, follow=False))

    def follow(
        self,
        from_seq: int = 1,
        *,
        stop: threading.Event | None = None,
        poll_interval: float = 0.1,
    ) -> Iterator[Event]:
        """Tail the log as lines reach the disk (from any process), across segment rolls; ends
        once `stop` is set and everything visible by then has been yielded."""
        check_from_seq(from_seq)
        batches = line_batches(
            self.events_dir, from_seq, follow=True, stop=stop, poll_interval=poll_interval
        )
        return decode_batches(batches)

    def where(self, seq: int) -> str:
        """Where event `seq` is, for an error about it: ``<segment>, line N (seq S)`` (the log's
        lines hold consecutive seqs, which reading checks)."""
        found = None
        for first, path in list_segments(self.events_dir):
            if first <= seq:
                found = first, path
        if found is None:
            return f"{self.events_dir}, seq {seq}"
        first, path = found
        return f"{path}, line {seq - first + 1} (seq {seq})"

    def _expose_buffer(self) -> None:
        if self._writer is not None and not self._closed:
            self._writer.write_pending()
