"""Tasks and subtasks: create, read, update (with the stories Asana adds), delete, followers,
projects (lists of tasks: ``api_task_lists``; comments: ``api_stories``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from adapters.asana.sandbox import task_extras as extras
from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Like, Project, Section, Task
from adapters.asana.sandbox.ops import (
    add_story,
    delete_task,
    place_in_section,
    user_name,
)

TASK_UPDATE_SPEC: dict[str, v.Checker] = {
    "name": v.text,
    "notes": v.text,
    "assignee": v.nullable(v.ref("user")),
    "due_on": v.nullable(v.day),
    "start_on": v.nullable(v.day),
    "completed": v.boolean,
    "liked": v.boolean,
    "projects": v.rejected("cannot change with PUT (use POST /tasks/{task_gid}/addProject)"),
    "memberships": v.rejected("cannot change with PUT (use POST /sections/{section_gid}/addTask)"),
    "followers": v.rejected("cannot change with PUT (use POST /tasks/{task_gid}/addFollowers)"),
    "parent": v.rejected("cannot change with PUT (create subtasks with POST .../subtasks)"),
    "workspace": v.rejected("create-only"),
    # The spec's other writable task fields, which the sandbox does not keep.
    "html_notes": v.unsupported("send notes, as plain text"),
    "due_at": v.unsupported("it keeps dates only: send due_on"),
    "start_at": v.unsupported("it keeps dates only: send start_on"),
    "assignee_status": v.unsupported("deprecated by Asana"),
    "assignee_section": v.unsupported("it has no My Tasks sections"),
    "external": v.unsupported("Asana takes it from OAuth apps only"),
    **extras.UPDATE_SPEC,
}
MEMBERSHIP_SPEC = {"project": v.ref("project"), "section": v.ref("section")}
TASK_CREATE_SPEC: dict[str, v.Checker] = {
    **TASK_UPDATE_SPEC,
    "followers": v.ref_list("user"),
    "projects": v.ref_list("project"),
    "memberships": v.objects(MEMBERSHIP_SPEC, required=("project", "section")),
    "parent": v.nullable(v.ref("task")),
    "workspace": v.ref("workspace"),
    **extras.CREATE_SPEC,
}
SUBTASK_SPEC = {k: c for k, c in TASK_CREATE_SPEC.items() if k != "parent"}


def _placements(call: Call, data: dict[str, Any]) -> list[Section]:
    """Where a new task goes: the given sections, else each project's first section."""
    sections: dict[str, Section] = {}
    for i, m in enumerate(data.get("memberships", [])):
        section = call.store.require("section", m["section"], Section)
        if section.project != m["project"]:
            raise bad_request(
                f"data.memberships[{i}].section: section '{section.gid}' is not in project "
                f"'{m['project']}'"
            )
        sections[m["project"]] = section
    for gid in data.get("projects", []):
        if gid not in sections:
            first = call.store.require("project", gid, Project).sections[0]
            sections[gid] = call.store.require("section", first, Section)
    return list(sections.values())


def _create(call: Call, data: dict[str, Any], parent: Task | None) -> Answer:
    v.check_dates(data)
    if parent is None and not ({"workspace", "projects", "memberships"} & data.keys()):
        raise bad_request("data.workspace: required (or data.projects, data.memberships, parent)")
    sections = _placements(call, data)
    more = extras.prepare_create(call, data, [s.project for s in sections])
    me = call.user_gid
    assignee = data.get("assignee")
    followers = [me, *([assignee] if assignee else []), *data.get("followers", [])]
    task = Task(
        gid=call.store.new_gid(),
        name=data.get("name", ""),
        notes=data.get("notes", ""),
        workspace=call.store.workspace.gid,
        created_at=call.now,
        modified_at=call.now,
        created_by=me,
        assignee=assignee,
        due_on=data.get("due_on"),
        start_on=data.get("start_on"),
        parent=parent.gid if parent else None,
        followers=list(dict.fromkeys(followers)),
    )
    if data.get("completed"):
        task.completed, task.completed_at, task.completed_by = True, call.now, me
    if data.get("liked"):
        task.likes.append(Like(gid=call.store.new_gid(), user=me))
    call.store.put("task", task)
    for section in sections:
        place_in_section(call, task, section, story=False)
    if parent is not None:
        parent.subtasks.append(task.gid)
        call.store.put("task", parent)
    extras.apply(call, task, more)
    return call.one("task", task, status=201)


def create_task(call: Call) -> Answer:
    call.allow_query()
    data = call.data(TASK_CREATE_SPEC)
    parent_gid = data.pop("parent", None)
    parent = call.store.require("task", parent_gid, Task) if parent_gid else None
    return _create(call, data, parent)


def create_subtask(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    parent = call.store.require("task", task_gid, Task)
    return _create(call, call.data(SUBTASK_SPEC), parent)


def get_task(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    return call.one("task", call.store.require("task", task_gid, Task))


def update_task(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    task = call.store.require("task", task_gid, Task)
    data = call.data(TASK_UPDATE_SPEC)
    v.check_dates(data)
    if data.get("due_on", task.due_on) is None and data.get("start_on", task.start_on):
        raise bad_request("data.due_on: the task has a start date; send start_on: null too")
    more = extras.prepare_update(call, task, data)
    _apply_update(call, task, data)
    extras.apply(call, task, more)
    return call.one("task", task)


def _apply_update(call: Call, task: Task, data: dict[str, Any]) -> None:
    me = call.user_gid
    if "name" in data and data["name"] != task.name:
        add_story(call, task, "name_changed", f'changed the name to "{data["name"]}"',
                  extra={"old_name": task.name, "new_name": data["name"]})  # fmt: skip
        task.name = data["name"]
    if "notes" in data and data["notes"] != task.notes:
        add_story(call, task, "notes_changed", "changed the description")
        task.notes = data["notes"]
    if "assignee" in data and data["assignee"] != task.assignee:
        new = data["assignee"]
        if new is None:
            add_story(call, task, "unassigned",
                      f"unassigned from {user_name(call.store, task.assignee or '')}")  # fmt: skip
        else:
            add_story(call, task, "assigned", f"assigned to {user_name(call.store, new)}",
                      refs={"assignee": new})  # fmt: skip
            if new not in task.followers:
                task.followers.append(new)
        task.assignee = new
    _update_dates(call, task, data)
    if "completed" in data and data["completed"] != task.completed:
        if data["completed"]:
            task.completed, task.completed_at, task.completed_by = True, call.now, me
            add_story(call, task, "marked_complete", "marked this task complete")
        else:
            task.completed, task.completed_at, task.completed_by = False, None, None
            add_story(call, task, "marked_incomplete", "marked incomplete")
    if "liked" in data:
        liked = any(like.user == me for like in task.likes)
        if data["liked"] and not liked:
            task.likes.append(Like(gid=call.store.new_gid(), user=me))
        elif not data["liked"] and liked:
            task.likes = [like for like in task.likes if like.user != me]
    task.modified_at = call.now
    call.store.put("task", task)


def _update_dates(call: Call, task: Task, data: dict[str, Any]) -> None:
    due = data.get("due_on", task.due_on)
    start = data.get("start_on", task.start_on)
    if (due, start) == (task.due_on, task.start_on):
        return
    old, new = _dates(task.start_on, task.due_on), _dates(start, due)
    if due is None:
        text = "removed the due date"
    elif start is None:
        text = f"changed the due date to {_short(due)}"
    else:
        text = f"changed the date range to {_short(start)} – {_short(due)}"
    add_story(call, task, "due_date_changed", text, extra={"old_dates": old, "new_dates": new})
    task.due_on, task.start_on = due, start


def _dates(start: str | None, due: str | None) -> dict[str, str | None]:
    """A story's old/new dates; Asana's ``due_on`` there is never null, so it is left out."""
    dates: dict[str, str | None] = {"start_on": start, "due_at": None}
    if due is not None:
        dates["due_on"] = due
    return dates


def _short(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d:%b} {d.day}, {d.year}"


def delete_task_endpoint(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    delete_task(call.store, call.store.require("task", task_gid, Task))
    return call.empty()


def add_followers(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    task = call.store.require("task", task_gid, Task)
    data = call.data({"followers": v.ref_list("user")}, required=("followers",))
    for gid in data["followers"]:
        if gid not in task.followers:
            task.followers.append(gid)
            add_story(call, task, "collaborator_added",
                      f"added {user_name(call.store, gid)} as a collaborator",
                      refs={"follower": gid})  # fmt: skip
    call.store.put("task", task)
    return call.one("task", task)


def remove_followers(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    task = call.store.require("task", task_gid, Task)
    data = call.data({"followers": v.ref_list("user")}, required=("followers",))
    task.followers = [g for g in task.followers if g not in data["followers"]]
    call.store.put("task", task)
    return call.one("task", task)


def add_project(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    task = call.store.require("task", task_gid, Task)
    spec = {"project": v.ref("project"), "section": v.nullable(v.ref("section")),
            "insert_before": v.nullable(v.ref("task")),
            "insert_after": v.nullable(v.ref("task"))}  # fmt: skip
    data = call.data(spec, required=("project",))
    project = call.store.require("project", data["project"], Project)
    section_gid = data.get("section") or project.sections[0]
    section = call.store.require("section", section_gid, Section)
    if section.project != project.gid:
        raise bad_request(
            f"data.section: section '{section_gid}' is not in project '{project.gid}'"
        )
    before, after = data.get("insert_before"), data.get("insert_after")
    for key, gid in (("insert_before", before), ("insert_after", after)):
        if gid is not None and (gid not in section.tasks or gid == task.gid):
            raise bad_request(f"data.{key}: task '{gid}' is not in the target section")
    if before is not None and after is not None:
        raise bad_request("data.insert_before: send insert_before or insert_after, not both")
    place_in_section(call, task, section, before, after)
    return call.empty()
