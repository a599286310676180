"""The replay checkpoint: what a replay did in one target, so it can resume exactly once.

``replays/<run>/targets/<target-id>/journal.jsonl`` is append-only, one JSON record a line:

- ``{"k":"I","seq":N,"at":"2026-…Z","seen":["1203…"]}``: an event that creates something is
  about to be sent (an *intent*), and when (wall clock, UTC): a create whose outcome is unknown
  adopts no object made before (the target decides what else it checks). A create in doubt is
  sent again only after its target looked for the object, with an intent of its own written
  just before that send, so that a kill after it leaves a window around the send it followed;
  ``seen`` lists the look-alikes that look found, which that send cannot have made. An intent
  with no ``at`` opens no window: older checkpoints wrote none, and a ``--retry-failed`` writes
  one before its look (the event is open again; the send, if any, gets its own);
- ``{"k":"A","seq":N,"ids":{"t37":"1203..."}}``: applied, with the ids it created;
- ``{"k":"F","seq":N,"status":400,"why":"..."}``: rejected by the target (final);
- ``{"k":"S","seq":N,"why":"..."}``: skipped on purpose (final); with ``"cause":R`` not sent
  because event R, which it depends on (directly or through others), was skipped on purpose;
- ``{"k":"D","seq":N,"cause":R,"why":"..."}``: not sent because event R, which it depends on
  (directly or through others), failed (an F record).

F and D records are final unless a replay is asked to retry them (``--retry-failed``): an F
event may have made its object before a later call of the same event was refused, so a create
sent again looks for its object first; a D event was never sent. An intent after a final
record is such a retry in flight (the event is open again); an applied record after one closes
it. A D record whose failed event has since been applied, or is being sent again (a retry that
was stopped or killed), no longer depends on a failure: it is open again, so the next run, with
or without ``--retry-failed``, sends it after that event. Older checkpoints wrote D records as
``S`` with the reason "depends on seq N, which failed"; they are read as D (or as S when the
chain ends at a deliberate skip).

Every record is written with one ``write`` (so ``kill -9`` cannot lose or tear it) and outcomes
are fsynced before the event counts as done (group commit: concurrent workers share one fsync).
An intent without an outcome after a restart means the outcome is unknown: the target looks
for the object before creating it again. One writer per target folder (an exclusive lock).

``target.json`` beside it describes the target (server, workspace, run) and holds the settings
the first run chose that every later run must keep (``keep``: e.g. the date shift, so that the
due dates of one workspace all come from one shift). A checkpoint that holds no record yet (a
first run that sent nothing, or one started after ``busywork clean`` set the old one aside)
chooses them afresh.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import msgspec

from engine.errors import BusyworkError, LogCorrupted
from engine.files import replace_json
from engine.journal_records import FAILED_KINDS, Record, read_legacy_dependents
from engine.locks import lock_exclusively
from engine.replay_ids import IdMap
from engine.seq_ranges import SeqRanges

JOURNAL = "journal.jsonl"
META = "target.json"


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Record)


class Journal:
    """Open (creating if needed) the checkpoint of one target; see the module docstring."""

    def __init__(
        self,
        folder: Path | str,
        meta: Mapping[str, object] | None = None,
        keep: Iterable[str] = (),
    ) -> None:
        """`meta` is written to ``target.json``, except that the keys in `keep` already stored
        there keep their stored value; `self.meta` is what was written."""
        self.folder = Path(folder)
        self.meta: dict[str, object] = {}
        self.path = self.folder / JOURNAL
        self.ids = IdMap(self.intent)
        self.applied = SeqRanges()  # a run per gap, not an entry per event
        self.final: dict[int, Record] = {}  # F, D and S records
        # F or D events open again (a retry in flight when a run was killed, or a dependent
        # whose failed event has since been sent again), by the kind they had: the next run
        # sends them, and they count as retried once sent.
        self.reopened: dict[int, str] = {}
        self.empty = True  # no record yet: the settings in `keep` are chosen afresh
        self.created: list[tuple[int, str, str]] = []  # (seq, sim id, target id), in order
        self._intents: set[int] = set()
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._written = self._synced = 0
        self._fd: int | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as exc:
            raise BusyworkError(f"{self.folder}: cannot open the replay checkpoint: {exc}") from exc
        self._fd = fd
        try:
            lock_exclusively(
                self._fd,
                f"{self.folder}: another replay into this target is running; wait for it or "
                "stop it first",
            )
            self._load()
            if meta is not None:
                self._write_meta(meta, frozenset(keep))
        except BaseException:
            self.close()
            raise

    def _load(self) -> None:
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a torn last line (power loss): it never happened
            assert self._fd is not None  # opened before loading
            os.ftruncate(self._fd, end)
            data = data[:end]
        self.empty = not data.strip()
        for line_no, line in enumerate(data.splitlines(), start=1):
            try:
                record = _DECODER.decode(line)
            except msgspec.DecodeError as exc:
                raise LogCorrupted(f"{self.path}, line {line_no}: {exc}") from None
            self._remember(record)
        read_legacy_dependents(self.final)
        self._reopen_dependents()

    def _reopen_dependents(self) -> None:
        """A D record stands while the event it names still failed; once that event was applied
        or is being sent again (see the module docstring), the dependent is open again."""
        for seq, record in list(self.final.items()):
            if record.k == "D" and (record.cause in self.applied or record.cause in self._intents):
                del self.final[seq]
                self.reopened[seq] = "D"

    def _remember(self, record: Record) -> None:
        if record.k == "I":
            self._intents.add(record.seq)
            if record.at is not None:
                self.ids.intend(record.seq, record.at, record.seen)
            earlier = self.final.pop(record.seq, None)  # a retry in flight: open again
            if earlier is not None and earlier.k in FAILED_KINDS:
                self.reopened[record.seq] = earlier.k
            return
        self._intents.discard(record.seq)
        self.reopened.pop(record.seq, None)
        if record.k == "A":
            self.final.pop(record.seq, None)  # a retried event got through
            self.applied.add(record.seq)
            self.ids.settle(record.seq)
            self.ids.update(record.ids)
            self.created.extend((record.seq, s, t) for s, t in record.ids.items())
        else:
            self.final[record.seq] = record

    def _write_meta(self, meta: Mapping[str, object], keep: frozenset[str]) -> None:
        stored = self._read_meta()
        kept = {} if self.empty else {k: v for k, v in stored.items() if k in keep}
        self.meta = {**stored, **meta, **kept}
        replace_json(self.folder / META, self.meta)

    def _read_meta(self) -> dict[str, object]:
        """What ``target.json`` holds ({} when there is none yet, as in older checkpoints)."""
        path = self.folder / META
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise BusyworkError(f"{path}: cannot read the replay checkpoint: {exc}") from None
        try:
            stored = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise LogCorrupted(f"{path}: damaged replay settings: {exc}") from None
        if not isinstance(stored, dict):
            raise LogCorrupted(f"{path}: damaged replay settings: expected a JSON object, "
                               f"got {type(stored).__name__}")  # fmt: skip
        return stored

    # -- questions -----------------------------------------------------------------------------

    def done(self, seq: int) -> bool:
        """Applied, rejected or skipped in an earlier session: not to be sent again."""
        return seq in self.applied or seq in self.final

    def retryable(self, seq: int) -> bool:
        """Failed, or not sent because something it depends on failed (see the docstring)."""
        record = self.final.get(seq)
        return record is not None and record.k in FAILED_KINDS

    def root_of(self, seq: int) -> tuple[int, bool]:
        """Why events depending on `seq` (settled for good, not applied) cannot be replayed:
        the seq that failed or was skipped first, and whether it failed (False: skipped on
        purpose)."""
        record = self.final.get(seq)
        if record is None:
            return seq, True
        return record.cause or seq, record.k in FAILED_KINDS

    def uncertain(self, seq: int) -> bool:
        """An intent with no outcome: the create may or may not have happened."""
        return seq in self._intents

    # -- writing -------------------------------------------------------------------------------

    def intent(self, seq: int, seen: Iterable[str] = ()) -> None:
        """Event `seq`'s create is about to be sent (`seen`: see `IdMap.resending`)."""
        self._append(Record("I", seq, at=datetime.now(UTC), seen=sorted(seen)))

    def reopen(self, seq: int) -> None:
        """A failed event is about to be sent again (``--retry-failed``): open until its outcome
        is recorded. An intent with no time: its target announces any send it makes."""
        self._append(Record("I", seq))

    def record_applied(self, seq: int, ids: Mapping[str, str]) -> None:
        self.ids.update(ids)
        self._append(Record("A", seq, ids=dict(ids)))

    def record_failed(self, seq: int, status: int, why: str) -> None:
        self._append(Record("F", seq, status=status, why=why))

    def record_skipped(self, seq: int, why: str, cause: int = 0) -> None:
        self._append(Record("S", seq, why=why, cause=cause))

    def record_dependency_failed(self, seq: int, cause: int, why: str) -> None:
        self._append(Record("D", seq, why=why, cause=cause))

    def _append(self, record: Record) -> None:
        line = _ENCODER.encode(record) + b"\n"
        with self._lock:
            if self._fd is None:
                raise BusyworkError(f"{self.path}: the replay checkpoint is closed")
            os.write(self._fd, line)
            self._remember(record)
            self._written += 1
            mine = self._written
        self._sync_through(mine)

    def _sync_through(self, count: int) -> None:
        """fsync until record number `count` is durable; one fsync covers every record written
        before it started, so concurrent callers mostly find their record already synced."""
        with self._sync_lock:
            if self._synced >= count:
                return
            with self._lock:
                upto, fd = self._written, self._fd
            if fd is None:
                return
            os.fsync(fd)
            self._synced = upto

    def close(self) -> None:
        with self._sync_lock, self._lock:
            if self._fd is not None:
                os.fsync(self._fd)
                os.close(self._fd)  # also releases the lock
                self._fd = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
