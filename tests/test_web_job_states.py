"""A job's state as the API shows it in harder cases: paused before its first event (its
progress and simulated time stay where its clock stood), and its run folder deleted while the
server has it (the job fails naming the folder; its activity says so; other jobs go on)."""

from __future__ import annotations

import shutil

import pytest

from tests.test_web import FAST, servers, wait_for


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def view(web, job_id: str) -> dict:
    return web.ok("GET", f"/jobs/{job_id}")


# -- paused before the first event ---------------------------------------------------------------


@pytest.mark.parametrize("mode", ["dry_run", "continuous"])
def test_a_paced_job_paused_before_its_first_event_shows_where_its_clock_stood(make_web, mode):
    web = make_web()
    # The default team's first day starts at midnight in Los Angeles and nobody works before
    # 6:00 there: at 600x a dry run has no event for half a minute. A continuous job starts now.
    job = web.create(mode=mode, scenario={"days": 1}, speed=600)
    running = wait_for(lambda: (v := view(web, job["id"]))["progress"] and v,
                       what="the clock to move")  # fmt: skip
    paused = web.ok("POST", f"/jobs/{job['id']}/pause")
    if mode == "dry_run":
        assert paused["events"] == 0, "the first event came before the pause"
    assert paused["status"] == "paused"
    assert paused["progress"] >= running["progress"] > 0
    assert paused["simulated_now"] is not None
    assert paused["simulated_now"] >= running["simulated_now"]
    # It stays there while paused, and moves on from there once resumed.
    again = view(web, job["id"])
    assert (again["progress"], again["simulated_now"]) == (paused["progress"],
                                                           paused["simulated_now"])  # fmt: skip
    resumed = web.ok("POST", f"/jobs/{job['id']}/resume")
    assert resumed["progress"] >= paused["progress"]
    assert resumed["simulated_now"] >= paused["simulated_now"]


# -- the run folder deleted ----------------------------------------------------------------------


@pytest.mark.slow  # about 15 s: an idle real-time job is among those it covers
def test_a_job_whose_run_folder_is_deleted_fails_naming_it(make_web):
    web = make_web()
    busy = web.create(name="Busy", scenario={"days": 30}, speed=FAST)  # steps every instant
    # Real time from a Monday midnight: its first step is six hours away, so only a look at it
    # can notice that its folder went.
    idle = web.create(name="Idle", scenario={"days": 2}, speed="realtime")
    other = web.create(name="Other", scenario={"days": 30, "seed": 2}, speed=FAST)
    wait_for(lambda: view(web, busy["id"])["events"] > 0, what="the first events")
    for job in (busy, idle):
        shutil.rmtree(web.data_dir / job["id"])

    for job in (busy, idle):
        failed = wait_for(lambda j=job: (v := view(web, j["id"]))["status"] != "running" and v,
                          what="the job to end")  # fmt: skip
        folder = str(web.data_dir / job["id"])
        assert failed["status"] == "failed", failed
        assert failed["error"].startswith(f"the run folder {folder} was deleted"), failed["error"]
        # Its activity (page, live stream, charts) names the folder instead of showing nothing.
        for path in ("activity", "stream", "stats"):
            response = web.call("GET", f"/jobs/{job['id']}/{path}")
            assert response.status_code == 409, (path, response.text)
            assert folder in response.json()["error"]["message"]
        assert not (web.data_dir / job["id"]).exists()  # nothing was written there again

    # Nothing else was harmed: the other job runs on to its end, and new jobs run.
    assert view(web, other["id"])["status"] == "running"
    wait_for(lambda: view(web, other["id"])["status"] == "completed", timeout=60)
    fresh = web.create(scenario={"days": 1}, speed="max")
    wait_for(lambda: view(web, fresh["id"])["status"] == "completed", timeout=60)
    listed = {j["name"]: j["status"] for j in web.ok("GET", "/jobs")}
    assert listed["Busy"] == listed["Idle"] == "failed" and listed["Other"] == "completed"
