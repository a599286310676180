"""A paced job's pause is prompt whatever the target does, as a backfill's is
(test_web_pause_prompt, which also holds both kinds' connect): a continuous job whose target
applies each write and then holds its answer is paused at once: the pause cuts its replay's
calls (a cut write is in doubt) instead of waiting a minute for their answers; the resume
connects again, carries on from the checkpoint and the run lands in the target exactly once."""

from __future__ import annotations

import pytest

from tests.test_live_outage import applied_so_far
from tests.test_web import FAST, servers, wait_for
from tests.test_web_pause_prompt import resume_to_the_end
from tests.test_web_stop_prompt import held_backfill, writes


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def held_continuous(make_web, make_sandbox, tmp_path, *, held, after: int):
    """A continuous web job (four days at two simulated days a second) into a sandbox that
    holds the answers of requests (see held_backfill)."""
    return held_backfill(make_web, make_sandbox, tmp_path, held=held, after=after, days=4,
                         seed=5, mode="continuous", speed=FAST)  # fmt: skip


def test_a_paced_jobs_pause_cuts_the_requests_a_target_holds_and_resumes_each_event_once(
    make_web, make_sandbox, tmp_path
):
    with held_continuous(make_web, make_sandbox, tmp_path, held=writes, after=30) as held:
        web, job = held.web, held.job
        running = web.runner.job(job["id"])
        assert running.delivery.replayer is not None  # the replay follows the log, held
        assert web.ok("POST", f"/jobs/{job['id']}/pause")["status"] == "paused"
        # Sooner than the minute each held request would wait for its answer (with room for a
        # loaded machine: 15 s was once too short at a load average of 27).
        wait_for(lambda: running.delivery.replayer is None, timeout=45,
                 what="the paused job's replay to end")  # fmt: skip
        view = web.ok("GET", f"/jobs/{job['id']}")
        assert view["status"] == "paused" and view["error"] == "", view
        assert 0 < applied_so_far(held.run_dir) < view["events"]
    resume_to_the_end(held)
