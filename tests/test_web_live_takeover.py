"""``busywork live --run`` on the run folder of a web job that is writing it is refused before
it touches anything: it once re-planned the run's clock (``live.json``: a new speed, a quiet
window over the time the job went on simulating) and only then found the log taken, and the
job failed at its next resume ("event 112 differs from the log")."""

from __future__ import annotations

import pytest

from tests.runner import busywork
from tests.test_web import servers, wait_for

FAST = 20_000  # simulated seconds per second: a few events soon, far from the end


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


@pytest.mark.slow
def test_live_refuses_the_run_of_a_running_web_job_and_leaves_its_clock(make_web, tmp_path):
    web = make_web()
    job = web.create(mode="continuous", speed=FAST, scenario={"days": 30})
    run_dir = web.data_dir / job["id"]
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["events"] > 0, timeout=60,
             what="the job's first events")  # fmt: skip
    clock = (run_dir / "live.json").read_bytes()

    result = busywork("live", "--run", str(run_dir), "--to", "sandbox", "--speed", "100",
                      cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "another process (a busywork serve job" in result.stderr, result.stderr
    assert (run_dir / "live.json").read_bytes() == clock

    web.ok("POST", f"/jobs/{job['id']}/pause")  # then on, after a restart, as it was
    web.stop()
    again = make_web(data_dir=web.data_dir)
    resumed = again.ok("POST", f"/jobs/{job['id']}/resume")
    assert resumed["status"] == "running", resumed
    view = wait_for(lambda: (v := again.ok("GET", f"/jobs/{job['id']}"))["events"]
                    > resumed["events"] and v, timeout=60, what="more events")  # fmt: skip
    assert view["status"] == "running" and not view["error"], view
