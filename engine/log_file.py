"""The file event log: ``<run_dir>/events/<first seq>.jsonl`` segments, one encoded event a line.

Writing is batched: lines are encoded straight into one bytearray that goes to the file when it
reaches 64 KiB (or the end of the current segment), and is fsynced at least every
`fsync_every_events` events or `fsync_every_seconds` (looked at every `TIME_CHECK_EVERY`
events, so the clock is not read per event) and at close. A writer that goes idle should call
`flush()`: the time rule is checked on append only.

Those periodic fsyncs run on a helper thread (an fsync takes milliseconds and releases the GIL),
so the writer goes on encoding meanwhile; at most one is in flight, so a crash loses at most
about twice `fsync_every_events` events. `flush()`, `close()` and sealing a full segment wait
for it and fsync in the caller's thread; a failed background fsync is raised by the next call.

One writer per log: a writable open takes an exclusive lock on the events folder. Readers
(`FileLog.open_readonly`) never write; they may watch a log another process is writing.
"""

from __future__ import annotations

import os
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import accumulate, repeat
from operator import add
from pathlib import Path
from types import TracebackType

from engine.errors import BusyworkError, InvalidInput
from engine.events import ENCODER, Event
from engine.locks import lock_exclusively
from engine.log_check import check_sealed_segment, scan_last_segment, visible_last_seq
from engine.log_segments import (
    LineBatch,
    check_first_segment,
    check_from_seq,
    decode_batches,
    line_batches,
    list_segments,
    segment_name,
    seq_error,
)

DEFAULT_SEGMENT_BYTES = 64 * 2**20
BUFFER_BYTES = 64 * 2**10
TIME_CHECK_EVERY = 64
NL = b"\n"


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
        self._segment_bytes = segment_bytes
        self._fsync_every_events = fsync_every_events
        self._fsync_every_seconds = fsync_every_seconds
        self._buf = bytearray()
        self._fd: int | None = None
        self._dir_fd: int | None = None
        self._seg_path: Path | None = None
        self._seg_size = 0
        self._last_seq = self._written_seq = self._synced_seq = 0
        self._writable = False
        self._closed = False
        self._syncer: ThreadPoolExecutor | None = None  # started on the first periodic fsync
        # Set while a buffer goes to the file: a Ctrl-C can land between a write and clearing
        # the buffer, and the next write must not send those bytes again (see _write_buffer).
        self._writing = False
        self._syncing: Future[int] | None = None  # the fsync in flight: it returns its seq
        if readonly:
            return
        try:
            self.events_dir.mkdir(parents=True, exist_ok=True)
            self._dir_fd = os.open(self.events_dir, os.O_RDONLY)
        except OSError as exc:
            raise BusyworkError(f"{self.events_dir}: cannot open event log: {exc}") from exc
        try:
            lock_exclusively(
                self._dir_fd,
                f"{self.events_dir}: another writer has this event log open; "
                "open it read-only to look at it",
            )
            self._open_for_append()
        except BaseException:
            self._close_fds()
            raise
        self._writable = True
        self._mark_synced()

    @classmethod
    def open_readonly(cls, run_dir: Path | str) -> FileLog:
        """A reader that never truncates or writes; a torn last line is simply not visible yet."""
        return cls(run_dir, readonly=True)

    # -- opening -------------------------------------------------------------------------------

    def _open_for_append(self) -> None:
        segments = list_segments(self.events_dir)
        check_first_segment(segments)
        for (first, path), (next_first, _) in zip(segments, segments[1:], strict=False):
            check_sealed_segment(first, path, next_first)
        if not segments:
            return
        first, path = segments[-1]
        last_seq, self.repaired = scan_last_segment(first, path)
        self._last_seq = self._written_seq = self._synced_seq = last_seq
        size = path.stat().st_size
        if size < self._segment_bytes:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            self._seg_path, self._seg_size = path, size

    # -- appending -----------------------------------------------------------------------------

    @property
    def last_seq(self) -> int:
        return self._last_seq if not self.readonly else visible_last_seq(self.events_dir)

    def append(self, events: Iterable[Event]) -> None:
        """Append events whose seqs continue `last_seq`. On a wrong seq the events before it stay
        appended and `SeqOutOfOrder` names the expected and the given seq."""
        if not self._writable:
            raise self._not_writable()
        buf = self._buf
        encode_into = ENCODER.encode_into
        last = self._last_seq
        flush_at, next_check = self._flush_at, self._next_check
        try:
            for event in events:
                if event.seq != last + 1:
                    raise seq_error(last + 1, event.seq)
                encode_into(event, buf, -1)
                buf += NL
                last += 1
                if len(buf) >= flush_at or last >= next_check:
                    self._last_seq = last
                    self._maintain()
                    flush_at, next_check = self._flush_at, self._next_check
        except BaseException:
            # Keep whole lines only: an event that failed to encode may have left a fragment.
            del buf[buf.rfind(NL) + 1 :]
            raise
        finally:
            self._last_seq = last

    def append_encoded(self, seq: int, line: bytes) -> None:
        """Append one line already encoded with `engine.events.encode` (no newline). The line is
        trusted to hold event `seq`; only the seq order and the framing are checked."""
        self.append_encoded_many(seq, (line,))

    def append_encoded_many(self, first_seq: int, lines: Sequence[bytes]) -> None:
        """Append lines already encoded (no newline) for the events `first_seq`, `first_seq` + 1,
        ...: with the checks, buffer, segment rolls and fsyncs of appending them one by one, a
        few lines at a time. On a line with a newline the lines before it stay appended."""
        if not self._writable:
            raise self._not_writable()
        if not lines:
            return
        if first_seq != self._last_seq + 1:
            raise seq_error(self._last_seq + 1, first_seq)
        buf, total, done = self._buf, len(lines), 0
        while done < total:
            # Up to the next line after which a line-by-line append would call _maintain: the
            # one whose seq is due for a check, or the one that fills the buffer.
            stop = min(total, self._next_check - first_seq + 1)
            part = lines[done:stop]
            if b"".join(part).find(NL) >= 0:  # a line holds a newline (memchr: quick)
                bad = done + next(i for i, line in enumerate(part) if NL in line)
                self.append_encoded_many(first_seq + done, lines[done:bad])
                raise InvalidInput(f"encoded line for seq {first_seq + bad} contains a newline")
            chunk = NL.join(part)
            room = self._flush_at - len(buf)
            if len(chunk) + 1 >= room:  # the buffer fills up at a line of this part: which one
                ends = list(accumulate(map(add, map(len, part), repeat(1))))
                filled = bisect_left(ends, room)
                chunk, stop = chunk[: ends[filled] - 1], done + filled + 1
            buf += chunk
            buf += NL
            done = stop
            self._last_seq = first_seq + stop - 1
            if len(buf) >= self._flush_at or self._last_seq >= self._next_check:
                self._maintain()

    def _maintain(self) -> None:
        """Called when the buffer is full or a durability threshold (count or clock) is due."""
        last = self._last_seq
        if last >= self._sync_due:
            self._sync_in_background()
        elif last >= self._time_check:
            if time.monotonic() - self._synced_at >= self._fsync_every_seconds:
                self._sync_in_background()
            else:
                self._time_check = last + TIME_CHECK_EVERY
                self._next_check = min(self._sync_due, self._time_check)
        if len(self._buf) >= self._flush_at:
            self._write_buffer()

    def _write_buffer(self) -> None:
        buf = self._buf
        if self._writing:  # a Ctrl-C landed in the last write: what reached the file stays
            self._resume_interrupted_write()
        if buf:
            if self._fd is None:
                self._start_segment(self._written_seq + 1)
            self._writing = True
            written = 0
            try:
                while written < len(buf):
                    written += os.write(self._fd, buf[written:])
            except OSError as exc:
                raise BusyworkError(f"{self._seg_path}: cannot write event log: {exc}") from exc
            del buf[:]  # then the size, then the flag: an interruption between them is harmless
            self._seg_size += written
            self._writing = False
            self._written_seq = self._last_seq
            if self._seg_size >= self._segment_bytes:
                self._seal_segment()
        self._flush_at = min(BUFFER_BYTES, max(1, self._segment_bytes - self._seg_size))

    def _resume_interrupted_write(self) -> None:
        """The bytes of the buffer that reached the file before an interruption (or a failed
        write) are dropped from the buffer, so that no line is written twice."""
        try:
            size = os.fstat(self._fd).st_size if self._fd is not None else self._seg_size
        except OSError as exc:
            raise BusyworkError(f"{self._seg_path}: cannot write event log: {exc}") from exc
        del self._buf[: size - self._seg_size]
        self._seg_size = size
        self._writing = False
        if not self._buf:
            self._written_seq = self._last_seq

    def _start_segment(self, first_seq: int) -> None:
        path = self.events_dir / segment_name(first_seq)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
        try:
            try:
                self._fd = os.open(path, flags, 0o644)
            except FileExistsError:
                # Ours, when a Ctrl-C landed between creating it and keeping its descriptor:
                # this writer holds the folder's lock, and an empty segment is reused on reopen
                # too. Anything in it is not ours to write over.
                if path.stat().st_size:
                    raise
                self._fd = os.open(path, flags & ~os.O_EXCL)
            self._seg_path, self._seg_size = path, 0
            os.fsync(self._dir_fd)  # the new name must survive a crash too
        except OSError as exc:
            raise BusyworkError(f"{path}: cannot create event segment: {exc}") from exc

    def _seal_segment(self) -> None:
        # Durable before the next segment appears, so only the last segment can ever be torn.
        self._wait_for_background_sync()
        self._fsync(self._fd)
        fd, self._fd, self._seg_path, self._seg_size = self._fd, None, None, 0
        os.close(fd)
        self._mark_synced()

    def _sync(self) -> None:
        """Write and fsync everything now, in this thread."""
        self._write_buffer()
        self._wait_for_background_sync()
        if self._fd is not None and self._synced_seq < self._written_seq:
            self._fsync(self._fd)
        self._mark_synced()

    def _sync_in_background(self) -> None:
        """Write everything and hand its fsync to the helper thread (after the one before)."""
        self._write_buffer()
        self._wait_for_background_sync()
        if self._fd is not None and self._synced_seq < self._written_seq:
            if self._syncer is None:
                self._syncer = ThreadPoolExecutor(1, thread_name_prefix="busywork-fsync")
            self._syncing = self._syncer.submit(_fsync_through, self._fd, self._written_seq)
        self._schedule_next_sync()

    def _wait_for_background_sync(self) -> None:
        syncing, self._syncing = self._syncing, None
        if syncing is not None:
            try:
                self._synced_seq = max(self._synced_seq, syncing.result())
            except OSError as exc:
                raise BusyworkError(f"{self._seg_path}: cannot fsync event log: {exc}") from exc

    def _fsync(self, fd: int) -> None:
        try:
            os.fsync(fd)
        except OSError as exc:
            raise BusyworkError(f"{self._seg_path}: cannot fsync event log: {exc}") from exc

    def _mark_synced(self) -> None:
        self._synced_seq = self._written_seq
        self._schedule_next_sync()

    def _schedule_next_sync(self) -> None:
        self._synced_at = time.monotonic()
        self._sync_due = self._written_seq + self._fsync_every_events
        self._time_check = self._last_seq + TIME_CHECK_EVERY
        self._next_check = min(self._sync_due, self._time_check)
        self._flush_at = min(BUFFER_BYTES, max(1, self._segment_bytes - self._seg_size))

    def flush(self) -> None:
        """Write buffered lines and fsync them (durable)."""
        if self._writable:
            self._sync()

    def close(self) -> None:
        """Flush and close; idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._writable:
                self._sync()
        finally:
            self._writable = False
            self._close_fds()

    def _close_fds(self) -> None:
        if self._syncer is not None:  # never close a file under an fsync in flight
            self._syncer.shutdown(wait=True)
            self._syncer = self._syncing = None
        for fd in (self._fd, self._dir_fd):  # closing the folder releases the writer lock
            if fd is not None:
                os.close(fd)
        self._fd = self._dir_fd = None

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

    def _expose_buffer(self) -> None:
        if self._writable and self._buf:
            self._write_buffer()


def _fsync_through(fd: int, seq: int) -> int:
    """The helper thread's job: make the file durable; `seq` is the last event it holds."""
    os.fsync(fd)
    return seq
