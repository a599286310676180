"""The append-only event log: the one source of truth of a run.

`EventLog` is the contract; `FileLog` (segmented JSON-lines files under ``<run>/events/``, in
`engine.log_file`) and `InMemoryLog` implement it and pass one shared contract test. Events are
stored as the exact bytes of `engine.events.encode(event)`, one a line, seqs 1, 2, 3 ... without
gaps; an append whose seq does not continue the log raises `SeqOutOfOrder`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import Protocol, runtime_checkable

import msgspec

from engine.errors import BusyworkError, InvalidInput, LogCorrupted
from engine.events import DECODER, ENCODER, Event
from engine.log_file import FileLog
from engine.log_segments import SeqOutOfOrder, check_from_seq, seq_error

__all__ = ["EventLog", "FileLog", "InMemoryLog", "SeqOutOfOrder"]


@runtime_checkable
class EventLog(Protocol):
    @property
    def last_seq(self) -> int:
        """The seq of the last appended event; 0 when the log is empty."""
        ...

    def append(self, events: Iterable[Event]) -> None: ...

    def append_encoded(self, seq: int, line: bytes) -> None: ...

    def append_encoded_many(self, first_seq: int, lines: Sequence[bytes]) -> None: ...

    def read(self, from_seq: int = 1) -> Iterator[Event]: ...

    def read_lines(self, from_seq: int = 1) -> Iterator[bytes]: ...

    def follow(
        self,
        from_seq: int = 1,
        *,
        stop: threading.Event | None = None,
        poll_interval: float = 0.1,
    ) -> Iterator[Event]: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class InMemoryLog:
    """The same behaviour as `FileLog`, kept in memory as encoded lines (so `read` decodes, as a
    file reader would). Appends may come from one thread while others `follow`."""

    def __init__(self) -> None:
        self._lines: list[bytes] = []
        self._changed = threading.Condition()
        self._closed = False

    @property
    def last_seq(self) -> int:
        return len(self._lines)

    def append(self, events: Iterable[Event]) -> None:
        self._check_open()
        encode = ENCODER.encode
        with self._changed:
            lines = self._lines
            try:
                for event in events:
                    if event.seq != len(lines) + 1:
                        raise seq_error(len(lines) + 1, event.seq)
                    lines.append(encode(event))
            finally:
                self._changed.notify_all()

    def append_encoded(self, seq: int, line: bytes) -> None:
        self.append_encoded_many(seq, (line,))

    def append_encoded_many(self, first_seq: int, lines: Sequence[bytes]) -> None:
        self._check_open()
        if not lines:
            return
        with self._changed:
            if first_seq != len(self._lines) + 1:
                raise seq_error(len(self._lines) + 1, first_seq)
            bad = next((i for i, line in enumerate(lines) if b"\n" in line), None)
            self._lines.extend(map(bytes, lines[:bad]))  # the lines before a bad one stay
            self._changed.notify_all()
            if bad is not None:
                raise InvalidInput(f"encoded line for seq {first_seq + bad} contains a newline")

    def read(self, from_seq: int = 1) -> Iterator[Event]:
        check_from_seq(from_seq)
        return self._decode(from_seq, self._lines[from_seq - 1 :])

    def read_lines(self, from_seq: int = 1) -> Iterator[bytes]:
        check_from_seq(from_seq)
        return iter(self._lines[from_seq - 1 :])

    def follow(
        self,
        from_seq: int = 1,
        *,
        stop: threading.Event | None = None,
        poll_interval: float = 0.1,
    ) -> Iterator[Event]:
        check_from_seq(from_seq)
        return self._follow(from_seq, stop, poll_interval)

    def _follow(
        self, from_seq: int, stop: threading.Event | None, poll_interval: float
    ) -> Iterator[Event]:
        seq = from_seq
        while True:
            # Look at `stop` before taking the snapshot, so everything appended before it was
            # set is in this snapshot or an earlier one.
            stopping = stop is not None and stop.is_set()
            with self._changed:
                batch = self._lines[seq - 1 :]
                if not batch and not stopping:
                    self._changed.wait(poll_interval)
                    continue
            if not batch:
                return
            yield from self._decode(seq, batch)
            seq += len(batch)

    @staticmethod
    def _decode(seq: int, lines: list[bytes]) -> Iterator[Event]:
        for line in lines:
            try:
                event = DECODER.decode(line)
            except msgspec.DecodeError as exc:
                raise LogCorrupted(f"in-memory log, line {seq}: {exc}") from None
            if event.seq != seq:
                raise LogCorrupted(
                    f"in-memory log, line {seq}: expected seq {seq}, got {event.seq}"
                )
            yield event
            seq += 1

    def flush(self) -> None:
        """Nothing to make durable."""

    def close(self) -> None:
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise BusyworkError("in-memory log: cannot append, the event log is closed")

    def __enter__(self) -> InMemoryLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
