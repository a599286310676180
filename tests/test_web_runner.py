"""The job runner without HTTP: the shared scheduler, and the stepped simulation."""

from __future__ import annotations

import math
import threading
import time

from adapters.web.scheduler import Scheduler
from adapters.web.sim import SteppedSim
from engine.content.templates import TemplateSource
from engine.log import FileLog
from engine.run import create_run, read_manifest, simulate_run
from engine.scenario import from_dict


def test_scheduler_runs_steps_in_due_order_and_reschedules():
    ran: list[str] = []
    done = threading.Event()
    errors: list[str] = []
    scheduler = Scheduler(on_error=lambda key, exc: errors.append(key))
    now = time.monotonic()
    left = {"a": 3, "b": 1}

    def step_for(key: str):
        def step() -> float:
            ran.append(key)
            left[key] -= 1
            if not any(left.values()):
                done.set()
            return time.monotonic() + 0.01 if left[key] else math.inf

        return step

    scheduler.schedule("a", step_for("a"), now + 0.05)
    scheduler.schedule("b", step_for("b"), now)
    assert done.wait(5)
    scheduler.close()
    assert ran[0] == "b" and ran.count("a") == 3 and errors == []
    assert scheduler.scheduled == 0  # finished steps are forgotten


def test_scheduler_cancel_and_failing_step_leave_others_running():
    failures: list[tuple[str, str]] = []
    scheduler = Scheduler(on_error=lambda key, exc: failures.append((key, str(exc))))
    hits = {"ok": 0, "cancelled": 0}
    enough = threading.Event()

    def ok() -> float:
        hits["ok"] += 1
        if hits["ok"] >= 5:
            enough.set()
        return time.monotonic() + 0.005

    def cancelled() -> float:
        hits["cancelled"] += 1
        return time.monotonic() + 0.005

    def broken() -> float:
        raise RuntimeError("boom")

    scheduler.schedule("cancelled", cancelled, time.monotonic() + 3600)
    scheduler.cancel("cancelled")
    scheduler.schedule("broken", broken, time.monotonic())
    scheduler.schedule("ok", ok, time.monotonic())
    assert enough.wait(5)
    scheduler.close()
    assert hits["cancelled"] == 0 and failures == [("broken", "boom")]


def test_stepped_sim_equals_simulate_run_and_resumes_from_its_log(tmp_path):
    scenario = from_dict({"days": 3, "seed": 9})
    plain, stepped = tmp_path / "plain", tmp_path / "stepped"
    for run in (plain, stepped):
        create_run(run, scenario, TemplateSource())
    simulate_run(plain, read_manifest(plain), TemplateSource())

    sim = SteppedSim(stepped, read_manifest(stepped), forever=False)
    sim.advance_to(86400 * 1.5)  # half way, then "crash"
    half = sim.world.seq
    sim.close()
    sim = SteppedSim(stepped, read_manifest(stepped), forever=False)  # re-checks the log
    assert sim.world.seq == half
    clock = sim.now
    while not sim.done:
        clock += 7200
        sim.advance_to(clock)
    sim.finish()
    sim.close()
    assert list(FileLog.open_readonly(stepped).read_lines()) == list(
        FileLog.open_readonly(plain).read_lines()
    )
    assert read_manifest(stepped).status == "complete"


def test_paced_clock_and_due_times(tmp_path):
    create_run(tmp_path / "r", from_dict({"days": 2}), TemplateSource())
    sim = SteppedSim(tmp_path / "r", read_manifest(tmp_path / "r"), forever=False)
    assert sim.due_wall() == math.inf  # not paced: nothing is due
    sim.pace(3600.0, sim_from=10.0)
    assert sim.position() >= 10.0
    due = sim.due_wall()
    assert math.isfinite(due)
    frozen = sim.unpace()
    assert frozen >= 10.0 and sim.due_wall() == math.inf
    sim.close()
