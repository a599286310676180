"""What probing the sandbox as a demanding user found: inputs that crashed it (500, a printed
traceback, a hang) instead of a 400 naming what was wrong, filters that took anything, a
`--data` folder that two sandboxes could share or that failed with a traceback, and rules of
the spec it did not keep."""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from adapters.asana.sandbox import Sandbox, SandboxConfig, SandboxPerson
from adapters.asana.sandbox.run import describe
from adapters.json_depth import MAX_JSON_DEPTH
from engine.errors import InvalidInput
from tests.sandbox_fixtures import default_people, session_for


def _error(response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    (error,) = response.json()["errors"]
    return error["message"]


def _raw(sandbox, payload: bytes, then: bytes = b"", timeout: float = 5) -> bytes:
    """Send `payload` on a new connection (then `then`, once the first answer came if it was
    only an interim one) and read until the server closes or is quiet."""
    with socket.create_connection((sandbox._server.host, sandbox._server.port), timeout) as sock:
        sock.sendall(payload)
        reply = sock.recv(65536)
        if then:
            sock.sendall(then)
            reply += sock.recv(65536)
    return reply


# -- input that crashed the server ----------------------------------------------------------------


def test_a_limit_of_non_ascii_digits_is_a_400_not_a_500(sandbox):
    s = session_for(sandbox)
    for limit in ("²", "٣", "1²"):
        r = s.get(f"{sandbox.base_url}/workspaces", params={"limit": limit})
        assert _error(r) == f"limit: must be an integer from 1 to 100, got {limit!r}"


@pytest.mark.parametrize("levels", [100_000, 5_000, MAX_JSON_DEPTH])
def test_json_nested_too_deeply_is_a_400_not_a_500(sandbox, levels):
    # 100,000 is past msgspec's own limit on every Python, 5,000 only on 3.11 and 3.12, and
    # the envelope's one level more than the limit past none of them: the same 400 each time.
    body = b'{"data":' + b"[" * levels + b"]" * levels + b"}"
    r = session_for(sandbox).post(f"{sandbox.base_url}/tasks", data=body)
    assert _error(r) == ("body: JSON nested too deeply "
                         f"(at most {MAX_JSON_DEPTH} levels of objects and arrays)")  # fmt: skip


def test_json_nested_as_deep_as_the_limit_is_checked_as_usual(sandbox):
    levels = MAX_JSON_DEPTH - 1  # with the envelope: the limit
    body = b'{"data":' + b"[" * levels + b"]" * levels + b"}"
    r = session_for(sandbox).post(f"{sandbox.base_url}/tasks", data=body)
    assert "nested" not in _error(r) and _error(r).startswith("data")


def test_a_content_length_of_non_ascii_digits_is_a_400_not_a_traceback(sandbox, capfd):
    token = sandbox.tokens["alice@example.com"].encode()
    reply = _raw(sandbox, b"POST /api/1.0/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                          + token + b"\r\nContent-Length: \xb2\r\n\r\n")  # fmt: skip
    assert reply.startswith(b"HTTP/1.1 400 ") and b"invalid Content-Length" in reply
    assert b"Connection: close" in reply
    assert "Traceback" not in "".join(capfd.readouterr())


def test_a_negative_chunk_size_is_a_400_not_a_hang(sandbox):
    token = sandbox.tokens["alice@example.com"].encode()
    reply = _raw(sandbox, b"POST /api/1.0/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                          + token + b"\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nabc")  # fmt: skip
    assert reply.startswith(b"HTTP/1.1 400 ") and b"malformed chunked body" in reply


def test_expect_100_continue_is_answered_so_curl_sends_its_body_at_once(sandbox):
    token = sandbox.tokens["alice@example.com"].encode()
    body = b'{"data": {"name": "via curl", "workspace": "%s"}}' % sandbox.workspace_gid.encode()
    head = (b"POST /api/1.0/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
            + b"\r\nExpect: 100-continue\r\nConnection: close\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n")  # fmt: skip
    reply = _raw(sandbox, head, then=body, timeout=2)  # curl waits 1 s for the 100
    assert reply.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 "), reply[:80]


def test_opt_fields_are_checked_whatever_the_data(sandbox):
    """A field below a reference (or a fixed-shape object) is refused whether or not the record
    has one: a client tested against an empty sandbox does not fail later on a full one."""
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    bare = s.post(f"{base}/tasks", json={"data": {"name": "bare", "workspace": ws}}).json()["data"]
    full = s.post(f"{base}/tasks", json={"data": {"name": "full", "workspace": ws,
                                                  "assignee": "me", "liked": True}}).json()["data"]  # fmt: skip
    s.post(
        f"{base}/tasks/{full['gid']}/addDependencies",
        json={"data": {"dependencies": [bare["gid"]]}},
    )
    cases = [("assignee.nmae", "opt_fields: unknown field 'assignee.nmae' (a user has no 'nmae')"),
             ("parent.assignee.nmae", "opt_fields: unknown field 'parent.assignee.nmae'"),
             ("likes.usr", "opt_fields: unknown field 'likes.usr' (expected one of gid, user)"),
             ("memberships.sektion", "opt_fields: unknown field 'memberships.sektion'"),
             ("dependencies.name", "opt_fields: unknown field 'dependencies.name' (expected one "
                                   "of gid, resource_type)")]  # fmt: skip
    for fields, expected in cases:
        for task in (bare, full):
            r = s.get(f"{base}/tasks/{task['gid']}", params={"opt_fields": fields})
            assert _error(r).startswith(expected), (task["name"], fields)
    listed = s.get(f"{base}/tasks", params={"assignee": "me", "workspace": ws,
                                            "opt_fields": "assignee.nmae"})  # fmt: skip
    assert _error(listed).startswith("opt_fields: unknown field 'assignee.nmae'")
    got = s.get(
        f"{base}/tasks/{full['gid']}", params={"opt_fields": "assignee.email,likes.user.name"}
    )
    assert got.json()["data"]["assignee"]["email"] == "alice@example.com"
    assert got.json()["data"]["likes"][0]["user"] == {
        "gid": full["created_by"]["gid"],
        "name": "Alice Adams",
    }


# -- filters that took anything ----------------------------------------------------------------------


def test_date_time_filters_are_checked_and_compared_as_times(sandbox):
    s, base = session_for(sandbox), sandbox.base_url
    project = s.post(f"{base}/teams/{sandbox.team_gid}/projects",
                     json={"data": {"name": "P"}}).json()["data"]  # fmt: skip
    for name, completed in (("done", True), ("open", False)):
        s.post(f"{base}/tasks", json={"data": {"name": name, "projects": [project["gid"]],
                                               "completed": completed}})  # fmt: skip
    s.post(f"{base}/status_updates", json={"data": {"parent": project["gid"],
                                                     "status_type": "on_track", "text": "t"}})  # fmt: skip
    section = s.get(f"{base}/projects/{project['gid']}/sections").json()["data"][0]["gid"]
    lists = [(f"/projects/{project['gid']}/tasks", {}, "completed_since"),
             (f"/sections/{section}/tasks", {}, "completed_since"),
             ("/tasks", {"project": project["gid"]}, "modified_since"),
             ("/status_updates", {"parent": project["gid"]}, "created_since")]  # fmt: skip
    for path, params, name in lists:
        r = s.get(f"{base}{path}", params={**params, name: "yesterday"})
        assert _error(r).startswith(f"{name}: 'yesterday' is not a date-time (expected ISO 8601")
    # An hour ago, written at +14:00: as a string it sorts after the UTC times stored, so a
    # string comparison would leave out the task completed just now; as a time it is earlier.
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).astimezone(timezone(timedelta(hours=14)))
    tasks = f"{base}/projects/{project['gid']}/tasks"

    def names(**params: str) -> list[str]:
        return sorted(t["name"] for t in s.get(tasks, params=params).json()["data"])

    assert names(completed_since=hour_ago.isoformat()) == ["done", "open"]
    assert names(completed_since="now") == names(completed_since="2999-01-01") == ["open"]
    modified = {"project": project["gid"], "modified_since": hour_ago.isoformat()}
    assert len(s.get(f"{base}/tasks", params=modified).json()["data"]) == 2
    updates = f"{base}/status_updates"
    for since, count in ((hour_ago.isoformat(), 1), ("2999-01-01", 0)):
        params = {"parent": project["gid"], "created_since": since}
        assert len(s.get(updates, params=params).json()["data"]) == count


# -- start and due dates of projects and portfolios ------------------------------------------------


def test_the_spec_says_start_and_due_dates_of_projects_and_portfolios_differ(asana_spec):
    schemas = asana_spec["components"]["schemas"]
    for schema in ("ProjectBase", "PortfolioBase"):
        (start,) = [part["properties"]["start_on"] for part in schemas[schema]["allOf"]
                    if "start_on" in part.get("properties", {})]  # fmt: skip
        assert "`start_on` and `due_on` cannot be the same date" in start["description"]


def test_a_project_or_portfolio_cannot_start_the_day_it_is_due(sandbox):
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    same = {"start_on": "2030-01-01", "due_on": "2030-01-01"}
    project = s.post(
        f"{base}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "P", **same}}
    )
    assert _error(project).startswith("data.start_on: must be before data.due_on, not the same day")
    portfolio = s.post(f"{base}/portfolios", json={"data": {"name": "F", "workspace": ws, **same}})
    assert _error(portfolio).startswith("data.start_on: must be before data.due_on")
    made = s.post(f"{base}/teams/{sandbox.team_gid}/projects",
                  json={"data": {"name": "P", "start_on": "2030-01-01", "due_on": "2030-01-05"}})  # fmt: skip
    url = f"{base}/projects/{made.json()['data']['gid']}"
    assert _error(s.put(url, json={"data": {"due_on": "2030-01-01"}})).startswith(
        "data.due_on: must be after the project's start date (2030-01-01)")  # fmt: skip
    assert _error(s.put(url, json={"data": {"due_on": None}})).startswith(
        "data.due_on: the project has a start date")  # fmt: skip
    cleared = s.put(url, json={"data": {"start_on": None, "due_on": None}})
    assert cleared.status_code == 200 and cleared.json()["data"]["due_on"] is None
    task = s.post(f"{base}/tasks", json={"data": {"name": "T", "workspace": ws, **same}})
    assert task.status_code == 201  # tasks may start and end on one day


# -- the --data folder ---------------------------------------------------------------------------------


def test_two_sandboxes_cannot_keep_one_folder(make_sandbox, tmp_path):
    first = make_sandbox(data_dir=tmp_path)
    with pytest.raises(InvalidInput, match=r"another sandbox \(pid \d+\) keeps its workspace"):
        Sandbox(SandboxConfig(people=default_people(), data_dir=tmp_path))
    first.stop()
    make_sandbox(data_dir=tmp_path)  # free once the first stopped


def test_a_start_that_fails_lets_go_of_the_folder(make_sandbox, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError):
            Sandbox(SandboxConfig(people=default_people(), data_dir=tmp_path, port=port))
    make_sandbox(data_dir=tmp_path)


def _damage(folder: Path, sql: str) -> None:
    db = sqlite3.connect(folder / "sandbox.sqlite3")
    db.execute(sql)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("sql", "why"),
    [("UPDATE records SET body = '{oops' WHERE kind = 'user'", r"record \d+ \(user\) cannot be read"),
     ("UPDATE records SET kind = 'goal' WHERE kind = 'team'", r"record \d+ is of an unknown kind 'goal'"),
     ("UPDATE meta SET value = 'abc' WHERE key = 'next_gid'", "next_gid is 'abc', not a number"),
     ("DROP TABLE records", "cannot read it")],
)  # fmt: skip
def test_a_damaged_folder_is_refused_with_its_name_not_a_traceback(tmp_path, sql, why):
    Sandbox(SandboxConfig(people=default_people(), data_dir=tmp_path)).stop()
    _damage(tmp_path, sql)
    if sql.startswith("DROP"):  # the schema comes back, empty: a table of another shape is not
        _damage(tmp_path, "CREATE TABLE records (gid TEXT)")
    with pytest.raises(InvalidInput) as info:
        Sandbox(SandboxConfig(people=default_people(), data_dir=tmp_path))
    message = str(info.value)
    assert message.startswith(f"--data {tmp_path}: sandbox.sqlite3 is damaged or not a sandbox's")
    assert re.search(why, message), message
    _damage(tmp_path, "SELECT 1")  # the failed start left the database usable (and unlocked)


def test_the_command_describes_a_kept_workspace_without_teams(make_sandbox):
    lines = describe(make_sandbox(organization=False))
    assert "(not an organization: no teams)" in lines[2]


def test_stop_is_idempotent_and_prompt_with_idle_keep_alive_connections(make_sandbox):
    sandbox = make_sandbox()
    sessions = [session_for(sandbox) for _ in range(5)]
    for s in sessions:
        assert s.get(f"{sandbox.base_url}/users/me").status_code == 200
    done = threading.Event()
    # A grace period far longer than the wait: a stop that waited on the idle connections
    # would still be waiting, however slow the machine (no race with a short grace period).
    threading.Thread(target=lambda: (sandbox.stop(grace=60), done.set()), daemon=True).start()
    assert done.wait(30), "the stop waited for idle keep-alive connections"
    sandbox.stop()


def test_an_ipv6_host_is_served(make_sandbox):
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    sandbox = make_sandbox(host="::1")
    assert sandbox.base_url.startswith("http://[::1]:")
    me = session_for(sandbox).get(f"{sandbox.base_url}/users/me", params={"opt_fields": "name"})
    assert me.json()["data"]["name"] == "Alice Adams"


def test_a_token_shared_by_two_people_is_refused_and_a_default_that_is_a_person_acts_as_them(
    make_sandbox,
):
    ann, bob, *_ = default_people()
    twin = SandboxPerson(bob.email, bob.name, ann.token)
    with pytest.raises(InvalidInput, match=f"{ann.email} and {bob.email} have the same token"):
        Sandbox(SandboxConfig(people=[ann, twin]))
    sandbox = make_sandbox(people=[ann, bob], admin_token=ann.token)
    assert set(sandbox.users) == {ann.email, bob.email}  # no "Sandbox Admin" in Ann's place
    me = session_for(sandbox, "admin").get(f"{sandbox.base_url}/users/me").json()["data"]
    assert me["email"] == ann.email
