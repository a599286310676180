"""What a QA probe of the jobs API found, fixed: replay figures that describe the job now
(parked events sent again are no longer parked; events a stopped job never sent are all
counted, and no "next replay" is promised), a long scenario name, continuous jobs that start
now, a damaged job file named in the server's log, jobs that wait for the server's tokens
file instead of failing, and a target URL with a query string."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest

from adapters.web.figures import replay_warnings
from adapters.web.job_delivery import JobDelivery, Wakeup
from adapters.web.job_sim import Live
from adapters.web.spec import JobSpec, TargetSpec
from adapters.web.store import JobState
from engine.content.templates import TemplateSource
from engine.log import FileLog
from engine.replay_report import ReplaySummary
from engine.run import create_run, new_run_dir
from engine.scenario import default_scenario, resolve
from tests.proxy import GatewayProxy, Trick
from tests.test_web import servers, wait_for

OUTCOMES = ("applied", "failed", "skipped", "parked", "deferred", "not_read")


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def ended(web, job_id: str, timeout: float = 60) -> dict:
    return wait_for(lambda: (v := web.ok("GET", f"/jobs/{job_id}"))["status"]
                    in ("completed", "failed", "stopped") and v, timeout=timeout)  # fmt: skip


def accounted(view: dict) -> int:
    """The replay's outcomes summed: each of the job's events is in exactly one of them."""
    return sum(view["replay"][k] for k in OUTCOMES)


# -- 1. parked events sent again are not parked any more ---------------------------------------


def _summary(**counts: int) -> ReplaySummary:
    figures = {"already_done": 0, "applied": 0, "failed": 0, "skipped": 0, "parked": 0,
               "deferred": 0, **counts}  # fmt: skip
    return ReplaySummary(target="t", events=sum(figures.values()), requests=0, retries=0,
                         rate_limited=0, wall_seconds=1.0, requests_per_second=0.0,
                         events_per_second=0.0, **figures)  # fmt: skip


def test_events_parked_by_one_replay_and_applied_by_the_next_are_not_parked(tmp_path):
    """The probe's figures: a live replay parked 68 of 461 events while the target was down;
    the drain at the end sent them. The job's figures are what holds now."""
    scenario = resolve(default_scenario())
    run = tmp_path / "run"
    create_run(run, scenario, TemplateSource())
    spec = JobSpec(mode="continuous", speed=4000, target=TargetSpec(kind="sandbox"))
    state = JobState(id="run", name="run", spec=spec, created_at=datetime.now(UTC), events=461)
    delivery = JobDelivery(run, Live(events=461), Wakeup(), None)
    delivery.connect(scenario, spec, None)
    try:
        delivery.ended(state, _summary(applied=393, parked=68))
        assert (state.replay.parked, state.replay.not_read) == (68, 0)
        delivery.ended(state, _summary(already_done=393, applied=68))
        delivery.release(state)
    finally:
        delivery.close_sandbox()
    replay = state.replay
    assert (replay.applied, replay.parked, replay.deferred, replay.not_read) == (461, 0, 0, 0)
    assert replay_warnings(replay, "completed") == []


@pytest.mark.slow
def test_a_continuous_job_whose_target_failed_for_a_while_ends_with_nothing_parked(
    make_web, sandbox, tokens_file
):
    """For real: the target refuses a status update (503) more often than a replay tries a call
    (six times) before parking its event; a continuous job, as patient as ``busywork live``,
    keeps trying and sends it, parking nothing."""
    web = make_web(tokens_file=tokens_file)
    # Seven days (from now) hold working days and the two portfolios' first status updates
    # within three, in 60 s. Eleven 503s: one update gets six or more.
    refused = Trick("POST", "/status_updates", 503, times=11)
    with GatewayProxy(sandbox.root_url, [refused]) as gw:
        target = {"kind": "asana", "url": gw.base_url, "workspace": sandbox.workspace_gid}
        job = web.create(mode="continuous", speed=7 * 86400 / 60, scenario={"days": 7},
                         target=target)  # fmt: skip
        parked: list[int] = []

        def ended_watching_parked() -> dict | None:
            view = web.ok("GET", f"/jobs/{job['id']}")
            parked.append(view["replay"]["parked"] if view["replay"] else 0)
            return view if view["status"] in ("completed", "failed", "stopped") else None

        done = wait_for(ended_watching_parked, timeout=300, what="the job to end")
        assert refused.times == 0, "the target refused fewer calls than planned"
    assert done["status"] == "completed", done["error"]
    assert max(parked) == 0, "an event was parked on the way"
    replay = done["replay"]
    assert replay["retries"] >= 11 and replay["parked"] == 0, replay
    assert replay["applied"] + replay["skipped"] == done["events"]
    assert accounted(done) == done["events"] and done["replay_progress"] == 1.0
    assert not any("parked" in w for w in done["warnings"]), done["warnings"]


# -- 2. a stopped job's unsent events: all counted, and no next replay promised ----------------


def test_a_stopped_backfill_counts_every_event_it_did_not_send(make_web):
    web = make_web()
    job = web.create(mode="backfill", speed="max", scenario={"days": 20},
                     target={"kind": "sandbox"})  # fmt: skip
    jid = job["id"]
    wait_for(lambda: (v := web.ok("GET", f"/jobs/{jid}"))["replay"] and v["replay"]["applied"],
             timeout=60, what="the replay under way")  # fmt: skip
    for action in ("pause", "resume", "pause", "stop"):
        assert web.call("POST", f"/jobs/{jid}/{action}").status_code == 200, action
    view = web.ok("GET", f"/jobs/{jid}")
    replay = view["replay"]
    unsent = view["events"] - replay["applied"] - replay["failed"] - replay["skipped"]
    assert unsent > 0 and accounted(view) == view["events"], view
    assert f"{unsent} events were not sent: the job was stopped" in view["warnings"], view
    assert not any("next replay" in w or "next time" in w for w in view["warnings"])


def test_warnings_of_a_paused_job_promise_the_replay_that_resuming_starts():
    from adapters.web.store import ReplayCounters

    counters = ReplayCounters(applied=5, parked=1, deferred=2, not_read=7)
    paused = replay_warnings(counters, "paused")
    assert paused[-1].startswith("9 events not sent yet") and "next time" in paused[0]
    # A running replay has yet to read what was just written: not a warning.
    assert replay_warnings(counters, "running")[-1].startswith("2 events not sent yet")
    failed = replay_warnings(counters, "failed")
    assert failed == ["events not applied at the target: 1 parked (not sent again: the job has "
                      "ended)", "9 events were not sent: the job failed"]  # fmt: skip


@pytest.mark.slow  # restarts the server mid-backfill: ~7 s
def test_a_backfill_paused_before_a_restart_resumes_after_it(make_web, tmp_path):
    """Found on the way: resuming it after a restart left it "running" with nothing running
    it (the worker of a paused backfill is started on resume, not only on start)."""
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    job = first.create(mode="backfill", speed="max", scenario={"days": 20},
                       target={"kind": "sandbox"})  # fmt: skip
    wait_for(lambda: (v := first.ok("GET", f"/jobs/{job['id']}"))["replay"]
             and v["replay"]["applied"], timeout=60, what="the replay under way")  # fmt: skip
    first.ok("POST", f"/jobs/{job['id']}/pause")
    first.stop()
    second = make_web(data_dir=data)
    second.ok("POST", f"/jobs/{job['id']}/resume")
    done = ended(second, job["id"])
    assert done["status"] == "completed" and accounted(done) == done["events"], done


# -- 3. a long scenario name -------------------------------------------------------------------


def test_a_long_scenario_name_makes_a_job(make_web, tmp_path):
    web = make_web(base_dir=tmp_path)
    name = "n" * 300
    job = web.create(scenario={"name": name}, start=False)
    assert job["name"] == name and len(job["id"]) < 100, job["id"]
    (tmp_path / "long.toml").write_text(f'name = "{"Ab " * 120}"\n', encoding="utf-8")
    job = web.create(scenario_file="long.toml", start=False)
    assert job["id"].startswith("ab-ab-") and len(job["id"]) < 100, job["id"]


def test_run_folder_names_keep_a_normal_name_whole(tmp_path):
    now = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    team = msgspec.structs.replace(default_scenario(), name="Team A: 7 days")
    assert new_run_dir(team, tmp_path, now).name == "team-a-7-days-20260105-080000"
    long = msgspec.structs.replace(default_scenario(), name="Quarterly " * 40)
    assert new_run_dir(long, tmp_path, now).name == "-".join(["quarterly"] * 6) + "-20260105-080000"


# -- 4. a continuous job starts now ------------------------------------------------------------


def test_a_continuous_job_starts_now_as_busywork_live_does(make_web):
    web = make_web()
    job = web.create(mode="continuous", speed=3600, scenario={"days": 2}, start=False)
    run = web.data_dir / job["id"]
    assert not (run / "live.json").exists()  # planned when it starts, not when it was made
    web.ok("POST", f"/jobs/{job['id']}/start")
    view = wait_for(lambda: (v := web.ok("GET", f"/jobs/{job['id']}"))["simulated_now"] and v)
    started = datetime.fromisoformat(view["started_at"])
    assert datetime.fromisoformat(view["simulated_now"]) >= started, view
    manifest = json.loads((run / "manifest.json").read_text())
    zone = ZoneInfo(manifest["scenario"]["timezone"])
    assert manifest["scenario"]["start"] == str(started.astimezone(zone).date())
    live = json.loads((run / "live.json").read_text())
    # It ends two days on at the same local time (across a daylight-saving change too).
    origin = datetime.fromisoformat(manifest["scenario"]["start"]).replace(tzinfo=zone)

    def local(sim_seconds: float) -> datetime:
        return (origin.astimezone(UTC) + timedelta(seconds=sim_seconds)).astimezone(zone)

    began, ends = local(live["quiet"][0][1]), local(live["until_sim"])
    assert live["quiet"][0][0] == 0 and ends.replace(tzinfo=None) - began.replace(
        tzinfo=None
    ) == timedelta(days=2), (began, ends)
    web.ok("POST", f"/jobs/{job['id']}/stop")
    first = next(FileLog.open_readonly(run).read(1), None)
    assert first is None or first.at >= started  # nobody acted before the job started


# -- 5. a damaged job file ---------------------------------------------------------------------


class KeptRecords(logging.Handler):
    """The records a logger emits (the app's logging setup replaces the root's handlers, so
    pytest's caplog sees none of them)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_damaged_job_file_is_named_in_the_log_and_the_job_is_back_once_fixed(make_web, tmp_path):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    kept = first.create(scenario={"days": 1}, start=False)["id"]
    broken = first.create(scenario={"days": 1}, start=False)["id"]
    first.stop()
    path = data / broken / "job.json"
    good = path.read_text()
    path.write_text(good[: len(good) // 2])
    logger, handler = logging.getLogger("busywork.web"), KeptRecords()
    logger.addHandler(handler)
    try:
        second = make_web(data_dir=data)
    finally:
        logger.removeHandler(handler)
    assert [j["id"] for j in second.ok("GET", "/jobs")] == [kept]
    (message,) = [r.getMessage() for r in handler.records if broken in r.getMessage()]
    assert f"{path}: damaged job file" in message, message
    assert path.read_text() == good[: len(good) // 2]  # left as it is
    second.stop()
    path.write_text(good)
    third = make_web(data_dir=data)
    assert sorted(j["id"] for j in third.ok("GET", "/jobs")) == sorted([kept, broken])


# -- 6. a server started without the tokens file -----------------------------------------------


def test_an_asana_job_waits_for_a_server_with_its_tokens_file(
    make_web, sandbox, tokens_file, tmp_path
):
    data = tmp_path / "replays"
    first = make_web(data_dir=data, tokens_file=tokens_file)
    target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid}
    # Running for good: a year at the pace of the clock.
    job = first.create(mode="continuous", speed="realtime", forever=True, target=target)
    pending = first.create(mode="continuous", speed="realtime", target=target, start=False)
    first.stop()

    second = make_web(data_dir=data)  # no --tokens
    view = second.ok("GET", f"/jobs/{job['id']}")
    assert view["status"] == "paused" and view["error"] == "", view
    assert "no tokens file" in view["warnings"][0], view["warnings"]
    for jid, action in ((job["id"], "resume"), (pending["id"], "start")):
        refused = second.call("POST", f"/jobs/{jid}/{action}")
        assert refused.status_code == 409, refused.text
        assert "no tokens file" in refused.json()["error"]["message"]
    assert second.ok("GET", f"/jobs/{pending['id']}")["status"] == "pending"
    second.stop()

    third = make_web(data_dir=data, tokens_file=tokens_file)
    view = third.ok("GET", f"/jobs/{job['id']}")
    # (The replay may note by now that a simulated person is not a user of the sandbox: their
    # first event can fall due, at the pace of the clock, while this runs.)
    assert view["status"] == "running", view
    assert not [w for w in view["warnings"] if "tokens" in w], view["warnings"]
    assert json.loads((data / job["id"] / "job.json").read_text())["waiting"] == ""
    assert third.ok("POST", f"/jobs/{pending['id']}/start")["status"] == "running"


# -- 7. a target URL with a query string or fragment -------------------------------------------


@pytest.mark.parametrize("tail", ["?opt_pretty=true", "#top"])
def test_a_target_url_with_a_query_or_fragment_is_refused(make_web, sandbox, tokens_file, tail):
    web = make_web(tokens_file=tokens_file)
    url = sandbox.base_url + tail
    target = {"kind": "asana", "url": url, "workspace": sandbox.workspace_gid}
    response = web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max",
                                               "target": target})  # fmt: skip
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "target.url" and repr(sandbox.base_url) in error["message"]
    assert "expected the API's base URL alone" in error["message"]
    assert tail[1:] not in error["message"]  # what follows may be a key: not echoed
