"""Stopping a sandbox in order: a request being served is answered, one that reaches a closed
store gets a clean 503 and changes nothing, nothing is printed (no traceback) and nothing is
counted as an internal error that is not one; `busywork sandbox` stops so on Ctrl-C and SIGTERM
(exit 0) and lets go of its `--data` folder."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import msgspec
import pytest
import requests

from adapters.asana.sandbox import Sandbox, SandboxConfig
from adapters.asana.sandbox.app import STOPPING
from adapters.asana.sandbox.httpserver import Request, Response
from adapters.asana.tokens import Tokens, write_tokens
from tests.runner import BUSYWORK, stopped_by_signal
from tests.sandbox_fixtures import default_people, session_for


def _tasks(sandbox) -> set[str]:
    return set(sandbox.store.records["task"])


def test_a_request_being_served_when_the_sandbox_stops_is_answered(make_sandbox, tmp_path):
    people = default_people()
    sandbox = make_sandbox(people=people, data_dir=tmp_path)
    serving = threading.Event()

    def slow_answer(request, status, body) -> None:  # the answer is built; not yet sent
        serving.set()
        time.sleep(0.3)

    sandbox.app.observer = slow_answer
    answers: list[object] = []

    def create() -> None:
        try:
            answers.append(session_for(sandbox).post(
                f"{sandbox.base_url}/tasks",
                json={"data": {"name": "in flight", "workspace": sandbox.workspace_gid}},
                timeout=10))  # fmt: skip
        except requests.RequestException as exc:
            answers.append(exc)

    client = threading.Thread(target=create)
    client.start()
    assert serving.wait(10)
    sandbox.stop()
    client.join(10)
    (answer,) = answers
    assert isinstance(answer, requests.Response), answer  # not a connection cut mid-answer
    assert answer.status_code == 201 and answer.headers.get("Connection") == "close"
    again = make_sandbox(people=people, data_dir=tmp_path)
    assert answer.json()["data"]["gid"] in _tasks(again)


def test_a_request_that_reaches_a_closed_store_gets_503_and_changes_nothing(make_sandbox, tmp_path):
    people = default_people()
    sandbox = make_sandbox(people=people, data_dir=tmp_path)
    before = _tasks(sandbox)
    sandbox.stop()
    # A request read before the stop, whose handler gets the store's lock only after it closed.
    body = msgspec.json.encode({"data": {"name": "late", "workspace": sandbox.workspace_gid}})
    token = sandbox.tokens["alice@example.com"]
    request = Request("POST", "/api/1.0/tasks", "", {"authorization": f"Bearer {token}"}, body)
    response = sandbox.app(request)
    assert isinstance(response, Response) and response.status == 503
    assert msgspec.json.decode(response.body) == {"errors": [{"message": STOPPING}]}
    assert sandbox.internal_errors == []
    assert _tasks(make_sandbox(people=people, data_dir=tmp_path)) == before


@pytest.mark.parametrize("round_", range(3))
def test_stopping_under_load_prints_nothing_and_keeps_every_answer_given(
    make_sandbox, tmp_path, capfd, round_
):
    """Clients keep writing while the sandbox stops (a race: each round is one more chance for
    a request to meet the store as it closes)."""
    people = default_people()
    sandbox = make_sandbox(people=people, data_dir=tmp_path)
    stop = threading.Event()
    created: list[str] = []
    statuses: list[int] = []

    def hammer(i: int) -> None:
        s = session_for(sandbox, people[i % len(people)].email)
        while not stop.is_set():
            try:
                r = s.post(f"{sandbox.base_url}/tasks", timeout=10,
                           json={"data": {"name": f"t{i}", "workspace": sandbox.workspace_gid}})  # fmt: skip
            except requests.ConnectionError:
                time.sleep(0.005)  # refused, or closed between two requests: try again
                continue
            statuses.append(r.status_code)
            if r.status_code == 201:
                created.append(r.json()["data"]["gid"])

    clients = [threading.Thread(target=hammer, args=(i,)) for i in range(8)]
    for client in clients:
        client.start()
    deadline = time.monotonic() + 10
    while len(created) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    sandbox.stop()
    time.sleep(0.2)  # clients still knocking at a stopped server
    stop.set()
    for client in clients:
        client.join(10)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Exception" not in out + err, err
    assert sandbox.internal_errors == []
    assert set(statuses) <= {201, 503}, statuses
    assert set(created) <= _tasks(make_sandbox(people=people, data_dir=tmp_path))


def test_a_bug_while_answering_is_a_500_kept_as_an_internal_error_not_printed(capfd):
    with Sandbox(SandboxConfig(people=default_people())) as sandbox:

        def broken(request, status, body) -> None:
            raise RuntimeError("observer bug")

        sandbox.app.observer = broken
        r = session_for(sandbox).get(f"{sandbox.base_url}/users/me")
        assert r.status_code == 500 and "sandbox bug" in r.json()["errors"][0]["message"]
        (error,) = sandbox.internal_errors
        assert "RuntimeError: observer bug" in error
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def _tokens_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens.toml"
    write_tokens(path, Tokens({p.email: p.token for p in default_people()}))
    return path


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_command_stops_in_order_on_ctrl_c_and_sigterm(tmp_path, signum):
    data = tmp_path / "data"
    args = [BUSYWORK, "sandbox", "--tokens", str(_tokens_file(tmp_path)), "--port", "0",
            "--data", str(data)]  # fmt: skip
    returncode, out, err = stopped_by_signal(args, "Serving", signum)
    assert returncode == 0, (returncode, err)
    assert out.strip().endswith("Stopped.") and err == ""
    assert not (data / "sandbox.sqlite3-wal").exists()  # closed: the WAL was folded in
    Sandbox(SandboxConfig(people=default_people(), data_dir=data)).stop()  # the folder is free
