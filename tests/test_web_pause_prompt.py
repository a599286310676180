"""A pause is prompt whatever the target does: mid-backfill, the target applies each write and
then holds its answer. The pause cuts those requests (their writes are in doubt), as a stop
does, so the job's replay has ended well before the read timeout (it used to run on until
then, a resume meanwhile waiting for it); the resume connects again, finds what the held
writes did instead of doing it again, and the run lands in the target exactly once."""

from __future__ import annotations

import pytest

from tests.replay_checks import assert_sandbox_holds_the_run_once
from tests.test_live_outage import applied_so_far
from tests.test_web import FAST, servers, wait_for
from tests.test_web_stop_prompt import held_backfill, writes


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def test_a_pause_cuts_the_requests_a_target_holds_and_the_resume_sends_each_event_once(
    make_web, make_sandbox, tmp_path
):
    with held_backfill(make_web, make_sandbox, tmp_path, held=writes, after=60, days=5,
                       seed=5) as held:  # fmt: skip
        web, job = held.web, held.job
        running = web.runner.job(job["id"])
        assert running.delivery.replayer is not None  # the replay runs, its writes held
        assert web.ok("POST", f"/jobs/{job['id']}/pause")["status"] == "paused"
        # Far sooner than the minute each held request would wait for its answer.
        wait_for(lambda: running.delivery.replayer is None, timeout=15,
                 what="the paused job's replay to end")  # fmt: skip
        assert web.ok("GET", f"/jobs/{job['id']}")["status"] == "paused"
        assert 0 < applied_so_far(held.run_dir) < job_events(web, job)
    resume_to_the_end(held)


# A backfill at max, and a continuous job (paced: its replay follows the log).
JOB_KINDS = {"backfill": {"days": 2, "seed": 3},
             "continuous": {"days": 4, "seed": 5, "mode": "continuous", "speed": FAST}}  # fmt: skip


@pytest.mark.parametrize("kind", JOB_KINDS)
def test_a_pause_during_the_connect_to_a_target_that_holds_it_leaves_the_job_paused(
    make_web, make_sandbox, tmp_path, kind
):
    """The job's connect is held (its list of teams never answered): the pause ends it at
    once, and the job stays paused (not failed, as when a connect fails); the resume connects
    again and completes the job, each event once."""

    def teams(request) -> bool:  # the creation's check lists them once, the connect again
        return request.method == "GET" and request.path.endswith("/teams")

    with held_backfill(make_web, make_sandbox, tmp_path, held=teams, after=2,
                       **JOB_KINDS[kind]) as held:  # fmt: skip
        web, job = held.web, held.job
        running = web.runner.job(job["id"])
        assert web.ok("POST", f"/jobs/{job['id']}/pause")["status"] == "paused"
        wait_for(lambda: running.delivery._connecting is None, timeout=15,
                 what="the paused job's connect to end")  # fmt: skip
        view = web.ok("GET", f"/jobs/{job['id']}")
        assert view["status"] == "paused" and view["error"] == "", view
    resume_to_the_end(held)


def job_events(web, job) -> int:
    return web.ok("GET", f"/jobs/{job['id']}")["events"]


def resume_to_the_end(held) -> None:
    """Resume the held job once its target answers again: it completes, each event once."""
    web, job = held.web, held.job
    assert web.ok("POST", f"/jobs/{job['id']}/resume")["status"] == "running"
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["status"] != "running", timeout=120,
             what="the resumed job to end")  # fmt: skip
    view = web.ok("GET", f"/jobs/{job['id']}")
    assert view["status"] == "completed" and view["error"] == "", view
    assert view["replay"]["applied"] + view["replay"]["skipped"] == view["events"], view
    assert_sandbox_holds_the_run_once(held.run_dir, held.sandbox)
