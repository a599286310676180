"""A custom field the workspace already has is reused; when it is an enum field lacking some of
the run's options, the replay adds them (``POST /custom_fields/{gid}/enum_options``) next to
their neighbours, exactly once: again after a replay, a lost answer or ``kill -9``; a refused
option fails its event. Also the sandbox's endpoint itself, with its failures."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import requests

from adapters.asana.client import AsanaClient
from adapters.asana.replay_destination import Destination
from adapters.asana.target import AsanaTarget
from engine import events as ev
from engine.replay_ids import IdMap
from engine.replay_journal import Journal
from tests.loopback import LoopbackServer
from tests.replay_checks import (
    FAST,
    UNLIMITED,
    assert_exactly_once,
    events_of,
    read_back,
    replay_once,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.replay_workspace_checks import (
    assert_workspace,
    make_workspace_run,
    read_back_workspace,
)
from tests.runner import BUSYWORK
from tests.sandbox_fixtures import session_for

pytest_plugins = ["tests.sandbox_fixtures"]
# Slow (replays with kill -9 around enum option creates: ~12 s): `make test-slow` runs it, and CI.
pytestmark = pytest.mark.slow
# What the workspace has before the replay: Priority lacks the run's "Urgent" (last);
# Component lacks "Frontend" (first) and "Infra" (between two it has).
EXISTING = {"Priority": ["Low", "Medium", "High"], "Component": ["Backend", "Data"]}
MISSING = {("Priority", "Urgent"), ("Component", "Frontend"), ("Component", "Infra")}


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    run = make_workspace_run(tmp_path_factory.mktemp("runs") / "enum", days=1, seed=3)
    fields = {e.field: e for e in events_of(run) if isinstance(e, ev.CustomFieldCreated)}
    by_name = {f.name: f for f in fields.values()}
    for name, options in EXISTING.items():  # the premise of every test here
        assert set(options) < set(by_name[name].options), by_name[name]
    assert "Urgent" in _values_used(run, by_name["Priority"].field), "pick another seed"
    return run


def _values_used(run_dir: Path, field: str) -> Counter:
    used: Counter = Counter()
    for e in events_of(run_dir):
        if isinstance(e, ev.TaskCreated) and field in e.custom_fields:
            used[e.custom_fields[field]] += 1
        elif isinstance(e, ev.CustomFieldChanged) and e.field == field and e.value is not None:
            used[e.value] += 1
    return used


def _seq_of_field(run_dir: Path, name: str) -> int:
    return next(e.seq for e in events_of(run_dir)
                if isinstance(e, ev.CustomFieldCreated) and e.name == name)  # fmt: skip


def _sandbox(make_sandbox, run_dir, token: str):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token=token, limits=UNLIMITED)
    return sandbox, tokens_of(people, sandbox.admin_token)


def _precreate(sandbox, name: str, options: list[Any]) -> dict[str, Any]:
    """A field someone made in the workspace before any replay (`options`: names or bodies)."""
    bodies = [o if isinstance(o, dict) else {"name": o} for o in options]
    data = {"workspace": sandbox.workspace_gid, "name": name, "resource_subtype": "enum",
            "enum_options": bodies}  # fmt: skip
    r = session_for(sandbox, "admin").post(f"{sandbox.base_url}/custom_fields", json={"data": data})
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _watch_option_posts(sandbox) -> list[tuple[int, str]]:
    """(status, option name) of every POST .../enum_options the sandbox answers from now on."""
    seen: list[tuple[int, str]] = []

    def observe(request, status, body):
        if request.method == "POST" and request.path.endswith("/enum_options"):
            seen.append((status, (body.get("data") or {}).get("name", "")))

    sandbox.app.observer = observe
    return seen


def _replay(run_dir, sandbox, tokens):
    dest = Destination(to=sandbox.base_url, backoff=FAST)
    return replay_once(run_dir, sandbox.base_url, tokens, dest)


def _fields(sandbox) -> dict[str, list[tuple[str, str, bool]]]:
    """Field name → its options (name, gid, enabled) in order, as the workspace has them."""
    r = session_for(sandbox, "admin").get(
        f"{sandbox.base_url}/workspaces/{sandbox.workspace_gid}/custom_fields",
        params={"opt_fields": "name,enum_options"},
    )
    return {f["name"]: [(o["name"], o["gid"], o["enabled"]) for o in f.get("enum_options", [])]
            for f in r.json()["data"]}  # fmt: skip


def _ids(folder: Path) -> dict[str, str]:
    with Journal(folder) as journal:
        return dict(journal.ids.items())


def _check(run_dir, sandbox, folder) -> None:
    """Everything of the log exactly once, each task with the field values the log says (the
    option order included: each added option sits where the run's field has it)."""
    assert_exactly_once(run_dir, folder, read_back(sandbox.base_url, sandbox.admin_token,
                                                   sandbox.workspace_gid))  # fmt: skip
    ids = _ids(folder)
    people = {e.person: e.email.lower() for e in events_of(run_dir) if hasattr(e, "email")}
    owners = {ids[p]: email for p, email in people.items() if ids.get(p)}
    got = read_back_workspace(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid, ids,
                              owners, portfolios=True)  # fmt: skip
    assert_workspace(run_dir, ids, got, emails=people, portfolios=True)


def _check_options_mapped(run_dir, sandbox, folder) -> None:
    """Each of the run's options is in the field once, and the id map points at it."""
    ids, fields = _ids(folder), _fields(sandbox)
    for e in events_of(run_dir):
        if isinstance(e, ev.CustomFieldCreated) and e.kind == "enum":
            names = Counter(name for name, _, _ in fields[e.name])
            assert all(names[o] == 1 for o in e.options), (e.name, names)
            gids = {name: gid for name, gid, _ in fields[e.name]}
            assert all(ids[f"{e.field}:{o}"] == gids[o] for o in e.options), e.name


def test_reused_enum_field_gets_its_missing_options_once(run_dir, make_sandbox, tmp_path):
    sandbox, tokens = _sandbox(make_sandbox, run_dir, "admin-enum-token-1")
    before = {name: _precreate(sandbox, name, options) for name, options in EXISTING.items()}
    posts = _watch_option_posts(sandbox)
    summary, folder = _replay(run_dir, sandbox, tokens)
    assert summary.failed == summary.skipped == summary.parked == 0, summary.errors
    assert summary.applied == summary.events and not summary.notes
    assert sorted(posts) == sorted((201, option) for _, option in MISSING)
    fields = _fields(sandbox)
    for name, field in before.items():  # reused: the options it had keep their gids
        kept = {o["name"]: o["gid"] for o in field["enum_options"]}
        assert {n: g for n, g, _ in fields[name] if n in kept} == kept
    _check_options_mapped(run_dir, sandbox, folder)
    _check(run_dir, sandbox, folder)  # every task's values, "Urgent" ones included

    again, _ = _replay(run_dir, sandbox, tokens)
    assert again.applied == 0 and again.already_done == summary.events
    second = Path(shutil.copytree(run_dir, tmp_path / "second",
                                  ignore=lambda _, names: [n for n in names if n == "targets"]))  # fmt: skip
    other, folder2 = _replay(second, sandbox, tokens)
    assert other.failed == other.skipped == 0 and other.applied == other.events, other.errors
    assert len(posts) == len(MISSING), "a second run reuses the options the first one added"
    first, then = _ids(folder), _ids(folder2)
    assert {k: v for k, v in then.items() if ":" in k} == {
        k: v for k, v in first.items() if ":" in k
    }


def test_kill_9_right_after_the_option_create_then_resume_once(run_dir, make_sandbox, tmp_path):
    sandbox, tokens = _sandbox(make_sandbox, run_dir, "admin-enum-token-2")
    _precreate(sandbox, "Priority", EXISTING["Priority"])
    tokens_file = write_tokens_file(tmp_path / "tokens.toml", tokens)
    command = [BUSYWORK, "replay", str(run_dir), "--to", sandbox.base_url, "--tokens",
               str(tokens_file), "--json"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed: list[str] = []

    def observe(request, status, body):
        # The sandbox has added the option; the replay dies before the answer reaches it.
        if request.method == "POST" and request.path.endswith("/enum_options") and status < 300:
            killed.append(body["data"]["name"])
            os.kill(proc.pid, signal.SIGKILL)

    sandbox.app.observer = observe
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL and killed == ["Urgent"], (proc.returncode, killed)
    folder = next((run_dir / "targets").iterdir())
    with Journal(folder) as journal:  # the worst moment: only the intent is on record
        assert journal.uncertain(_seq_of_field(run_dir, "Priority"))

    posts = _watch_option_posts(sandbox)
    summary, folder = _replay(run_dir, sandbox, tokens)
    assert posts == [], "the resumed replay found the option instead of adding it again"
    assert summary.failed == summary.skipped == summary.parked == 0, summary.errors
    assert summary.already_done > 0 and not summary.stopped
    _check_options_mapped(run_dir, sandbox, folder)
    _check(run_dir, sandbox, folder)


class _LoseOptionAnswers(BaseHTTPRequestHandler):
    """A proxy to the sandbox that forwards the first option create, then hangs up without
    answering (the option exists; the client cannot know)."""

    server: Any

    def _forward(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size) if size else None
        headers = {k: v for k, v in self.headers.items() if k.lower() in
                   ("authorization", "content-type", "accept")}  # fmt: skip
        answer = requests.request(self.command, self.server.upstream + self.path, data=body,
                                  headers=headers, timeout=10)  # fmt: skip
        if self.command == "POST" and self.path.split("?")[0].endswith("/enum_options"):
            self.server.forwarded.append(answer.status_code)
            if len(self.server.forwarded) == 1:
                self.close_connection = True
                return
        self.send_response(answer.status_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = _forward

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass


def test_a_lost_answer_is_reconciled_by_option_name(sandbox):
    field = _precreate(sandbox, "Priority", ["Low", "High"])
    with LoopbackServer(_LoseOptionAnswers, upstream=sandbox.root_url, forwarded=[]) as proxy:
        client = AsanaClient(proxy.base_url, {"default": sandbox.admin_token}, backoff=FAST)
        try:
            target = AsanaTarget(client, sandbox.workspace_gid)
            event = ev.CustomFieldCreated(seq=1, at=datetime(2026, 1, 5, tzinfo=UTC), actor="u1",
                                          field="cf1",
                                          name="priority", kind="enum",
                                          options=("Low", "Medium", "High"))  # fmt: skip
            ids = target.apply(event, IdMap(), uncertain=False)
        finally:
            client.close()
    assert proxy.forwarded == [201]  # type: ignore[attr-defined]
    assert client.counters.reconciled == 1
    options = _fields(sandbox)["Priority"]
    assert [name for name, _, _ in options] == ["Low", "Medium", "High"]
    assert ids == {"cf1": field["gid"], **{f"cf1:{n}": g for n, g, _ in options}}


def test_a_refused_option_fails_its_event_and_what_needs_the_field(run_dir, make_sandbox):
    sandbox, tokens = _sandbox(make_sandbox, run_dir, "admin-enum-token-3")
    full = EXISTING["Priority"] + [f"Old {i}" for i in range(500 - len(EXISTING["Priority"]))]
    _precreate(sandbox, "Priority", full)  # Asana's cap: no room for "Urgent"
    posts = _watch_option_posts(sandbox)
    summary, folder = _replay(run_dir, sandbox, tokens)
    assert posts == [(400, "")]
    assert summary.failed == 1 and summary.applied > 0, summary.errors
    # Every project shows the field, so every project and everything in it waits on it: they
    # count as failed, and more than a quarter failing stops the replay. Only what needs no
    # project (the workspace's other fields and tags, a portfolio, people joining) goes on.
    assert summary.stopped.startswith(
        "more than 25% of the events failed or depend on one that failed ("
    )
    field_seq = _seq_of_field(run_dir, "Priority")
    kind = {e.seq: type(e).__name__ for e in events_of(run_dir)}
    with Journal(folder) as journal:
        record = journal.final[field_seq]
        applied_after = {kind[seq] for seq in set(journal.applied) if seq > field_seq}
        skipped_after = [kind[seq] for seq, r in journal.final.items()
                         if seq > field_seq and r.k != "F"]  # fmt: skip
    assert applied_after <= {"CustomFieldCreated", "TagCreated", "PortfolioCreated", "PersonJoined"}
    assert len(skipped_after) == summary.skipped_after_failure
    assert "ProjectCreated" in skipped_after and "TaskCreated" in skipped_after
    assert (record.k, record.status) == ("F", 400)
    assert "custom field 'Priority': cannot add option 'Urgent'" in record.why
    assert "500 options" in record.why
    assert any("cannot add option 'Urgent'" in e for e in summary.errors)


def test_a_disabled_option_is_noted_not_added_again(run_dir, make_sandbox):
    sandbox, tokens = _sandbox(make_sandbox, run_dir, "admin-enum-token-4")
    _precreate(sandbox, "Priority", [*EXISTING["Priority"], {"name": "Urgent", "enabled": False}])
    posts = _watch_option_posts(sandbox)
    summary, folder = _replay(run_dir, sandbox, tokens)
    assert posts == []
    assert summary.notes == [
        "custom field 'Priority': option 'Urgent' is disabled in the workspace, so no task "
        "can be given it"
    ]
    assert summary.failed > 0 and not summary.stopped
    with Journal(folder) as journal:
        failed = [r.why for r in journal.final.values() if r.k == "F"]
    assert failed and all("option 'Urgent' does not exist here" in why for why in failed)
    assert "cf1:Urgent" not in _ids(folder)


# -- the sandbox's endpoint ----------------------------------------------------------------------


def test_sandbox_adds_enum_options_where_asked(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    field = _precreate(sandbox, "Priority", ["Low", "High"])
    low, high = (o["gid"] for o in field["enum_options"])
    path = f"{b}/custom_fields/{field['gid']}/enum_options"
    r = s.post(path, json={"data": {"name": "Urgent", "color": "red", "enabled": False}})
    assert r.status_code == 201, r.text
    urgent = r.json()["data"]
    assert urgent == {"gid": urgent["gid"], "resource_type": "enum_option", "name": "Urgent",
                      "enabled": True, "color": "red"}  # fmt: skip
    r = s.post(path, json={"data": {"name": "Medium", "insert_after": low}},
               params={"opt_fields": "name"})  # fmt: skip
    assert r.status_code == 201 and set(r.json()["data"]) == {"gid", "name"}
    r = s.post(path, json={"data": {"name": "None", "insert_before": low}})
    assert r.status_code == 201, r.text
    got = s.get(f"{b}/custom_fields/{field['gid']}").json()["data"]["enum_options"]
    assert [o["name"] for o in got] == ["None", "Low", "Medium", "High", "Urgent"]
    assert got[3]["gid"] == high and got[4] == urgent


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"color": "red"}, 400, "data.name: required"),
        ({"name": "  "}, 400, "data.name: must not be empty"),
        ({"name": 5}, 400, "data.name: expected a string"),
        ({"name": "X", "colour": "red"}, 400, "data.colour: unknown field (did you mean 'color'"),
        ({"name": "X", "color": "plaid"}, 400, "data.color: 'plaid' is not one of"),
        ({"name": "X", "gid": "1"}, 400, "data.gid: read-only"),
        ({"name": "Low"}, 400, "data.name: 'Priority' already has an option 'Low'"),
        ({"name": "X", "insert_after": "42"}, 400, "data.insert_after: '42' is not an option"),
        ({"name": "X", "insert_before": "LOW", "insert_after": "LOW"}, 400, "not both"),
        ("no field", 404, "custom_field: unknown gid '42'"),
        ("text field", 400, "custom_field: only enum fields have options ('Note' is text)"),
        ("full field", 400, "custom_field: 'Full' already has 500 options"),
    ],
)
def test_sandbox_enum_option_failures(sandbox, body, status, message):
    s, b = session_for(sandbox), sandbox.base_url
    field = _precreate(sandbox, "Priority", ["Low"])
    gid, low = field["gid"], field["enum_options"][0]["gid"]
    if body == "no field":
        gid, body = "42", {"name": "X"}
    elif body == "text field":
        r = s.post(f"{b}/custom_fields", json={"data": {
            "workspace": sandbox.workspace_gid, "name": "Note", "resource_subtype": "text"}})  # fmt: skip
        gid, body = r.json()["data"]["gid"], {"name": "X"}
    elif body == "full field":
        gid, body = _precreate(sandbox, "Full", [f"o{i}" for i in range(500)])["gid"], {"name": "X"}
    else:
        body = {k: low if v == "LOW" else v for k, v in body.items()}
    r = s.post(f"{b}/custom_fields/{gid}/enum_options", json={"data": body})
    assert r.status_code == status, r.text
    assert message in r.json()["errors"][0]["message"]
    if gid == field["gid"]:  # a refused request changes nothing
        options = s.get(f"{b}/custom_fields/{gid}").json()["data"]["enum_options"]
        assert [o["name"] for o in options] == ["Low"]


def test_sandbox_caps_a_new_field_at_500_options(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    data = {"workspace": sandbox.workspace_gid, "name": "Big", "resource_subtype": "enum",
            "enum_options": [{"name": f"o{i}"} for i in range(501)]}  # fmt: skip
    r = s.post(f"{b}/custom_fields", json={"data": data})
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "data.enum_options: at most 500 options, got 501"
