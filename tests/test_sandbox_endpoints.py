"""Endpoints a script exploring a workspace calls first: a user's teams and team memberships, a
team's memberships, a project's task counts; and what the sandbox answers to an endpoint of
Asana's it does not serve, as opposed to a path Asana has not got."""

from __future__ import annotations

from adapters.asana.sandbox.asana_endpoints import ASANA_ENDPOINTS
from tests.sandbox_fixtures import error_message, ok_json, session_for

pytest_plugins = ["tests.sandbox_fixtures"]


def test_the_endpoint_list_is_asanas(asana_spec):
    methods = ("get", "post", "put", "delete", "patch")
    spec = {path: " ".join(m.upper() for m in item if m in methods)
            for path, item in asana_spec["paths"].items()}  # fmt: skip
    assert spec == ASANA_ENDPOINTS


def test_an_asana_endpoint_the_sandbox_lacks_says_so_unlike_an_unknown_path(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    assert error_message(s.get(f"{b}/goals/123"), 404) == (
        "Not implemented by the sandbox: GET /goals/123 is Asana's GET /goals/{goal_gid}, which "
        "the sandbox does not serve"
    )
    assert error_message(s.post(f"{b}/tasks/1/duplicate", json={"data": {}}), 404) == (
        "Not implemented by the sandbox: POST /tasks/1/duplicate is Asana's "
        "POST /tasks/{task_gid}/duplicate, which the sandbox does not serve"
    )
    custom_id = s.get(f"{b}/workspaces/1/tasks/custom_id/X-1")
    assert "Asana's GET /workspaces/{workspace_gid}/tasks/custom_id/{custom_id}," in error_message(
        custom_id, 404
    )
    search = s.get(f"{b}/workspaces/1/tasks/search")  # served: not a task's custom_id
    assert error_message(search, 404) == "workspace: unknown gid '1'"
    assert (
        error_message(s.get(f"{b}/nonsense"), 404) == "No matching route for request: GET /nonsense"
    )
    assert error_message(s.patch(f"{b}/tasks/1", json={"data": {}}), 404) == (
        "No matching route for request: PATCH /tasks/1"  # Asana has no PATCH there either
    )


def test_a_users_teams_and_team_memberships(sandbox):
    s, b, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    team = s.post(f"{b}/teams", json={"data": {"name": "Ops", "organization": ws}}).json()["data"]
    s.post(f"{b}/teams/{team['gid']}/addUser", json={"data": {"user": "bob@example.com"}})
    bob = sandbox.users["bob@example.com"]
    teams = ok_json(s.get(f"{b}/users/bob@example.com/teams", params={"organization": ws}))["data"]
    assert teams[1:] == [{"gid": team["gid"], "resource_type": "team", "name": "Ops"}]
    assert [t["name"] for t in teams] == ["Everyone", "Ops"]
    carols = s.get(f"{b}/users/carol@example.com/teams", params={"organization": ws, "limit": 1})
    assert ok_json(carols) == {"data": [{"gid": sandbox.team_gid, "resource_type": "team",
                                     "name": "Everyone"}], "next_page": None}  # fmt: skip
    members = ok_json(s.get(f"{b}/teams/{team['gid']}/team_memberships"))["data"]
    assert [(m["user"]["name"], m["is_admin"]) for m in members] == [
        ("Alice Adams", True), ("Bob Brown", False)]  # fmt: skip
    assert members[1] == {
        "gid": f"{team['gid']}-{bob}", "resource_type": "team_membership",
        "user": {"gid": bob, "resource_type": "user", "name": "Bob Brown"},
        "team": {"gid": team["gid"], "resource_type": "team", "name": "Ops"},
        "is_guest": False, "is_limited_access": False, "is_admin": False}  # fmt: skip
    bobs = ok_json(s.get(f"{b}/users/{bob}/team_memberships", params={"workspace": ws}))["data"]
    assert [m["team"]["name"] for m in bobs] == ["Everyone", "Ops"] and bobs[1] == members[1]
    assert (
        error_message(s.get(f"{b}/users/me/teams"), 400) == "organization: required query parameter"
    )
    r = s.get(f"{b}/users/me/team_memberships", params={"workspace": "1"})
    assert error_message(r, 400) == "workspace: unknown workspace '1'"


def test_a_projects_task_counts_are_returned_only_when_asked_for(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    project = s.post(f"{b}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "P"}})
    pg = project.json()["data"]["gid"]
    for name, subtype, completed in (("a", "default_task", False), ("b", "default_task", True),
                                     ("m", "milestone", True)):  # fmt: skip
        s.post(f"{b}/tasks", json={"data": {"name": name, "projects": [pg], "completed": completed,
                                            "resource_subtype": subtype}})  # fmt: skip
    url = f"{b}/projects/{pg}/task_counts"
    assert ok_json(s.get(url)) == {"data": {}}
    every = ("num_tasks,num_incomplete_tasks,num_completed_tasks,num_milestones,"
             "num_incomplete_milestones,num_completed_milestones")  # fmt: skip
    assert ok_json(s.get(url, params={"opt_fields": every}))["data"] == {
        "num_tasks": 3, "num_incomplete_tasks": 1, "num_completed_tasks": 2, "num_milestones": 1,
        "num_incomplete_milestones": 0, "num_completed_milestones": 1}  # fmt: skip
    assert error_message(s.get(url, params={"opt_fields": "num_taks"}), 400).startswith(
        "opt_fields: unknown field 'num_taks' for task counts (expected one of num_tasks, "
    )
