"""The server keeps going when one job or one target misbehaves: the shared scheduler thread
survives a bad job, deleting a job that still runs or whose target is down answers with the
right status, and Ctrl-C with a live stream open ends promptly and quietly."""

from __future__ import annotations

import json
import math
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from adapters.asana.tokens import Tokens, write_tokens
from adapters.web.scheduler import Scheduler
from adapters.web.spec import MIN_SPEED, FieldError, parse_speed
from tests.runner import sigint_as_from_a_terminal
from tests.test_web import FAST, events_of, servers, wait_for

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


# -- speed and the scheduler -------------------------------------------------------------------


@pytest.mark.parametrize("speed", [1e-6, 0.001, 0, -1, "0.000001", "nan", "inf", 1e7])
def test_speed_out_of_bounds_is_a_422_naming_speed(make_web, speed):
    web = make_web()
    response = web.call("POST", "/jobs", json={"scenario": {"days": 1}, "speed": speed})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "speed" and f"{MIN_SPEED:g}" in error["message"]


def test_speed_accepts_what_the_command_line_accepts():
    assert parse_speed("realtime") == 1.0 and parse_speed("max") is None
    assert parse_speed("60x") == parse_speed("x60") == parse_speed(" 60 ") == 60.0
    assert parse_speed(MIN_SPEED) == MIN_SPEED
    with pytest.raises(FieldError, match="^speed: "):
        parse_speed("fast")


def test_the_scheduler_survives_a_failing_step_and_a_far_off_due_time():
    failures: list[tuple[str, BaseException]] = []
    ran = threading.Event()
    scheduler = Scheduler(on_error=lambda key, exc: failures.append((key, exc)))
    try:

        def broken() -> float:
            raise RuntimeError("boom")

        scheduler.schedule("far", lambda: math.inf, time.monotonic() + 1e12)  # years away
        scheduler.schedule("broken", broken, time.monotonic())
        scheduler.schedule("nan", lambda: math.nan, time.monotonic())
        wait_for(lambda: len(failures) == 2, what="both failures reported")
        scheduler.schedule("fine", lambda: ran.set() or math.inf, time.monotonic())
        assert ran.wait(10), "the scheduler thread stopped"
        assert {key for key, _ in failures} == {"broken", "nan"}
        assert "boom" in str(dict(failures)["broken"])
    finally:
        scheduler.close()


def test_a_saved_job_too_slow_to_run_fails_on_restart_and_others_go_on(make_web, tmp_path):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    slow = first.create(scenario={"days": 30, "seed": 1}, speed=FAST / 8)
    other = first.create(scenario={"days": 30, "seed": 2}, speed=FAST / 8)
    wait_for(lambda: events_of(first, other["id"]) > 5)
    first.stop()
    path = data / slow["id"] / "job.json"
    state = json.loads(path.read_text())
    state["spec"]["speed"] = 1e-6  # what an older server accepted
    path.write_text(json.dumps(state))
    second = make_web(data_dir=data)
    failed = wait_for(lambda: (v := second.ok("GET", f"/jobs/{slow['id']}"))["status"]
                      == "failed" and v)  # fmt: skip
    assert "speed" in failed["error"]
    before = events_of(second, other["id"])
    wait_for(lambda: events_of(second, other["id"]) > before, what="the other job going on")


# -- deleting with clean_target ----------------------------------------------------------------


PEOPLE = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"},
          {"name": "Bob Brown", "email": "bob@example.com"}]  # fmt: skip


def test_deleting_a_running_job_with_clean_target_stops_it_first(make_web, sandbox, tokens_file):
    web = make_web(tokens_file=tokens_file)
    target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid}
    job = web.create(mode="continuous", speed=FAST / 4, forever=True,
                     scenario={"days": 30, "people": PEOPLE}, target=target)  # fmt: skip
    projects = f"{sandbox.base_url}/projects"
    admin = {"Authorization": f"Bearer {sandbox.admin_token}"}
    query = {"workspace": sandbox.workspace_gid}

    def created() -> list:
        return requests.get(projects, params=query, headers=admin, timeout=10).json()["data"]

    wait_for(created, what="a project in the target", timeout=60)
    assert web.ok("GET", f"/jobs/{job['id']}")["status"] == "running"
    deleted = web.call("DELETE", f"/jobs/{job['id']}", params={"clean_target": "true"})
    assert deleted.status_code == 204, deleted.text
    assert created() == [] and web.ok("GET", "/jobs") == []


def test_deleting_with_clean_target_when_the_target_is_down_is_a_502(make_web, tmp_path):
    tokens = tmp_path / "tokens.toml"
    write_tokens(tokens, Tokens(people={}, default="tok-admin-1"))
    web = make_web(tokens_file=tokens)
    target = {"kind": "asana", "url": "http://127.0.0.1:9/api/1.0", "workspace": "1"}
    job = web.create(mode="backfill", speed="max", scenario={"days": 1}, target=target,
                     start=False)  # fmt: skip
    response = web.call("DELETE", f"/jobs/{job['id']}", params={"clean_target": "true"})
    assert response.status_code == 502, response.text
    error = response.json()["error"]
    assert error == {"status": 502, "field": "clean_target", "message": error["message"]}
    assert "cannot reach http://127.0.0.1:9/api/1.0" in error["message"]
    assert web.ok("GET", f"/jobs/{job['id']}")["status"] == "stopped"  # kept, to try again
    assert web.call("DELETE", f"/jobs/{job['id']}").status_code == 204


def test_validate_names_the_url_when_it_cannot_be_reached(make_web):
    web = make_web()
    response = web.call("POST", "/tokens/validate",
                        json={"token": "abc", "url": "http://127.0.0.1:9/api/1.0"})  # fmt: skip
    assert response.status_code == 502 and response.json()["error"]["field"] == "url"


# -- Ctrl-C ------------------------------------------------------------------------------------


def test_ctrl_c_with_a_live_stream_open_ends_promptly_and_quietly(tmp_path):
    command = [sys.executable, "-c", "from cli import main; main()", "serve", "--port", "0",
               "--data", str(tmp_path / "replays")]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, preexec_fn=sigint_as_from_a_terminal)  # fmt: skip
    try:
        banner = server.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/", banner).group(1) + "/api"
        wait_for(lambda: _answers(url + "/health"), what="the server")
        job = requests.post(f"{url}/jobs", json={"scenario": {"days": 30}, "speed": 3600},
                            timeout=30).json()  # fmt: skip
        with requests.get(f"{url}/jobs/{job['id']}/stream", params={"after": 0}, stream=True,
                          timeout=30) as stream:  # fmt: skip
            lines = stream.iter_lines()
            assert next(lines).startswith(b"event:")
            server.send_signal(signal.SIGINT)
            _, stderr = server.communicate(timeout=10)  # before the fix: ~5 s and a traceback
            list(lines)  # raises ChunkedEncodingError if the stream was cut rather than ended
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert "Traceback" not in stderr and "CancelledError" not in stderr, stderr
    assert server.returncode == 0  # stopped as asked, as `sandbox` stops (README)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False
