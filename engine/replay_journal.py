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

The journal is compacted once it outgrows its bound (`COMPACT_AFTER_BYTES`, or the snapshot's
size if larger, so rewriting the snapshot costs O(1) a record): what its records say goes to a
snapshot, and it starts again with a marker (`engine.replay_snapshot`, which says why a kill at
any moment, during the compaction too, loses and repeats nothing). A replay resumes from the
snapshot and the records after it, never from the run's first record.

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
from engine.files import remove_aside_copies, replace_json
from engine.journal_records import Record, read_legacy_dependents
from engine.locks import lock_exclusively
from engine.replay_journal_state import CheckpointState
from engine.replay_snapshot import SNAPSHOT, read_snapshot, remove_stale_snapshot, write_snapshot

JOURNAL = "journal.jsonl"
META = "target.json"
COMPACTED = "C"  # the marker that starts a compacted journal (its `gen`: the snapshot's)
# A journal this long (or as long as the snapshot, if that is longer) is compacted.
COMPACT_AFTER_BYTES = 256 * 1024


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Record)


class Journal(CheckpointState):
    """Open (creating if needed) the checkpoint of one target; see the module docstring."""

    def __init__(
        self,
        folder: Path | str,
        meta: Mapping[str, object] | None = None,
        keep: Iterable[str] = (),
        compact_after: int = COMPACT_AFTER_BYTES,
    ) -> None:
        """`meta` is written to ``target.json``, except that the keys in `keep` already stored
        there keep their stored value; `self.meta` is what was written. `compact_after`: the
        journal's bound in bytes (see the module docstring)."""
        super().__init__(self.intent)
        self.folder = Path(folder)
        self.meta: dict[str, object] = {}
        self.path = self.folder / JOURNAL
        self.empty = True  # no record yet: the settings in `keep` are chosen afresh
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._written = self._synced = 0
        self._fd: int | None = None
        self._gen = 0  # the snapshot the journal's records follow (0: none)
        self._size = self._snapshot_size = 0  # bytes in the journal, in the snapshot
        self._compact_after = compact_after
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, fresh = _open_or_create(self.path)
        except OSError as exc:
            raise BusyworkError(f"{self.folder}: cannot open the replay checkpoint: {exc}") from exc
        self._fd = fd
        try:
            lock_exclusively(
                self._fd,
                f"{self.folder}: another replay into this target is running; wait for it or "
                "stop it first",
            )
            # A kill between writing the snapshot (or target.json) aside and renaming it left
            # that copy; the lock says no writer is mid-write now.
            for name in (SNAPSHOT, META):
                remove_aside_copies(self.folder / name)
            if fresh and not os.fstat(fd).st_size:
                remove_stale_snapshot(self.folder)
            self._load()
            self._compact_if_due()  # a long journal (an older version's) is compacted now
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
        records = [self._decode(no, line) for no, line in enumerate(data.splitlines(), 1)]
        gen = records.pop(0).gen if records and records[0].k == COMPACTED else 0
        snapshot, self._snapshot_size = read_snapshot(self.folder)
        self.empty = snapshot is None and not records
        if snapshot is not None:
            self._restore(snapshot)
            if gen != snapshot.gen and data and gen + 1 != snapshot.gen:
                raise LogCorrupted(f"{self.path}: follows snapshot {gen}, but "
                                   f"{self.folder / SNAPSHOT} is snapshot {snapshot.gen}")  # fmt: skip
            self._gen = snapshot.gen
        elif gen:
            raise LogCorrupted(f"{self.path}: follows snapshot {gen}, and "
                               f"{self.folder / SNAPSHOT} is missing")  # fmt: skip
        if gen == self._gen:
            for record in records:
                self._remember(record)
            self._size = len(data)
        else:  # killed while compacting, after the snapshot: it holds all these records
            self._start_journal()
        read_legacy_dependents(self.final)
        self._reopen_dependents()

    def _decode(self, line_no: int, line: bytes) -> Record:
        try:
            return _DECODER.decode(line)
        except msgspec.DecodeError as exc:
            raise LogCorrupted(f"{self.path}, line {line_no}: {exc}") from None

    # -- compaction (see engine.replay_snapshot) ------------------------------------------------

    def _compact_if_due(self) -> None:
        if self._size <= max(self._compact_after, self._snapshot_size):
            return
        with self._sync_lock, self._lock:
            if self._fd is None or self._size <= max(self._compact_after, self._snapshot_size):
                return  # closed, or compacted by another writer meanwhile
            snapshot = self._snapshot(self._gen + 1)
            self._snapshot_size = write_snapshot(self.folder, snapshot)
            self._gen = snapshot.gen
            self._start_journal()
            self._synced = self._written  # every record so far is in the snapshot, synced

    def _start_journal(self) -> None:
        """Empty the journal and mark it as following snapshot `_gen` (durably)."""
        assert self._fd is not None  # called with the journal open
        line = _ENCODER.encode(Record(COMPACTED, 0, gen=self._gen)) + b"\n"
        os.ftruncate(self._fd, 0)
        os.write(self._fd, line)
        os.fsync(self._fd)
        self._size = len(line)

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
            self._size += len(line)
            mine = self._written
        self._sync_through(mine)
        self._compact_if_due()

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


def _open_or_create(path: Path) -> tuple[int, bool]:
    """The journal opened for appending, and whether this call created it."""
    flags = os.O_RDWR | os.O_APPEND
    try:
        return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600), True
    except FileExistsError:
        return os.open(path, flags), False
