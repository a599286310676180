"""Where real Asana refuses: paid features on a free plan (custom fields, task dependencies),
joining a team one is not a member of, colleagues of other workspaces, and custom field names
that are task properties. Small logs replayed into a real sandbox that refuses the same way;
every request the sandbox answers is recorded, so "no further requests" is checked, not
assumed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.asana.client import ApiRejected
from adapters.asana.replay_destination import Destination
from adapters.asana.target_shared import refused_for_plan
from adapters.asana.tokens import Tokens
from engine import events as ev
from engine import run as runs
from engine.content.templates import TemplateSource
from engine.log import FileLog
from engine.replay import ReplayOptions
from engine.replay_journal import Journal
from engine.scenario import default_scenario, resolve
from tests.replay_checks import FAST, UNLIMITED, replay_once
from tests.sandbox_fixtures import session_for
from tests.test_sandbox_conformance import Conformance

ONE_AT_A_TIME = ReplayOptions(workers_per_lane=1)  # log order within a lane: no race to count
AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
EMAIL = {"u1": "alice@example.com", "u2": "bob@example.com", "u3": "carol@example.com",
         "u4": "dave@example.com"}  # fmt: skip


class Log:
    """A run written by hand: events numbered and timed in the order they are added."""

    def __init__(self) -> None:
        self.events: list[ev.Event] = []

    def add(self, cls: type[ev.Event], actor: str, **fields: Any) -> None:
        n = len(self.events) + 1
        self.events.append(cls(seq=n, at=AT + timedelta(minutes=n), actor=actor, **fields))

    def person(self, pid: str, team: str = "") -> None:
        self.add(ev.PersonJoined, pid, person=pid, name=pid.upper(), email=EMAIL[pid],
                 role="manager", timezone="UTC", team=team)  # fmt: skip

    def write(self, folder: Path) -> Path:
        manifest = runs.create_run(folder, resolve(default_scenario()), TemplateSource())
        with FileLog(folder) as log:
            log.append(self.events)
        manifest.status, manifest.events = "complete", len(self.events)
        runs.write_manifest(folder, manifest)
        return folder


def _board(log: Log, *, fields: tuple[str, ...] = (), members: tuple[str, ...] = ()) -> None:
    log.add(ev.ProjectCreated, "u1", project="p1", name="Launch", owner="u1",
            members=members, custom_fields=fields)  # fmt: skip
    log.add(ev.SectionCreated, "u1", section="s1", project="p1", name="To do", state="new")


def _sandbox(make_sandbox, **config):
    sandbox = make_sandbox(limits=UNLIMITED, **config)
    calls: list[tuple[str, str, int, str]] = []  # method, path, status, request body
    sandbox.app.observer = lambda request, status, body: calls.append(
        (request.method, request.path.removeprefix("/api/1.0"), status,
         (request.body or b"").decode())
    )  # fmt: skip
    return sandbox, calls


def _replay(run_dir: Path, sandbox, who=("u1", "u2", "u3")):
    tokens = Tokens({EMAIL[p]: sandbox.tokens[EMAIL[p]] for p in who}, default=sandbox.admin_token)
    dest = Destination(to=sandbox.base_url, backoff=FAST)
    return replay_once(run_dir, sandbox.base_url, tokens, dest, options=ONE_AT_A_TIME)


def _journal(folder: Path) -> tuple[dict[str, str], dict[int, str]]:
    with Journal(folder) as journal:
        return dict(journal.ids.items()), {seq: r.why for seq, r in journal.final.items()}


def _api(sandbox, email: str = "admin"):
    session = session_for(sandbox, email)

    def call(method: str, path: str, data: dict[str, Any] | None = None, **params: str):
        body = None if data is None else {"data": data}
        r = session.request(method, sandbox.base_url + path, json=body, params=params or None)
        return r.status_code, r.json()

    return call


# -- custom fields on a free plan --------------------------------------------------------------


def _fields_log() -> Log:
    log = Log()
    log.person("u1")
    log.add(ev.CustomFieldCreated, "u1", field="cf1", name="Priority", kind="enum",
            options=("Low", "High"))  # fmt: skip
    log.add(ev.CustomFieldCreated, "u1", field="cf2", name="Effort", kind="number", precision=1)
    _board(log, fields=("cf1", "cf2"))
    log.add(ev.TaskCreated, "u1", task="t1", project="p1", section="s1", name="Plan it",
            custom_fields={"cf1": "High", "cf2": 2.5})  # fmt: skip
    log.add(ev.CustomFieldChanged, "u1", task="t1", field="cf1", value="Low", previous="High")
    log.add(ev.CustomFieldChanged, "u1", task="t1", field="cf2", value=None, previous=2.5)
    return log


def test_free_plan_custom_fields_one_note_and_projects_and_tasks_go_on(make_sandbox, tmp_path):
    sandbox, calls = _sandbox(make_sandbox, plan="free")
    run_dir = _fields_log().write(tmp_path / "run")
    summary, folder = _replay(run_dir, sandbox)
    assert summary.failed == summary.parked == summary.deferred == 0, summary.errors
    assert summary.skipped == 2 and summary.applied == summary.events - 2  # the two changes
    (note,) = summary.notes
    assert note.startswith("custom fields are not available on this plan (") and "402" in note
    # One refused create; no second field, no option, no setting, no value was sent.
    field_calls = [c for c in calls if "custom_field" in c[1] or "custom_fields" in c[3]]
    assert [(m, p, s) for m, p, s, _ in field_calls] == [
        ("GET", f"/workspaces/{sandbox.workspace_gid}/custom_fields", 200),  # reuse by name?
        ("POST", "/custom_fields", 402),
    ]
    ids, why = _journal(folder)
    assert ids["cf1"] == ids["cf2"] == "" and ids["p1"] and ids["t1"]
    assert len(why) == 2 and all("custom field events are skipped" in w for w in why.values())
    # The project and its task are there, without fields.
    call = _api(sandbox)
    status, task = call("GET", f"/tasks/{ids['t1']}", opt_fields="name,custom_fields,projects")
    assert status == 200 and task["data"]["custom_fields"] == []
    assert [p["gid"] for p in task["data"]["projects"]] == [ids["p1"]]
    # A second run has nothing left to do and sends nothing of the fields.
    calls.clear()
    again, _ = _replay(run_dir, sandbox)
    assert again.applied == 0 and again.already_done == again.events
    assert not [c for c in calls if "custom_field" in c[1]]


def test_paid_plan_custom_fields_land_with_their_values(make_sandbox, tmp_path):
    """The same log on a paid plan: what the free plan left out is sent (the test above can
    fail)."""
    sandbox, calls = _sandbox(make_sandbox)
    summary, folder = _replay(_fields_log().write(tmp_path / "run"), sandbox)
    assert summary.applied == summary.events and not summary.notes, summary.errors
    ids, _ = _journal(folder)
    status, task = _api(sandbox)("GET", f"/tasks/{ids['t1']}", opt_fields="custom_fields")
    values = {f["name"]: f.get("enum_value") or f.get("number_value")
              for f in task["data"]["custom_fields"]}  # fmt: skip
    assert values["Priority"]["name"] == "Low" and values["Effort"] is None


def test_values_refused_later_are_left_out_once_noted(make_sandbox, tmp_path):
    """A workspace downgraded mid-run: the fields exist, their values are refused (402). The
    task is created again without them, one note, and later value changes send nothing."""
    sandbox, calls = _sandbox(make_sandbox)
    run_dir = _fields_log().write(tmp_path / "run")

    def downgrade(request, status, body) -> None:
        calls.append((request.method, request.path.removeprefix("/api/1.0"), status,
                      (request.body or b"").decode()))  # fmt: skip
        if (
            request.path.endswith("/addCustomFieldSetting")
            and len([c for c in calls if c[1].endswith("/addCustomFieldSetting")]) == 2
        ):
            sandbox.store.plan = "free"  # after the project got both fields

    sandbox.app.observer = downgrade
    summary, folder = _replay(run_dir, sandbox)
    assert summary.failed == 0 and summary.skipped == 2, summary.errors
    (note,) = summary.notes
    assert note.startswith("custom fields are not available on this plan") and "402" in note
    tasks = [c for c in calls if c[0] == "POST" and c[1] == "/tasks"]
    assert [(c[2], "custom_fields" in c[3]) for c in tasks] == [(402, True), (201, False)]
    assert not [c for c in calls if c[0] == "PUT" and c[1].startswith("/tasks/")], "unsent"


def test_a_403_that_says_premium_counts_as_the_plan_refusing():
    def rejected(status: int, message: str) -> ApiRejected:
        return ApiRejected(status, f"POST /api/1.0/custom_fields: HTTP {status}: {message}")

    assert refused_for_plan(rejected(402, "Payment Required"))
    assert refused_for_plan(rejected(403, "Custom fields are a premium feature"))
    assert refused_for_plan(rejected(403, "This feature requires a paid plan. Upgrade now"))
    assert not refused_for_plan(rejected(403, "You do not have access to this workspace"))
    assert not refused_for_plan(rejected(400, "premium: unknown field"))


def test_sandbox_free_plan_refuses_custom_fields_with_402(make_sandbox, asana_spec):
    conformance = Conformance(asana_spec)
    sandbox = make_sandbox()
    call, ws = _api(sandbox, "alice@example.com"), sandbox.workspace_gid
    _, field = call("POST", "/custom_fields", {"workspace": ws, "name": "Stage",
                                               "resource_subtype": "enum",
                                               "enum_options": [{"name": "Doing"}]})  # fmt: skip
    _, project = call("POST", f"/teams/{sandbox.team_gid}/projects", {"name": "P"})
    field, project = field["data"], project["data"]
    sandbox.store.plan = "free"
    refused = {
        "/custom_fields": call("POST", "/custom_fields", {"workspace": ws, "name": "Size",
                                                          "resource_subtype": "text"}),
        f"/custom_fields/{field['gid']}/enum_options": call(
            "POST", f"/custom_fields/{field['gid']}/enum_options", {"name": "Done"}),
        f"/projects/{project['gid']}/addCustomFieldSetting": call(
            "POST", f"/projects/{project['gid']}/addCustomFieldSetting",
            {"custom_field": field["gid"]}),
        "/tasks": call("POST", "/tasks", {"name": "T", "projects": [project["gid"]],
                                          "custom_fields": {field["gid"]: None}}),
    }  # fmt: skip
    for path, (status, body) in refused.items():
        assert status == 402, (path, body)
        assert "Custom fields are not available for free users" in body["errors"][0]["message"]
        conformance.check_response("POST", path, 402, body)
    # Reading what is there, and tasks without values, still work.
    assert call("GET", f"/workspaces/{ws}/custom_fields")[0] == 200
    assert call("GET", f"/custom_fields/{field['gid']}")[0] == 200
    assert call("POST", "/tasks", {"name": "T", "projects": [project["gid"]]})[0] == 201


# -- task dependencies on a free plan ----------------------------------------------------------


def _dependencies_log() -> Log:
    log = Log()
    log.person("u1")
    _board(log)
    for t in ("t1", "t2", "t3"):
        log.add(ev.TaskCreated, "u1", task=t, project="p1", section="s1", name=f"Task {t}")
    for task, first in (("t2", "t1"), ("t3", "t1"), ("t3", "t2")):
        log.add(ev.DependencyAdded, "u1", task=task, depends_on=first)
    return log


@pytest.mark.parametrize("plan", ["free", "paid"])
def test_dependencies_on_a_free_plan_one_note_then_skipped_unsent(make_sandbox, tmp_path, plan):
    sandbox, calls = _sandbox(make_sandbox, plan=plan)
    summary, folder = _replay(_dependencies_log().write(tmp_path / "run"), sandbox)
    sent = [(m, s) for m, p, s, _ in calls if p.endswith("/addDependencies")]
    ids, why = _journal(folder)
    assert summary.failed == summary.parked == 0, summary.errors
    if plan == "paid":
        assert sent == [("POST", 200)] * 3 and not summary.notes and not why
        status, deps = _api(sandbox)("GET", f"/tasks/{ids['t3']}/dependencies")
        assert sorted(d["gid"] for d in deps["data"]) == sorted([ids["t1"], ids["t2"]])
        return
    assert sent == [("POST", 402)], "the first refusal stops further dependency calls"
    (note,) = summary.notes
    assert note.startswith("task dependencies are not available on this plan (") and "402" in note
    assert summary.skipped == 3 and summary.applied == summary.events - 3
    reasons = sorted(why.values())
    assert len(reasons) == 3
    assert sum("this and every later dependency event are skipped" in r for r in reasons) == 1
    assert sum(r.startswith("dependency events are skipped:") for r in reasons) == 2


def test_sandbox_free_plan_refuses_dependencies_and_caps_them_at_30(make_sandbox, asana_spec):
    conformance = Conformance(asana_spec)
    sandbox = make_sandbox()
    call, ws = _api(sandbox, "alice@example.com"), sandbox.workspace_gid
    hub = call("POST", "/tasks", {"name": "Hub", "workspace": ws})[1]["data"]["gid"]
    spokes = [call("POST", "/tasks", {"name": f"S{i}", "workspace": ws})[1]["data"]["gid"]
              for i in range(32)]  # fmt: skip
    # 30 links in all, from both sides: 20 dependents, then 10 dependencies.
    assert call("POST", f"/tasks/{hub}/addDependents", {"dependents": spokes[:20]})[0] == 200
    assert call("POST", f"/tasks/{hub}/addDependencies", {"dependencies": spokes[20:30]})[0] == 200
    for path, key, gid in (("addDependencies", "dependencies", spokes[30]),
                           ("addDependents", "dependents", spokes[31])):  # fmt: skip
        status, body = call("POST", f"/tasks/{hub}/{path}", {key: [gid]})
        assert status == 400 and "at most 30 dependencies and dependents" in str(body), body
        # ... and from the other task's side, naming the full one.
        other = "addDependents" if key == "dependencies" else "addDependencies"
        back = "dependents" if key == "dependencies" else "dependencies"
        status, body = call("POST", f"/tasks/{gid}/{other}", {back: [hub]})
        assert status == 400 and f"'{hub}' has 30 dependencies and dependents" in str(body)
    _, deps = call("GET", f"/tasks/{spokes[0]}/dependencies")
    assert [d["gid"] for d in deps["data"]] == [hub], "addDependents links both ways"
    status, body = call("POST", f"/tasks/{spokes[0]}/addDependents", {"dependents": [hub]})
    assert status == 400 and "a cycle" in str(body)
    sandbox.store.plan = "free"
    for method, path, data in (
        ("POST", f"/tasks/{hub}/addDependencies", {"dependencies": [spokes[30]]}),
        ("POST", f"/tasks/{hub}/addDependents", {"dependents": [spokes[31]]}),
        ("GET", f"/tasks/{hub}/dependencies", None),
        ("GET", f"/tasks/{hub}/dependents", None),
    ):
        status, body = call(method, path, data)
        assert status == 402 and "Task dependencies are only available" in str(body), path
        conformance.check_response(method, path, 402, body)


# -- joining a team one cannot add people to ---------------------------------------------------


def test_a_refused_team_join_keeps_the_person_and_notes_it_once(make_sandbox, tmp_path):
    sandbox, calls = _sandbox(make_sandbox)
    # A private team made by someone else: only its members may add people (403).
    admin = _api(sandbox)
    status, team = admin("POST", "/teams", {"name": "Skunkworks", "visibility": "secret",
                                            "organization": sandbox.workspace_gid})  # fmt: skip
    assert status == 201
    log = Log()
    log.person("u1", team="Skunkworks")
    log.person("u2", team="Skunkworks")
    _board(log, members=("u2",))
    log.add(ev.TaskCreated, "u1", task="t1", project="p1", section="s1", name="Build",
            assignee="u2", followers=("u2",))  # fmt: skip
    log.add(ev.CommentAdded, "u2", comment="c1", task="t1", kind="progress", text="On it")
    log.add(ev.TaskAssigned, "u1", task="t1", assignee="u1", previous="u2")
    summary, folder = _replay(log.write(tmp_path / "run"), sandbox)
    assert summary.failed == summary.skipped == summary.deferred == 0, summary.errors
    assert summary.applied == summary.events
    (note,) = summary.notes
    assert note.startswith("team 'Skunkworks': 2 people could not be added (")
    assert "HTTP 403" in note and "member of team 'Skunkworks'" in note
    assert note.endswith("alice@example.com, bob@example.com")
    joins = [s for m, p, s, _ in calls if p.endswith("/addUser")]
    assert joins == [403, 403]
    ids, _ = _journal(folder)
    assert ids["u1"] == sandbox.users["alice@example.com"]
    assert ids["u2"] == sandbox.users["bob@example.com"]
    _, members = admin("GET", f"/teams/{team['data']['gid']}/users", opt_fields="email")
    assert [u["email"] for u in members["data"]] == ["admin@sandbox.invalid"]
    _, task = admin("GET", f"/tasks/{ids['t1']}", opt_fields="assignee.email,followers.email")
    assert task["data"]["assignee"]["email"] == "alice@example.com"
    assert "bob@example.com" in {f["email"] for f in task["data"]["followers"]}


def test_sandbox_team_add_user_needs_membership_of_a_private_team(make_sandbox):
    sandbox = make_sandbox()
    ws = sandbox.workspace_gid
    alice, bob = _api(sandbox, "alice@example.com"), _api(sandbox, "bob@example.com")
    carol = sandbox.users["carol@example.com"]
    for visibility in ("secret", "request_to_join"):
        _, team = alice("POST", "/teams", {"name": f"T {visibility}", "organization": ws,
                                           "visibility": visibility})  # fmt: skip
        path = f"/teams/{team['data']['gid']}/addUser"
        status, body = bob("POST", path, {"user": carol})
        assert status == 403 and "must be a member of team" in body["errors"][0]["message"]
        assert bob("POST", path, {"user": "me"})[0] == 403, "nor join it uninvited"
        assert alice("POST", path, {"user": carol})[0] == 200  # a member may
    _, public = alice("POST", "/teams", {"name": "Open", "organization": ws})
    assert bob("POST", f"/teams/{public['data']['gid']}/addUser", {"user": carol})[0] == 200


# -- colleagues of other workspaces ------------------------------------------------------------


def test_a_colleague_only_in_another_workspace_is_not_mapped(make_sandbox, tmp_path):
    sandbox, calls = _sandbox(make_sandbox, outsiders=["dave@example.com"])
    log = Log()
    log.person("u1")
    log.person("u4")  # no token: looked up through the default token
    _board(log)
    log.add(ev.TaskCreated, "u1", task="t1", project="p1", section="s1", name="Ship",
            assignee="u4")  # fmt: skip
    log.add(ev.TaskAssigned, "u1", task="t1", assignee="u4")
    summary, folder = _replay(log.write(tmp_path / "run"), sandbox, who=("u1",))
    assert summary.failed == 0, summary.errors
    assert summary.skipped == 1  # the assignment to someone outside the workspace
    lookups = [(p, s) for m, p, s, _ in calls if "dave" in p]
    assert lookups == [(f"/workspaces/{sandbox.workspace_gid}/users/dave@example.com", 404)]
    ids, why = _journal(folder)
    assert ids["u4"] == "" and ids["u1"] == sandbox.users["alice@example.com"]
    assert list(why.values()) == ["dave@example.com is not a user of the workspace"]
    _, task = _api(sandbox)("GET", f"/tasks/{ids['t1']}", opt_fields="assignee")
    assert task["data"]["assignee"] is None
    # The summary says so once, naming them (the journal alone used to).
    assert summary.notes == [
        "1 person is not a user of this workspace; what names them (their "
        "assignments, follows, time off) is skipped: dave@example.com"
    ]


def test_sandbox_serves_users_of_the_workspace_by_email(make_sandbox, asana_spec):
    conformance = Conformance(asana_spec)
    sandbox = make_sandbox(outsiders=["dave@example.com"])
    call, ws = _api(sandbox, "alice@example.com"), sandbox.workspace_gid
    status, bob = call("GET", f"/workspaces/{ws}/users/BOB@example.com", opt_fields="email")
    assert status == 200 and bob["data"]["gid"] == sandbox.users["bob@example.com"]
    assert call("GET", f"/workspaces/{ws}/users/me")[1]["data"]["name"] == "Alice Adams"
    assert call("GET", f"/workspaces/{ws}/users/{sandbox.users['carol@example.com']}")[0] == 200
    for who in ("dave@example.com", "nobody@example.com"):
        status, body = call("GET", f"/workspaces/{ws}/users/{who}")
        assert status == 404 and "not a user of this workspace" in str(body)
        conformance.check_response("GET", f"/workspaces/{ws}/users/{who}", 404, body)
    assert call("GET", "/workspaces/999/users/bob@example.com")[0] == 404
    # Dave exists (another workspace): found by /users, but not listed, assigned or added here.
    status, dave = call("GET", "/users/dave@example.com", opt_fields="workspaces")
    assert status == 200 and dave["data"]["workspaces"] == []
    listed = {u["gid"] for u in call("GET", f"/workspaces/{ws}/users")[1]["data"]}
    assert dave["data"]["gid"] not in listed and sandbox.users["bob@example.com"] in listed
    status, body = call("POST", "/tasks", {"name": "T", "workspace": ws,
                                           "assignee": "dave@example.com"})  # fmt: skip
    assert status == 400 and "not a member of this workspace" in str(body)


# -- custom field names that are task properties ----------------------------------------------


@pytest.mark.parametrize("name", ["Due date", "ASSIGNEE", "  due   Date ", "Tags"])
def test_sandbox_refuses_a_custom_field_named_like_a_task_property(make_sandbox, name):
    sandbox = make_sandbox()
    status, body = _api(sandbox, "alice@example.com")(
        "POST", "/custom_fields",
        {"workspace": sandbox.workspace_gid, "name": name, "resource_subtype": "text"},
    )  # fmt: skip
    message = body["errors"][0]["message"]
    assert status == 400 and message.startswith(f"data.name: {name!r} conflicts with the name")
    assert "Due date" in message and "Assignee" in message
