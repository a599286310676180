"""The snapshot that keeps a replay checkpoint's journal short (`engine.replay_journal`).

``journal.snapshot.json`` beside ``journal.jsonl`` holds what the journal's records said up to
a point: the applied events (as runs of seqs), the final records, the events open again, the
intents still open (and those of creates that failed, which a retry looks around), and every
object created, in order (seq, simulation id, target id). Compacting writes it atomically, then
empties the journal and starts it with a marker, ``{"k":"C","seq":0,"gen":G}``: the records
after it come after snapshot G. A kill at any moment leaves one of these, each read right:

- snapshot G-1 and the journal of G-1 (or no snapshot and a journal with no marker, for G 1):
  the compaction never happened;
- snapshot G and the journal of G-1 (or no marker), or an empty journal: the snapshot holds
  every record of that journal, which is left unread and emptied (the compaction is finished);
- snapshot G and the journal of G: the compaction is done.

Its size is bounded by what is unsettled or did not go through, plus the id map: every object
the run made, which later events may name and ``busywork clean`` deletes.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

import msgspec

from engine.errors import BusyworkError, LogCorrupted
from engine.files import replace_bytes
from engine.journal_records import Record

SNAPSHOT = "journal.snapshot.json"


class Snapshot(msgspec.Struct, forbid_unknown_fields=True):
    gen: int  # the journal generation that follows it (1 for the first snapshot)
    applied: list[tuple[int, int]] = []  # runs of applied seqs: (first, last)
    final: list[Record] = []  # F, D and S records
    reopened: list[tuple[int, str]] = []  # (seq, the kind it had)
    open: list[int] = []  # seqs with an intent and no outcome yet
    # seq → its intents with a time (when, look-alikes seen), oldest first
    intended: list[tuple[int, list[tuple[datetime, list[str]]]]] = []
    created: list[tuple[int, str, str]] = []  # (seq, simulation id, target id), in order


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Snapshot)


def read_snapshot(folder: Path) -> tuple[Snapshot | None, int]:
    """The folder's snapshot and its size in bytes; (None, 0) when it has none (a checkpoint
    never compacted)."""
    path = folder / SNAPSHOT
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, 0
    except OSError as exc:
        raise BusyworkError(f"{path}: cannot read the replay checkpoint: {exc}") from None
    try:
        return _DECODER.decode(data), len(data)
    except msgspec.DecodeError as exc:  # a ValidationError too
        raise LogCorrupted(f"{path}: damaged replay checkpoint snapshot: {exc}") from None


def write_snapshot(folder: Path, snapshot: Snapshot) -> int:
    """Replace the folder's snapshot atomically and durably (the new name too, before the
    journal it replaces is emptied); its size in bytes."""
    data = _ENCODER.encode(snapshot)
    replace_bytes(folder / SNAPSHOT, data, mode=0o600)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return len(data)


def remove_stale_snapshot(folder: Path) -> None:
    """A snapshot beside a journal just created belongs to a checkpoint set aside (a clean
    killed between the two renames): it must not be read as this one's."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / SNAPSHOT)
