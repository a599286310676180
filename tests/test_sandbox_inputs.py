"""Requests the sandbox took differently from Asana: form bodies (Asana takes
application/x-www-form-urlencoded and multipart/form-data as well as JSON), HEAD, dotted
opt_fields below custom_fields, and the URL it printed when listening on every interface."""

from __future__ import annotations

import socket

import requests

from adapters.asana.sandbox.run import describe
from tests.sandbox_fixtures import session_for

pytest_plugins = ["tests.sandbox_fixtures"]


def _error(response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    (error,) = response.json()["errors"]
    return error["message"]


def _fields_project(sandbox, s: requests.Session) -> tuple[str, str, str, str]:
    """A project with a number field and an enum field (High, Low); their gids and High's."""
    b, ws = sandbox.base_url, sandbox.workspace_gid
    points = s.post(f"{b}/custom_fields", json={"data": {
        "workspace": ws, "name": "Points", "resource_subtype": "number", "precision": 1}})  # fmt: skip
    priority = s.post(f"{b}/custom_fields", json={"data": {
        "workspace": ws, "name": "Priority", "resource_subtype": "enum",
        "enum_options": [{"name": "High"}, {"name": "Low"}]}})  # fmt: skip
    project = s.post(f"{b}/projects", json={"data": {"name": "P", "team": sandbox.team_gid}})
    pg = project.json()["data"]["gid"]
    for field in (points, priority):
        s.post(f"{b}/projects/{pg}/addCustomFieldSetting",
               json={"data": {"custom_field": field.json()["data"]["gid"]}})  # fmt: skip
    high = priority.json()["data"]["enum_options"][0]["gid"]
    return pg, points.json()["data"]["gid"], priority.json()["data"]["gid"], high


# -- form bodies ------------------------------------------------------------------------------


def test_a_urlencoded_form_creates_a_task_with_typed_values_and_opt_fields(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    bob = sandbox.users["bob@example.com"]
    r = s.post(f"{b}/tasks", data={
        "name": "Form task", "workspace": sandbox.workspace_gid, "completed": "true",
        "followers": f"{bob},me", "due_on": "2026-05-01",
        "opt_fields": "name,completed,due_on,followers.name"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["data"] == {
        "gid": r.json()["data"]["gid"], "name": "Form task", "completed": True,
        "due_on": "2026-05-01", "followers": [
            {"gid": sandbox.users["alice@example.com"], "name": "Alice Adams"},
            {"gid": bob, "name": "Bob Brown"}]}  # fmt: skip


def test_a_form_sets_custom_fields_arrays_and_nulls_with_brackets(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    pg, points, priority, high = _fields_project(sandbox, s)
    bob, carol = sandbox.users["bob@example.com"], sandbox.users["carol@example.com"]
    r = s.post(f"{b}/tasks", data={
        "name": "T", "projects[0]": pg, f"custom_fields[{points}]": "2.5",
        f"custom_fields[{priority}]": high, "followers[]": [bob, carol], "assignee": bob,
        "opt_fields": "custom_fields.display_value,followers,assignee"})  # fmt: skip
    assert r.status_code == 201, r.text
    task = r.json()["data"]
    assert [f["display_value"] for f in task["custom_fields"]] == ["2.5", "High"]
    assert {f["gid"] for f in task["followers"]} >= {bob, carol}
    r = s.put(f"{b}/tasks/{task['gid']}", data={
        f"custom_fields[{points}]": "null", "assignee": "null",
        "opt_fields": "custom_fields.number_value,assignee"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["data"]["assignee"] is None
    assert r.json()["data"]["custom_fields"][0] == {"gid": points, "number_value": None}


def test_a_form_nests_objects_in_arrays(sandbox):
    r = session_for(sandbox).post(f"{sandbox.base_url}/custom_fields", data={
        "workspace": sandbox.workspace_gid, "name": "Size", "resource_subtype": "enum",
        "enum_options[0][name]": "S", "enum_options[1][name]": "L",
        "enum_options[1][color]": "red", "opt_fields": "enum_options.name,enum_options.color"})  # fmt: skip
    assert r.status_code == 201, r.text
    options = r.json()["data"]["enum_options"]
    assert [(o["name"], o["color"]) for o in options] == [("S", "none"), ("L", "red")]


def test_a_multipart_form_is_taken_like_a_urlencoded_one(sandbox):
    fields = {"name": (None, "Multipart"), "workspace": (None, sandbox.workspace_gid),
              "opt_fields": (None, "name")}  # fmt: skip
    r = session_for(sandbox).post(f"{sandbox.base_url}/tasks", files=fields)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["name"] == "Multipart"


def test_bad_form_values_are_400s_naming_the_field_and_what_was_expected(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    pg, points, _, _ = _fields_project(sandbox, s)
    ws = sandbox.workspace_gid
    r = s.post(f"{b}/tasks", data={"name": "x", "workspace": ws, "completed": "yes"})
    assert _error(r) == "completed: expected true or false, got 'yes'"
    r = s.post(f"{b}/tasks", data={"name": "x", "projects": pg, f"custom_fields[{points}]": "lots"})
    assert _error(r) == f"custom_fields[{points}]: 'lots' is not a number (expected e.g. 3 or 2.5)"
    r = s.post(f"{b}/tasks", data="name=a&name[x]=b",
               headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert _error(r) == "name[x]: form field given both as a value and as an object"
    r = s.post(
        f"{b}/tasks",
        data=b"name=%FF",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert _error(r) == "body: a %-escape in the form is not UTF-8 (Asana takes UTF-8 only)"
    r = s.post(f"{b}/tasks", data='{"data": {"name": "x"}}',
               headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert _error(r) == ("body: JSON sent as application/x-www-form-urlencoded; send it with "
                         "Content-Type: application/json")  # fmt: skip
    r = s.post(f"{b}/tasks", files={"name": (None, "x"), "doc": ("a.txt", b"hello")})
    assert _error(r) == "doc: a file part; only POST /attachments takes a file (as its field file)"


def test_a_body_of_another_content_type_is_a_400_saying_what_is_accepted(sandbox):
    r = session_for(sandbox).post(f"{sandbox.base_url}/tasks", data="<task/>",
                                  headers={"Content-Type": "text/xml"})  # fmt: skip
    assert _error(r) == ("Content-Type: 'text/xml' is not accepted (send application/json, "
                         "application/x-www-form-urlencoded or multipart/form-data)")  # fmt: skip


# -- HEAD -------------------------------------------------------------------------------------


def test_head_answers_like_get_without_a_body(sandbox):
    s = session_for(sandbox)
    got = s.get(f"{sandbox.base_url}/users/me")
    head = s.head(f"{sandbox.base_url}/users/me")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == got.headers["Content-Length"]
    assert s.head(f"{sandbox.base_url}/tasks/123").status_code == 404
    assert s.head(sandbox.root_url + "/").status_code == 200
    # the connection stays usable: no body was left behind for the next answer to trip on
    assert s.get(f"{sandbox.base_url}/users/me").json()["data"]["email"] == "alice@example.com"


def _raw(sandbox, head: bytes, body: bytes = b"") -> bytes:
    """Send one request on a new connection (Connection: close) and read the whole answer."""
    token = sandbox.tokens["alice@example.com"].encode()
    request = head.replace(b"TOKEN", token) + b"Connection: close\r\n\r\n" + body
    with socket.create_connection((sandbox._server.host, sandbox._server.port), 5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_an_absolute_form_request_target_is_served(sandbox):
    url = f"{sandbox.root_url}/api/1.0/users/me?opt_fields=email".encode()
    reply = _raw(
        sandbox, b"GET " + url + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n"
    )
    assert reply.startswith(b"HTTP/1.1 200 ")
    assert reply.endswith(b'"email":"alice@example.com"}}')


def test_conflicting_content_lengths_are_a_400_not_a_wait_for_bytes_never_sent(sandbox):
    head = (b"POST /api/1.0/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n"
            b"Content-Length: 2\r\nContent-Length: 9\r\n")  # fmt: skip
    reply = _raw(sandbox, head, b"{}")
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert reply.endswith(b'{"errors":[{"message":"conflicting Content-Length headers"}]}')


def test_a_transfer_coding_other_than_chunked_is_a_501(sandbox):
    head = (b"POST /api/1.0/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n"
            b"Transfer-Encoding: gzip, chunked\r\n")  # fmt: skip
    reply = _raw(sandbox, head, b"0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 501 ")
    assert reply.endswith(
        b'{"errors":[{"message":"unsupported Transfer-Encoding (only chunked)"}]}'
    )


# -- opt_fields below custom_fields -----------------------------------------------------------


def test_dotted_opt_fields_below_custom_fields_follow_each_fields_type(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    pg, points, priority, high = _fields_project(sandbox, s)
    task = s.post(f"{b}/tasks", json={"data": {"name": "T", "projects": [pg],
                                               "custom_fields": {points: 3, priority: high}}})  # fmt: skip
    r = s.get(f"{b}/tasks/{task.json()['data']['gid']}", params={
        "opt_fields": "custom_fields.name,custom_fields.enum_value.name,custom_fields.display_value"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["data"]["custom_fields"] == [
        {"gid": points, "name": "Points", "display_value": "3.0"},
        {"gid": priority, "name": "Priority", "enum_value": {"gid": high, "name": "High"},
         "display_value": "High"}]  # fmt: skip


def test_projects_and_portfolios_take_custom_fields_in_opt_fields(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    pg, *_ = _fields_project(sandbox, s)
    r = s.get(f"{b}/projects/{pg}", params={"opt_fields": "custom_fields.name"})
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"gid": pg, "custom_fields": []}
    portfolio = s.post(f"{b}/portfolios", json={"data": {"name": "All",
                                                         "workspace": sandbox.workspace_gid}})  # fmt: skip
    r = s.get(f"{b}/portfolios/{portfolio.json()['data']['gid']}",
              params={"opt_fields": "custom_fields.display_value"})  # fmt: skip
    assert r.status_code == 200 and r.json()["data"]["custom_fields"] == []


def test_an_unknown_field_below_custom_fields_is_a_400_with_or_without_values(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    task = s.post(f"{b}/tasks", json={"data": {"name": "T", "workspace": sandbox.workspace_gid}})
    r = s.get(
        f"{b}/tasks/{task.json()['data']['gid']}", params={"opt_fields": "custom_fields.nmae"}
    )
    assert _error(r).startswith(
        "opt_fields: unknown field 'custom_fields.nmae' (expected one of gid,"
    )
    r = s.get(f"{b}/tasks/{task.json()['data']['gid']}",
              params={"opt_fields": "custom_fields.enum_value.nmae"})  # fmt: skip
    assert _error(r) == ("opt_fields: unknown field 'custom_fields.enum_value.nmae' (an enum_option "
                         "has no 'nmae')")  # fmt: skip


# -- listening on every interface --------------------------------------------------------------


def test_listening_on_all_interfaces_prints_a_url_a_client_can_use(make_sandbox):
    sandbox = make_sandbox(host="0.0.0.0")
    assert sandbox.base_url == f"http://127.0.0.1:{sandbox._server.port}/api/1.0"
    from adapters.asana.sandbox import loopback_for  # new with the fix

    lines = describe(sandbox)
    assert lines[0] == f"Asana API:  {sandbox.base_url}"
    assert "Listening on all interfaces (0.0.0.0)" in lines[2]
    assert session_for(sandbox).get(f"{sandbox.base_url}/users/me").status_code == 200
    assert (loopback_for("::"), loopback_for("::1"), loopback_for("10.0.0.2")) == (
        "::1", "::1", "10.0.0.2")  # fmt: skip


def test_the_browse_page_names_the_api_at_the_address_the_browser_used(sandbox):
    page = requests.get(sandbox.root_url + "/", headers={"Host": "sandbox.lan:8765"})
    assert page.status_code == 200
    assert "API at http://sandbox.lan:8765/api/1.0" in page.text
