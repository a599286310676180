"""Projects (their sections: api_sections)."""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Project, Section, Task, Team, Workspace
from adapters.asana.sandbox.ops import delete_attachments, project_tasks

# Asana's palette of colours; a project's may also be "none" (the spec's ProjectBase).
PALETTE = [
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
]
COLORS = [*PALETTE, "none"]

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
    "followers": v.rejected("create-only"),
    # The spec's other ProjectRequest fields, which the sandbox does not keep.
    "html_notes": v.unsupported("send notes, as plain text"),
    "custom_fields": v.unsupported("projects keep no custom field values here"),
    "public": v.unsupported("deprecated by Asana: send privacy_setting"),
    "current_status": v.unsupported("deprecated by Asana: post a status update"),
    **dict.fromkeys(("icon", "default_access_level", "minimum_access_level_for_customization",
                     "minimum_access_level_for_sharing"),
                    v.unsupported("leave it out")),
}  # fmt: skip
# Create-only: "Comma separated string of users" (an array is taken too), who also become members.
_ON_CREATE: dict[str, v.Checker] = {"followers": v.user_list}
PROJECT_CREATE_SPEC = {**PROJECT_UPDATE_SPEC, **_ON_CREATE, "workspace": v.ref("workspace")}
PROJECT_IN_WORKSPACE_SPEC = {**PROJECT_UPDATE_SPEC, **_ON_CREATE}
PROJECT_IN_TEAM_SPEC = {k: c for k, c in PROJECT_IN_WORKSPACE_SPEC.items() if k != "team"}
_PROJECT_ATTRS = {"name", "notes", "archived", "color", "default_view", "privacy_setting",
                  "due_on", "start_on", "owner"}  # fmt: skip
# The spec on createProject: "The `team` parameter and the `private_to_team` value for
# `privacy_setting` are deprecated. When either is included in the request, the `Asana-Change`
# response header will indicate an affected deprecation" (updateProject says the same of
# `team`). It names no change: the name and link are the sandbox's own, in the header's
# documented form (name=...;info=...;affected=true).
TEAM_DEPRECATION = (
    "name=project_team_parameter;info=https://developers.asana.com/reference/createmembership;"
    "affected=true"
)


def _project_data(call: Call, spec: dict[str, v.Checker]) -> dict[str, Any]:
    """The request's project fields; a deprecated one is flagged as Asana flags it."""
    data = call.data(spec)
    if "team" in data or data.get("privacy_setting") == "private_to_team":
        call.headers["Asana-Change"] = TEAM_DEPRECATION
    return data


def _project_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise ``due_date`` into ``due_on`` and check Asana's start/due rules."""
    if "due_date" in data:
        if "due_on" in data and data["due_on"] != data["due_date"]:
            raise bad_request("data.due_date: conflicts with data.due_on (send one of them)")
        data["due_on"] = data.pop("due_date")
    v.check_dates(data, distinct=True)
    return data


def _create(call: Call, data: dict[str, Any], workspace: str, team: str | None) -> Answer:
    data = _project_fields(data)
    # The spec (createProject, createProjectForWorkspace): "If the workspace for your project
    # is an organization, you must also supply a team to share the project with."
    if team is None and call.store.is_organization(workspace):
        raise bad_request(
            "data.team: required in an organization (a project is shared with a team; or "
            "create it with POST /teams/{team_gid}/projects)"
        )
    people = list(dict.fromkeys([call.user_gid, *data.pop("followers", [])]))
    project = Project(
        gid=call.store.new_gid(),
        workspace=workspace,
        team=team,
        created_at=call.now,
        modified_at=call.now,
        owner=data.pop("owner", call.user_gid),
        followers=people,
        members=list(people),
        **{k: val for k, val in data.items() if k in _PROJECT_ATTRS},
    )
    # Asana gives every new project one section to hold tasks added without a section.
    section = Section(gid=call.store.new_gid(), name="Untitled section", project=project.gid,
                      created_at=call.now)  # fmt: skip
    project.sections.append(section.gid)
    call.store.put("project", project)  # first: the journal tells of the project, then of
    call.store.put("section", section)  # its section, in the order they were put
    return call.one("project", project, status=201)


def create_project(call: Call) -> Answer:
    call.allow_query()
    data = _project_data(call, PROJECT_CREATE_SPEC)
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
    data = _project_data(call, PROJECT_IN_WORKSPACE_SPEC)
    return _create(call, data, workspace_gid, data.pop("team", None))


def create_project_in_team(call: Call, team_gid: str) -> Answer:
    call.allow_query()
    team = call.store.require("team", team_gid, Team)
    data = _project_data(call, PROJECT_IN_TEAM_SPEC)
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


def list_task_projects(call: Call, task_gid: str) -> Answer:
    call.allow_query(paged=True)
    task = call.store.require("task", task_gid, Task)
    return call.many("project", [call.store.require("project", m.project, Project)
                                 for m in task.memberships])  # fmt: skip


def get_project(call: Call, project_gid: str) -> Answer:
    call.allow_query()
    return call.one("project", call.store.require("project", project_gid, Project))


def update_project(call: Call, project_gid: str) -> Answer:
    call.allow_query()
    project = call.store.require("project", project_gid, Project)
    data = _project_fields(_project_data(call, PROJECT_UPDATE_SPEC))
    start, due = data.get("start_on", project.start_on), data.get("due_on", project.due_on)
    if start is not None and due is None:
        raise bad_request("data.due_on: the project has a start date; send start_on: null too")
    if start is not None and start >= due:
        raise bad_request(f"data.due_on: must be after the project's start date ({start})")
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
    for gid in project.custom_field_settings:
        store.delete("custom_field_setting", gid)
    delete_attachments(store, project.gid)
    store.delete("project", project.gid)
    return call.empty()
