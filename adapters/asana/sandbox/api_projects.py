"""Projects and sections."""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Project, Section, Task, Team, Workspace
from adapters.asana.sandbox.ops import insert, place_in_section, project_tasks

COLORS = [
    "dark-pink",
    "dark-green",
    "dark-blue",
    "dark-red",
    "dark-teal",
    "dark-brown",
    "dark-orange",
    "dark-purple",
    "dark-warm-gray",
    "light-pink",
    "light-green",
    "light-blue",
    "light-red",
    "light-teal",
    "light-brown",
    "light-orange",
    "light-purple",
    "light-warm-gray",
    "none",
]

PROJECT_UPDATE_SPEC: dict[str, v.Checker] = {
    "name": v.name,
    "notes": v.text,
    "archived": v.boolean,
    "color": v.one_of(*COLORS, None),
    "default_view": v.one_of("list", "board", "calendar", "timeline"),
    "privacy_setting": v.one_of("public_to_workspace", "private_to_team", "private"),
    "due_on": v.nullable(v.day),
    "due_date": v.nullable(v.day),
    "start_on": v.nullable(v.day),
    "owner": v.nullable(v.ref("user")),
    "team": v.ref("team"),
}
PROJECT_CREATE_SPEC = {**PROJECT_UPDATE_SPEC, "workspace": v.ref("workspace")}
_PROJECT_ATTRS = set(PROJECT_UPDATE_SPEC) - {"due_date"}


def _project_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise ``due_date`` into ``due_on`` and check Asana's start/due rules."""
    if "due_date" in data:
        if "due_on" in data and data["due_on"] != data["due_date"]:
            raise bad_request("data.due_date: conflicts with data.due_on (send one of them)")
        data["due_on"] = data.pop("due_date")
    v.check_dates(data)
    return data


def _create(call: Call, data: dict[str, Any], workspace: str, team: str | None) -> Answer:
    data = _project_fields(data)
    # Asana always reports a project's team (the spec's ``team`` is not nullable); a project
    # created without one joins the workspace's team.
    team = team or call.store.team.gid
    project = Project(
        gid=call.store.new_gid(),
        workspace=workspace,
        team=team,
        created_at=call.now,
        modified_at=call.now,
        owner=data.pop("owner", call.user_gid),
        followers=[call.user_gid],
        members=[call.user_gid],
        **{k: val for k, val in data.items() if k in _PROJECT_ATTRS},
    )
    # Asana gives every new project one section to hold tasks added without a section.
    section = Section(gid=call.store.new_gid(), name="Untitled section", project=project.gid,
                      created_at=call.now)  # fmt: skip
    project.sections.append(section.gid)
    call.store.put("section", section)
    call.store.put("project", project)
    return call.one("project", project, status=201)


def create_project(call: Call) -> Answer:
    call.allow_query()
    data = call.data(PROJECT_CREATE_SPEC)
    team = data.pop("team", None)
    workspace = data.pop("workspace", None)
    if team is None and workspace is None:
        raise bad_request("data.workspace: required (or data.team)")
    if team is not None:
        team_ws = call.store.require("team", team, Team).workspace
        if workspace is not None and workspace != team_ws:
            raise bad_request("data.team: belongs to another workspace than data.workspace")
        workspace = team_ws
    return _create(call, data, workspace, team)


def create_project_in_workspace(call: Call, workspace_gid: str) -> Answer:
    call.allow_query()
    call.store.require("workspace", workspace_gid, Workspace)
    data = call.data(PROJECT_UPDATE_SPEC)
    return _create(call, data, workspace_gid, data.pop("team", None))


def create_project_in_team(call: Call, team_gid: str) -> Answer:
    call.allow_query()
    team = call.store.require("team", team_gid, Team)
    data = call.data({k: c for k, c in PROJECT_UPDATE_SPEC.items() if k != "team"})
    return _create(call, data, team.workspace, team.gid)


def _list(call: Call, workspace: str | None, team: str | None) -> Answer:
    archived = call.query_bool("archived")
    projects = [
        p
        for p in call.store.all("project")
        if isinstance(p, Project)
        and (workspace is None or p.workspace == workspace)
        and (team is None or p.team == team)
        and (archived is None or p.archived == archived)
    ]
    return call.many("project", projects)


def list_projects(call: Call) -> Answer:
    call.allow_query("workspace", "team", "archived", paged=True)
    team = call.query_ref("team", "team", required=False)
    workspace = call.query_ref("workspace", "workspace", required=team is None)
    return _list(call, workspace, team)


def list_workspace_projects(call: Call, workspace_gid: str) -> Answer:
    call.allow_query("archived", paged=True)
    call.store.require("workspace", workspace_gid, Workspace)
    return _list(call, workspace_gid, None)


def list_team_projects(call: Call, team_gid: str) -> Answer:
    call.allow_query("archived", paged=True)
    call.store.require("team", team_gid, Team)
    return _list(call, None, team_gid)


def get_project(call: Call, project_gid: str) -> Answer:
    call.allow_query()
    return call.one("project", call.store.require("project", project_gid, Project))


def update_project(call: Call, project_gid: str) -> Answer:
    call.allow_query()
    project = call.store.require("project", project_gid, Project)
    data = _project_fields(call.data(PROJECT_UPDATE_SPEC))
    for key, value in data.items():
        setattr(project, key, value)
    project.modified_at = call.now
    call.store.put("project", project)
    return call.one("project", project)


def delete_project(call: Call, project_gid: str) -> Answer:
    call.allow_query()
    store = call.store
    project = store.require("project", project_gid, Project)
    # Tasks outlive their project in Asana: they only lose the membership.
    for task in project_tasks(store, project):
        task.memberships = [m for m in task.memberships if m.project != project.gid]
        store.put("task", task)
    for gid in project.sections:
        store.delete("section", gid)
    for gid in project.status_updates:
        store.delete("status_update", gid)
    store.delete("project", project.gid)
    return call.empty()


# -- sections ----------------------------------------------------------------------------------

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
    return call.many("task", _completed_since(call, tasks))


def _completed_since(call: Call, tasks: list[Any]) -> list[Any]:
    since = call.query.get("completed_since")
    if since is None:
        return tasks
    if since == "now":
        return [t for t in tasks if not t.completed]
    return [t for t in tasks if not t.completed or (t.completed_at or "") >= since]
