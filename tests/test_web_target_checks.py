"""A job's figures and checks against an Asana (compatible) target: a workspace or team the
tokens cannot see is refused when the job is created (or, when the target could not be asked
then, fails the job naming the API's field, not a command-line flag); a job resumed after a
`kill -9` counts what its checkpoint holds as applied; a job whose run is fully simulated shows
its simulation done, whatever happened to it after.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time

import pytest

from adapters.asana.tokens import Tokens, write_tokens
from adapters.web.job_delivery import JobDelivery
from engine.replay_journal import Journal
from tests.replay_checks import Gate
from tests.test_web import servers, wait_for

PEOPLE = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"},
          {"name": "Bob Brown", "email": "bob@example.com"}]  # fmt: skip


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def _ended(web, job_id: str) -> dict:
    return wait_for(lambda: (v := web.ok("GET", f"/jobs/{job_id}"))["status"]
                    in ("completed", "failed") and v, timeout=60)  # fmt: skip


def _backfill(web, target: dict, **extra):
    # A week always holds working days: 2 days before a Monday morning are a quiet weekend.
    return web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max", "target": target,
                    "scenario": {"days": 7, "people": PEOPLE}, **extra})  # fmt: skip


@pytest.mark.parametrize("field", ["workspace", "team"])
def test_a_workspace_or_team_the_tokens_cannot_see_is_refused_at_creation(
    make_web, sandbox, tokens_file, field
):
    web = make_web(tokens_file=tokens_file)
    target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid,
              field: "999"}  # fmt: skip
    response = _backfill(web, target)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == f"target.{field}"
    assert error["message"].startswith(f"target.{field}: '999': not a ")
    assert "--" not in error["message"]  # no command-line flag
    assert web.ok("GET", "/jobs") == []


def test_spaces_around_a_pasted_url_or_workspace_are_dropped_as_in_the_form(
    make_web, sandbox, tokens_file
):
    web = make_web(tokens_file=tokens_file)
    target = {
        "kind": "asana",
        "url": f" {sandbox.base_url}\t",
        "workspace": f" {sandbox.workspace_gid} ",
    }
    response = _backfill(web, target, start=False)  # checked against the sandbox as it is
    assert response.status_code == 201, response.text
    stored = response.json()["spec"]["target"]
    assert (stored["url"], stored["workspace"]) == (sandbox.base_url, sandbox.workspace_gid)


@pytest.mark.parametrize("field", ["url", "workspace", "team"])
def test_only_spaces_for_a_field_a_sandbox_does_not_take_is_as_good_as_left_out(make_web, field):
    response = make_web().call("POST", "/jobs", json={"mode": "backfill", "start": False,
                               "target": {"kind": "sandbox", field: "  "}})  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["spec"]["target"] == {"kind": "sandbox", "plan": "paid"}


def test_a_workspace_that_could_not_be_checked_at_creation_fails_the_job_by_its_field(
    make_web, sandbox, tokens_file
):
    web = make_web(tokens_file=tokens_file)
    asks = lambda method, path: path.endswith("/workspaces")  # noqa: E731
    with Gate(sandbox.root_url, asks) as gate:  # refuses to list workspaces, for now
        target = {"kind": "asana", "url": gate.base_url, "workspace": "999"}
        job = _backfill(web, target, start=False)
        assert job.status_code == 201, job.text
        gate.refusing = False
        job_id = job.json()["id"]
        web.ok("POST", f"/jobs/{job_id}/start")
        failed = _ended(web, job_id)
    assert failed["status"] == "failed"
    assert failed["error"].startswith("target.workspace: '999': not a workspace these tokens")
    assert "--workspace" not in failed["error"]


def test_a_backfill_resumed_after_a_kill_counts_what_its_checkpoint_holds(
    make_web, sandbox, tokens_file, tmp_path
):
    data = tmp_path / "replays"
    first = make_web(data_dir=data, tokens_file=tokens_file)
    target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid}
    job_id = _backfill(first, target).json()["id"]
    done = _ended(first, job_id)
    assert done["status"] == "completed", done["error"]
    first.stop()
    # As a kill -9 during the replay leaves it: job.json from the start, the checkpoint full.
    path = data / job_id / "job.json"
    state = json.loads(path.read_text())
    state.update(status="running", ended_at=None, replay=None)
    path.write_text(json.dumps(state))

    second = make_web(data_dir=data, tokens_file=tokens_file)
    again = _ended(second, job_id)
    assert again["status"] == "completed", again["error"]
    (folder,) = (data / job_id / "targets").iterdir()
    with Journal(folder) as journal:
        applied, final = len(journal.applied), len(journal.final)
    replay = again["replay"]
    assert again["events"] > 0, again
    assert (replay["applied"], replay["failed"] + replay["skipped"]) == (applied, final)
    assert replay["settled"] == again["events"] == applied + final
    assert again["replay_progress"] == 1.0


def test_a_backfill_says_it_completed_only_once_its_target_is_free(
    make_web, sandbox, tokens_file, tmp_path, monkeypatch
):
    """Whoever sees a job completed may replay into or clean its target at once: the job's
    connection, which holds the target's journal locked, is closed before the job says so.
    (Ending is slowed here, so a status said before the connection closes would be seen;
    under load it was.)"""
    abort = JobDelivery.abort

    def slow_abort(self) -> None:
        time.sleep(0.5)
        abort(self)

    monkeypatch.setattr(JobDelivery, "abort", slow_abort)
    data = tmp_path / "replays"
    web = make_web(data_dir=data, tokens_file=tokens_file)
    target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid}
    job_id = _backfill(web, target).json()["id"]
    done = _ended(web, job_id)
    assert done["status"] == "completed", done["error"]
    (folder,) = (data / job_id / "targets").iterdir()
    with Journal(folder) as journal:  # not Busy: no replay into it is running any more
        assert len(journal.applied) + len(journal.final) == done["events"]


def test_a_job_that_failed_after_its_simulation_shows_it_all_simulated(make_web, tmp_path):
    tokens = tmp_path / "tokens.toml"
    write_tokens(tokens, Tokens(people={}, default="tok-admin-1"))
    data = tmp_path / "replays"
    web = make_web(data_dir=data, tokens_file=tokens)
    down = {"kind": "asana", "url": "http://127.0.0.1:9/api/1.0", "workspace": "1"}
    job = web.create(mode="backfill", speed="max", scenario={"days": 4}, target=down)
    failed = _ended(web, job["id"])
    assert failed["status"] == "failed" and "cannot reach" in failed["error"]
    web.stop()
    # The clock was last saved short of the end (it stops where nobody acts any more).
    path = data / job["id"] / "job.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "sim_seconds": 86400.0}))
    view = make_web(data_dir=data, tokens_file=tokens).ok("GET", f"/jobs/{job['id']}")
    assert view["status"] == "failed" and view["progress"] == 1.0


# -- a target that accepts connections but never answers -------------------------------------------


@pytest.fixture
def silent_url():
    """The API URL of a loopback server that accepts every connection and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):  # the socket closed at teardown
            while True:
                held.append(server.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/api/1.0"
    server.close()
    for conn in held:
        conn.close()


@pytest.mark.slow  # waits out the 4 s target check: ~8 s
def test_a_job_whose_target_never_answers_is_created_promptly(make_web, tmp_path, silent_url):
    tokens = tmp_path / "tokens.toml"
    write_tokens(tokens, Tokens(people={}, default="tok-admin-1"))
    web = make_web(tokens_file=tokens)
    target = {"kind": "asana", "url": silent_url, "workspace": "1"}
    # The check of its workspace waits a few seconds at most (it held the request for 30 s):
    # the job is created, and checks its target when it connects.
    response = web.call("POST", "/jobs", timeout=15, json={
        "mode": "backfill", "speed": "max", "target": target, "scenario": {"days": 1},
        "start": False})  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"
    # So does the check of a token against it: a 502 naming the field and the URL.
    check = web.call("POST", "/tokens/validate", json={"token": "tok-x", "url": silent_url},
                     timeout=15)  # fmt: skip
    assert check.status_code == 502, check.text
    error = check.json()["error"]
    assert error["field"] == "url" and silent_url in error["message"], error


@pytest.mark.slow
def test_a_job_whose_target_never_answers_fails_naming_it(make_web, tmp_path, silent_url):
    tokens = tmp_path / "tokens.toml"
    write_tokens(tokens, Tokens(people={}, default="tok-admin-1"))
    web = make_web(tokens_file=tokens)
    target = {"kind": "asana", "url": silent_url, "workspace": "1"}
    job = web.create(mode="backfill", speed="max", target=target, scenario={"days": 1})
    # Its replay gives up on a target it never reached after three tries of 30 s each.
    failed = wait_for(lambda: (v := web.ok("GET", f"/jobs/{job['id']}"))["status"]
                      in ("completed", "failed") and v, timeout=300)  # fmt: skip
    assert failed["status"] == "failed"
    assert failed["error"].startswith(f"cannot reach {silent_url}: "), failed["error"]
    assert "timed out" in failed["error"] and "tok-admin-1" not in failed["error"]
