"""``GET /workspaces/{workspace_gid}/events``: every change in the workspace since a sync token
(412 with a fresh one first, as Asana), 1000 a page with ``has_more``, expired and unknown
tokens, the spec's parameters only; each answer checked against the spec's schema."""

from __future__ import annotations

import pytest
import requests

from adapters.asana.sandbox.api_events import SYNC_INVALID
from adapters.asana.sandbox.changes import Journal
from tests.sandbox_fixtures import error_message, ok_json, session_for
from tests.test_sandbox_conformance import Conformance, _without_events_spec_gaps

pytest_plugins = ["tests.sandbox_fixtures"]


@pytest.fixture(scope="module")
def conformance(asana_spec) -> Conformance:
    return Conformance(asana_spec)


def _url(sb) -> str:
    return f"{sb.base_url}/workspaces/{sb.workspace_gid}/events"


def _token(s: requests.Session, sb, conformance: Conformance, **params: str) -> str:
    r = s.get(_url(sb), params=params)
    assert r.status_code == 412, r.text
    body = r.json()
    assert body["errors"] == [{"message": SYNC_INVALID}]
    conformance.check_response("GET", _url(sb).split("/api/1.0")[1], 412,
                               _without_events_spec_gaps(412, body))  # fmt: skip
    return body["sync"]


def _events(s: requests.Session, sb, conformance: Conformance, sync: str) -> dict:
    body = ok_json(s.get(_url(sb), params={"sync": sync}))
    path = _url(sb).split("/api/1.0")[1]
    conformance.check_response("GET", path, 200, _without_events_spec_gaps(200, body))
    return body


def _brief(event: dict) -> tuple:
    if event["action"] == "changed":
        return ("changed", event["resource"]["resource_type"], event["change"]["field"])
    parent = event["parent"]
    return (event["action"], event["resource"]["resource_type"], parent and parent["resource_type"])


def test_the_workspace_stream_shows_every_change_in_the_order_made(sandbox, conformance):
    s, bob, b = session_for(sandbox), session_for(sandbox, "bob@example.com"), sandbox.base_url
    token = _token(s, sandbox, conformance)
    assert _events(s, sandbox, conformance, token) == {"data": [], "sync": token,
                                                       "has_more": False}  # fmt: skip
    launch = s.post(f"{b}/teams/{sandbox.team_gid}/projects",
                    json={"data": {"name": "Launch"}}).json()["data"]["gid"]  # fmt: skip
    other = bob.post(f"{b}/teams/{sandbox.team_gid}/projects",
                     json={"data": {"name": "Other"}}).json()["data"]["gid"]  # fmt: skip
    task = s.post(f"{b}/tasks", json={"data": {"name": "T", "projects": [launch]}})
    gid = task.json()["data"]["gid"]
    bob.post(f"{b}/tasks/{gid}/stories", json={"data": {"text": "On it"}})
    s.post(f"{b}/projects/{other}/sections", json={"data": {"name": "Doing"}})
    s.post(f"{b}/attachments", data={"parent": gid}, files={"file": ("a.txt", b"a")})
    s.delete(f"{b}/tasks/{gid}")
    body = _events(s, sandbox, conformance, token)
    assert [_brief(e) for e in body["data"]] == [
        ("added", "project", "team"), ("added", "section", "project"),  # its first section
        ("added", "project", "team"), ("added", "section", "project"),  # Bob's project
        ("added", "task", "project"), ("added", "task", "section"),
        ("changed", "task", "followers"), ("added", "story", "task"),  # Bob's comment
        ("added", "section", "project"),  # in the other project: no resource stream has both
        ("added", "attachment", "task"), ("added", "story", "task"),
        ("deleted", "task", None), ("deleted", "attachment", None),
    ]  # fmt: skip
    users = [e["user"]["name"] for e in body["data"]]
    assert users[1:3] == ["Alice Adams", "Bob Brown"] and users[7] == "Bob Brown"
    assert body["has_more"] is False
    assert _events(s, sandbox, conformance, body["sync"])["data"] == []  # all read


def test_more_than_1000_events_come_in_pages_with_has_more(sandbox, conformance):
    s, b = session_for(sandbox), sandbox.base_url
    task = s.post(f"{b}/tasks", json={"data": {"name": "0", "workspace": sandbox.workspace_gid}})
    gid = task.json()["data"]["gid"]
    token = _token(s, sandbox, conformance)
    for i in range(1, 502):  # each rename: the change and its story, 1002 events
        s.put(f"{b}/tasks/{gid}", json={"data": {"name": str(i)}})
    first = _events(s, sandbox, conformance, token)
    assert len(first["data"]) == 1000 and first["has_more"] is True
    second = _events(s, sandbox, conformance, first["sync"])
    assert [_brief(e) for e in second["data"]] == [("changed", "task", "name"),
                                                   ("added", "story", "task")]  # fmt: skip
    assert second["has_more"] is False


def test_unknown_and_expired_tokens_answer_412_with_a_fresh_one(sandbox, conformance):
    sandbox.store.journal = Journal(limit=5)  # a short history, to outlive a token
    s, b = session_for(sandbox), sandbox.base_url
    old = _token(s, sandbox, conformance)
    # "A": hex in upper case (old.upper() is old itself when the token has no letter)
    for bad in ("nonsense", old[:-1] + "g", old[:-1] + "A"):
        assert _token(s, sandbox, conformance, sync=bad) == old  # nothing happened since
    project = s.post(f"{b}/teams/{sandbox.team_gid}/projects",
                     json={"data": {"name": "P"}}).json()["data"]["gid"]  # fmt: skip
    for i in range(3):
        s.put(f"{b}/projects/{project}", json={"data": {"name": f"P{i}", "notes": str(i)}})
    fresh = _token(s, sandbox, conformance, sync=old)
    assert fresh != old and _events(s, sandbox, conformance, fresh)["data"] == []


def test_only_the_specs_parameters_and_the_workspace_are_taken(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    assert error_message(s.get(f"{b}/workspaces/1/events"), 404) == "workspace: unknown gid '1'"
    r = s.get(_url(sandbox), params={"opt_fields": "action"})
    assert error_message(r, 400) == (
        f"opt_fields: unknown query parameter for GET /workspaces/{sandbox.workspace_gid}/events "
        "(allowed: body, opt_pretty, pretty, sync)"
    )
    r = s.get(_url(sandbox), params={"resource": sandbox.workspace_gid})
    assert error_message(r, 400).startswith(
        f"resource: unknown query parameter for GET /workspaces/{sandbox.workspace_gid}/events "
        "(allowed: body, opt_pretty, pretty, sync)"
    )
    r = s.get(_url(sandbox), params={"opt_pretty": "true"})
    assert r.status_code == 412 and r.text.startswith('{\n  "errors": [')
