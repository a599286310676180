"""A run's log as activity items: readable sentences with who, what, where, and filters.

The same feed sentences as ``busywork show`` (``engine.feed``), plus the ids a client filters
by. `Reader` keeps the names it has learnt, so a live stream reads only new lines each time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import msgspec

from engine import events as ev
from engine.errors import InvalidInput
from engine.events import EVENT_TYPES
from engine.feed import Names, describe, line
from engine.log import FileLog

MAX_LIMIT = 1000


class ActivityItem(msgspec.Struct, kw_only=True):
    seq: int
    at: datetime
    type: str
    actor: str
    actor_name: str
    project: str | None
    project_name: str | None
    text: str  # what happened, without the actor
    line: str  # the feed line: local time, actor and text


class ActivityPage(msgspec.Struct, kw_only=True):
    items: list[ActivityItem]  # newest first
    last_seq: int  # the newest event in the log
    next_before: int | None  # pass as `before` for the next (older) page


class Filters(msgspec.Struct, kw_only=True):
    types: frozenset[str] = frozenset()
    person: str = ""
    project: str = ""
    q: str = ""
    since: datetime | None = None

    def check(self) -> None:
        for t in sorted(self.types):
            if t not in EVENT_TYPES:
                raise InvalidInput(
                    f"type: {t!r} is not an event type; expected one of {', '.join(EVENT_TYPES)}"
                )


class Reader:
    """Reads a run's log from where it stopped last time, learning names as it goes."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.names = Names()
        self.task_project: dict[str, str] = {}
        self.emails: dict[str, str] = {}
        self.seq = 0

    def new_items(self) -> Iterator[ActivityItem]:
        """Items for every event after the last one read."""
        if not (self.run_dir / "events").is_dir():
            return
        for event in FileLog.open_readonly(self.run_dir).read(self.seq + 1):
            self.seq = event.seq
            yield self._item(event)

    def _item(self, event: ev.Event) -> ActivityItem:
        names = self.names
        names.learn(event)
        if isinstance(event, ev.PersonJoined):
            self.emails[event.person] = event.email.lower()
        project = getattr(event, "project", None)
        task = getattr(event, "task", None)
        if isinstance(event, ev.TaskCreated):
            self.task_project[event.task] = event.project
        elif project is None and task is not None:
            project = self.task_project.get(task)
        return ActivityItem(
            seq=event.seq, at=event.at, type=type(event).__name__, actor=event.actor,
            actor_name=names.person(event.actor), project=project,
            project_name=names.projects.get(project) if project else None,
            text=describe(event, names), line=line(event, names),
        )  # fmt: skip

    def matches(self, item: ActivityItem, f: Filters) -> bool:
        if f.types and item.type not in f.types:
            return False
        if f.since is not None and item.at < f.since:
            return False
        if f.person:
            needle = f.person.lower()
            known = (item.actor, item.actor_name.lower(), self.emails.get(item.actor, ""))
            if needle not in known:
                return False
        if f.project:
            needle = f.project.lower()
            if needle not in (item.project or "", (item.project_name or "").lower()):
                return False
        return not f.q or f.q.lower() in item.line.lower()


def page(run_dir: Path, filters: Filters, *, before: int | None, limit: int) -> ActivityPage:
    """The newest `limit` matching items with seq < `before`, newest first."""
    filters.check()
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit: {limit}; expected 1 to {MAX_LIMIT}")
    reader = Reader(run_dir)
    kept: list[ActivityItem] = []
    more = False
    for item in reader.new_items():
        if before is not None and item.seq >= before:
            break
        if reader.matches(item, filters):
            kept.append(item)
            if len(kept) > limit:
                kept.pop(0)
                more = True
    items = kept[::-1]
    next_before = items[-1].seq if more and items else None
    last = FileLog.open_readonly(run_dir).last_seq if (run_dir / "events").is_dir() else 0
    return ActivityPage(items=items, last_seq=last, next_before=next_before)
