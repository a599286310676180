"""Task subtypes (milestone, approval), approval status, custom field values and tags.

``prepare_*`` validate a create/update body against the task and normalise it (an approval's
``completed`` follows its ``approval_status`` and the other way round, as Asana keeps them in
sync); ``apply`` then mutates. Nothing changes when a check fails.
"""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.api_fields import check_fields_on_projects, custom_field_values
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Call
from adapters.asana.sandbox.model import Task

SUBTYPES = ("default_task", "milestone", "approval")
APPROVAL_STATUSES = ("pending", "approved", "rejected", "changes_requested")


def _subtype(path: str, value: Any, lookup: v.Lookup) -> str:
    if value == "custom":
        raise bad_request(f"{path}: 'custom' tasks need a custom type; the sandbox has none")
    return v.one_of(*SUBTYPES)(path, value, lookup)


UPDATE_SPEC: dict[str, v.Checker] = {
    "resource_subtype": _subtype,
    "approval_status": v.one_of(*APPROVAL_STATUSES),
    "custom_fields": custom_field_values,
    "tags": v.rejected("cannot change with PUT (use POST /tasks/{task_gid}/addTag)"),
}
CREATE_SPEC: dict[str, v.Checker] = {**UPDATE_SPEC, "tags": v.ref_list("tag")}


def prepare_create(call: Call, data: dict[str, Any], projects: list[str]) -> dict[str, Any]:
    """Pop and check the extras of a new task; fix up ``data["completed"]`` for approvals."""
    extras = {k: data.pop(k) for k in list(data) if k in CREATE_SPEC}
    subtype = extras.get("resource_subtype", "default_task")
    _check_subtype(subtype, data.get("start_on"), extras)
    if subtype == "approval":
        extras["approval_status"] = _synced_status(data, extras.get("approval_status"), "pending")
    check_fields_on_projects(call, extras.get("custom_fields", {}), projects)
    return extras


def prepare_update(call: Call, task: Task, data: dict[str, Any]) -> dict[str, Any]:
    extras = {k: data.pop(k) for k in list(data) if k in UPDATE_SPEC}
    subtype = extras.get("resource_subtype", task.resource_subtype)
    _check_subtype(subtype, data.get("start_on", task.start_on), extras)
    if subtype == "approval":
        current = task.approval_status or ("approved" if task.completed else "pending")
        extras["approval_status"] = _synced_status(data, extras.get("approval_status"), current)
    projects = [m.project for m in task.memberships]
    check_fields_on_projects(call, extras.get("custom_fields", {}), projects)
    return extras


def _check_subtype(subtype: str, start_on: str | None, extras: dict[str, Any]) -> None:
    if subtype == "milestone" and start_on is not None:
        raise bad_request("data.start_on: a milestone is a moment in time and has no start date")
    if "approval_status" in extras and subtype != "approval":
        raise bad_request(
            "data.approval_status: only approval tasks (resource_subtype approval) have one"
        )


def _synced_status(data: dict[str, Any], status: str | None, current: str) -> str:
    """Asana's rule: pending ⇔ not completed; completing an approval approves it."""
    completed = data.get("completed")
    if status is None:
        status = current if completed is None else ("approved" if completed else "pending")
        if completed and current != "pending":
            status = current  # already decided: completing again keeps the decision
    elif completed is not None and completed != (status != "pending"):
        raise bad_request(
            f"data.completed: {completed} contradicts data.approval_status {status!r} "
            "(pending means not completed)"
        )
    data["completed"] = status != "pending"
    return status


def apply(call: Call, task: Task, extras: dict[str, Any]) -> None:
    if "resource_subtype" in extras:
        task.resource_subtype = extras["resource_subtype"]
    task.approval_status = (
        extras.get("approval_status") if task.resource_subtype == "approval" else None
    )
    for gid, value in extras.get("custom_fields", {}).items():
        if value is None:
            task.custom_fields.pop(gid, None)
        else:
            task.custom_fields[gid] = value
    for gid in extras.get("tags", []):
        if gid not in task.tags:
            task.tags.append(gid)
    call.store.put("task", task)
