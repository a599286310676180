"""Endpoints a user browsing or scripting against the sandbox expects: who is a member of a
project (``project_memberships``), a person's My Tasks (``user_task_list``), after requests of
their own and after a replay."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import requests

from adapters.asana.replay_destination import Destination
from engine import events as ev
from tests.replay_checks import FAST, events_of, make_run, replay_once, run_people, tokens_of
from tests.sandbox_fixtures import error_message, ok_json, session_for

pytest_plugins = ["tests.sandbox_fixtures"]


def _user(name: str, gid: str) -> dict[str, str]:
    return {"gid": gid, "resource_type": "user", "name": name}


def test_a_projects_members_after_adding_one(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    alice, bob = sandbox.users["alice@example.com"], sandbox.users["bob@example.com"]
    project = s.post(f"{b}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "P"}})
    pg = project.json()["data"]["gid"]
    path = f"{b}/projects/{pg}/project_memberships"
    assert ok_json(s.get(path))["data"] == [{"gid": f"{pg}-{alice}", "resource_type":
        "project_membership", "member": _user("Alice Adams", alice), "access_level": "admin"}]  # fmt: skip
    s.post(f"{b}/projects/{pg}/addMembers", json={"data": {"members": "bob@example.com"}})
    listed = ok_json(s.get(path))["data"]
    assert [(m["member"]["name"], m["access_level"]) for m in listed] == [
        ("Alice Adams", "admin"), ("Bob Brown", "editor")]  # fmt: skip
    # One member ("me", an email or a gid), paged, and opt-in fields.
    assert [m["gid"] for m in ok_json(s.get(path, params={"user": "bob@example.com"}))["data"]] == [
        f"{pg}-{bob}"
    ]
    assert ok_json(s.get(path, params={"user": "carol@example.com"}))["data"] == []
    page = ok_json(s.get(path, params={"limit": 1, "opt_fields": "parent.name,member.name"}))
    assert page["data"] == [{"gid": f"{pg}-{alice}", "parent": {"gid": pg, "name": "P"},
                             "member": {"gid": alice, "name": "Alice Adams"}}]  # fmt: skip
    assert page["next_page"]["offset"]
    # One membership: the full record (``parent`` and ``project`` are opt-in, as in the spec).
    full = ok_json(s.get(f"{b}/project_memberships/{pg}-{bob}"))["data"]
    assert full == {"gid": f"{pg}-{bob}", "resource_type": "project_membership",
                    "member": _user("Bob Brown", bob), "access_level": "editor",
                    "user": _user("Bob Brown", bob), "write_access": "full_write"}  # fmt: skip
    got = s.get(f"{b}/project_memberships/{pg}-{bob}", params={"opt_fields": "project.name"})
    assert ok_json(got)["data"] == {"gid": f"{pg}-{bob}", "project": {"gid": pg, "name": "P"}}


def test_project_membership_errors(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    pg = s.post(f"{b}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "P"}})
    pg = pg.json()["data"]["gid"]
    carol = sandbox.users["carol@example.com"]
    assert error_message(s.get(f"{b}/projects/1/project_memberships"), 404) == (
        "project: unknown gid '1'"
    )
    for gid in (f"{pg}-{carol}", "1-2", "nonsense"):  # carol is no member
        message = error_message(s.get(f"{b}/project_memberships/{gid}"), 404)
        assert message == f"project_membership: unknown gid '{gid}'"
    path = f"{b}/projects/{pg}/project_memberships"
    assert error_message(s.get(path, params={"user": "nobody@x.org"}), 400) == (
        "user: unknown user 'nobody@x.org'"
    )
    assert error_message(s.get(path, params={"limit": "0"}), 400).startswith("limit: ")
    assert error_message(s.get(path, params={"opt_fields": "membr"}), 400) == (
        "opt_fields: unknown field 'membr' for a project_membership"
    )
    assert error_message(s.get(path, params={"project": pg}), 400).startswith(
        "project: unknown query parameter"
    )


def _tasks(s: requests.Session, url: str, **params: str) -> list[str]:
    return [t["name"] for t in ok_json(s.get(url, params=params))["data"]]


def test_my_tasks_lists_the_assignees_tasks_incomplete_ones_with_completed_since_now(sandbox):
    s, b, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    bob = sandbox.users["bob@example.com"]
    pg = s.post(f"{b}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "P"}})
    pg = pg.json()["data"]["gid"]

    def task(name: str, assignee: str | None, **more) -> str:
        data = {"name": name, "projects": [pg], "assignee": assignee, **more}
        return s.post(f"{b}/tasks", json={"data": data}).json()["data"]["gid"]

    first = task("open 1", "bob@example.com")
    task("done", "bob@example.com", completed=True)
    task("alice's", "me")
    task("nobody's", None)
    s.post(f"{b}/tasks/{first}/subtasks", json={"data": {"name": "sub", "assignee": bob}})
    task("open 2", "bob@example.com")
    mine = ok_json(s.get(f"{b}/users/bob@example.com/user_task_list", params={"workspace": ws}))
    utl = mine["data"]["gid"]
    assert mine["data"] == {"gid": utl, "resource_type": "user_task_list", "name": "My Tasks",
                            "owner": _user("Bob Brown", bob),
                            "workspace": {"gid": ws, "resource_type": "workspace",
                                          "name": "Busywork Sandbox"}}  # fmt: skip
    assert ok_json(s.get(f"{b}/user_task_lists/{utl}"))["data"] == mine["data"]
    as_bob = session_for(sandbox, "bob@example.com")
    bobs = ok_json(as_bob.get(f"{b}/users/me/user_task_list", params={"workspace": ws}))["data"]
    assert bobs["gid"] == utl
    url = f"{b}/user_task_lists/{utl}/tasks"
    # The spec: "Both complete and incomplete tasks are returned by default"; now: incomplete.
    assert _tasks(s, url) == ["open 1", "done", "sub", "open 2"]
    assert _tasks(s, url, completed_since="now") == ["open 1", "sub", "open 2"]
    assert _tasks(s, url, completed_since="2000-01-01T00:00:00Z") == _tasks(s, url)
    assert _tasks(s, url, completed_since="2999-01-01T00:00:00Z") == _tasks(s, url,
                                                                          completed_since="now")  # fmt: skip
    s.put(f"{b}/tasks/{first}", json={"data": {"completed": True}})
    s.put(f"{b}/tasks/{first}", json={"data": {"assignee": "carol@example.com"}})
    assert _tasks(s, url, completed_since="now") == ["sub", "open 2"]
    page = ok_json(s.get(url, params={"limit": 1, "opt_fields": "name,assignee.name"}))
    assert page["data"] == [{"gid": page["data"][0]["gid"], "name": "done",
                             "assignee": {"gid": bob, "name": "Bob Brown"}}]  # fmt: skip
    assert page["next_page"]["path"].startswith(f"/user_task_lists/{utl}/tasks?")


def test_my_tasks_errors(sandbox):
    s, b, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    assert error_message(s.get(f"{b}/users/me/user_task_list"), 400) == (
        "workspace: required query parameter"
    )
    r = s.get(f"{b}/users/me/user_task_list", params={"workspace": "1"})
    assert error_message(r, 400) == "workspace: unknown workspace '1'"
    r = s.get(f"{b}/users/nobody@x.org/user_task_list", params={"workspace": ws})
    assert error_message(r, 404) == "user: 'nobody@x.org' is not a user of this workspace"
    for gid in ("1", "1-2", f"{sandbox.users['bob@example.com']}-1"):
        message = error_message(s.get(f"{b}/user_task_lists/{gid}/tasks"), 404)
        assert message == f"user_task_list: unknown gid '{gid}'"
    utl = ok_json(s.get(f"{b}/users/me/user_task_list", params={"workspace": ws}))["data"]["gid"]
    r = s.get(f"{b}/user_task_lists/{utl}/tasks", params={"completed_since": "yesterday"})
    assert error_message(r, 400).startswith("completed_since: 'yesterday' is not a date-time")
    r = s.get(f"{b}/user_task_lists/{utl}/tasks", params={"assignee": "me"})
    assert error_message(r, 400).startswith("assignee: unknown query parameter")


@pytest.fixture(scope="module")
def replayed_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=3)


@pytest.mark.slow  # simulates and replays a few days: several seconds
def test_after_a_replay_members_and_my_tasks_match_the_log(replayed_run, make_sandbox):
    people = run_people(replayed_run)
    sandbox = make_sandbox(people=people)
    summary, _ = replay_once(replayed_run, sandbox.base_url, tokens_of(people, sandbox.admin_token),
                             Destination(to=sandbox.base_url, backoff=FAST))  # fmt: skip
    assert summary.failed == 0 and summary.applied == summary.events
    events = events_of(replayed_run)
    email = {e.person: e.email for e in events if isinstance(e, ev.PersonJoined)}
    made = [e for e in events if isinstance(e, ev.ProjectCreated)]
    assert made and any(e.members for e in made)  # the check can fail: members were added
    s, b, ws = session_for(sandbox, "admin"), sandbox.base_url, sandbox.workspace_gid
    names = Counter(e.name for e in made)
    projects = {
        p["name"]: p["gid"] for p in ok_json(s.get(f"{b}/workspaces/{ws}/projects"))["data"]
    }
    by_gid = {gid: e for e, gid in sandbox.users.items()}
    for e in made:
        if names[e.name] > 1:
            continue
        listed = ok_json(s.get(f"{b}/projects/{projects[e.name]}/project_memberships"))["data"]
        expected = list(dict.fromkeys([email[e.actor], *(email[m] for m in e.members)]))
        assert [by_gid[m["member"]["gid"]] for m in listed] == expected, e.name
        assert [m["access_level"] for m in listed] == ["admin"] + ["editor"] * (len(listed) - 1)
    # Each person's My Tasks (completed_since=now) is exactly their incomplete tasks.
    seen: Counter[str] = Counter()
    for person, gid in sandbox.users.items():
        utl = ok_json(s.get(f"{b}/users/{gid}/user_task_list", params={"workspace": ws}))["data"]
        shown, params = [], {"completed_since": "now", "limit": "100"}
        while True:
            page = ok_json(s.get(f"{b}/user_task_lists/{utl['gid']}/tasks", params=params))
            shown += [t["gid"] for t in page["data"]]
            if not page["next_page"]:
                break
            params["offset"] = page["next_page"]["offset"]
        everything = ok_json(s.get(f"{b}/tasks", params={"assignee": gid, "workspace": ws,
                                                       "opt_fields": "completed"}))["data"]  # fmt: skip
        assert sorted(shown) == sorted(t["gid"] for t in everything if not t["completed"]), person
        seen.update(shown=len(shown), completed=sum(t["completed"] for t in everything))
    assert seen["shown"] and seen["completed"]  # both kinds of task were there to tell apart
