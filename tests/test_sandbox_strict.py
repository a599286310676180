"""Strictness: 400 naming the field, 404 for unknown gids, 401 for bad tokens, no half-applies."""

from __future__ import annotations

import pytest
import requests

from tests.sandbox_fixtures import session_for


def _message(r: requests.Response) -> str:
    body = r.json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1
    return body["errors"][0]["message"]


@pytest.fixture
def task(sandbox) -> dict:
    s = session_for(sandbox)
    r = s.post(
        f"{sandbox.base_url}/tasks",
        json={"data": {"name": "x", "workspace": sandbox.workspace_gid}},
    )
    return r.json()["data"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "no envelope"}, "name: unknown top-level key"),
        ({}, "data: missing the data envelope"),
        ({"data": []}, "data: expected an object, got array"),
        ({"data": {"nmae": "x"}}, "data.nmae: unknown field (did you mean 'name'?)"),
        # engine.suggest, the one did-you-mean: letter case aside, which difflib alone misses
        ({"data": {"DUE_ON": "2024-01-01"}}, "data.DUE_ON: unknown field (did you mean 'due_on'?)"),
        ({"data": {"completed": "yes"}}, "data.completed: expected a boolean, got string"),
        ({"data": {"due_on": "2024-13-01"}}, "data.due_on: '2024-13-01' is not a date"),
        ({"data": {"assignee": "zz"}}, "data.assignee: unknown user 'zz'"),
        ({"data": {"assignee": 7}}, "data.assignee: expected a user gid string, got integer"),
        ({"data": {"start_on": "2024-01-01"}}, "data.start_on: due_on must be sent together"),
        ({"data": {"start_on": "2024-02-02", "due_on": "2024-02-01"}}, "must not be after"),
        ({"data": {"projects": []}}, "data.projects: cannot change with PUT"),
        ({"data": {"created_at": "2024-01-01T00:00:00.000Z"}}, "data.created_at: read-only"),
    ],
)
def test_task_update_rejections_name_the_field(sandbox, task, body, expected):
    s = session_for(sandbox)
    r = s.put(f"{sandbox.base_url}/tasks/{task['gid']}", json=body)
    assert r.status_code == 400
    assert expected in _message(r)


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/tasks", {"data": {"name": "x"}}, "data.workspace: required"),
        ("/projects", {"data": {"name": "x"}}, "data.workspace: required"),
        (
            "/projects",
            {"data": {"name": "x", "workspace": "1", "color": "teal"}},
            "unknown workspace",
        ),
        (
            "/status_updates",
            {"data": {"parent": "P", "status_type": "on_track", "text": "t"}},
            "data.parent: unknown project 'P'",
        ),
        ("/ooo_entries", {"data": {"user": "me"}}, "data.workspace: required"),
        ("/tasks", b"{not json", "body: not valid JSON"),
        ("/tasks", b"", "data: missing request body"),
    ],
)
def test_create_rejections(sandbox, path, body, expected):
    s = session_for(sandbox)
    if isinstance(body, bytes):
        r = s.post(sandbox.base_url + path, data=body, headers={"Content-Type": "application/json"})
    else:
        r = s.post(sandbox.base_url + path, json=body)
    assert r.status_code == 400
    assert expected in _message(r)


def test_enum_and_status_type_rules(sandbox):
    s = session_for(sandbox)
    base = sandbox.base_url
    project = s.post(f"{base}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "p"}})
    gid = project.json()["data"]["gid"]
    r = s.put(f"{base}/projects/{gid}", json={"data": {"color": "teal"}})
    assert r.status_code == 400 and _message(r).startswith(
        "data.color: 'teal' is not one of dark-pink"
    )
    data = {"parent": gid, "status_type": "achieved", "text": "t"}
    r = s.post(f"{base}/status_updates", json={"data": data})
    assert r.status_code == 400 and "applies to goals" in _message(r)
    r = s.post(f"{base}/status_updates", json={"data": {"parent": gid, "text": "t"}})
    assert _message(r) == "data.status_type: required"


def test_query_and_opt_fields_rejections(sandbox, task):
    s = session_for(sandbox)
    url = f"{sandbox.base_url}/tasks/{task['gid']}"
    r = s.get(url, params={"opt_fields": "name,nmae"})
    assert r.status_code == 400 and _message(r) == "opt_fields: unknown field 'nmae' for a task"
    r = s.get(url, params={"expand": "x"})
    assert r.status_code == 400 and _message(r).startswith("expand: unknown query parameter")
    r = s.get(f"{sandbox.base_url}/workspaces", params={"limit": "500"})
    assert r.status_code == 400 and _message(r).startswith(
        "limit: must be an integer from 1 to 100"
    )
    r = s.get(f"{sandbox.base_url}/workspaces", params={"offset": "bogus"})
    assert r.status_code == 400 and _message(r).startswith("offset: 'bogus' is not an offset")
    r = s.get(f"{sandbox.base_url}/tasks")
    assert r.status_code == 400 and _message(r).startswith("project: required")


def test_unknown_gids_and_routes_are_404(sandbox, task):
    s = session_for(sandbox)
    base = sandbox.base_url
    assert _message(s.get(f"{base}/tasks/999")) == "task: unknown gid '999'"
    assert s.get(f"{base}/projects/999").status_code == 404
    assert s.put(f"{base}/sections/999", json={"data": {"name": "x"}}).status_code == 404
    assert s.post(f"{base}/tasks/999/stories", json={"data": {"text": "x"}}).status_code == 404
    assert s.get(f"{base}/users/nobody@example.com").status_code == 404
    r = s.get(f"{base}/nonsense")
    assert r.status_code == 404 and _message(r).startswith("No matching route for request")
    assert s.patch(f"{base}/tasks/{task['gid']}", json={"data": {}}).status_code == 404
    assert requests.get(sandbox.root_url + "/tasks").status_code == 404  # no /api/1.0 prefix


def test_bad_tokens_are_401(sandbox):
    url = f"{sandbox.base_url}/users/me"
    assert requests.get(url).status_code == 401
    for header in ("Bearer nope", "Basic " + sandbox.tokens["alice@example.com"], "Bearer"):
        r = requests.get(url, headers={"Authorization": header})
        assert r.status_code == 401 and _message(r) == "Not Authorized"
    token = sandbox.tokens["alice@example.com"]
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    sandbox.app.revoke(token)
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_rejected_requests_change_nothing(sandbox, task):
    s = session_for(sandbox)
    base = sandbox.base_url
    before = s.get(f"{base}/tasks/{task['gid']}").json()
    stories_before = s.get(f"{base}/tasks/{task['gid']}/stories").json()
    # Valid fields first, one bad one last: nothing of it may land.
    bad = {"name": "changed", "completed": True, "assignee": "bob@example.com", "liked": True,
           "due_on": "2024-01-01", "notes": "changed", "followers": ["me"]}  # fmt: skip
    assert s.put(f"{base}/tasks/{task['gid']}", json={"data": bad}).status_code == 400
    bad_create = {"name": "new", "workspace": sandbox.workspace_gid, "assignee": "ghost"}
    assert s.post(f"{base}/tasks", json={"data": bad_create}).status_code == 400
    assert s.get(f"{base}/tasks/{task['gid']}").json() == before
    assert s.get(f"{base}/tasks/{task['gid']}/stories").json() == stories_before
    listed = s.get(f"{base}/tasks", params={"assignee": "bob@example.com",
                                             "workspace": sandbox.workspace_gid})  # fmt: skip
    assert listed.json()["data"] == []
    assert len(sandbox.store.records["task"]) == 1


def test_malformed_http_is_rejected_and_connection_closed(sandbox):
    import socket

    with socket.create_connection((sandbox._server.host, sandbox._server.port), timeout=5) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400 ") and b"Connection: close" in reply
