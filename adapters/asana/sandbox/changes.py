"""The change journal behind ``GET /events`` and ``GET /workspaces/{gid}/events``: what each request changed, who did it and when.

``Store.commit`` hands the journal every record a request touched (and every gid it deleted);
the journal compares each with what it last saw of it (``change_rules``: a copy of the fields
events report) and appends one small ``Change`` per difference: a task added to a project, a
field changed, a story added to a task, a record deleted. No handler writes to it.

The journal keeps the last ``HISTORY`` changes in memory, numbered from 0 (``seq``). A sync
token names a position in it: ``epoch`` (random per journal, so a token of an earlier start of
the server is unknown here) + the position, as 32 hex digits like Asana's tokens. A token older
than the oldest change kept, or not one of this journal's, has no position: ``GET /events``
answers it 412 with a fresh token, as Asana answers an expired one (Asana keeps 24 hours).
"""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import TYPE_CHECKING, Any

import msgspec

from adapters.asana.sandbox import change_rules as rules
from adapters.asana.sandbox.model import Record

if TYPE_CHECKING:
    from adapters.asana.sandbox.store import Store

HISTORY = 10_000  # changes kept; a sync token older than these is answered 412
_EPOCH_DIGITS = 8
_TOKEN_DIGITS = 32


class Change(msgspec.Struct, frozen=True, gc=False):
    """One change: `user` did `action` to the `kind` record `gid` (to its `field`, or with
    respect to `parent`); `scope` holds the gids whose event streams show it."""

    seq: int
    at: str
    user: str | None
    kind: str
    gid: str
    action: str  # added, removed, changed, deleted
    parent: tuple[str, str] | None  # (kind, gid), for added and removed
    field: str | None  # for changed: the field, how it changed, the resource it holds now
    field_action: str | None
    value: tuple[str, str] | None
    scope: tuple[str, ...]


class Journal:
    def __init__(self, limit: int = HISTORY):
        self.epoch = secrets.token_hex(_EPOCH_DIGITS // 2)
        self.entries: deque[Change] = deque(maxlen=limit)
        self.next_seq = 0
        # gid → (kind, copy of the fields events report), as of the last commit
        self._seen: dict[str, tuple[str, dict[str, Any]]] = {}

    # -- writing (under the store's lock) ----------------------------------------------------

    def remember(self, kind: str, record: Record) -> None:
        """Know `record` as it is, without a change: records loaded from ``--data``."""
        if kind in rules.WATCHED:
            self._seen[record.gid] = (kind, rules.snapshot(kind, record))

    def record(
        self,
        store: Store,
        touched: Iterable[tuple[str, Record]],
        deleted: Iterable[str],
        user: str | None,
        at: str | None = None,
    ) -> None:
        """Journal what a request changed: `touched` records, then `deleted` gids."""
        at = at or _now()
        # The records' own changes first, then the stories that tell of them.
        for kind, record in sorted(touched, key=lambda item: item[0] == "story"):
            if kind not in rules.WATCHED:
                continue
            seen = self._seen.get(record.gid)
            new = rules.snapshot(kind, record)
            self._seen[record.gid] = (kind, new)
            if seen is None:
                drafts = rules.created(store, kind, new)
            elif seen[1] == new:
                continue
            else:
                drafts = rules.changed(kind, seen[1], new)
            self._append(store, kind, record.gid, new, drafts, user, at)
        # In the order they were made; forgotten after all are journaled, so that a deleted
        # subtask still bubbles up through its deleted parent to the parent's projects.
        gone = [g for g in sorted(deleted, key=lambda g: (len(g), g)) if g in self._seen]
        for gid in gone:
            kind, fields = self._seen[gid]
            if kind != "story":  # a story goes with its task
                self._append(store, kind, gid, fields, iter([rules.Draft("deleted")]), user, at)
        for gid in gone:
            del self._seen[gid]

    def _append(
        self,
        store: Store,
        kind: str,
        gid: str,
        fields: dict[str, Any],
        drafts: Iterator[rules.Draft],
        user: str | None,
        at: str,
    ) -> None:
        scope: tuple[str, ...] | None = None
        for draft in drafts:
            if scope is None:
                scope = (gid, *rules.ancestors(store, self._seen, kind, fields))
            parent = draft.parent
            self.entries.append(Change(
                seq=self.next_seq, at=at, user=user, kind=kind, gid=gid, action=draft.action,
                parent=parent, field=draft.field, field_action=draft.field_action,
                value=draft.value,
                scope=scope if parent is None or parent[1] in scope else (*scope, parent[1]),
            ))  # fmt: skip
            self.next_seq += 1

    # -- reading -----------------------------------------------------------------------------

    @property
    def first_seq(self) -> int:
        """The position of the oldest change kept."""
        return self.next_seq - len(self.entries)

    def token(self, seq: int | None = None) -> str:
        """The sync token of position `seq` (default: now, after every change so far)."""
        seq = self.next_seq if seq is None else seq
        return f"{self.epoch}{seq:0{_TOKEN_DIGITS - _EPOCH_DIGITS}x}"

    def position(self, token: str) -> int | None:
        """The position `token` names, or None: not this journal's, or older than its history."""
        if len(token) != _TOKEN_DIGITS or not token.startswith(self.epoch):
            return None
        digits = token[_EPOCH_DIGITS:]
        if not all(c in "0123456789abcdef" for c in digits):
            return None
        seq = int(digits, 16)
        return seq if self.first_seq <= seq <= self.next_seq else None

    def since(self, seq: int, gid: str | None, limit: int) -> tuple[list[Change], int, bool]:
        """At most `limit` changes in `gid`'s stream (None: the workspace's, every change) from
        position `seq` on; the position to go on from; whether more of them are waiting there."""
        found: list[Change] = []
        for change in islice(self.entries, seq - self.first_seq, None):
            if gid is None or gid in change.scope:
                if len(found) == limit:
                    return found, change.seq, True
                found.append(change)
        return found, self.next_seq, False


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
