"""A pause is prompt whatever the target does: mid-backfill, the target applies each write and
then holds its answer. The pause cuts those requests (their writes are in doubt), as a stop
does, so the job's replay has ended well before the read timeout (it used to run on until
then, a resume meanwhile waiting for it); the resume connects again, finds what the held
writes did instead of doing it again, and the run lands in the target exactly once."""

from __future__ import annotations

import secrets

import pytest

from tests.replay_checks import assert_sandbox_holds_the_run_once, tokens_of, write_tokens_file
from tests.test_live_outage import applied_so_far, default_people
from tests.test_replay_hung_target import Hang
from tests.test_web import servers, wait_for
from tests.test_web_stop_prompt import MINUTE_TO_ANSWER


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def test_a_pause_cuts_the_requests_a_target_holds_and_the_resume_sends_each_event_once(
    make_web, make_sandbox, tmp_path
):
    people, admin = default_people(), secrets.token_urlsafe(16)
    sandbox = make_sandbox(people=people, admin_token=admin)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, admin))
    writes = lambda request: request.method in ("POST", "PUT")  # noqa: E731
    hang = Hang(sandbox, after=60, counts=writes)
    try:
        # Each request waits a minute for its answer.
        web = make_web(tokens_file=tokens, backoff=MINUTE_TO_ANSWER)
        target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid,
                  "tokens": {p.email: p.email for p in people}}  # fmt: skip
        job = web.create(mode="backfill", speed="max", scenario={"days": 5, "seed": 5},
                         target=target)  # fmt: skip
        run_dir = web.data_dir / job["id"]
        wait_for(hang.hanging.is_set, timeout=60, what="the target to hold the replay's writes")
        running = web.runner.job(job["id"])
        assert running.delivery.replayer is not None  # the replay runs, its writes held
        assert web.ok("POST", f"/jobs/{job['id']}/pause")["status"] == "paused"
        # Far sooner than the minute each held request would wait for its answer.
        wait_for(lambda: running.delivery.replayer is None, timeout=15,
                 what="the paused job's replay to end")  # fmt: skip
        assert web.ok("GET", f"/jobs/{job['id']}")["status"] == "paused"
        assert 0 < applied_so_far(run_dir) < job_events(web, job)
    finally:
        hang.release()
    sandbox.app.observer = None

    assert web.ok("POST", f"/jobs/{job['id']}/resume")["status"] == "running"
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["status"] != "running", timeout=120,
             what="the resumed job to end")  # fmt: skip
    view = web.ok("GET", f"/jobs/{job['id']}")
    assert view["status"] == "completed" and view["error"] == "", view
    assert view["replay"]["applied"] + view["replay"]["skipped"] == view["events"], view
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


def job_events(web, job) -> int:
    return web.ok("GET", f"/jobs/{job['id']}")["events"]


def test_a_pause_during_the_connect_to_a_target_that_holds_it_leaves_the_job_paused(
    make_web, make_sandbox, tmp_path
):
    """The backfill's connect is held (its list of teams never answered): the pause ends it at
    once, and the job stays paused (not failed, as when a connect fails); the resume connects
    again and completes the job, each event once."""
    people, admin = default_people(), secrets.token_urlsafe(16)
    sandbox = make_sandbox(people=people, admin_token=admin)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, admin))
    # The creation's check lists the teams once; the replay's connect lists them again: held.
    teams = lambda request: request.method == "GET" and request.path.endswith("/teams")  # noqa: E731
    hang = Hang(sandbox, after=2, counts=teams)
    try:
        web = make_web(tokens_file=tokens, backoff=MINUTE_TO_ANSWER)
        target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid,
                  "tokens": {p.email: p.email for p in people}}  # fmt: skip
        job = web.create(mode="backfill", speed="max", scenario={"days": 2, "seed": 3},
                         target=target)  # fmt: skip
        wait_for(hang.hanging.is_set, timeout=60, what="the replay's connect to be held")
        running = web.runner.job(job["id"])
        assert web.ok("POST", f"/jobs/{job['id']}/pause")["status"] == "paused"
        wait_for(lambda: running.delivery._connecting is None, timeout=15,
                 what="the paused job's connect to end")  # fmt: skip
        view = web.ok("GET", f"/jobs/{job['id']}")
        assert view["status"] == "paused" and view["error"] == "", view
    finally:
        hang.release()
    sandbox.app.observer = None

    assert web.ok("POST", f"/jobs/{job['id']}/resume")["status"] == "running"
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["status"] != "running", timeout=120,
             what="the resumed job to end")  # fmt: skip
    view = web.ok("GET", f"/jobs/{job['id']}")
    assert view["status"] == "completed" and view["error"] == "", view
    assert_sandbox_holds_the_run_once(web.data_dir / job["id"], sandbox)
