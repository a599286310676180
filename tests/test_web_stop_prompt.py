"""A stop answers promptly whatever the target does: a continuous job connecting (patiently) to a
target that accepts connections and never answers is stopped at once, stays stopped when its
connect gives up later, and is released (deletable) once that thread has ended; the stop also
ends the connect itself, which could otherwise go on trying for an hour, and a running
replay's requests that the target holds, which held the job until their read timeout."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import secrets
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from adapters.asana.client import Backoff
from adapters.asana.tokens import Tokens, write_tokens
from tests.replay_checks import (
    FAST,
    assert_sandbox_holds_the_run_once,
    tokens_of,
    write_tokens_file,
)
from tests.runner import busywork
from tests.test_live_outage import applied_so_far, default_people
from tests.test_replay_hung_target import Hang
from tests.test_web import servers, wait_for


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


class SilentTarget:
    """A loopback server that accepts every connection and never answers, until `close`."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.held: list[socket.socket] = []
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/api/1.0"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):  # the socket closed
            while True:
                self.held.append(self.server.accept()[0])

    def close(self) -> None:
        with contextlib.suppress(OSError):  # wakes the accept (a close alone leaves it listening)
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        for conn in list(self.held):
            conn.close()


@pytest.fixture
def silent():
    target = SilentTarget()
    yield target
    target.close()


@pytest.mark.slow
def test_a_stop_during_a_patient_connect_to_a_silent_target_is_prompt(make_web, tmp_path, silent):
    tokens = tmp_path / "tokens.toml"
    write_tokens(tokens, Tokens(people={}, default="tok-admin-1"))
    # Short waits between tries (each call still waits 30 s for its answer): the connect gives
    # up soon once the target is gone.
    web = make_web(tokens_file=tokens, backoff=Backoff(base=0.05, cap=0.2))
    job = web.create(mode="continuous", speed=60, scenario={"days": 1},
                     target={"kind": "asana", "url": silent.url})  # fmt: skip
    # One connection is the creation's check of the target (one try), the next the replay's.
    wait_for(lambda: len(silent.held) >= 2, timeout=60, what="the replay to connect")

    # The replay's connect waits for an answer (30 s per call, several calls): the stop does not.
    response = web.call("POST", f"/jobs/{job['id']}/stop", timeout=15)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "stopped"
    assert web.ok("GET", f"/jobs/{job['id']}")["status"] == "stopped"

    silent.close()  # the connect now gives up: the job stays stopped, with no error
    running = web.runner.job(job["id"])
    wait_for(lambda: running.ending.released, timeout=60, what="the job to be released")
    view = web.ok("GET", f"/jobs/{job['id']}")
    assert view["status"] == "stopped" and view["error"] == "", view
    assert json.loads((web.data_dir / job["id"] / "job.json").read_text())["status"] == "stopped"
    assert web.call("DELETE", f"/jobs/{job['id']}").status_code in (200, 204)


def test_a_stop_ends_a_connect_that_would_have_retried_for_an_hour(
    make_web, make_sandbox, tmp_path
):
    """The target answers the first calls and then holds every answer: a continuous job's
    patient connect would try again for about an hour. The stop closes the connect's client:
    its call in flight ends at its read timeout (1 s here), and the job is released."""
    sandbox = make_sandbox(people=[], admin_token="admin-stop-connect-1")
    tokens = tmp_path / "tokens.toml"
    write_tokens(tokens, Tokens(people={}, default=sandbox.admin_token))
    # The creation's check lists the teams once; the replay's connect lists them again: held.
    teams = lambda request: request.method == "GET" and request.path.endswith("/teams")  # noqa: E731
    hang = Hang(sandbox, after=2, counts=teams)
    try:
        web = make_web(tokens_file=tokens, backoff=Backoff(base=0.05, cap=0.2, timeout=(2.0, 1.0)))
        job = web.create(mode="continuous", speed=60, scenario={"days": 1},
                         target={"kind": "asana", "url": sandbox.base_url})  # fmt: skip
        wait_for(hang.hanging.is_set, timeout=60, what="the replay's connect to be held")
        assert web.ok("POST", f"/jobs/{job['id']}/stop")["status"] == "stopped"
        running = web.runner.job(job["id"])
        # Without the stop reaching the connect, it would go on trying (240 tries of 1 s).
        wait_for(lambda: running.ending.released, timeout=30, what="the job to be released")
    finally:
        hang.release()
    view = web.ok("GET", f"/jobs/{job['id']}")
    assert view["status"] == "stopped" and view["error"] == "", view
    assert web.call("DELETE", f"/jobs/{job['id']}").status_code in (200, 204)


# Each request waits a minute for its answer: a stop that left the held ones to their read
# timeout would hold the job that long.
MINUTE_TO_ANSWER = dataclasses.replace(FAST, timeout=(2.0, 60.0))


def writes(request) -> bool:
    return request.method in ("POST", "PUT")


@dataclasses.dataclass
class HeldBackfill:
    web: Any
    sandbox: Any
    tokens: Path
    job: dict

    @property
    def run_dir(self) -> Path:
        return self.web.data_dir / self.job["id"]


@contextlib.contextmanager
def held_backfill(
    make_web, make_sandbox, tmp_path, *, held, after: int, days: int, seed: int,
    mode: str = "backfill", speed: object = "max",
):  # fmt: skip
    """A web job (a backfill at `max` unless `mode` and `speed` say otherwise; `days`, `seed`)
    into a sandbox that, once `after` requests for which `held(request)` is true have been
    answered, applies each further one and holds its answer; each request would wait a minute
    for it. Yields once the target holds one; releases the target on the way out."""
    people, admin = default_people(), secrets.token_urlsafe(16)
    sandbox = make_sandbox(people=people, admin_token=admin)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, admin))
    hang = Hang(sandbox, after=after, counts=held)
    try:
        web = make_web(tokens_file=tokens, backoff=MINUTE_TO_ANSWER)
        target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid,
                  "tokens": {p.email: p.email for p in people}}  # fmt: skip
        job = web.create(mode=mode, speed=speed, scenario={"days": days, "seed": seed},
                         target=target)  # fmt: skip
        wait_for(hang.hanging.is_set, timeout=60, what="the target to hold the replay's requests")
        yield HeldBackfill(web, sandbox, tokens, job)
    finally:
        hang.release()
    sandbox.app.observer = None


def test_a_stop_cuts_the_requests_a_target_holds_and_a_resume_sends_each_event_once(
    make_web, make_sandbox, tmp_path
):
    """Mid-backfill, the target applies each write and then holds its answer. The stop ends
    those requests at once (their writes are in doubt), so the job is released well before
    the read timeout; replaying the rest later finds what the held writes did instead of
    doing it again."""
    with held_backfill(make_web, make_sandbox, tmp_path, held=writes, after=60, days=5,
                       seed=5) as held:  # fmt: skip
        web, job = held.web, held.job
        assert web.ok("POST", f"/jobs/{job['id']}/stop")["status"] == "stopped"
        running = web.runner.job(job["id"])
        # Far sooner than the minute each held request would wait for its answer.
        wait_for(lambda: running.ending.released, timeout=15, what="the job to be released")
    sandbox, tokens, run_dir = held.sandbox, held.tokens, held.run_dir
    view = web.ok("GET", f"/jobs/{job['id']}")
    assert view["status"] == "stopped" and view["error"] == "", view
    assert 0 < applied_so_far(run_dir) < view["events"], view

    resumed = busywork("replay", str(run_dir), "--to", sandbox.base_url, "--tokens",
                       str(tokens), "--shift-dates", cwd=tmp_path)  # fmt: skip
    done_earlier = re.search(r"\(([\d,]+) done earlier\)", resumed.stdout)
    assert done_earlier, resumed.stdout
    assert_sandbox_holds_the_run_once(run_dir, sandbox)
