"""How the sandbox answers, whatever the endpoint: ``opt_pretty`` (indented JSON, as Asana's
"Input/output options" describe it), and error messages that name a form's fields as the
form wrote them."""

from __future__ import annotations

import json

import requests

from tests.sandbox_fixtures import session_for

pytest_plugins = ["tests.sandbox_fixtures"]


def _is_indented(response: requests.Response) -> bool:
    return response.text.startswith("{\n  ") and response.text == json.dumps(
        response.json(), indent=2, ensure_ascii=False
    )


def test_opt_pretty_in_the_query_indents_the_answer(sandbox):
    s, url = session_for(sandbox), f"{sandbox.base_url}/users/me"
    for query in ("?opt_pretty=true", "?opt_pretty"):  # the spec allows it empty: true
        r = s.get(url + query)
        assert r.status_code == 200, r.text
        assert _is_indented(r), r.text
        assert r.json()["data"]["name"] == "Alice Adams"
    for query in ("", "?opt_pretty=false"):
        r = s.get(url + query)
        assert "\n" not in r.text and r.json()["data"]["name"] == "Alice Adams"


def test_opt_pretty_indents_errors_and_rejects_values_other_than_true_or_false(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    r = s.get(f"{b}/tasks/1?opt_pretty=true")
    assert r.status_code == 404 and _is_indented(r)
    r = s.get(f"{b}/users/me?opt_pretty=true", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and _is_indented(r)  # answered before the handler runs
    r = s.get(f"{b}/users/me?opt_pretty=yes")
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "opt_pretty: expected true or false, got 'yes'"


def test_options_pretty_in_a_json_body_and_opt_pretty_in_a_form_indent_the_answer(sandbox):
    s, b, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    r = s.post(f"{b}/tasks", json={"data": {"name": "J", "workspace": ws},
                                   "options": {"pretty": True}})  # fmt: skip
    assert r.status_code == 201 and _is_indented(r), r.text
    r = s.post(f"{b}/tasks", data={"name": "F", "workspace": ws, "opt_pretty": "true"})
    assert r.status_code == 201 and _is_indented(r), r.text
    r = s.post(f"{b}/tasks", json={"data": {"name": "J", "workspace": ws},
                                   "options": {"pretty": False}})  # fmt: skip
    assert r.status_code == 201 and "\n" not in r.text
    batch = {"data": {"actions": [{"method": "get", "relative_path": "/users/me"}]},
             "options": {"pretty": True}}  # fmt: skip
    r = s.post(f"{b}/batch", json=batch)
    assert r.status_code == 200 and _is_indented(r), r.text


def _message(response: requests.Response) -> str:
    assert response.status_code == 400, response.text
    return response.json()["errors"][0]["message"]


def test_form_errors_name_the_fields_as_the_form_wrote_them(sandbox):
    """A JSON body's fields sit in ``data`` (``data.name``); a form's are top-level and nest with
    brackets, so its errors say ``name`` and ``memberships[0][section]``."""
    s, b, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    assert _message(s.post(f"{b}/tasks", json={"data": {"nmae": "x", "workspace": ws}})) == (
        "data.nmae: unknown field (did you mean 'name'?)"
    )
    assert _message(s.post(f"{b}/tasks", data={"nmae": "x", "workspace": ws})) == (
        "nmae: unknown field (did you mean 'name'?)"
    )
    assert _message(s.post(f"{b}/tasks", data={"name": "x"})) == (
        "workspace: required (or projects, memberships, parent)"
    )
    assert _message(s.post(f"{b}/tasks", data={"name": "x", "workspace": ws,
                                               "start_on": "2026-05-02", "due_on": "2026-05-01"})) == (
        "start_on: must not be after due_on"
    )  # fmt: skip
    project = s.post(f"{b}/projects", json={"data": {"name": "P", "team": sandbox.team_gid}})
    pg = project.json()["data"]["gid"]
    r = s.post(f"{b}/tasks", data={"name": "x", "memberships[0][project]": pg,
                                   "memberships[0][section]": "1"})  # fmt: skip
    assert _message(r) == "memberships[0][section]: unknown section '1'"
