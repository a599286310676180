"""Many jobs in one server process: event lateness and CPU with 200 continuous jobs.

Run with `make bench`. Paced jobs share one scheduler thread; this measures how late events
are written (against the paced clock) and how much CPU the process uses, busy and idle.
Baseline: one job alone at the same speed, in the same run. Size with BUSYWORK_BENCH_JOBS
(default 200) and BUSYWORK_BENCH_SECONDS (default 20). Prints figures; asserts only that the
jobs ran, never timings.

With a target, every job also replays what it writes. All jobs share ONE sandbox server in a
child process (the job's own in-process sandbox would put 200 HTTP servers in the measured
process, which a real deployment, pointing at Asana, does not have). Jobs reach it as an
Asana-compatible URL with per-person tokens from the server's tokens file. Delivery lateness =
from an event's paced due time until the target has applied it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from adapters.web.job_scenario import resolve_scenario
from adapters.web.runner import JobRunner, RunnerConfig
from adapters.web.spec import JobSpec, TargetSpec

JOBS = int(os.environ.get("BUSYWORK_BENCH_JOBS", "200"))
SECONDS = float(os.environ.get("BUSYWORK_BENCH_SECONDS", "20"))
BUSY_SPEED = 120.0  # two simulated minutes a second: a busy office, many events per second
IDLE_SECONDS = 8.0
# With a target every event costs HTTP calls (about 4 ms of CPU per event in this process), so
# 200 jobs at BUSY_SPEED (about 300 events/s) would need more than the one core the GIL gives;
# the target case runs busy at a tenth of it (still 12x a real team). BUSYWORK_BENCH_TARGET_SPEED.
TARGET_SPEED = float(os.environ.get("BUSYWORK_BENCH_TARGET_SPEED", "12"))

# Continuous jobs start now (as `busywork live` does): a team at work round the clock, every day,
# so the bench measures the same whatever the hour and weekday it runs at.
PEOPLE = [{"name": f"Person {i}", "role": "manager" if i < 2 else "individual_contributor",
           "timezone": "Europe/Berlin", "hours": "00:00-24:00", "days_off": []}
          for i in range(12)]  # fmt: skip
SCENARIO = {"holidays": {"country": ""}, "people": PEOPLE, "activity": "high"}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@contextmanager
def _shared_sandbox(tmp_path: Path):
    """One sandbox server in a child process with a token per person; yields (url, tokens file).
    Its rate limit is lifted: 200 jobs share its 13 tokens, which Asana would never see."""
    emails = [p.email.lower() for p in resolve_scenario(JobSpec(scenario=SCENARIO)).people]
    tokens = tmp_path / "tokens.toml"
    tokens.write_text('default = "bench-admin"\n[people]\n'
                      + "".join(f'"{e}" = "bench-{i}"\n' for i, e in enumerate(emails)))  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "cli", "sandbox", "--port", str(port), "--tokens", str(tokens),
           "--rate-limit", "1000000"]  # the most it takes  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, cwd=Path(__file__).parents[2])
    url = f"http://127.0.0.1:{port}/api/1.0"
    try:
        for _ in range(300):
            try:
                requests.get(url + "/users/me", headers={"Authorization": "Bearer bench-admin"},
                             timeout=1)  # fmt: skip
                break
            except requests.ConnectionError:
                assert proc.poll() is None, f"the sandbox exited with {proc.returncode}"
                time.sleep(0.05)
        yield url, tokens, emails, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def _child_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(tmp_path, name: str, jobs: int, speed: float, seconds: float, sandbox=None) -> dict:
    tokens_file = sandbox[1] if sandbox else None
    runner = JobRunner(RunnerConfig(data_dir=tmp_path / name, tokens_file=tokens_file))
    runner.open()
    target = TargetSpec()
    if sandbox:
        url, _, emails, _ = sandbox
        target = TargetSpec(kind="asana", url=url, tokens={e: e for e in emails})
    try:
        started = time.perf_counter()
        ids = [runner.create(JobSpec(mode="continuous", scenario={**SCENARIO, "seed": i},
                                     speed=speed, forever=True, target=target)).id
               for i in range(jobs)]  # fmt: skip
        created = time.perf_counter() - started
        while (
            sum(1 for i in ids if runner.job(i).simulation.sim is None)
            and time.perf_counter() - started < 120
        ):
            time.sleep(0.1)  # every simulation open and paced
        time.sleep(2.0 if sandbox else 0.0)  # replays connected and caught up
        for i in ids:
            runner.job(i).live.lateness.clear()
            runner.job(i).live.delivery.clear()
        events0 = sum(runner.job(i).live.events for i in ids)
        child0 = _child_cpu(sandbox[3]) if sandbox else 0.0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        time.sleep(seconds)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        child = (_child_cpu(sandbox[3]) - child0) if sandbox else 0.0
        events = sum(runner.job(i).live.events for i in ids) - events0
        late, delivery = runner.lateness(), runner.delivery_lateness()
        failed = [runner.view(i).error for i in ids if runner.view(i).status == "failed"]
        return {"jobs": jobs, "create_s": created, "events": events, "events_per_s": events / wall,
                "p50": _quantile(late, 0.5), "p99": _quantile(late, 0.99), "max": max(late or [0]),
                "d50": _quantile(delivery, 0.5), "d99": _quantile(delivery, 0.99),
                "delivered": len(delivery), "threads": threading.active_count(),
                "failed": failed, "sandbox_cpu_share": child / wall,
                "cpu_share": cpu / wall, "cpu_ms_per_event": 1000 * cpu / max(1, events)}  # fmt: skip
    finally:
        runner.close()


def _show(label: str, m: dict) -> None:
    print(f"  {label:<28} {m['jobs']:>4} jobs  {m['events_per_s']:>8.1f} events/s  "
          f"lateness p50 {m['p50'] * 1000:7.1f} ms  p99 {m['p99'] * 1000:7.1f} ms  "
          f"max {m['max'] * 1000:7.1f} ms  CPU {m['cpu_share']:6.1%}  "
          f"{m['cpu_ms_per_event']:.2f} ms CPU/event  (created in {m['create_s']:.1f} s)")  # fmt: skip
    if m["delivered"] or m["sandbox_cpu_share"]:
        print(f"  {'':<28} delivered {m['delivered']:,}  delivery p50 {m['d50'] * 1000:7.1f} ms  "
              f"p99 {m['d99'] * 1000:7.1f} ms  threads {m['threads']}  "
              f"sandbox CPU {m['sandbox_cpu_share']:.1%}  failed jobs {len(m['failed'])}")  # fmt: skip


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


def test_many_continuous_jobs_with_a_target(tmp_path):
    print(f"\nweb jobs with a target: {JOBS} continuous jobs at {TARGET_SPEED:g}x into one "
          f"shared sandbox for {SECONDS:g} s")  # fmt: skip
    with _shared_sandbox(tmp_path) as sandbox:
        # One job alone at 12x writes about one event in 20 s, often none: at BUSY_SPEED it
        # writes ten or so, each delivered alone all the same (the figure compared).
        one = _measure(tmp_path, "t-one", 1, BUSY_SPEED, SECONDS, sandbox)
        many = _measure(tmp_path, "t-many", JOBS, TARGET_SPEED, SECONDS, sandbox)
        idle = _measure(tmp_path, "t-idle", JOBS, 1.0, IDLE_SECONDS, sandbox)
    _show(f"baseline: one job at {BUSY_SPEED:g}x", one)
    _show("busy: many jobs", many)
    _show("idle: many jobs in real time", idle)
    ratio = many["d99"] / one["d99"] if one["d99"] > 0 else float("nan")
    print(f"  ratio p99 delivery many/one: {ratio:.1f}x   "
          f"p99 written within 1 s: {'yes' if many['p99'] <= 1.0 else 'NO'}   "
          f"p99 delivered within 1 s: {'yes' if many['d99'] <= 1.0 else 'NO'}   "
          f"idle CPU: {idle['cpu_share']:.1%}")  # fmt: skip
    assert many["events"] > 0 and one["delivered"] > 0 and not many["failed"]
