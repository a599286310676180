"""A web backfill whose target stops answering fails, saying so and how many events it did not
send, as ``busywork backfill`` stops; resumed (POST /resume, the dashboard's Resume) once the
target answers again, it completes, and the target holds every event exactly once. So does a
backfill whose pass ended with events parked before the silence was long enough to stop it.

Such a job once parked one event after another (each after its retries, some 8 s) through the
whole log, for ever; or it "completed" with events parked that nothing would send any more. A
continuous job waits an outage out instead (tests/test_web_outage.py).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import secrets
import threading
import time

import pytest

from adapters.web.job_end import RESUMABLE
from engine.replay_outcomes import TARGET_SILENT, TargetSilence
from tests.replay_checks import (
    FAST,
    assert_sandbox_holds_the_run_once,
    tokens_of,
    write_tokens_file,
)
from tests.test_live_outage import applied_so_far, default_people
from tests.test_web import servers, wait_for

# Three events parked in a row over 0.2 s with nothing answered: it gives up. Each
# event sent to the stopped target is parked after a few quick tries, and a write in doubt when
# it stopped is given up on a moment later (as with `busywork backfill --landing-seconds`).
QUICK_SILENCE = TargetSilence(seconds=0.2, parked=3)
FAILED_FOR_NOW = "the target failed for now: "  # adapters.web.job_drive._parked
QUICK_TRIES = dataclasses.replace(FAST, base=0.1, cap=0.1, attempts=3, landing=0.5)


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def port_of(sandbox) -> int:
    return int(sandbox.base_url.split(":")[2].split("/")[0])


def ended(web, job_id: str, timeout: float = 60) -> dict:
    return wait_for(lambda: (v := web.ok("GET", f"/jobs/{job_id}"))["status"]
                    in ("completed", "failed") and v, timeout=timeout, what="the job to end")  # fmt: skip


def goes_away(sandbox, after: int) -> threading.Thread:
    """Stop `sandbox` once it has handled `after` requests, in the background: the answers
    to those under way then are held until the stop cuts them off (their writes are in doubt),
    and later ones find nobody listening."""
    handled, reached = itertools.count(1), threading.Event()

    def observe(request, status, body) -> None:
        if next(handled) >= after:
            reached.set()
            time.sleep(1.0)

    def stop() -> None:
        reached.wait(60)
        sandbox.stop()

    sandbox.app.observer = observe
    thread = threading.Thread(target=stop, daemon=True)
    thread.start()
    return thread


def failing_backfill(make_sandbox, make_web, tmp_path, silence=QUICK_SILENCE):
    """A backfill into a sandbox (as an Asana API) that goes away once some events landed:
    (web, sandbox, job id, run folder), the job failing."""
    people, admin, data = default_people(), secrets.token_urlsafe(16), tmp_path / "sandbox"
    sandbox = make_sandbox(people=people, admin_token=admin, data_dir=data)
    stopper = goes_away(sandbox, after=80)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, admin))
    web = make_web(tokens_file=tokens, target_silence=silence, backoff=QUICK_TRIES)
    target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid,
              "tokens": {p.email: p.email for p in people}}  # fmt: skip
    job = web.create(mode="backfill", speed="max", scenario={"days": 5, "seed": 5},
                     target=target)  # fmt: skip
    jid, run_dir = job["id"], web.data_dir / job["id"]
    stopper.join()
    assert applied_so_far(run_dir) > 0
    return web, sandbox, jid, run_dir


def back_on_its_port(make_sandbox, sandbox):
    """The sandbox answering again, on its port, with its data."""
    return make_sandbox(people=sandbox.config.people, admin_token=sandbox.admin_token,
                        data_dir=sandbox.config.data_dir, port=port_of(sandbox))  # fmt: skip


@pytest.mark.slow
def test_a_backfill_whose_target_stops_answering_fails_and_resumes_once(
    make_sandbox, make_web, tmp_path
):
    web, sandbox, jid, run_dir = failing_backfill(make_sandbox, make_web, tmp_path)
    failed = ended(web, jid)
    assert failed["status"] == "failed", failed
    error, replay = failed["error"], failed["replay"]
    not_sent = replay["parked"] + replay["deferred"] + replay["not_read"]
    # Stopped for the target's silence, or, when the log's last events were parked before the
    # silence was long enough (their dependents are parked with them, at once), ended with
    # everything parked: resumable either way.
    assert not_sent > 0 and error.startswith((f"{TARGET_SILENT}: ", FAILED_FOR_NOW)), error
    assert f"; {not_sent:,} events were not sent; {RESUMABLE}" in error, (error, replay)
    assert replay["applied"] + replay["skipped"] + not_sent == failed["events"], replay
    assert replay["failed"] == 0, replay
    assert failed["resumable"] is True and failed["ended_at"] is not None
    resumed = ("resuming the job sends them", "sent again once the job is resumed")
    assert any(said in w for w in failed["warnings"] for said in resumed), failed
    assert not any("the job has ended" in w for w in failed["warnings"]), failed

    # Resumed while the target is still away: it fails again (it cannot connect), resumable.
    again = web.ok("POST", f"/jobs/{jid}/resume")
    assert again["status"] in ("running", "failed"), again
    again = wait_for(lambda: (v := web.ok("GET", f"/jobs/{jid}"))["status"] == "failed"
                     and v["resumable"] and v, what="the job to fail again")  # fmt: skip
    assert again["error"].startswith(f"cannot reach {sandbox.base_url}"), again["error"]
    assert again["error"].endswith(RESUMABLE)

    # Resumed with the target back: it completes, every event at the target exactly once.
    sandbox = back_on_its_port(make_sandbox, sandbox)
    resumed = web.ok("POST", f"/jobs/{jid}/resume")
    assert resumed["status"] == "running" and resumed["error"] == "", resumed
    assert resumed["resumable"] is False and resumed["ended_at"] is None
    done = ended(web, jid)
    assert done["status"] == "completed", done["error"]
    replay = done["replay"]
    assert replay["parked"] == replay["deferred"] == replay["not_read"] == 0, replay
    assert replay["failed"] == 0 and replay["settled"] == done["events"], replay
    assert done["replay_progress"] == 1.0 and done["resumable"] is False
    assert not any("not sent" in w for w in done["warnings"]), done["warnings"]
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


@pytest.mark.slow
def test_a_backfill_that_parked_events_fails_resumable_and_resumes_after_a_restart(
    make_sandbox, make_web, tmp_path
):
    # Its pass parks the rest of the log before any silence could stop it: the job does not
    # "complete" with events nothing would send.
    never = TargetSilence(seconds=3600)
    web, sandbox, jid, run_dir = failing_backfill(make_sandbox, make_web, tmp_path, never)
    failed = ended(web, jid)
    assert failed["status"] == "failed" and failed["resumable"] is True, failed
    replay = failed["replay"]
    not_sent = replay["parked"] + replay["deferred"] + replay["not_read"]
    assert replay["parked"] > 0, replay
    assert failed["error"].startswith(
        f"the target failed for now: {replay['parked']:,} events were parked (the first: seq "
    ), failed["error"]
    assert failed["error"].endswith(f"; {not_sent:,} events were not sent; {RESUMABLE}")

    web.stop()  # resumable it stays, and only a resume runs it again
    sandbox = back_on_its_port(make_sandbox, sandbox)
    second = make_web(tokens_file=tmp_path / "tokens.toml", backoff=QUICK_TRIES)
    view = second.ok("GET", f"/jobs/{jid}")
    assert view["status"] == "failed" and view["resumable"] is True, view
    assert second.ok("POST", f"/jobs/{jid}/resume")["status"] == "running"
    done = ended(second, jid)
    assert done["status"] == "completed", done["error"]
    replay = done["replay"]
    assert replay["parked"] == replay["deferred"] == replay["not_read"] == 0, replay
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


def test_only_a_paused_job_or_one_whose_target_stopped_answering_resumes(make_web, tmp_path):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    done = first.create(name="Done", scenario={"days": 1}, speed="max")
    doomed = first.create(name="Doomed", scenario={"days": 1}, speed=1000, start=False)
    assert ended(first, done["id"])["resumable"] is False
    first.stop()
    # Saved as running at a speed an older server accepted: it fails, for good, when resumed.
    path = data / doomed["id"] / "job.json"
    state = json.loads(path.read_text())
    state["status"], state["spec"]["speed"] = "running", 1e-6
    path.write_text(json.dumps(state))
    web = make_web(data_dir=data)
    failed = ended(web, doomed["id"])
    assert failed["status"] == "failed" and failed["resumable"] is False, failed
    for job, status in ((done, "completed"), (doomed, "failed")):
        refused = web.call("POST", f"/jobs/{job['id']}/resume")
        assert refused.status_code == 409, refused.text
        assert refused.json() == {"error": {"status": 409, "field": None, "message": (
            f"job {job['id']!r} is {status}; resume needs paused, or failed because its target "
            "stopped answering (a backfill)")}}  # fmt: skip
