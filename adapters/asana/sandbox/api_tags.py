"""Tags on tasks, and dependencies between tasks (a paid feature: 402 on the free plan)."""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.api_projects import PALETTE
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Tag, Task, Workspace
from adapters.asana.sandbox.ops import add_story
from adapters.asana.sandbox.plans import DEPENDENCIES, require_paid

TAG_SPEC: dict[str, v.Checker] = {
    "name": v.name,
    "color": v.nullable(v.one_of(*PALETTE)),  # the spec's TagBase: no "none" (null instead)
    "notes": v.text,
    "followers": v.ref_list("user"),
}
# Asana's limit on dependencies plus dependents of one task.
MAX_LINKS = 30


def _new_tag(call: Call, data: dict[str, Any], workspace: str) -> Answer:
    tag = Tag(gid=call.store.new_gid(), name=data["name"], workspace=workspace,
              created_at=call.now, color=data.get("color"), notes=data.get("notes", ""),
              followers=data.get("followers", []))  # fmt: skip
    call.store.put("tag", tag)
    return call.one("tag", tag, status=201)


def create_tag(call: Call) -> Answer:
    call.allow_query()
    data = call.data({**TAG_SPEC, "workspace": v.ref("workspace")}, required=("name", "workspace"))
    return _new_tag(call, data, data["workspace"])


def create_tag_in_workspace(call: Call, workspace_gid: str) -> Answer:
    call.allow_query()
    call.store.require("workspace", workspace_gid, Workspace)
    return _new_tag(call, call.data(TAG_SPEC, required=("name",)), workspace_gid)


def get_tag(call: Call, tag_gid: str) -> Answer:
    call.allow_query()
    return call.one("tag", call.store.require("tag", tag_gid, Tag))


def list_tags(call: Call) -> Answer:
    call.allow_query("workspace", paged=True)
    workspace = call.query_ref("workspace", "workspace")
    tags = [t for t in call.store.all("tag") if isinstance(t, Tag) and t.workspace == workspace]
    return call.many("tag", tags)


def list_workspace_tags(call: Call, workspace_gid: str) -> Answer:
    call.allow_query(paged=True)
    call.store.require("workspace", workspace_gid, Workspace)
    tags = [t for t in call.store.all("tag") if isinstance(t, Tag) and t.workspace == workspace_gid]
    return call.many("tag", tags)


def list_tag_tasks(call: Call, tag_gid: str) -> Answer:
    call.allow_query(paged=True)
    call.store.require("tag", tag_gid, Tag)
    tasks = [t for t in call.store.all("task") if isinstance(t, Task) and tag_gid in t.tags]
    return call.many("task", tasks)


def list_task_tags(call: Call, task_gid: str) -> Answer:
    call.allow_query(paged=True)
    task = call.store.require("task", task_gid, Task)
    return call.many("tag", [call.store.records["tag"][g] for g in task.tags])


def add_tag(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    task = call.store.require("task", task_gid, Task)
    tag = call.data({"tag": v.ref("tag")}, required=("tag",))["tag"]
    if tag not in task.tags:
        task.tags.append(tag)
        name = call.store.require("tag", tag, Tag).name
        add_story(call, task, "added_to_tag", f"added to {name}", refs={"tag": tag})
    return call.empty()


def remove_tag(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    task = call.store.require("task", task_gid, Task)
    tag = call.data({"tag": v.ref("tag")}, required=("tag",))["tag"]
    if tag in task.tags:
        task.tags.remove(tag)
        name = call.store.require("tag", tag, Tag).name
        add_story(call, task, "removed_from_tag", f"removed from {name}", refs={"tag": tag})
    return call.empty()


# -- dependencies ------------------------------------------------------------------------------


def add_dependencies(call: Call, task_gid: str) -> Answer:
    """Make the listed tasks ones this task waits on."""
    return _link(call, task_gid, "dependencies")


def add_dependents(call: Call, task_gid: str) -> Answer:
    """Make the listed tasks wait on this one."""
    return _link(call, task_gid, "dependents")


def _link(call: Call, task_gid: str, side: str) -> Answer:
    """Asana's rules for both directions: a paid feature, no self-links or cycles, and at most
    MAX_LINKS dependencies and dependents per task (on each task involved)."""
    call.allow_query()
    require_paid(call, DEPENDENCIES)
    task = call.store.require("task", task_gid, Task)
    new = call.data({side: v.ref_list("task")}, required=(side,))[side]
    new = [g for g in new if g not in getattr(task, side)]
    for i, gid in enumerate(new):
        path = f"data.{side}[{i}]"
        if gid == task.gid:
            raise bad_request(f"{path}: a task cannot depend on itself")
        first, then = (gid, task.gid) if side == "dependencies" else (task.gid, gid)
        if _reaches(call, first, then):  # `then` would wait on `first`, which waits on `then`
            cycle = f"task '{gid}' and this task would wait on each other (a cycle)"
            raise bad_request(f"{path}: {cycle}")
        other = call.store.require("task", gid, Task)
        if len(other.dependencies) + len(other.dependents) >= MAX_LINKS:
            raise bad_request(f"{path}: task '{gid}' has {MAX_LINKS} dependencies and dependents")
    if len(task.dependencies) + len(task.dependents) + len(new) > MAX_LINKS:
        raise bad_request(
            f"data.{side}: a task can have at most {MAX_LINKS} dependencies and dependents"
        )
    for gid in new:
        other = call.store.require("task", gid, Task)
        if side == "dependencies":
            task.dependencies.append(gid)
            other.dependents.append(task.gid)
        else:
            task.dependents.append(gid)
            other.dependencies.append(task.gid)
        call.store.put("task", other)
    task.modified_at = call.now
    call.store.put("task", task)
    return call.empty()


def _reaches(call: Call, start: str, target: str) -> bool:
    """Whether ``start`` depends on ``target``, directly or through other tasks."""
    seen, todo = set(), [start]
    while todo:
        gid = todo.pop()
        if gid == target:
            return True
        if gid not in seen:
            seen.add(gid)
            task = call.store.get("task", gid)
            todo.extend(getattr(task, "dependencies", ()))
    return False


def list_dependencies(call: Call, task_gid: str) -> Answer:
    call.allow_query(paged=True)
    require_paid(call, DEPENDENCIES)
    task = call.store.require("task", task_gid, Task)
    return call.many("task", _existing(call, task.dependencies))


def list_dependents(call: Call, task_gid: str) -> Answer:
    call.allow_query(paged=True)
    require_paid(call, DEPENDENCIES)
    task = call.store.require("task", task_gid, Task)
    return call.many("task", _existing(call, task.dependents))


def _existing(call: Call, gids: list[str]) -> list[Task]:
    return [t for g in gids if isinstance(t := call.store.get("task", g), Task)]
