"""Status updates on projects and portfolios (a portfolio parent needs a paid plan)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Portfolio, Project, StatusUpdate
from adapters.asana.sandbox.plans import require_paid

# The spec (StatusUpdateBase.status_type) lists the same six for projects and portfolios;
# the rest of its enum is for goals only.
PROJECT_STATUS_TYPES = ("on_track", "at_risk", "off_track", "on_hold", "complete", "dropped")
GOAL_ONLY_STATUS_TYPES = ("achieved", "partial", "missed")


def _status_type(path: str, value: Any, lookup: v.Lookup) -> str:
    if value in GOAL_ONLY_STATUS_TYPES:
        raise bad_request(
            f"{path}: {value!r} applies to goals; a project or portfolio takes "
            f"{', '.join(PROJECT_STATUS_TYPES)}"
        )
    return v.one_of(*PROJECT_STATUS_TYPES)(path, value, lookup)


def _parent(path: str, value: Any, lookup: v.Lookup) -> str:
    if isinstance(value, str) and lookup.store.get("portfolio", value) is not None:
        return value
    return v.ref("project")(path, value, lookup)


def _parent_record(call: Call, gid: str) -> Project | Portfolio:
    """The parent project or portfolio (portfolios answer 402 on the free plan)."""
    portfolio = call.store.get("portfolio", gid)
    if isinstance(portfolio, Portfolio):
        require_paid(call)
        return portfolio
    return call.store.require("project", gid, Project)


STATUS_SPEC: dict[str, v.Checker] = {
    "parent": _parent,
    "status_type": _status_type,
    "title": v.text,
    "text": v.text,
}


def create_status_update(call: Call) -> Answer:
    call.allow_query()
    data = call.data(STATUS_SPEC, required=("parent", "status_type", "text"))
    project = _parent_record(call, data["parent"])
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
    if isinstance(project, Portfolio):
        call.store.put("status_update", update)
        call.store.put("portfolio", project)
        return call.one("status_update", update, status=201)
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
    parent = call.query.get("parent")
    if parent is None:
        raise bad_request("parent: required query parameter")
    project = _parent_record(call, _parent("parent", parent, call))
    since = call.query_time("created_since")
    records = call.store.records["status_update"]
    updates = cast("list[StatusUpdate]", [records[g] for g in project.status_updates])
    if since is not None:
        updates = [u for u in updates if datetime.fromisoformat(u.created_at) >= since]
    return call.many("status_update", updates)


def get_status_update(call: Call, status_update_gid: str) -> Answer:
    call.allow_query()
    return call.one(
        "status_update", call.store.require("status_update", status_update_gid, StatusUpdate)
    )


def delete_status_update(call: Call, status_update_gid: str) -> Answer:
    call.allow_query()
    update = call.store.require("status_update", status_update_gid, StatusUpdate)
    project = _parent_record(call, update.parent)
    project.status_updates.remove(update.gid)
    if project.current_status_update == update.gid:
        project.current_status_update = (
            project.status_updates[-1] if project.status_updates else None
        )
    call.store.put("portfolio" if isinstance(project, Portfolio) else "project", project)
    call.store.delete("status_update", update.gid)
    return call.empty()
