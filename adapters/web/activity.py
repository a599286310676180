"""A run's log as activity items: readable sentences with who, what, where, and filters.

The same feed sentences as ``busywork show`` (``engine.feed``), plus the ids a client filters
by. A sentence names people, projects and tasks created anywhere earlier in the log, so each
job keeps a `RunIndex` of those names: learnt once from the lines that create things (found by
their first bytes, without decoding the rest), then only from lines written since. With it, a
page of the newest items reads the end of the log only (windows growing backwards from the
end), and a live stream starts right after the seq it is given.

Filters: ``type`` (any of), ``since`` (a time), ``person`` (case-insensitive: part of a name
or email, or a person's id), ``project`` (case-insensitive: part of a project's name, or its
id), ``q`` (case-insensitive text of the feed line). They combine with AND.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import msgspec

from adapters.web.store import check_run_folder
from engine import events as ev
from engine.errors import InvalidInput
from engine.events import DECODER, EVENT_TYPES
from engine.feed import Names, describe, line
from engine.log import FileLog

MAX_LIMIT = 1000
FIRST_WINDOW = 256  # events read for the newest page before looking further back
MAX_WINDOW = 65_536
# Events that name something later lines refer to. An event line starts with its tag (see
# engine.events: the tag field comes first), so these are found without decoding the others.
NAMING = (ev.PersonJoined, ev.ProjectCreated, ev.TaskCreated, ev.CustomFieldCreated,
          ev.TagCreated, ev.PortfolioCreated)  # fmt: skip
_NAMING_PREFIXES = tuple(b'{"type":"%s"' % t.__name__.encode() for t in NAMING)


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


class RunIndex:
    """The names a run's log has created so far (people and their emails, projects, tasks and
    the project of each task), brought up to date by `refresh`. Shared by a job's page
    requests and streams: `refresh` takes a lock; readers only look names up."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.names = Names()
        self.task_project: dict[str, str] = {}
        self.emails: dict[str, str] = {}
        self.seq = 0  # the last event learnt from
        self._lock = threading.Lock()

    def refresh(self) -> int:
        """Learn from the lines written since the last call; the log's last seq."""
        with self._lock:
            check_run_folder(self.run_dir)  # deleted: say so, rather than "no activity"
            if not (self.run_dir / "events").is_dir():
                return self.seq
            seq = self.seq
            for raw in FileLog.open_readonly(self.run_dir).read_lines(seq + 1):
                seq += 1
                if raw.startswith(_NAMING_PREFIXES):
                    self._learn(DECODER.decode(raw))
            self.seq = seq
            return seq

    def _learn(self, event: ev.Event) -> None:
        self.names.learn(event)
        if isinstance(event, ev.PersonJoined):
            self.emails[event.person] = event.email.lower()
        elif isinstance(event, ev.TaskCreated):
            self.task_project[event.task] = event.project

    def events(self, first: int, last: int) -> Iterator[ev.Event]:
        """The events `first` to `last` (seqs at most as far as the index has learnt)."""
        if first > last:
            return
        for event in FileLog.open_readonly(self.run_dir).read(first):
            if event.seq > last:
                return
            yield event

    def project_of(self, event: ev.Event) -> str | None:
        project = getattr(event, "project", None)
        if project is None and not isinstance(event, ev.TaskCreated):
            task = getattr(event, "task", None)
            if task is not None:
                project = self.task_project.get(task)
        return project

    def item(self, event: ev.Event, project: str | None) -> ActivityItem:
        names = self.names
        return ActivityItem(
            seq=event.seq, at=event.at, type=type(event).__name__, actor=event.actor,
            actor_name=names.person(event.actor), project=project,
            project_name=names.projects.get(project) if project else None,
            text=describe(event, names), line=line(event, names),
        )  # fmt: skip

    def matcher(self, filters: Filters) -> Matcher:
        return Matcher(filters, self)


class Matcher:
    """`filters` against events: the cheap tests on the event itself, the text search on its
    item. People and projects are matched by the ids whose names match (worked out once)."""

    def __init__(self, filters: Filters, index: RunIndex) -> None:
        self.index = index
        self.types = filters.types
        self.since = filters.since
        self.q = filters.q.lower()
        self.people = _people(index, filters.person.lower()) if filters.person else None
        self.projects = _projects(index, filters.project.lower()) if filters.project else None

    def item(self, event: ev.Event) -> ActivityItem | None:
        """The event's item if it passes the filters, else None."""
        if self.types and type(event).__name__ not in self.types:
            return None
        if self.since is not None and event.at < self.since:
            return None
        if self.people is not None and event.actor.lower() not in self.people:
            return None
        project = self.index.project_of(event)
        if self.projects is not None and (project or "").lower() not in self.projects:
            return None
        item = self.index.item(event, project)
        if self.q and self.q not in item.line.lower():
            return None
        return item


def _people(index: RunIndex, needle: str) -> set[str]:
    emails = index.emails
    found = {needle}  # an id
    for pid, (name, _zone) in list(index.names.people.items()):
        if needle in name.lower() or needle in emails.get(pid, ""):
            found.add(pid.lower())
    return found


def _projects(index: RunIndex, needle: str) -> set[str]:
    found = {needle}  # an id
    for pid, name in list(index.names.projects.items()):
        if needle in name.lower():
            found.add(pid.lower())
    return found


def page(index: RunIndex, filters: Filters, *, before: int | None, limit: int) -> ActivityPage:
    """The newest `limit` matching items with seq < `before`, newest first: read backwards from
    the end in growing windows until `limit` + 1 have matched (the one more says "older pages
    exist") or the log's start is reached."""
    filters.check()
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit: {limit}; expected 1 to {MAX_LIMIT}")
    last = index.refresh()
    matcher = index.matcher(filters)
    high = last if before is None else min(last, before - 1)
    window = max(FIRST_WINDOW, 2 * limit)
    kept: list[ActivityItem] = []  # newest first
    while high >= 1 and len(kept) <= limit:
        low = max(1, high - window + 1)
        found = [i for e in index.events(low, high) if (i := matcher.item(e)) is not None]
        kept.extend(reversed(found))
        high, window = low - 1, min(window * 4, MAX_WINDOW)
    items = kept[:limit]
    next_before = items[-1].seq if len(kept) > limit and items else None
    return ActivityPage(items=items, last_seq=last, next_before=next_before)
