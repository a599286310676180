"""Resuming a failed backfill waits for its threads to end and its connection to close, but
not without bound: while they are still ending, the resume answers a 409 saying so (in the
API's error shape) instead of holding the request for ever; once they end, it resumes."""

from __future__ import annotations

import threading

import pytest

import adapters.web.job_end as job_end
from adapters.asana.tokens import Tokens, write_tokens
from tests.test_web import servers, wait_for

PEOPLE = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"}]
NOBODY = "http://127.0.0.1:9/api/1.0"  # refuses connections: the backfill fails, resumable


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def test_a_resume_while_the_failed_job_is_still_ending_is_a_409_not_a_hang(
    make_web, tmp_path, monkeypatch
):
    monkeypatch.setattr(job_end, "RELEASE_WAIT", 0.3)
    tokens = tmp_path / "tokens.toml"
    write_tokens(tokens, Tokens(people={}, default="t" * 20))
    web = make_web(tokens_file=tokens)
    job_id = web.create(mode="backfill", speed="max", scenario={"days": 2, "people": PEOPLE},
                        target={"kind": "asana", "url": NOBODY})["id"]  # fmt: skip
    failed = wait_for(lambda: (v := web.ok("GET", f"/jobs/{job_id}"))["status"] == "failed"
                      and v, timeout=60, what="the backfill to fail")  # fmt: skip
    assert failed["resumable"], failed

    # It fails again while a thread of it has not ended yet (as when one is stuck in a call),
    # once the first failure's threads have ended (their release would end this one's wait).
    job, stuck = web.runner.job(job_id), threading.Event()
    wait_for(lambda: job.ending.released, what="the first failure's threads to end")
    job.worker = threading.Thread(target=stuck.wait, daemon=True)
    job.worker.start()
    ending = threading.Thread(target=job.stop, daemon=True,
                              kwargs={"final": "failed", "error": "again", "resumable": True})  # fmt: skip
    ending.start()
    wait_for(lambda: not job.ending.released, what="the job to be ending")

    response = web.call("POST", f"/jobs/{job_id}/resume", timeout=10)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert "is still ending" in error["message"] and "try the resume again" in error["message"]
    assert web.ok("GET", f"/jobs/{job_id}")["status"] == "failed"

    stuck.set()
    ending.join(10)
    assert web.ok("POST", f"/jobs/{job_id}/resume")["status"] in ("running", "failed")
