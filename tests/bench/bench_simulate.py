"""Simulation benchmarks (run by `make bench`, never by `make test`; nothing is asserted on time).

1. Raw SimPy (1,000 processes doing timeouts) events/s, and `simulate` end to end (template
   content, written to disk) events/s, measured in the same run; prints the ratio.
2. A 1,000-person scenario for 90 and 365 days as real `busywork simulate` subprocesses:
   wall time and peak RSS (memory should stay flat in run length).
3. `busywork --help` wall time.

BUSYWORK_BENCH_QUICK=1 shortens the large runs (for a smoke check of this file).
"""

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest
import simpy

from engine import scenario as sc
from engine.content.templates import TemplateSource
from engine.run import create_run, simulate_run

QUICK = os.environ.get("BUSYWORK_BENCH_QUICK") == "1"
BUSYWORK = str(Path(sys.executable).parent / "busywork")
TIME_ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Tokyo",
)


def raw_simpy_events_per_second(processes: int = 1000, until: float = 300.0) -> float:
    env = simpy.Environment()
    count = 0

    def worker(rng: random.Random):
        nonlocal count
        while True:
            yield env.timeout(rng.expovariate(1.0))
            count += 1

    for i in range(processes):
        env.process(worker(random.Random(i)))
    started = time.perf_counter()
    env.run(until=until)
    return count / (time.perf_counter() - started)


def naive_pipeline_events_per_second(tmp: Path, processes: int = 1000, until: float = 300.0):
    """The naive pipeline the goal is measured against: every timeout becomes one event (a
    template comment, no state, no choices), encoded and appended to a FileLog on disk."""
    from datetime import UTC, datetime, timedelta

    from engine import events as ev
    from engine.log import FileLog

    env = simpy.Environment()
    origin = datetime(2026, 1, 5, tzinfo=UTC)
    seq = 0
    shutil.rmtree(tmp / "naive", ignore_errors=True)
    with FileLog(tmp / "naive") as log:

        def worker(rng: random.Random, who: str):
            nonlocal seq
            while True:
                yield env.timeout(rng.expovariate(1.0))
                seq += 1
                text = f"Progress on the {rng.choice(('budget', 'launch', 'audit'))}: on track."
                event = ev.CommentAdded(
                    seq=seq,
                    at=origin + timedelta(seconds=int(env.now)),
                    actor=who,
                    comment=f"c{seq}",
                    task="t1",
                    kind="progress",
                    text=text,
                )
                log.append((event,))

        for i in range(processes):
            env.process(worker(random.Random(i), f"u{i + 1}"))
        started = time.perf_counter()
        env.run(until=until)
        log.flush()
    return seq / (time.perf_counter() - started)


def activation_floor_per_second(monkeypatch, days: int) -> float:
    """The default team's SimPy processes and calendars alone: people wake when their calendar
    says and do nothing (besides joining). No behaviour, state, content or log can be faster."""
    import engine.actions as actions
    from engine.world import World

    activations = 0

    def only_join(world, actor):
        nonlocal activations
        activations += 1
        if not actor.joined:
            actions._join(world, actor)

    monkeypatch.setattr(actions, "act", only_join)
    scenario = sc.resolve(msgspec.structs.replace(sc.default_scenario(), days=days))
    world = World(scenario, TemplateSource(), lambda event: None)
    started = time.perf_counter()
    world.run()
    return activations / (time.perf_counter() - started)


def simulate_events_per_second(tmp: Path, days: int) -> tuple[int, float]:
    scenario = sc.resolve(msgspec.structs.replace(sc.default_scenario(), days=days))
    run_dir = tmp / f"default-{days}"
    shutil.rmtree(run_dir, ignore_errors=True)
    manifest = create_run(run_dir, scenario, TemplateSource())
    started = time.perf_counter()
    summary = simulate_run(run_dir, manifest, TemplateSource())
    return summary.events, summary.events / (time.perf_counter() - started)


def big_scenario_toml(people: int, days: int) -> str:
    lines = [f"days = {days}", 'name = "Big company"', ""]
    for i in range(people):
        role = "manager" if i % 10 == 0 else "lead" if i % 10 == 1 else "individual_contributor"
        lines += [
            "[[people]]",
            f'name = "Person {i}"',
            f'role = "{role}"',
            f'team = "team-{i // 10}"',
            f'timezone = "{TIME_ZONES[(i // 10) % len(TIME_ZONES)]}"',
            "",
        ]
    return "\n".join(lines)


def run_cli_measured(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB, and stdout of one busywork subprocess.

    Peak RSS is the child's own VmHWM, polled from /proc while it runs: getrusage's maxrss
    also counts the memory of the (large) pytest process the child was forked from."""
    import threading

    started = time.perf_counter()
    proc = subprocess.Popen(
        [BUSYWORK, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    output: dict[str, bytes] = {}
    reader = threading.Thread(
        target=lambda: output.update(out=proc.stdout.read(), err=proc.stderr.read())
    )
    reader.start()
    peak_kb = 0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.2)
    proc.wait()
    reader.join()
    assert proc.returncode == 0, (
        f"busywork {' '.join(args)} failed: {output.get('err', b'')[-500:]!r}"
    )
    return time.perf_counter() - started, peak_kb / 1024, output["out"].decode()


def test_simulate_vs_raw_simpy(tmp_path, monkeypatch):
    days = 30 if QUICK else 180
    raw = raw_simpy_events_per_second()
    naive = naive_pipeline_events_per_second(tmp_path)
    floor = activation_floor_per_second(monkeypatch, days)
    monkeypatch.undo()
    events, ours = simulate_events_per_second(tmp_path, days=days)
    print(f"\n[bench] raw SimPy, 1,000 processes doing timeouts: {raw:,.0f} events/s")
    print(
        f"[bench] naive pipeline (each timeout → one template comment, encoded, on disk): "
        f"{naive:,.0f} events/s, ratio {naive / raw:.3f}"
    )
    print(
        f"[bench] default team's processes + calendars alone (act does nothing): "
        f"{floor:,.0f} activations/s, ratio {floor / raw:.3f} (the ceiling for this design)"
    )
    print(
        f"[bench] simulate end to end (default team, {events:,} events, templates, on disk): "
        f"{ours:,.0f} events/s"
    )
    print(f"[bench] ratio simulate / raw SimPy: {ours / raw:.3f} (goal ≥ 0.5)")


@pytest.mark.timeout(3600)  # a year for a thousand people takes minutes
def test_thousand_people_for_a_year(tmp_path):
    import json

    people, spans = 1000, ((30, 90) if QUICK else (90, 365))
    results = []
    for days in spans:
        (tmp_path / f"big-{days}.toml").write_text(big_scenario_toml(people, days))
        wall, rss, out = run_cli_measured(
            ["simulate", f"big-{days}.toml", "--out", f"big-{days}", "--json"], tmp_path
        )
        summary = json.loads(out)
        results.append((days, wall, rss, summary["events"]))
        print(
            f"\n[bench] {people} people × {days} days: {summary['events']:,} events in {wall:.1f} s "
            f"({summary['events'] / wall:,.0f} events/s), peak RSS {rss:.0f} MB"
        )
    (short_days, _, short_rss, _), (long_days, _, long_rss, _) = results
    print(
        f"[bench] peak RSS {long_days} days / {short_days} days: {long_rss / short_rss:.2f} "
        "(flat ≈ 1; goal < 300 MB); 365-day wall goal < 60 s"
    )


def test_help_is_fast(tmp_path):
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([BUSYWORK, "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    baseline = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append(time.perf_counter() - started)
    print(
        f"\n[bench] busywork --help: best {min(times):.3f} s (goal ≤ 0.3 s); bare python "
        f"startup {min(baseline):.3f} s; ratio {min(times) / min(baseline):.1f}×"
    )
