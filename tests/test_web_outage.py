"""A continuous web job waits out an outage of its target, as ``busywork live`` does (about an
hour of retries, where a replay parks what it sends after some 8 s), says so in its state
("target unavailable: retrying") and carries on once the target is back, delivering
everything exactly once."""

from __future__ import annotations

import secrets
import time

import pytest

from tests.replay_checks import assert_sandbox_holds_the_run_once, tokens_of, write_tokens_file
from tests.test_live_outage import applied_so_far, default_people
from tests.test_web import servers, wait_for

OUTAGE_SECONDS = 20.0  # longer than a replay's whole backoff (some 8 s)
UNAVAILABLE = "target unavailable: retrying"


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


@pytest.mark.slow
def test_a_continuous_job_waits_out_an_outage_of_its_target(make_sandbox, make_web, tmp_path):
    people, admin, data = default_people(), secrets.token_urlsafe(16), tmp_path / "sandbox"
    sandbox = make_sandbox(people=people, admin_token=admin, data_dir=data)
    web = make_web(tokens_file=write_tokens_file(tmp_path / "tokens.toml",
                                                 tokens_of(people, admin)))  # fmt: skip
    target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid,
              "tokens": {p.email: p.email for p in people}}  # fmt: skip
    # Ten simulated days (working days among them, whatever today is) in about twenty seconds.
    job = web.create(mode="continuous", speed=40000, scenario={"days": 10}, target=target)
    jid, run_dir = job["id"], web.data_dir / job["id"]

    def view() -> dict:
        return web.ok("GET", f"/jobs/{jid}")

    wait_for(lambda: applied_so_far(run_dir) > 0, timeout=60, what="the first event delivered")
    sandbox.stop()
    down = time.monotonic()
    during = wait_for(lambda: (v := view())["warnings"][:1] == [UNAVAILABLE] and v, timeout=60,
                      what="the job to say its target is unavailable")  # fmt: skip
    assert during["status"] == "running", during
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down)))
    late = view()  # past a replay's whole backoff: nothing was given up on
    assert late["status"] == "running" and late["warnings"][:1] == [UNAVAILABLE], late
    assert late["replay"]["parked"] == late["replay"]["failed"] == 0, late["replay"]

    port = int(sandbox.base_url.split(":")[2].split("/")[0])
    sandbox = make_sandbox(people=people, admin_token=admin, data_dir=data, port=port)
    done = wait_for(lambda: (v := view())["status"] in ("completed", "failed") and v,
                    timeout=600, what="the job to end")  # fmt: skip
    assert done["status"] == "completed", done["error"]
    replay = done["replay"]
    assert replay["parked"] == replay["failed"] == replay["deferred"] == 0, replay
    assert UNAVAILABLE not in done["warnings"]
    assert replay["applied"] + replay["skipped"] == done["events"], replay
    assert_sandbox_holds_the_run_once(run_dir, sandbox)
