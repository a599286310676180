"""Lists of tasks: by project, section or assignee, a project's, a task's subtasks; and the
filters they share (``completed_since``, ``modified_since``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Project, Section, Task
from adapters.asana.sandbox.ops import project_tasks


def list_tasks(call: Call) -> Answer:
    call.allow_query("project", "section", "assignee", "workspace", "completed_since",
                     "modified_since", paged=True)  # fmt: skip
    store = call.store
    if "project" in call.query:
        project = store.require("project", call.query_ref("project", "project") or "", Project)
        tasks: list[Any] = project_tasks(store, project)
    elif "section" in call.query:
        section = store.require("section", call.query_ref("section", "section") or "", Section)
        tasks = [store.records["task"][g] for g in section.tasks]
    elif "assignee" in call.query:
        assignee = call.query_ref("assignee", "user")
        call.query_ref("workspace", "workspace")
        tasks = [t for t in store.all("task") if isinstance(t, Task) and t.assignee == assignee]
    else:
        raise bad_request("project: required (or section, or assignee with workspace)")
    return call.many("task", filter_tasks(call, tasks))


def list_project_tasks(call: Call, project_gid: str) -> Answer:
    call.allow_query("completed_since", paged=True)
    project = call.store.require("project", project_gid, Project)
    return call.many("task", filter_tasks(call, project_tasks(call.store, project)))


def filter_tasks(call: Call, tasks: list[Any]) -> list[Any]:
    """Tasks incomplete or completed since ``completed_since`` (``now``: incomplete only), and
    modified since ``modified_since`` (the parameters a list takes: ``allow_query``)."""
    since = call.query_time("completed_since", now_ok=True)
    if since is not None:
        tasks = [t for t in tasks if not t.completed or _moment(t.completed_at) >= since]
    modified = call.query_time("modified_since")
    if modified is not None:
        tasks = [t for t in tasks if _moment(t.modified_at) >= modified]
    return tasks


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def list_subtasks(call: Call, task_gid: str) -> Answer:
    call.allow_query(paged=True)
    task = call.store.require("task", task_gid, Task)
    return call.many("task", [call.store.records["task"][g] for g in task.subtasks])


# The counts Asana has, none returned unless opt_fields asks for it.
TASK_COUNTS = ("num_tasks", "num_incomplete_tasks", "num_completed_tasks", "num_milestones",
               "num_incomplete_milestones", "num_completed_milestones")  # fmt: skip


def get_task_counts(call: Call, project_gid: str) -> Answer:
    """``GET /projects/{gid}/task_counts``: "All fields are excluded by default" (the spec)."""
    call.allow_query()
    project = call.store.require("project", project_gid, Project)
    wanted = call.fields() or {}
    for name, below in wanted.items():
        if name not in TASK_COUNTS or below:
            raise bad_request(f"opt_fields: unknown field {name!r} for task counts (expected "
                              f"one of {', '.join(TASK_COUNTS)})")  # fmt: skip
    tasks = project_tasks(call.store, project)
    milestones = [t for t in tasks if t.resource_subtype == "milestone"]
    counts = {
        "num_tasks": len(tasks),
        "num_incomplete_tasks": sum(not t.completed for t in tasks),
        "num_completed_tasks": sum(t.completed for t in tasks),
        "num_milestones": len(milestones),
        "num_incomplete_milestones": sum(not t.completed for t in milestones),
        "num_completed_milestones": sum(t.completed for t in milestones),
    }
    return 200, {"data": {name: counts[name] for name in TASK_COUNTS if name in wanted}}
