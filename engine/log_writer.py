"""The write path of the file event log: encoded lines into ``events/<first seq>.jsonl`` segments.

Writing is batched: lines are encoded straight into one bytearray that goes to the file when it
reaches 64 KiB (or the end of the current segment), and is fsynced at least every
`fsync_every_events` events or `fsync_every_seconds` (looked at every `TIME_CHECK_EVERY`
events, so the clock is not read per event) and at close. A writer that goes idle should call
`sync()`: the time rule is checked on append only.

Those periodic fsyncs run on a helper thread (an fsync takes milliseconds and releases the GIL),
so the writer goes on encoding meanwhile; at most one is in flight, so a crash loses at most
about twice `fsync_every_events` events. `sync()`, `close()` and sealing a full segment wait
for it and fsync in the caller's thread; a failed background fsync is raised by the next call.

A Ctrl-C can land between any system call and the bookkeeping after it; the next write or
segment creation picks up from what reached the disk, so no line is written twice.
"""

from __future__ import annotations

import os
import time
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import accumulate, repeat
from operator import add
from pathlib import Path

from engine.errors import BusyworkError, InvalidInput
from engine.events import ENCODER, Event
from engine.log_segments import segment_name, seq_error

BUFFER_BYTES = 64 * 2**10
TIME_CHECK_EVERY = 64
NL = b"\n"


class SegmentWriter:
    """Appends to the segments in `events_dir` for the one writer that holds the folder's lock
    (`dir_fd`), after a log that ends at `last_seq` in `last_segment` (None: no segment yet)."""

    _time_check: int  # set by _schedule_next_sync (used by _maintain, which comes first)

    def __init__(
        self,
        events_dir: Path,
        dir_fd: int,
        last_seq: int,
        last_segment: Path | None,
        *,
        segment_bytes: int,
        fsync_every_events: int,
        fsync_every_seconds: float,
    ) -> None:
        self.events_dir = events_dir
        self.last_seq = self._written_seq = self._synced_seq = last_seq
        self._dir_fd = dir_fd
        self._segment_bytes = segment_bytes
        self._fsync_every_events = fsync_every_events
        self._fsync_every_seconds = fsync_every_seconds
        self._buf = bytearray()
        self._fd: int | None = None
        self._seg_path: Path | None = None
        self._seg_size = 0
        self._syncer: ThreadPoolExecutor | None = None  # started on the first periodic fsync
        # Set while a buffer goes to the file: a Ctrl-C can land between a write and clearing
        # the buffer, and the next write must not send those bytes again (see _write_buffer).
        self._writing = False
        self._syncing: Future[int] | None = None  # the fsync in flight: it returns its seq
        if last_segment is not None:
            size = last_segment.stat().st_size
            if size < segment_bytes:  # a full one is sealed: the next line starts a new one
                self._fd = os.open(last_segment, os.O_WRONLY | os.O_APPEND)
                self._seg_path, self._seg_size = last_segment, size
        self._mark_synced()

    # -- appending -----------------------------------------------------------------------------

    def append(self, events: Iterable[Event]) -> None:
        buf = self._buf
        encode_into = ENCODER.encode_into
        last = self.last_seq
        flush_at, next_check = self._flush_at, self._next_check
        try:
            for event in events:
                if event.seq != last + 1:
                    raise seq_error(last + 1, event.seq)
                encode_into(event, buf, -1)
                buf += NL
                last += 1
                if len(buf) >= flush_at or last >= next_check:
                    self.last_seq = last
                    self._maintain()
                    flush_at, next_check = self._flush_at, self._next_check
        except BaseException:
            # Keep whole lines only: an event that failed to encode may have left a fragment.
            del buf[buf.rfind(NL) + 1 :]
            raise
        finally:
            self.last_seq = last

    def append_encoded_many(self, first_seq: int, lines: Sequence[bytes]) -> None:
        if not lines:
            return
        if first_seq != self.last_seq + 1:
            raise seq_error(self.last_seq + 1, first_seq)
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
            self.last_seq = first_seq + stop - 1
            if len(buf) >= self._flush_at or self.last_seq >= self._next_check:
                self._maintain()

    def _maintain(self) -> None:
        """Called when the buffer is full or a durability threshold (count or clock) is due."""
        last = self.last_seq
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

    # -- writing -------------------------------------------------------------------------------

    def write_pending(self) -> None:
        """Hand buffered lines to the file (visible to readers, not yet durable)."""
        if self._buf:
            self._write_buffer()

    def _write_buffer(self) -> None:
        buf = self._buf
        if self._writing:  # a Ctrl-C landed in the last write: what reached the file stays
            self._resume_interrupted_write()
        if buf:
            if self._fd is None:
                self._start_segment(self._written_seq + 1)
            assert self._fd is not None  # _start_segment opened it
            self._writing = True
            written = 0
            try:
                while written < len(buf):
                    written += os.write(self._fd, buf[written:])
            except OSError as exc:
                raise BusyworkError(
                    f"{self._seg_path}: cannot write event log: {exc.strerror or exc}"
                ) from exc
            del buf[:]  # then the size, then the flag: an interruption between them is harmless
            self._seg_size += written
            self._writing = False
            self._written_seq = self.last_seq
            if self._seg_size >= self._segment_bytes:
                self._seal_segment()
        self._flush_at = min(BUFFER_BYTES, max(1, self._segment_bytes - self._seg_size))

    def _resume_interrupted_write(self) -> None:
        """The bytes of the buffer that reached the file before an interruption (or a failed
        write) are dropped from the buffer, so that no line is written twice."""
        try:
            size = os.fstat(self._fd).st_size if self._fd is not None else self._seg_size
        except OSError as exc:
            raise BusyworkError(
                f"{self._seg_path}: cannot write event log: {exc.strerror or exc}"
            ) from exc
        del self._buf[: size - self._seg_size]
        self._seg_size = size
        self._writing = False
        if not self._buf:
            self._written_seq = self.last_seq

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
            raise BusyworkError(
                f"{path}: cannot create event segment: {exc.strerror or exc}"
            ) from exc

    def _seal_segment(self) -> None:
        # Durable before the next segment appears, so only the last segment can ever be torn.
        self._wait_for_background_sync()
        assert self._fd is not None  # sealed after a write to it
        self._fsync(self._fd)
        fd, self._fd, self._seg_path, self._seg_size = self._fd, None, None, 0
        os.close(fd)
        self._mark_synced()

    # -- durability ----------------------------------------------------------------------------

    def sync(self) -> None:
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
                raise BusyworkError(
                    f"{self._seg_path}: cannot fsync event log: {exc.strerror or exc}"
                ) from exc

    def _fsync(self, fd: int) -> None:
        try:
            os.fsync(fd)
        except OSError as exc:
            raise BusyworkError(
                f"{self._seg_path}: cannot fsync event log: {exc.strerror or exc}"
            ) from exc

    def _mark_synced(self) -> None:
        self._synced_seq = self._written_seq
        self._schedule_next_sync()

    def _schedule_next_sync(self) -> None:
        self._synced_at = time.monotonic()
        self._sync_due = self._written_seq + self._fsync_every_events
        self._time_check = self.last_seq + TIME_CHECK_EVERY
        self._next_check = min(self._sync_due, self._time_check)
        self._flush_at = min(BUFFER_BYTES, max(1, self._segment_bytes - self._seg_size))

    def close_files(self) -> None:
        """Stop the helper thread and close the segment (not the folder: its owner's lock)."""
        if self._syncer is not None:  # never close a file under an fsync in flight
            self._syncer.shutdown(wait=True)
            self._syncer = self._syncing = None
        if self._fd is not None:
            os.close(self._fd)
        self._fd = None


def _fsync_through(fd: int, seq: int) -> int:
    """The helper thread's job: make the file durable; `seq` is the last event it holds."""
    os.fsync(fd)
    return seq
