"""Status updates on projects (the only parent the sandbox has)."""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Project, StatusUpdate

PROJECT_STATUS_TYPES = ("on_track", "at_risk", "off_track", "on_hold", "complete")
GOAL_STATUS_TYPES = ("achieved", "partial", "missed", "dropped")


def _status_type(path: str, value: Any, lookup: v.Lookup) -> str:
    if value in GOAL_STATUS_TYPES:
        raise bad_request(
            f"{path}: {value!r} applies to goals; a project takes {', '.join(PROJECT_STATUS_TYPES)}"
        )
    return v.one_of(*PROJECT_STATUS_TYPES)(path, value, lookup)


STATUS_SPEC: dict[str, v.Checker] = {
    "parent": v.ref("project"),
    "status_type": _status_type,
    "title": v.text,
    "text": v.text,
}


def create_status_update(call: Call) -> Answer:
    call.allow_query()
    data = call.data(STATUS_SPEC, required=("parent", "status_type", "text"))
    project = call.store.require("project", data["parent"], Project)
    update = StatusUpdate(
        gid=call.store.new_gid(),
        parent=project.gid,
        status_type=data["status_type"],
        title=data.get("title", ""),
        text=data["text"],
        author=call.user_gid,
        created_at=call.now,
        modified_at=call.now,
    )
    project.status_updates.append(update.gid)
    project.current_status_update = update.gid
    if update.status_type == "complete" and not project.completed:
        project.completed, project.completed_at, project.completed_by = (
            True,
            call.now,
            call.user_gid,
        )
    project.modified_at = call.now
    call.store.put("status_update", update)
    call.store.put("project", project)
    return call.one("status_update", update, status=201)


def list_status_updates(call: Call) -> Answer:
    call.allow_query("parent", "created_since", paged=True)
    project = call.store.require("project", call.query_ref("parent", "project") or "", Project)
    since = call.query.get("created_since", "")
    updates = [call.store.records["status_update"][g] for g in project.status_updates]
    return call.many("status_update", [u for u in updates if u.created_at >= since])


def get_status_update(call: Call, status_update_gid: str) -> Answer:
    call.allow_query()
    return call.one(
        "status_update", call.store.require("status_update", status_update_gid, StatusUpdate)
    )


def delete_status_update(call: Call, status_update_gid: str) -> Answer:
    call.allow_query()
    update = call.store.require("status_update", status_update_gid, StatusUpdate)
    project = call.store.require("project", update.parent, Project)
    project.status_updates.remove(update.gid)
    if project.current_status_update == update.gid:
        project.current_status_update = (
            project.status_updates[-1] if project.status_updates else None
        )
    call.store.put("project", project)
    call.store.delete("status_update", update.gid)
    return call.empty()
