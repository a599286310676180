"""The sandbox's API surface: shapes, envelopes, pagination, opt_fields, system stories."""

from __future__ import annotations

import re

import requests

from tests.sandbox_fixtures import session_for

ISO_MS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def _project(s: requests.Session, sb, name: str = "Launch", **extra) -> dict:
    r = s.post(
        f"{sb.base_url}/teams/{sb.team_gid}/projects", json={"data": {"name": name, **extra}}
    )
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _task(s: requests.Session, sb, **data) -> dict:
    r = s.post(f"{sb.base_url}/tasks", json={"data": data})
    assert r.status_code == 201, r.text
    return r.json()["data"]


def test_users_and_workspaces(sandbox):
    s = session_for(sandbox, "bob@example.com")
    me = s.get(f"{sandbox.base_url}/users/me").json()["data"]
    assert me["email"] == "bob@example.com" and me["name"] == "Bob Brown"
    assert me["resource_type"] == "user" and me["gid"] == sandbox.users["bob@example.com"]
    assert s.get(f"{sandbox.base_url}/users/{me['gid']}").json()["data"] == me
    assert s.get(f"{sandbox.base_url}/users/bob@example.com").json()["data"]["gid"] == me["gid"]
    workspaces = s.get(f"{sandbox.base_url}/workspaces").json()["data"]
    assert workspaces == [{"gid": sandbox.workspace_gid, "resource_type": "workspace",
                           "name": "Busywork Sandbox"}]  # fmt: skip
    users = s.get(f"{sandbox.base_url}/workspaces/{sandbox.workspace_gid}/users").json()["data"]
    assert {u["name"] for u in users} == {"Alice Adams", "Bob Brown", "Carol Chen", "Sandbox Admin"}
    assert set(users[0]) == {"gid", "resource_type", "name"}  # lists are compact


def test_project_lifecycle_in_workspace_and_team(sandbox):
    s = session_for(sandbox)
    project = _project(s, sandbox, notes="Ship it", color="dark-green", due_on="2030-01-31")
    assert project["resource_type"] == "project" and project["gid"].isdigit()
    assert project["owner"]["gid"] == sandbox.users["alice@example.com"]
    assert project["due_on"] == "2030-01-31" and ISO_MS.fullmatch(project["created_at"])
    r = s.post(
        f"{sandbox.base_url}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "Ops"}}
    )
    assert r.status_code == 201 and r.json()["data"]["team"]["gid"] == sandbox.team_gid
    r = s.put(f"{sandbox.base_url}/projects/{project['gid']}", json={"data": {"archived": True}})
    assert r.json()["data"]["archived"] is True
    listed = s.get(f"{sandbox.base_url}/projects", params={"workspace": sandbox.workspace_gid,
                                                          "archived": "false"}).json()["data"]  # fmt: skip
    assert [p["name"] for p in listed] == ["Ops"]
    by_team = s.get(f"{sandbox.base_url}/teams/{sandbox.team_gid}/projects").json()["data"]
    assert [p["name"] for p in by_team] == ["Launch", "Ops"]  # no team given: the default one
    assert s.delete(f"{sandbox.base_url}/projects/{project['gid']}").json() == {"data": {}}
    assert s.get(f"{sandbox.base_url}/projects/{project['gid']}").status_code == 404


def test_sections_tasks_and_system_stories(sandbox):
    s = session_for(sandbox)
    base = sandbox.base_url
    project = _project(s, sandbox)
    sections = s.get(f"{base}/projects/{project['gid']}/sections").json()["data"]
    assert [x["name"] for x in sections] == ["Untitled section"]  # Asana's default section
    doing = s.post(f"{base}/projects/{project['gid']}/sections", json={"data": {"name": "Doing"}})
    doing = doing.json()["data"]
    task = _task(s, sandbox, name="Write spec", notes="n", projects=[project["gid"]],
                 assignee="bob@example.com", due_on="2024-03-04", start_on="2024-03-01",
                 followers=["carol@example.com"])  # fmt: skip
    assert task["assignee"]["name"] == "Bob Brown"
    assert task["memberships"][0]["section"]["name"] == "Untitled section"
    followers = {f["name"] for f in task["followers"]}
    assert followers == {"Alice Adams", "Bob Brown", "Carol Chen"}  # creator, assignee, given
    r = s.post(f"{base}/sections/{doing['gid']}/addTask", json={"data": {"task": task["gid"]}})
    assert r.status_code == 200 and r.json() == {"data": {}}
    update = {"completed": True, "assignee": "me", "due_on": "2024-03-05", "start_on": None,
              "name": "Write the spec", "liked": True}  # fmt: skip
    task = s.put(f"{base}/tasks/{task['gid']}", json={"data": update}).json()["data"]
    assert task["completed"] and ISO_MS.fullmatch(task["completed_at"]) and task["liked"]
    assert task["num_likes"] == 1 and task["name"] == "Write the spec"
    comment = s.post(f"{base}/tasks/{task['gid']}/stories", json={"data": {"text": "Done!"}})
    assert comment.status_code == 201 and comment.json()["data"]["type"] == "comment"
    stories = s.get(f"{base}/tasks/{task['gid']}/stories").json()["data"]
    assert [x["resource_subtype"] for x in stories] == [
        "section_changed", "name_changed", "assigned", "due_date_changed", "marked_complete",
        "comment_added"]  # fmt: skip
    assert stories[0]["text"] == 'moved this task from "Untitled section" to "Doing" in Launch'
    assert stories[2]["text"] == "assigned to Alice Adams"
    assert stories[4]["text"] == "marked this task complete"
    assert all(ISO_MS.fullmatch(x["created_at"]) for x in stories)  # server clock, no back-dating
    full = s.get(f"{base}/stories/{stories[2]['gid']}").json()["data"]
    assert (
        full["assignee"]["gid"] == sandbox.users["alice@example.com"] and full["type"] == "system"
    )
    in_doing = s.get(f"{base}/sections/{doing['gid']}/tasks").json()["data"]
    assert [t["gid"] for t in in_doing] == [task["gid"]]


def test_subtasks_followers_and_delete(sandbox):
    s = session_for(sandbox)
    base = sandbox.base_url
    parent = _task(s, sandbox, name="Parent", workspace=sandbox.workspace_gid)
    for name in ("a", "b", "c"):
        r = s.post(f"{base}/tasks/{parent['gid']}/subtasks", json={"data": {"name": name}})
        assert r.status_code == 201 and r.json()["data"]["parent"]["gid"] == parent["gid"]
    subtasks = s.get(f"{base}/tasks/{parent['gid']}/subtasks").json()["data"]
    assert [t["name"] for t in subtasks] == ["a", "b", "c"]
    via_parent = _task(s, sandbox, name="d", parent=parent["gid"])
    assert via_parent["parent"]["gid"] == parent["gid"]
    r = s.post(
        f"{base}/tasks/{parent['gid']}/addFollowers",
        json={"data": {"followers": ["bob@example.com"]}},
    )
    assert "Bob Brown" in {f["name"] for f in r.json()["data"]["followers"]}
    assert s.delete(f"{base}/tasks/{parent['gid']}").status_code == 200
    assert s.get(f"{base}/tasks/{subtasks[0]['gid']}").status_code == 404  # subtasks go too


def test_memberships_place_task_in_section(sandbox):
    s = session_for(sandbox)
    base = sandbox.base_url
    project = _project(s, sandbox)
    review = s.post(f"{base}/projects/{project['gid']}/sections", json={"data": {"name": "Review"}})
    review_gid = review.json()["data"]["gid"]
    task = _task(
        s, sandbox, name="x", memberships=[{"project": project["gid"], "section": review_gid}]
    )
    assert task["memberships"] == [
        {"project": {"gid": project["gid"], "resource_type": "project", "name": "Launch"},
         "section": {"gid": review_gid, "resource_type": "section", "name": "Review"}}]  # fmt: skip
    tasks = s.get(f"{base}/tasks", params={"project": project["gid"]}).json()["data"]
    assert [t["gid"] for t in tasks] == [task["gid"]]


def test_pagination_ends_with_null_next_page(sandbox):
    s = session_for(sandbox)
    project = _project(s, sandbox)
    gids = [_task(s, sandbox, name=f"t{i}", projects=[project["gid"]])["gid"] for i in range(5)]
    seen, url, params = [], f"{sandbox.base_url}/projects/{project['gid']}/tasks", {"limit": 2}
    while True:
        body = s.get(url, params=params).json()
        seen += [t["gid"] for t in body["data"]]
        if body["next_page"] is None:
            break
        assert body["next_page"]["uri"].startswith(sandbox.base_url)
        url, params = body["next_page"]["uri"], None
    assert seen == gids
    assert "next_page" not in s.get(url.split("?")[0]).json()  # no limit: one unpaginated list


def test_opt_fields_select_and_nest(sandbox):
    s = session_for(sandbox)
    project = _project(s, sandbox)
    task = _task(s, sandbox, name="x", projects=[project["gid"]], assignee="carol@example.com")
    r = s.get(f"{sandbox.base_url}/tasks/{task['gid']}",
              params={"opt_fields": "name,assignee.email,projects,num_subtasks"})  # fmt: skip
    assert r.json()["data"] == {
        "gid": task["gid"], "name": "x", "num_subtasks": 0,
        "assignee": {"gid": sandbox.users["carol@example.com"], "email": "carol@example.com"},
        "projects": [{"gid": project["gid"], "resource_type": "project"}]}  # fmt: skip
    assert "num_subtasks" not in task  # opt-in only, as in Asana


def test_status_updates_and_ooo_entries(sandbox):
    s = session_for(sandbox)
    base = sandbox.base_url
    project = _project(s, sandbox)
    for status in ("at_risk", "complete"):
        r = s.post(f"{base}/status_updates", json={"data": {
            "parent": project["gid"], "status_type": status, "title": status, "text": "t"}})  # fmt: skip
        assert r.status_code == 201 and r.json()["data"]["author"]["name"] == "Alice Adams"
    listed = s.get(f"{base}/status_updates", params={"parent": project["gid"]}).json()["data"]
    assert [u["title"] for u in listed] == ["at_risk", "complete"]
    project = s.get(f"{base}/projects/{project['gid']}").json()["data"]
    assert project["completed"] and project["current_status_update"]["title"] == "complete"
    entry = {"user": "bob@example.com", "workspace": sandbox.workspace_gid,
             "start_date": "2024-07-01", "end_date": "2024-07-05"}  # fmt: skip
    r = s.post(f"{base}/ooo_entries", json={"data": entry})
    assert r.status_code == 201 and r.json()["data"]["user"]["name"] == "Bob Brown"
    query = {"user": sandbox.users["bob@example.com"], "workspace": sandbox.workspace_gid}
    assert len(s.get(f"{base}/ooo_entries", params=query).json()["data"]) == 1


def test_batch_answers_each_action_in_order(sandbox):
    s = session_for(sandbox)
    task = _task(s, sandbox, name="x", workspace=sandbox.workspace_gid)
    actions = [
        {
            "method": "get",
            "relative_path": f"/tasks/{task['gid']}",
            "options": {"fields": ["name"]},
        },
        {"method": "put", "relative_path": f"/tasks/{task['gid']}", "data": {"name": "y"}},
        {"method": "get", "relative_path": "/tasks/42"},
        {"method": "post", "relative_path": f"/tasks/{task['gid']}/stories", "data": {"txt": "a"}},
    ]
    r = s.post(f"{sandbox.base_url}/batch", json={"data": {"actions": actions}})
    assert r.status_code == 200
    results = r.json()["data"]
    assert [x["status_code"] for x in results] == [200, 200, 404, 400]
    assert results[0]["body"] == {"data": {"gid": task["gid"], "name": "x"}}
    assert results[1]["body"]["data"]["name"] == "y"
    assert "data.txt: unknown field" in results[3]["body"]["errors"][0]["message"]
    too_many = {"data": {"actions": actions[:1] * 11}}
    r = s.post(f"{sandbox.base_url}/batch", json=too_many)
    assert r.status_code == 400 and "at most 10" in r.json()["errors"][0]["message"]


def test_comments_act_as_the_tokens_user(sandbox):
    alice, carol = session_for(sandbox), session_for(sandbox, "carol@example.com")
    task = _task(alice, sandbox, name="x", workspace=sandbox.workspace_gid)
    r = carol.post(f"{sandbox.base_url}/tasks/{task['gid']}/stories", json={"data": {"text": "hi"}})
    assert r.json()["data"]["created_by"]["name"] == "Carol Chen"
