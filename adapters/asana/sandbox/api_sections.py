"""Sections of a project, and tasks placed in them."""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.api_task_lists import filter_tasks
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Project, Section, Task
from adapters.asana.sandbox.ops import insert, place_in_section

SECTION_SPEC: dict[str, v.Checker] = {
    "name": v.name,
    "insert_before": v.ref("section"),
    "insert_after": v.ref("section"),
}


def _neighbours(
    data: dict[str, Any], siblings: list[str], what: str
) -> tuple[str | None, str | None]:
    before, after = data.get("insert_before"), data.get("insert_after")
    if before is not None and after is not None:
        raise bad_request("data.insert_before: send insert_before or insert_after, not both")
    for key, gid in (("insert_before", before), ("insert_after", after)):
        if gid is not None and gid not in siblings:
            raise bad_request(f"data.{key}: {what} '{gid}' is not in this section/project")
    return before, after


def create_section(call: Call, project_gid: str) -> Answer:
    call.allow_query()
    project = call.store.require("project", project_gid, Project)
    data = call.data(SECTION_SPEC, required=("name",))
    before, after = _neighbours(data, project.sections, "section")
    section = Section(gid=call.store.new_gid(), name=data["name"], project=project.gid,
                      created_at=call.now)  # fmt: skip
    insert(project.sections, section.gid, before, after)
    call.store.put("section", section)
    call.store.put("project", project)
    return call.one("section", section, status=201)


def list_sections(call: Call, project_gid: str) -> Answer:
    call.allow_query(paged=True)
    project = call.store.require("project", project_gid, Project)
    return call.many("section", [call.store.records["section"][g] for g in project.sections])


def get_section(call: Call, section_gid: str) -> Answer:
    call.allow_query()
    return call.one("section", call.store.require("section", section_gid, Section))


def update_section(call: Call, section_gid: str) -> Answer:
    call.allow_query()
    section = call.store.require("section", section_gid, Section)
    project = call.store.require("project", section.project, Project)
    data = call.data(SECTION_SPEC, required=("name",))
    before, after = _neighbours(data, project.sections, "section")
    section.name = data["name"]
    if before or after:
        project.sections.remove(section.gid)
        insert(project.sections, section.gid, before, after)
        call.store.put("project", project)
    call.store.put("section", section)
    return call.one("section", section)


def delete_section(call: Call, section_gid: str) -> Answer:
    call.allow_query()
    section = call.store.require("section", section_gid, Section)
    project = call.store.require("project", section.project, Project)
    if section.tasks:
        raise bad_request(f"section {section_gid}: only an empty section can be deleted")
    if len(project.sections) == 1:
        raise bad_request(f"section {section_gid}: the last section of a project cannot be deleted")
    project.sections.remove(section.gid)
    call.store.put("project", project)
    call.store.delete("section", section.gid)
    return call.empty()


def add_task_to_section(call: Call, section_gid: str) -> Answer:
    call.allow_query()
    section = call.store.require("section", section_gid, Section)
    spec = {"task": v.ref("task"), "insert_before": v.ref("task"), "insert_after": v.ref("task")}
    data = call.data(spec, required=("task",))
    siblings = [g for g in section.tasks if g != data["task"]]
    before, after = _neighbours(data, siblings, "task")
    if before is None and after is None and siblings:
        before = siblings[0]  # Asana inserts at the top of the section by default
    task = call.store.require("task", data["task"], Task)
    place_in_section(call, task, section, before, after)
    return call.empty()


def list_section_tasks(call: Call, section_gid: str) -> Answer:
    call.allow_query("completed_since", paged=True)
    section = call.store.require("section", section_gid, Section)
    tasks = [call.store.records["task"][g] for g in section.tasks]
    return call.many("task", filter_tasks(call, tasks))
