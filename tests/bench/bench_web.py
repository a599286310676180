"""Many jobs in one server process: event lateness and CPU with 200 continuous jobs.

Run with `make bench`. Paced jobs share one scheduler thread; this measures how late events
are written (against the paced clock) and how much CPU the process uses, busy and idle.
Baseline: one job alone at the same speed, in the same run. Size with BUSYWORK_BENCH_JOBS
(default 200) and BUSYWORK_BENCH_SECONDS (default 20). Prints figures; asserts only that the
jobs ran, never timings.
"""

from __future__ import annotations

import os
import time

from adapters.web.runner import JobRunner, RunnerConfig
from adapters.web.spec import JobSpec

JOBS = int(os.environ.get("BUSYWORK_BENCH_JOBS", "200"))
SECONDS = float(os.environ.get("BUSYWORK_BENCH_SECONDS", "20"))
BUSY_SPEED = 120.0  # two simulated minutes a second: a busy office, many events per second
IDLE_SECONDS = 8.0

# Origin = midnight in Los Angeles = 09:00 in Berlin: the team starts work at once.
PEOPLE = [{"name": f"Person {i}", "role": "manager" if i < 2 else "individual_contributor",
           "timezone": "Europe/Berlin", "hours": "global"} for i in range(12)]  # fmt: skip
SCENARIO = {"holidays": {"country": ""}, "people": PEOPLE, "activity": "high"}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _measure(tmp_path, name: str, jobs: int, speed: float, seconds: float) -> dict:
    runner = JobRunner(RunnerConfig(data_dir=tmp_path / name))
    runner.open()
    try:
        started = time.perf_counter()
        ids = [runner.create(JobSpec(mode="continuous", scenario={**SCENARIO, "seed": i},
                                     speed=speed, forever=True)).id for i in range(jobs)]  # fmt: skip
        created = time.perf_counter() - started
        while (
            sum(1 for i in ids if runner.job(i).sim is None) and time.perf_counter() - started < 120
        ):
            time.sleep(0.1)  # every simulation open and paced
        for i in ids:
            runner.job(i).live.lateness.clear()
        events0 = sum(runner.job(i).live.events for i in ids)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        time.sleep(seconds)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        events = sum(runner.job(i).live.events for i in ids) - events0
        late = runner.lateness()
        return {"jobs": jobs, "create_s": created, "events": events, "events_per_s": events / wall,
                "p50": _quantile(late, 0.5), "p99": _quantile(late, 0.99), "max": max(late or [0]),
                "cpu_share": cpu / wall, "cpu_ms_per_event": 1000 * cpu / max(1, events)}  # fmt: skip
    finally:
        runner.close()


def _show(label: str, m: dict) -> None:
    print(f"  {label:<28} {m['jobs']:>4} jobs  {m['events_per_s']:>8.1f} events/s  "
          f"lateness p50 {m['p50'] * 1000:7.1f} ms  p99 {m['p99'] * 1000:7.1f} ms  "
          f"max {m['max'] * 1000:7.1f} ms  CPU {m['cpu_share']:6.1%}  "
          f"{m['cpu_ms_per_event']:.2f} ms CPU/event  (created in {m['create_s']:.1f} s)")  # fmt: skip


def test_many_continuous_jobs(tmp_path):
    print(f"\nweb jobs: {JOBS} continuous jobs at {BUSY_SPEED:g}× for {SECONDS:g} s")
    one = _measure(tmp_path, "one", 1, BUSY_SPEED, SECONDS / 2)
    many = _measure(tmp_path, "many", JOBS, BUSY_SPEED, SECONDS)
    idle = _measure(tmp_path, "idle", JOBS, 1.0, IDLE_SECONDS)  # real time: mostly waiting
    _show("baseline: one job", one)
    _show("busy: many jobs", many)
    _show("idle: many jobs in real time", idle)
    ratio = many["p99"] / one["p99"] if one["p99"] > 0 else float("nan")
    print(f"  ratio p99 lateness many/one: {ratio:.1f}x   events/s many/one: "
          f"{many['events_per_s'] / max(1e-9, one['events_per_s']):.0f}x   "
          f"p99 within 1 s: {'yes' if many['p99'] <= 1.0 else 'NO'}   "
          f"idle CPU: {idle['cpu_share']:.1%}")  # fmt: skip
    assert many["events"] > 0 and one["events"] > 0
