"""What a difference between two copies of a record means as Asana events (for ``changes``).

Asana's rules (the spec's ``EventResponse``): a task added to a project or a section, a story,
an attachment or a subtask added to a task, a section added to a project are ``added`` events of the child
with the ``parent``; a changed field is ``changed`` with a ``change`` (``field``, ``action``
``changed``, or ``added``/``removed`` for an item of a list field such as followers, and the
resource now held when it is one: the new assignee, the follower added). Events bubble up: a
project's stream shows its tasks' (and their subtasks') changes and the stories added to them.

Only the kinds in ``WATCHED`` are journaled, and of them only the fields named there are
copied and compared (not ``modified_at``, nor a task's list of stories: a story is its own
``added`` event).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec

from adapters.asana.sandbox.model import Record, Task

if TYPE_CHECKING:
    from adapters.asana.sandbox.store import Store


class Draft(NamedTuple):
    """A change of one record, before the journal numbers, stamps and scopes it."""

    action: str
    parent: tuple[str, str] | None = None
    field: str | None = None
    field_action: str | None = None
    value: tuple[str, str] | None = None


Rule = Callable[[str, Any, Any], Iterator[Draft]]


def _plain(field: str, old: Any, new: Any) -> Iterator[Draft]:
    """A field that holds no resource: Asana names the field, without the value."""
    yield Draft("changed", field=field, field_action="changed")


def _ref(kind: str) -> Rule:
    def rule(field: str, old: Any, new: Any) -> Iterator[Draft]:
        value = None if new is None else (kind, new)
        yield Draft("changed", field=field, field_action="changed", value=value)

    return rule


def _refs(kind: str) -> Rule:
    def rule(field: str, old: Any, new: Any) -> Iterator[Draft]:
        for gid in new:
            if gid not in old:
                yield Draft("changed", field=field, field_action="added", value=(kind, gid))
        for gid in old:
            if gid not in new:
                yield Draft("changed", field=field, field_action="removed", value=(kind, gid))

    return rule


def _likes(field: str, old: Any, new: Any) -> Iterator[Draft]:
    """Likes are kept as {gid, user}: the user who liked is the value."""
    yield from _refs("user")(field, [like["user"] for like in old],
                             [like["user"] for like in new])  # fmt: skip


def _custom_fields(field: str, old: Any, new: Any) -> Iterator[Draft]:
    """A custom field's value set, changed or cleared: the custom field is the value."""
    for gid in dict.fromkeys([*new, *old]):
        if old.get(gid) != new.get(gid):
            yield Draft("changed", field=field, field_action="changed", value=("custom_field", gid))


def _memberships(field: str, old: Any, new: Any) -> Iterator[Draft]:
    """A task added to (or removed from) a project, or moved to another of its sections."""
    before = {m["project"]: m["section"] for m in old}
    after = {m["project"]: m["section"] for m in new}
    for project, section in after.items():
        if project not in before:
            yield Draft("added", parent=("project", project))
            yield Draft("added", parent=("section", section))
        elif before[project] != section:
            yield Draft("removed", parent=("section", before[project]))
            yield Draft("added", parent=("section", section))
    for project in before:
        if project not in after:
            yield Draft("removed", parent=("project", project))


def _kept(field: str, old: Any, new: Any) -> Iterator[Draft]:
    """Copied to place the record (its parent), never an event of its own."""
    return iter(())


WATCHED: dict[str, dict[str, Rule]] = {
    "task": {
        **dict.fromkeys(("name", "notes", "due_on", "start_on", "completed", "resource_subtype",
                         "approval_status"), _plain),
        "assignee": _ref("user"), "followers": _refs("user"), "tags": _refs("tag"),
        "dependencies": _refs("task"), "dependents": _refs("task"), "likes": _likes,
        "custom_fields": _custom_fields, "memberships": _memberships, "parent": _kept,
    },
    "project": {
        **dict.fromkeys(("name", "notes", "archived", "color", "default_view",
                         "privacy_setting", "due_on", "start_on", "completed"), _plain),
        "owner": _ref("user"), "team": _ref("team"),
        "current_status_update": _ref("status_update"), "followers": _refs("user"),
        "members": _refs("user"),
    },
    "section": {"name": _plain, "project": _kept},
    "story": {"task": _kept},
    "attachment": {"parent": _kept, "parent_type": _kept},  # never changed: added or deleted
    "status_update": {"parent": _kept, "title": _plain, "text": _plain, "status_type": _plain},
}  # fmt: skip
_NAMES = {kind: tuple(fields) for kind, fields in WATCHED.items()}
_GETTERS = {kind: attrgetter(*names) for kind, names in _NAMES.items()}


def snapshot(kind: str, record: Record) -> dict[str, Any]:
    """A copy of the fields of `record` events report (lists and structs copied too)."""
    names = _NAMES[kind]
    values = _GETTERS[kind](record)
    if len(names) == 1:  # attrgetter of one name gives the value itself
        values = (values,)
    return dict(zip(names, msgspec.to_builtins(values), strict=True))


def changed(kind: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Draft]:
    for field, rule in WATCHED[kind].items():
        if old[field] != new[field]:
            yield from rule(field, old[field], new[field])


def created(store: Store, kind: str, new: dict[str, Any]) -> Iterator[Draft]:
    """A new record as Asana reports it: added to where it was made."""
    if kind == "task":
        yield from _memberships("memberships", [], new["memberships"])
        if new["parent"] is not None:
            yield Draft("added", parent=("task", new["parent"]))
    elif kind == "story":
        yield Draft("added", parent=("task", new["task"]))
    elif kind == "attachment":
        yield Draft("added", parent=(new["parent_type"], new["parent"]))
    elif kind == "section":
        yield Draft("added", parent=("project", new["project"]))
    elif kind == "project":
        team = new["team"]
        yield Draft("added", parent=("team", team) if team else ("workspace", store.workspace.gid))
    elif kind == "status_update":
        parent = new["parent"]
        yield Draft("added", parent=("project" if store.get("project", parent) else "portfolio",
                                     parent))  # fmt: skip


def ancestors(
    store: Store, seen: Mapping[str, tuple[str, dict[str, Any]]], kind: str, fields: dict[str, Any]
) -> tuple[str, ...]:
    """The gids a change of this record bubbles up to: a task's projects and parent task (and
    theirs), a story's task, an attachment's task (and the task's line) or project, a
    section's project, a status update's parent. A task deleted in the same request is found
    in `seen`, the journal's copies."""
    if kind == "task":
        projects = [m["project"] for m in fields["memberships"]]
        return _task_line(store, seen, projects, fields["parent"])
    if kind == "story":
        return _under_task(store, seen, fields["task"])
    if kind == "attachment":
        if fields["parent_type"] == "task":
            return _under_task(store, seen, fields["parent"])
        return (fields["parent"],)
    if kind == "section":
        return (fields["project"],)
    if kind == "status_update":
        return (fields["parent"],)
    return ()


def _under_task(
    store: Store, seen: Mapping[str, tuple[str, dict[str, Any]]], gid: str
) -> tuple[str, ...]:
    """A task and the gids its own changes bubble up to (what is on a task bubbles with it)."""
    task = store.get("task", gid)
    if not isinstance(task, Task):
        return (gid,)
    return (gid, *_task_line(store, seen, [m.project for m in task.memberships], task.parent))


def _task_line(
    store: Store,
    seen: Mapping[str, tuple[str, dict[str, Any]]],
    projects: list[str],
    parent: str | None,
) -> tuple[str, ...]:
    line = list(projects)
    for _ in range(10):  # subtasks of subtasks, not endlessly
        if parent is None:
            break
        line.append(parent)
        task = store.get("task", parent)
        if isinstance(task, Task):
            line += [m.project for m in task.memberships]
            parent = task.parent
        elif parent in seen:
            copy = seen[parent][1]
            line += [m["project"] for m in copy["memberships"]]
            parent = copy["parent"]
        else:
            break
    return tuple(dict.fromkeys(line))
