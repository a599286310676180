"""A replay checkpoint's records (`engine.replay_journal` describes each kind), and how the
records of older checkpoints are read: an event whose dependency failed was written as a plain
skip ("depends on seq N, which failed"); it is read as a D record (its chain ends at a failure)
or as a dependent S (at a deliberate skip)."""

from __future__ import annotations

import re
from datetime import datetime

import msgspec


class Record(msgspec.Struct, omit_defaults=True):
    k: str
    seq: int
    ids: dict[str, str] = {}
    status: int = 0
    why: str = ""
    cause: int = 0  # D, and S of a dependent: the seq that failed (or was skipped) first
    at: datetime | None = None  # I: when it was written (UTC); None: it opens no window
    seen: list[str] = []  # I: look-alikes listed just before this send, so not made by it
    gen: int = 0  # C (the marker a compacted journal starts with): the snapshot it follows


# The reason older checkpoints gave an event whose dependency failed (or was skipped).
_LEGACY_DEPENDENT = re.compile(r"depends on seq (\d+), which failed")
FAILED_KINDS = ("F", "D")  # what --retry-failed sends again


def read_legacy_dependents(final: dict[int, Record]) -> None:
    """Rewrite, in `final` (seq → final record), the older checkpoints' dependent skips as D
    or dependent S records."""
    for seq, record in list(final.items()):
        if record.k == "S" and not record.cause:
            found = _LEGACY_DEPENDENT.fullmatch(record.why)
            if found:
                root, failed = _legacy_root(final, int(found[1]))
                final[seq] = Record("D" if failed else "S", seq, why=record.why, cause=root)


def _legacy_root(final: dict[int, Record], seq: int) -> tuple[int, bool]:
    """Where a chain of older dependent skips starts: (seq, whether it failed)."""
    seen: set[int] = set()
    while seq not in seen:
        seen.add(seq)
        record = final.get(seq)
        if record is None or record.k == "F":
            return seq, True  # unknown: treat as failed (never sent, so safe to send)
        if record.cause:
            return record.cause, record.k == "D"
        found = _LEGACY_DEPENDENT.fullmatch(record.why) if record.k == "S" else None
        if found is None:
            return seq, record.k != "S"
        seq = int(found[1])
    return seq, True  # a loop cannot happen (causes come earlier in the log); be safe
