"""``GET /events``: the changes of a task or a project since a sync token; and
``GET /workspaces/{gid}/events``: every change in the workspace (the journal: ``changes``; what
a change means as an event: ``change_rules``).

As Asana: without ``sync``, or with a token that is not one of this server's or older than the
history it keeps, the answer is 412 Precondition Failed with a fresh ``sync`` token (from now
on); with one, up to 100 events (a workspace's: 1000) in the order they happened, the token to
send next, and ``has_more`` when more are waiting after those. Both streams share the
journal's positions, so a token of one is valid for the other.
"""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox.apierror import ApiError, bad_request, with_article
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.changes import Change
from adapters.asana.sandbox.model import Workspace
from adapters.asana.sandbox.render import COMPACT, parse_opt_fields, render
from adapters.asana.secrecy import shown

PAGE = 100  # Asana: "Asana limits a single sync token to 100 events"
WORKSPACE_PAGE = 1000  # the spec: "Asana limits a single sync token to 1000 events"
# Asana's words when the token is missing, unknown or too old.
SYNC_INVALID = (
    "Sync token invalid or too old. If you are attempting to keep resources in sync, you must "
    "fetch the full dataset for this query now and use the new sync token for the next sync."
)
KINDS = ("task", "project")  # the resources whose events the sandbox serves
# An event's fields, and the sub-fields opt_fields may name (the spec's list).
FIELDS: dict[str, frozenset[str]] = {
    "user": frozenset({"name"}),
    "resource": frozenset({"name"}),
    "type": frozenset(),
    "action": frozenset(),
    "parent": frozenset({"name"}),
    "created_at": frozenset(),
    "change": frozenset({"field", "action", "new_value", "added_value", "removed_value"}),
}


def get_events(call: Call) -> Answer:
    call.allow_query("resource", "sync")
    gid = call.query.get("resource")
    if gid is None:
        raise bad_request("resource: required query parameter")
    _check_resource(call, gid)
    return _stream(call, gid, PAGE, _wanted_fields(call))


def get_workspace_events(call: Call, workspace_gid: str) -> Answer:
    """The spec gives this stream no ``opt_fields``: its events come whole."""
    call.allow_query("sync", fields=False)
    call.store.require("workspace", workspace_gid, Workspace)
    return _stream(call, None, WORKSPACE_PAGE, None)


def _stream(
    call: Call, gid: str | None, page: int, wanted: dict[str, dict[str, Any]] | None
) -> Answer:
    """The events of `gid`'s stream (None: the workspace's) since the ``sync`` token."""
    journal = call.store.journal
    sync = call.query.get("sync")
    start = None if sync is None else journal.position(sync)
    if start is None:
        return 412, {"errors": [{"message": SYNC_INVALID}], "sync": journal.token()}
    changes, end, more = journal.since(start, gid, page)
    events = [_event(call, change, wanted) for change in changes]
    return 200, {"data": events, "sync": journal.token(end), "has_more": more}


def _check_resource(call: Call, gid: str) -> None:
    for kind in KINDS:
        if call.store.get(kind, gid) is not None:
            return
    for kind, records in call.store.records.items():
        if gid in records:
            raise bad_request(f"resource: {shown(gid, 60)} is {with_article(kind)}; the sandbox serves "
                              f"the events of tasks and projects")  # fmt: skip
    raise ApiError(404, f"resource: unknown gid {shown(gid, 60)}")


def _wanted_fields(call: Call) -> dict[str, dict[str, Any]] | None:
    """opt_fields, checked: the event fields to answer with (None: all of them)."""
    tree = parse_opt_fields(call.query.get("opt_fields"))
    if not tree:
        return None
    for name, sub in tree.items():
        if name not in FIELDS:
            raise bad_request(f"opt_fields: unknown field '{name}' for an event (expected one "
                              f"of {', '.join(FIELDS)})")  # fmt: skip
        for key, below in sub.items():
            if key not in FIELDS[name] or below:
                raise bad_request(f"opt_fields: unknown field '{name}.{key}' for an event")
    return tree


def _event(call: Call, change: Change, wanted: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "user": None if change.user is None else _compact(call, "user", change.user),
        "resource": _named(call, change.kind, change.gid),
        "type": change.kind,  # deprecated by Asana (the resource's resource_type), still sent
        "action": change.action,
        "parent": None if change.parent is None else _named(call, *change.parent),
        "created_at": change.at,
    }
    if change.action == "changed":
        detail: dict[str, Any] = {"field": change.field, "action": change.field_action}
        if change.value is not None:
            key = {"added": "added_value", "removed": "removed_value"}.get(
                change.field_action or "", "new_value"
            )
            detail[key] = _compact(call, *change.value)
        event["change"] = detail
    if wanted is None:
        return event
    out = {name: event[name] for name in wanted if name in event}
    if "change" in out and wanted["change"]:
        out["change"] = {k: v for k, v in out["change"].items() if k in wanted["change"]}
    return out


def _named(call: Call, kind: str, gid: str) -> dict[str, Any]:
    """The spec's ``AsanaNamedResource``: gid, resource_type and name (when it has one). A
    record deleted since is its gid and type."""
    record = call.store.get(kind, gid)
    out: dict[str, Any] = {"gid": gid, "resource_type": kind}
    name = getattr(record, "name", None)
    if isinstance(name, str):
        out["name"] = name
    return out


def _compact(call: Call, kind: str, gid: str) -> dict[str, Any]:
    """A resource an event names as a user or a value: its compact form, as Asana's events
    answer it (a record deleted since: its gid and type)."""
    record = call.store.get(kind, gid)
    if record is None:
        return {"gid": gid, "resource_type": kind}
    return render(kind, record, call, COMPACT)
