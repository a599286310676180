"""Sandbox workspace objects: custom fields, tags, dependencies, milestones, approvals, teams,
project members and portfolios (402 on the free plan), read back with the official SDK."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox_fixtures import session_for

pytest_plugins = ["tests.sandbox_fixtures"]


def _ok(response) -> Any:
    assert response.status_code < 300, response.text
    return response.json()["data"]


def _error(response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    return response.json()["errors"][0]["message"]


@pytest.fixture
def ws(sandbox):
    """A project with an enum, a number, a date and a text field; and the session."""
    s, b = session_for(sandbox), sandbox.base_url
    fields = {}
    for name, body in {
        "Priority": {
            "resource_subtype": "enum",
            "enum_options": [{"name": "Low"}, {"name": "High"}],
        },
        "Effort": {"resource_subtype": "number", "precision": 1},
        "Due quarter": {"resource_subtype": "date"},
        "Note": {"resource_subtype": "text"},
    }.items():
        body = {"name": name, "workspace": sandbox.workspace_gid, **body}
        fields[name] = _ok(s.post(f"{b}/custom_fields", json={"data": body}))
    project = _ok(s.post(f"{b}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "P"}}))
    for field in fields.values():
        _ok(s.post(f"{b}/projects/{project['gid']}/addCustomFieldSetting",
                   json={"data": {"custom_field": field["gid"]}}))  # fmt: skip
    return s, b, project, fields


def _task(s, b, project, **data) -> dict[str, Any]:
    return _ok(
        s.post(f"{b}/tasks", json={"data": {"name": "t", "projects": [project["gid"]], **data}})
    )


def test_custom_field_values_render_with_display_values(ws):
    s, b, project, f = ws
    high = f["Priority"]["enum_options"][1]["gid"]
    task = _task(s, b, project, custom_fields={
        f["Priority"]["gid"]: high, f["Effort"]["gid"]: 2.25,
        f["Due quarter"]["gid"]: {"date": "2026-03-31"}, f["Note"]["gid"]: "hello"})  # fmt: skip
    shown = {c["name"]: c for c in task["custom_fields"]}
    assert shown["Priority"]["enum_value"]["name"] == "High"
    assert shown["Priority"]["display_value"] == "High"
    assert (shown["Effort"]["number_value"], shown["Effort"]["display_value"]) == (2.25, "2.2")
    assert shown["Due quarter"]["date_value"] == {"date": "2026-03-31"}
    assert shown["Note"]["text_value"] == "hello"
    got = _ok(s.put(f"{b}/tasks/{task['gid']}", json={"data": {"custom_fields": {
        f["Priority"]["gid"]: None, f["Due quarter"]["gid"]: "2026-06-30"}}}))  # fmt: skip
    shown = {c["name"]: c for c in got["custom_fields"]}
    assert shown["Priority"]["enum_value"] is None and shown["Priority"]["display_value"] is None
    assert shown["Due quarter"]["display_value"] == "2026-06-30"
    settings = _ok(s.get(f"{b}/projects/{project['gid']}/custom_field_settings"))
    assert [x["custom_field"]["name"] for x in settings] == list(f)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("Priority", "999", "is not an enum option of 'Priority'"),
        ("Effort", "3", "is a number field"),
        ("Effort", True, "is a number field"),
        ("Due quarter", {"date": "2026-13-01"}, "is not a date"),
        ("Due quarter", {"when": "2026-01-01"}, 'expected {"date"'),
        ("Note", 5, "expected a string"),
    ],
)
def test_custom_field_values_are_typed(ws, field, value, message):
    s, b, project, f = ws
    body = {"name": "t", "projects": [project["gid"]], "custom_fields": {f[field]["gid"]: value}}
    assert message in _error(s.post(f"{b}/tasks", json={"data": body}))


def test_custom_field_definition_and_placement_failures(sandbox, ws):
    s, b, project, f = ws
    wsg = sandbox.workspace_gid
    post = lambda body: s.post(f"{b}/custom_fields", json={"data": {"workspace": wsg, **body}})  # noqa: E731
    assert "needs at least one option" in _error(post({"name": "E", "resource_subtype": "enum"}))
    assert "already exists" in _error(post({"name": "priority", "resource_subtype": "text"}))
    assert "from 0 to 6" in _error(
        post({"name": "N", "resource_subtype": "number", "precision": 9})
    )
    assert "only number fields" in _error(
        post({"name": "D", "resource_subtype": "date", "precision": 1})
    )
    assert "not one of" in _error(post({"name": "X", "resource_subtype": "colour"}))
    assert "already on this project" in _error(s.post(
        f"{b}/projects/{project['gid']}/addCustomFieldSetting",
        json={"data": {"custom_field": f["Note"]["gid"]}}))  # fmt: skip
    other = _ok(s.post(f"{b}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "Q"}}))
    body = {"name": "t", "projects": [other["gid"]], "custom_fields": {f["Note"]["gid"]: "x"}}
    assert "not on any of the task's projects" in _error(s.post(f"{b}/tasks", json={"data": body}))
    assert "unknown custom_field" in _error(s.post(f"{b}/tasks", json={"data": {
        "name": "t", "projects": [project["gid"]], "custom_fields": {"42": "x"}}}))  # fmt: skip
    assert _error(s.get(f"{b}/custom_fields/42"), 404)


def test_tags_dependencies_and_their_failures(ws, sandbox):
    s, b, project, _ = ws
    tag = _ok(
        s.post(f"{b}/tags", json={"data": {"name": "urgent", "workspace": sandbox.workspace_gid}})
    )
    first = _task(s, b, project, tags=[tag["gid"]])
    second, third = _task(s, b, project), _task(s, b, project)
    assert [t["name"] for t in first["tags"]] == ["urgent"]
    _ok(s.post(f"{b}/tasks/{second['gid']}/addTag", json={"data": {"tag": tag["gid"]}}))
    assert [t["gid"] for t in _ok(s.get(f"{b}/tasks/{second['gid']}/tags"))] == [tag["gid"]]
    _ok(s.post(f"{b}/tasks/{second['gid']}/removeTag", json={"data": {"tag": tag["gid"]}}))
    assert _ok(s.get(f"{b}/tasks/{second['gid']}/tags")) == []
    assert "read-only" not in _error(
        s.put(f"{b}/tasks/{first['gid']}", json={"data": {"tags": []}})
    )
    assert "unknown tag" in _error(
        s.post(f"{b}/tasks/{first['gid']}/addTag", json={"data": {"tag": "1"}})
    )

    def add(task, deps):
        body = {"data": {"dependencies": [d["gid"] for d in deps]}}
        return s.post(f"{b}/tasks/{task['gid']}/addDependencies", json=body)

    _ok(add(third, [second]))
    _ok(add(second, [first]))
    assert "a cycle" in _error(add(first, [third]))
    assert "cannot depend on itself" in _error(add(first, [first]))
    assert [t["gid"] for t in _ok(s.get(f"{b}/tasks/{third['gid']}/dependencies"))] == [
        second["gid"]
    ]
    assert [t["gid"] for t in _ok(s.get(f"{b}/tasks/{first['gid']}/dependents"))] == [second["gid"]]
    got = _ok(s.get(f"{b}/tasks/{second['gid']}"))
    assert got["dependencies"] == [{"gid": first["gid"], "resource_type": "task"}]
    assert got["dependents"] == [{"gid": third["gid"], "resource_type": "task"}]


def test_dependency_limit(ws):
    s, b, project, _ = ws
    hub = _task(s, b, project)
    others = [_task(s, b, project)["gid"] for _ in range(31)]
    url = f"{b}/tasks/{hub['gid']}/addDependencies"
    _ok(s.post(url, json={"data": {"dependencies": others[:30]}}))
    assert "at most 30" in _error(s.post(url, json={"data": {"dependencies": others[30:]}}))


def test_milestones_and_approvals_keep_completed_in_sync(ws):
    s, b, project, _ = ws
    milestone = _task(s, b, project, resource_subtype="milestone", due_on="2026-03-01")
    assert milestone["resource_subtype"] == "milestone" and "approval_status" not in milestone
    assert "no start date" in _error(s.post(f"{b}/tasks", json={"data": {
        "name": "m", "projects": [project["gid"]], "resource_subtype": "milestone",
        "due_on": "2026-03-02", "start_on": "2026-03-01"}}))  # fmt: skip
    approval = _task(s, b, project, resource_subtype="approval")
    assert (approval["approval_status"], approval["completed"]) == ("pending", False)
    url = f"{b}/tasks/{approval['gid']}"
    got = _ok(s.put(url, json={"data": {"approval_status": "changes_requested"}}))
    assert (got["approval_status"], got["completed"]) == ("changes_requested", True)
    got = _ok(s.put(url, json={"data": {"completed": False}}))
    assert (got["approval_status"], got["completed"]) == ("pending", False)
    got = _ok(s.put(url, json={"data": {"completed": True}}))
    assert got["approval_status"] == "approved"
    assert "contradicts" in _error(
        s.put(url, json={"data": {"approval_status": "rejected", "completed": False}})
    )
    assert "only approval tasks" in _error(s.put(f"{b}/tasks/{milestone['gid']}",
                                                 json={"data": {"approval_status": "approved"}}))  # fmt: skip
    assert "not one of" in _error(s.put(url, json={"data": {"approval_status": "maybe"}}))
    assert "custom type" in _error(s.put(url, json={"data": {"resource_subtype": "custom"}}))


def test_teams_and_project_members(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    team = _ok(
        s.post(f"{b}/teams", json={"data": {"name": "Ops", "organization": sandbox.workspace_gid}})
    )
    member = _ok(
        s.post(f"{b}/teams/{team['gid']}/addUser", json={"data": {"user": "bob@example.com"}})
    )
    assert member["user"]["name"] == "Bob Brown" and member["team"]["gid"] == team["gid"]
    names = [u["name"] for u in _ok(s.get(f"{b}/teams/{team['gid']}/users"))]
    assert names == ["Alice Adams", "Bob Brown"]
    assert "already exists" in _error(s.post(f"{b}/teams", json={"data": {
        "name": "ops", "organization": sandbox.workspace_gid}}))  # fmt: skip
    assert {t["name"] for t in _ok(s.get(f"{b}/workspaces/{sandbox.workspace_gid}/teams"))} == {
        "Everyone",
        "Ops",
    }
    project = _ok(s.post(f"{b}/teams/{team['gid']}/projects", json={"data": {"name": "P"}}))
    got = _ok(s.post(f"{b}/projects/{project['gid']}/addMembers",
                     json={"data": {"members": ["bob@example.com", "carol@example.com"]}}))  # fmt: skip
    assert [m["name"] for m in got["members"]] == ["Alice Adams", "Bob Brown", "Carol Chen"]
    assert "unknown user" in _error(s.post(f"{b}/projects/{project['gid']}/addMembers",
                                           json={"data": {"members": "nobody@x.org"}}))  # fmt: skip


def test_free_plan_answers_402_for_portfolios_only(make_sandbox):
    sb = make_sandbox(plan="free")
    s, b = session_for(sb), sb.base_url
    project = _ok(s.post(f"{b}/teams/{sb.team_gid}/projects", json={"data": {"name": "P"}}))
    for response in (
        s.post(f"{b}/portfolios", json={"data": {"name": "All", "workspace": sb.workspace_gid}}),
        s.get(f"{b}/portfolios", params={"workspace": sb.workspace_gid, "owner": "me"}),
        s.get(f"{b}/portfolios/123"),
    ):
        assert "paid plans" in _error(response, 402)
    _ok(s.post(f"{b}/status_updates", json={"data": {"parent": project["gid"],
                                                      "status_type": "on_track", "text": "ok"}}))  # fmt: skip


def test_portfolio_persists_across_restarts(make_sandbox, tmp_path):
    sb = make_sandbox(data_dir=tmp_path)
    s, b = session_for(sb), sb.base_url
    project = _ok(s.post(f"{b}/teams/{sb.team_gid}/projects", json={"data": {"name": "P"}}))
    field = _ok(s.post(f"{b}/custom_fields", json={"data": {
        "name": "Stage", "workspace": sb.workspace_gid, "resource_subtype": "enum",
        "enum_options": [{"name": "Doing"}]}}))  # fmt: skip
    _ok(s.post(f"{b}/projects/{project['gid']}/addCustomFieldSetting",
               json={"data": {"custom_field": field["gid"]}}))  # fmt: skip
    task = _task(s, b, project, custom_fields={field["gid"]: field["enum_options"][0]["gid"]})
    portfolio = _ok(
        s.post(f"{b}/portfolios", json={"data": {"name": "All", "workspace": sb.workspace_gid}})
    )
    _ok(
        s.post(
            f"{b}/portfolios/{portfolio['gid']}/addItem", json={"data": {"item": project["gid"]}}
        )
    )
    sb.stop()
    again = make_sandbox(data_dir=tmp_path, people=sb.config.people)
    s2 = session_for(again)
    items = _ok(s2.get(f"{again.base_url}/portfolios/{portfolio['gid']}/items"))
    assert [p["gid"] for p in items] == [project["gid"]]
    got = _ok(s2.get(f"{again.base_url}/tasks/{task['gid']}"))
    assert got["custom_fields"][0]["display_value"] == "Doing"


def test_official_sdk_reads_back_workspace_objects(sandbox):
    import asana

    config = asana.Configuration()
    config.host = sandbox.base_url
    config.access_token = sandbox.tokens["alice@example.com"]
    client = asana.ApiClient(config)
    ws = sandbox.workspace_gid
    fields_api, tasks_api = asana.CustomFieldsApi(client), asana.TasksApi(client)
    prio = fields_api.create_custom_field({"data": {
        "workspace": ws, "name": "Priority", "resource_subtype": "enum",
        "enum_options": [{"name": "Low"}, {"name": "High"}]}}, {})  # fmt: skip
    effort = fields_api.create_custom_field({"data": {
        "workspace": ws, "name": "Effort", "resource_subtype": "number"}}, {})  # fmt: skip
    team = asana.TeamsApi(client).create_team({"data": {"name": "Ops", "organization": ws}}, {})
    asana.TeamsApi(client).add_user_for_team({"data": {"user": "bob@example.com"}}, team["gid"], {})
    projects = asana.ProjectsApi(client)
    project = projects.create_project({"data": {"name": "SDK", "team": team["gid"]}}, {})
    for field in (prio, effort):
        projects.add_custom_field_setting_for_project(
            {"data": {"custom_field": field["gid"]}}, project["gid"], {})  # fmt: skip
    projects.add_members_for_project({"data": {"members": "bob@example.com"}}, project["gid"], {})
    tag = asana.TagsApi(client).create_tag_for_workspace({"data": {"name": "urgent"}}, ws, {})
    high = prio["enum_options"][1]["gid"]
    task = tasks_api.create_task({"data": {"name": "Build", "projects": [project["gid"]],
        "tags": [tag["gid"]], "custom_fields": {prio["gid"]: high, effort["gid"]: 5}}}, {})  # fmt: skip
    milestone = tasks_api.create_task({"data": {"name": "Launch", "projects": [project["gid"]],
                                                "resource_subtype": "milestone"}}, {})  # fmt: skip
    approval = tasks_api.create_task({"data": {"name": "Approve", "projects": [project["gid"]],
        "resource_subtype": "approval", "assignee": "bob@example.com"}}, {})  # fmt: skip
    tasks_api.add_dependencies_for_task({"data": {"dependencies": [task["gid"]]}}, milestone["gid"])
    bob = asana.Configuration()
    bob.host, bob.access_token = sandbox.base_url, sandbox.tokens["bob@example.com"]
    asana.TasksApi(asana.ApiClient(bob)).update_task(
        {"data": {"approval_status": "approved"}}, approval["gid"], {})  # fmt: skip
    portfolios = asana.PortfoliosApi(client)
    portfolio = portfolios.create_portfolio({"data": {"name": "All", "workspace": ws}}, {})
    portfolios.add_item_for_portfolio({"data": {"item": project["gid"]}}, portfolio["gid"])
    asana.StatusUpdatesApi(client).create_status_for_object({"data": {
        "parent": portfolio["gid"], "status_type": "on_track", "text": "fine"}}, {})  # fmt: skip

    got = tasks_api.get_task(
        task["gid"], {"opt_fields": "custom_fields.name,custom_fields.display_value,tags.name"}
    )
    assert {c["name"]: c["display_value"] for c in got["custom_fields"]} == {
        "Priority": "High",
        "Effort": "5",
    }
    assert [t["name"] for t in got["tags"]] == ["urgent"]
    deps = list(tasks_api.get_dependencies_for_task(milestone["gid"], {}))
    assert [d["gid"] for d in deps] == [task["gid"]]
    assert [d["gid"] for d in tasks_api.get_dependents_for_task(task["gid"], {})] == [
        milestone["gid"]
    ]
    got = tasks_api.get_task(
        approval["gid"], {"opt_fields": "approval_status,completed,completed_by.name"}
    )
    assert (got["approval_status"], got["completed"], got["completed_by"]["name"]) == (
        "approved",
        True,
        "Bob Brown",
    )
    assert tasks_api.get_task(milestone["gid"], {})["resource_subtype"] == "milestone"
    members = projects.get_project(project["gid"], {"opt_fields": "members.name"})["members"]
    assert [m["name"] for m in members] == ["Alice Adams", "Bob Brown"]
    users = list(asana.UsersApi(client).get_users_for_team(team["gid"], {}))
    assert [u["name"] for u in users] == ["Alice Adams", "Bob Brown"]
    settings = list(
        asana.CustomFieldSettingsApi(client).get_custom_field_settings_for_project(
            project["gid"], {}
        )
    )
    assert [x["custom_field"]["gid"] for x in settings] == [prio["gid"], effort["gid"]]
    items = list(portfolios.get_items_for_portfolio(portfolio["gid"], {}))
    assert [p["gid"] for p in items] == [project["gid"]]
    got = portfolios.get_portfolio(
        portfolio["gid"], {"opt_fields": "current_status_update.title,name"}
    )
    assert got["current_status_update"] is not None


def test_official_sdk_sees_402_on_the_free_plan(make_sandbox):
    import asana

    sb = make_sandbox(plan="free")
    config = asana.Configuration()
    config.host, config.access_token = sb.base_url, sb.tokens["alice@example.com"]
    with pytest.raises(asana.rest.ApiException) as info:
        asana.PortfoliosApi(asana.ApiClient(config)).create_portfolio(
            {"data": {"name": "All", "workspace": sb.workspace_gid}}, {})  # fmt: skip
    assert info.value.status == 402


def test_plan_option_reaches_the_sandbox(tmp_path):
    from adapters.asana.sandbox.run import SandboxOptions, build_config

    tokens = tmp_path / "tokens.toml"
    tokens.write_text('default = "admin-token"\n[people]\n"ann@example.com" = "ann-token"\n')
    config, _ = build_config(SandboxOptions(tokens_file=tokens, plan="free"))
    assert config.plan == "free" and config.limits.quota == 150
    assert build_config(SandboxOptions(tokens_file=tokens))[0].plan == "paid"
