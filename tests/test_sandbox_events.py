"""``GET /events``: sync tokens (412 first, as Asana), the events of a task and of a project in
the order they happened, paging by 100, bubbling up from tasks and subtasks, and tokens that
are unknown or older than the sandbox's bounded history."""

from __future__ import annotations

import re

import requests

from adapters.asana.sandbox.api_events import SYNC_INVALID
from adapters.asana.sandbox.changes import Journal
from tests.sandbox_fixtures import default_people, session_for

pytest_plugins = ["tests.sandbox_fixtures"]


def _fresh_token(response: requests.Response) -> str:
    """A 412 in Asana's words, and the fresh sync token it carries."""
    assert response.status_code == 412, response.text
    body = response.json()
    assert body["errors"] == [{"message": SYNC_INVALID}]
    assert re.fullmatch(r"[0-9a-f]{32}", body["sync"]), body
    return body["sync"]


def _events(s: requests.Session, url: str, resource: str, sync: str, **params: str) -> dict:
    r = s.get(f"{url}/events", params={"resource": resource, "sync": sync, **params})
    assert r.status_code == 200, r.text
    return r.json()


def _token(s: requests.Session, url: str, resource: str) -> str:
    return _fresh_token(s.get(f"{url}/events", params={"resource": resource}))


def _brief(event: dict) -> tuple:
    """(action, resource type, parent type or changed field[, how])."""
    if event["action"] == "changed":
        return ("changed", event["resource"]["resource_type"], event["change"]["field"],
                event["change"]["action"])  # fmt: skip
    return (event["action"], event["resource"]["resource_type"],
            event["parent"] and event["parent"]["resource_type"])  # fmt: skip


def _project(s: requests.Session, sb, name: str = "Launch") -> str:
    r = s.post(f"{sb.base_url}/teams/{sb.team_gid}/projects", json={"data": {"name": name}})
    return r.json()["data"]["gid"]


def test_the_first_call_answers_412_with_a_token_that_then_answers_no_events(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    project = _project(s, sandbox)
    token = _token(s, b, project)
    assert _events(s, b, project, token) == {"data": [], "sync": token, "has_more": False}
    r = s.get(f"{b}/events", params={"resource": project, "opt_pretty": "true"})
    assert r.text.startswith('{\n  "errors": [') and _fresh_token(r) == token


def test_a_project_and_a_task_list_what_happened_in_order_with_compact_references(sandbox):
    s, bob, b = session_for(sandbox), session_for(sandbox, "bob@example.com"), sandbox.base_url
    project = _project(s, sandbox)
    project_token = _token(s, b, project)
    r = s.post(f"{b}/tasks", json={"data": {"name": "Draft", "projects": [project]}})
    task = r.json()["data"]["gid"]
    task_token = _token(s, b, task)
    s.put(f"{b}/tasks/{task}", json={"data": {"name": "Draft plan"}})
    bob.post(f"{b}/tasks/{task}/stories", json={"data": {"text": "On it"}})
    s.put(f"{b}/tasks/{task}", json={"data": {"completed": True}})

    task_stream = [
        ("changed", "task", "name", "changed"), ("added", "story", "task"),  # + its story
        ("changed", "task", "followers", "added"), ("added", "story", "task"),  # Bob's comment
        ("changed", "task", "completed", "changed"), ("added", "story", "task"),
    ]  # fmt: skip
    body = _events(s, b, task, task_token)
    assert [_brief(e) for e in body["data"]] == task_stream
    assert body["has_more"] is False and body["sync"] != task_token
    body = _events(s, b, project, project_token)
    added = [("added", "task", "project"), ("added", "task", "section")]
    assert [_brief(e) for e in body["data"]] == added + task_stream

    alice, bobs = (sandbox.users[e] for e in ("alice@example.com", "bob@example.com"))
    first, *_ = body["data"]
    assert first["user"] == {"gid": alice, "resource_type": "user", "name": "Alice Adams"}
    assert first["resource"] == {"gid": task, "resource_type": "task", "name": "Draft plan"}
    assert first["parent"] == {"gid": project, "resource_type": "project", "name": "Launch"}
    assert first["type"] == "task" and "change" not in first
    rename, followed, comment = body["data"][2], body["data"][4], body["data"][5]
    assert rename["parent"] is None and rename["change"] == {"field": "name", "action": "changed"}
    assert followed["user"]["name"] == "Bob Brown" and followed["change"]["added_value"] == {
        "gid": bobs, "resource_type": "user", "name": "Bob Brown"}  # fmt: skip
    assert comment["user"]["gid"] == bobs and comment["parent"]["gid"] == task
    story = s.get(f"{b}/stories/{comment['resource']['gid']}").json()["data"]
    assert story["text"] == "On it" and comment["created_at"] == story["created_at"]
    # The next token answers only what happened since.
    next_token = _events(s, b, task, task_token)["sync"]
    s.put(f"{b}/tasks/{task}", json={"data": {"assignee": "carol@example.com"}})
    later = _events(s, b, task, next_token)
    assert [_brief(e) for e in later["data"]] == [
        ("changed", "task", "assignee", "changed"), ("changed", "task", "followers", "added"),
        ("added", "story", "task")]  # fmt: skip
    assert [e["change"] for e in later["data"] if e["action"] == "changed"][0] == {
        "field": "assignee", "action": "changed", "new_value": {
            "gid": sandbox.users["carol@example.com"], "resource_type": "user",
            "name": "Carol Chen"}}  # fmt: skip


def test_changes_bubble_up_from_sections_subtasks_and_deletions(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    project, other = _project(s, sandbox), _project(s, sandbox, "Elsewhere")
    r = s.post(f"{b}/projects/{project}/sections", json={"data": {"name": "Doing"}})
    doing = r.json()["data"]["gid"]
    task = s.post(f"{b}/tasks", json={"data": {"name": "T", "projects": [project]}}).json()["data"]
    project_token, task_token = _token(s, b, project), _token(s, b, task["gid"])
    other_token = _token(s, b, other)
    s.post(f"{b}/sections/{doing}/addTask", json={"data": {"task": task["gid"]}})
    sub = s.post(f"{b}/tasks/{task['gid']}/subtasks", json={"data": {"name": "S"}}).json()["data"]
    s.post(f"{b}/tasks/{sub['gid']}/stories", json={"data": {"text": "deep"}})
    s.put(f"{b}/sections/{doing}", json={"data": {"name": "Doing now"}})
    s.put(f"{b}/projects/{project}", json={"data": {"name": "Launch 2", "owner": None}})
    task_events = _events(s, b, task["gid"], task_token)["data"]
    assert [_brief(e) for e in task_events] == [
        ("removed", "task", "section"), ("added", "task", "section"), ("added", "story", "task"),
        ("added", "task", "task"), ("added", "story", "task")]  # fmt: skip
    assert task_events[3]["resource"]["gid"] == sub["gid"]
    assert task_events[4]["parent"] == {"gid": sub["gid"], "resource_type": "task", "name": "S"}
    s.delete(f"{b}/tasks/{task['gid']}")
    events = _events(s, b, project, project_token)["data"]
    assert [_brief(e) for e in events] == [
        *map(_brief, task_events),  # moved to "Doing", the subtask and the comment on it
        ("changed", "section", "name", "changed"),
        ("changed", "project", "name", "changed"), ("changed", "project", "owner", "changed"),
        ("deleted", "task", None), ("deleted", "task", None),  # the task and its subtask
    ]  # fmt: skip
    assert events[1]["parent"]["name"] == "Doing now"
    assert "new_value" not in events[7]["change"]  # no owner now
    assert [e["resource"] for e in events[-2:]] == [  # gone: no name to show
        {"gid": task["gid"], "resource_type": "task"}, {"gid": sub["gid"], "resource_type": "task"}]  # fmt: skip
    assert _events(s, b, other, other_token)["data"] == []  # nothing happened there
    r = s.get(f"{b}/events", params={"resource": task["gid"], "sync": task_token})
    assert r.status_code == 404  # the task is gone


def test_more_than_100_events_come_in_pages_with_has_more(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    task = s.post(f"{b}/tasks", json={"data": {"name": "0", "workspace": sandbox.workspace_gid}})
    gid = task.json()["data"]["gid"]
    token = _token(s, b, gid)
    for i in range(1, 56):  # each rename: the change and its story, 110 events
        s.put(f"{b}/tasks/{gid}", json={"data": {"name": str(i)}})
    first = _events(s, b, gid, token)
    assert len(first["data"]) == 100 and first["has_more"] is True
    assert _events(s, b, gid, token) == first  # asking again with the same token: the same
    second = _events(s, b, gid, first["sync"])
    assert len(second["data"]) == 10 and second["has_more"] is False
    assert [e["action"] for e in second["data"]] == ["changed", "added"] * 5
    assert _events(s, b, gid, second["sync"]) == {"data": [], "sync": second["sync"],
                                                  "has_more": False}  # fmt: skip


def test_unknown_and_expired_tokens_answer_412_with_a_fresh_one(make_sandbox):
    sandbox, other = make_sandbox(), make_sandbox()
    sandbox.store.journal = Journal(limit=5)  # a short history, to outlive a token
    s, b = session_for(sandbox), sandbox.base_url
    project = _project(s, sandbox)
    old = _token(s, b, project)
    # "A": hex in upper case (old.upper() is old itself when the token has no letter)
    for bad in ("nonsense", old[:-1] + "g", old[:-1] + "A", _token(session_for(other), other.base_url,
                                                                _project(session_for(other), other))):  # fmt: skip
        r = s.get(f"{b}/events", params={"resource": project, "sync": bad})
        assert _fresh_token(r) == old  # nothing happened since: the same position
    for i in range(3):
        s.put(f"{b}/projects/{project}", json={"data": {"name": f"P{i}", "notes": str(i)}})
    fresh = _fresh_token(s.get(f"{b}/events", params={"resource": project, "sync": old}))
    assert fresh != old and _events(s, b, project, fresh)["data"] == []
    assert len(sandbox.store.journal.entries) == 5


def test_the_resource_is_checked_and_opt_fields_select_the_events_fields(sandbox):
    s, b = session_for(sandbox), sandbox.base_url

    def error(params: dict, status: int) -> str:
        r = s.get(f"{b}/events", params=params)
        assert r.status_code == status, r.text
        return r.json()["errors"][0]["message"]

    assert error({}, 400) == "resource: required query parameter"
    assert error({"resource": "1"}, 404) == "resource: unknown gid '1'"
    alice = sandbox.users["alice@example.com"]
    assert error({"resource": alice}, 400) == (
        f"resource: '{alice}' is a user; the sandbox serves the events of tasks and projects"
    )
    assert error({"resource": alice, "limit": "5"}, 400).startswith(
        "limit: unknown query parameter for GET /events (allowed: body, opt_fields, opt_pretty, "
    )
    project = _project(s, sandbox)
    assert error({"resource": project, "opt_fields": "action,colour"}, 400).startswith(
        "opt_fields: unknown field 'colour' for an event (expected one of user, resource, "
    )
    assert error({"resource": project, "opt_fields": "user.email"}, 400) == (
        "opt_fields: unknown field 'user.email' for an event"
    )
    token = _token(s, b, project)
    s.put(f"{b}/projects/{project}", json={"data": {"notes": "why"}})
    body = _events(s, b, project, token, opt_fields="action,change.field,resource.name")
    assert body["data"] == [{"action": "changed", "change": {"field": "notes"}, "resource": {
        "gid": project, "resource_type": "project", "name": "Launch"}}]  # fmt: skip


def test_a_restarted_sandbox_knows_its_records_but_not_the_old_tokens(make_sandbox, tmp_path):
    people = default_people()
    first = make_sandbox(people=people, data_dir=tmp_path)
    s = session_for(first)
    project = _project(s, first)
    task = s.post(f"{first.base_url}/tasks", json={"data": {"name": "t", "projects": [project]}})
    gid = task.json()["data"]["gid"]
    old = _token(s, first.base_url, gid)
    first.stop()
    second = make_sandbox(people=people, data_dir=tmp_path)
    s, b = session_for(second), second.base_url
    r = s.get(f"{b}/events", params={"resource": gid, "sync": old})
    token = _fresh_token(r)  # the history is kept in memory only
    s.put(f"{b}/tasks/{gid}", json={"data": {"due_on": "2030-01-02"}})
    assert [_brief(e) for e in _events(s, b, gid, token)["data"]] == [
        ("changed", "task", "due_on", "changed"), ("added", "story", "task")]  # fmt: skip
