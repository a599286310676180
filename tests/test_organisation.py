"""Teams as shards: one world per team, merged by time into one log, the same whether the teams
run on one SimPy environment, in several processes, or step by step (the web's SteppedSim)."""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import Counter

import pytest

from adapters.web.sim import SteppedSim
from engine import events as ev
from engine.content.templates import TemplateSource
from engine.errors import BusyworkError
from engine.log import FileLog
from engine.organisation import Organisation, teams_of
from engine.parallel import _receive, _work, default_workers, simulate_in_parallel
from engine.run import create_run, read_manifest, simulate_run
from engine.scenario import from_dict, resolve
from engine.state import State, fold
from engine.world import World

ROLES = ("manager", "lead", "individual_contributor", "individual_contributor")
ZONES = ("America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo")


def three_teams(days: int = 20, seed: int = 5):
    people = [
        {"name": f"Person {t}{i}", "role": role, "team": f"team-{t}", "timezone": ZONES[t]}
        for t in range(3)
        for i, role in enumerate(ROLES)
    ]
    return from_dict({"days": days, "seed": seed, "people": people})


def organisation_log(scenario) -> list[bytes]:
    lines: list[bytes] = []
    Organisation(scenario, TemplateSource(), lambda e: lines.append(ev.encode(e))).run()
    return lines


def test_one_team_is_its_world_untouched():
    scenario = resolve(from_dict({"days": 10, "seed": 2}))
    assert len(teams_of(scenario)) == 1
    plain: list[bytes] = []
    World(scenario, TemplateSource(), lambda e: plain.append(ev.encode(e))).run()
    assert organisation_log(scenario) == plain and len(plain) > 500


def test_teams_merge_into_one_valid_log():
    scenario = resolve(three_teams())
    lines = organisation_log(scenario)
    events = [ev.decode(line) for line in lines]
    state = State()
    for event in events:  # refuses any impossible history: the merge must keep causality
        fold(state, event)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
    created = Counter(type(e).__name__ for e in events)
    assert created["CustomFieldCreated"] == len(state.custom_fields) > 0  # kept once
    assert created["TagCreated"] == len(state.tags) > 0
    team_of = {e.person: e.team for e in events if isinstance(e, ev.PersonJoined)}
    assert len(set(team_of.values())) == 3
    # Ids interleave by team (t1, t4, ... for the first team), so they never clash.
    for e in events:
        if isinstance(e, ev.TaskCreated):
            team = int(team_of[e.actor].removeprefix("team-"))
            assert int(e.task[1:]) % 3 == (team + 1) % 3, (e.task, team)
    tasks = [e.task for e in events if isinstance(e, ev.TaskCreated)]
    assert len(tasks) == len(set(tasks)) > 100
    # Every team works: projects, tasks and comments in each.
    acting_teams = {team_of[e.actor] for e in events if isinstance(e, ev.CommentAdded)}
    assert acting_teams == {"team-0", "team-1", "team-2"}


def test_workers_do_not_change_the_log(tmp_path):
    scenario = three_teams(days=15)
    logs = []
    for workers in (1, 2, 3):
        run = tmp_path / f"w{workers}"
        create_run(run, scenario, TemplateSource())
        summary = simulate_run(run, read_manifest(run), TemplateSource(), workers=workers)
        logs.append(list(FileLog.open_readonly(run).read_lines()))
        assert summary.events == len(logs[-1]) == sum(summary.counts.values())
        assert read_manifest(run).last_at == ev.decode(logs[-1][-1]).at
    assert logs[0] == logs[1] == logs[2]
    assert logs[0] == organisation_log(resolve(scenario))


def test_a_parallel_run_resumes_byte_identical(tmp_path):
    scenario = three_teams(days=10)
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    for run in (whole, cut):
        create_run(run, scenario, TemplateSource())
    simulate_run(whole, read_manifest(whole), TemplateSource(), workers=2)
    simulate_run(cut, read_manifest(cut), TemplateSource(), workers=2)
    (segment,) = sorted((cut / "events").iterdir())
    data = segment.read_bytes()
    segment.write_bytes(data[: len(data) // 2])  # a crash: half the log, a torn last line
    summary = simulate_run(cut, read_manifest(cut), TemplateSource(), workers=2)
    assert 0 < summary.resumed_from < summary.events
    assert segment.read_bytes() == (whole / "events" / segment.name).read_bytes()


def test_stepped_sim_of_several_teams_equals_simulate_run(tmp_path):
    scenario = three_teams(days=3)
    plain, stepped = tmp_path / "plain", tmp_path / "stepped"
    for run in (plain, stepped):
        create_run(run, scenario, TemplateSource())
    simulate_run(plain, read_manifest(plain), TemplateSource())
    sim = SteppedSim(stepped, read_manifest(stepped), forever=False)
    sim.advance_to(86400 * 1.3)
    sim.close()
    sim = SteppedSim(stepped, read_manifest(stepped), forever=False)  # catches up, checking
    clock = sim.now
    while not sim.done:
        clock += 1800
        sim.advance_to(clock)
    sim.close()
    assert list(FileLog.open_readonly(stepped).read_lines()) == list(
        FileLog.open_readonly(plain).read_lines()
    )


def test_a_failing_worker_is_reported_with_its_error():
    ours, theirs = multiprocessing.Pipe(duplex=False)
    _work(b"{not a scenario", [0], theirs)  # in this process: what a worker would send
    with pytest.raises(BusyworkError, match=r"simulation worker 1 failed: .*DecodeError"):
        _receive(ours, 1)


def test_a_worker_that_dies_silently_is_reported():
    ours, theirs = multiprocessing.Pipe(duplex=False)
    theirs.close()
    with pytest.raises(BusyworkError, match="simulation worker 0 ended without a word"):
        _receive(ours, 0)


def test_parallel_progress_reaches_the_horizon():
    scenario = resolve(three_teams(days=3))
    seen: list[float] = []
    lines: list[tuple[int, str]] = []
    made = simulate_in_parallel(scenario, 2, lambda s, t, line: lines.append((s, t)), seen.append)
    assert seen == [86400.0, 2 * 86400.0, 3 * 86400.0]
    assert [s for s, _ in lines] == list(range(1, made + 1))
    assert all(re.fullmatch(r"[A-Z][A-Za-z]+", t) for _, t in lines)


def test_default_workers_one_per_core_only_for_big_template_runs():
    big = resolve(three_teams(days=2000))  # 12 people x 2000 days = 24,000 person-days
    assert default_workers(resolve(three_teams(days=20))) == 1
    assert default_workers(big, "anthropic") == 1
    assert default_workers(big) == min(os.cpu_count() or 1, 3)
    assert default_workers(resolve(from_dict({"days": 3000, "seed": 1}))) == 1  # one team


def test_live_mode_merges_several_teams_like_a_plain_run(tmp_path):
    import threading
    from datetime import UTC, datetime

    from engine.live import prepare_live, run_live

    scenario = resolve(three_teams(days=1))
    run = tmp_path / "live"
    manifest, state, _note = prepare_live(run, scenario, TemplateSource(), days=1, forever=False,
                                          speed=400_000.0,  # a simulated day in about 0.2 s
                                          now=datetime(2026, 1, 5, 16, 0, tzinfo=UTC))  # fmt: skip
    run_live(run, manifest, state, TemplateSource(), stop=threading.Event())
    again: list[bytes] = []
    Organisation(resolve(manifest.scenario), TemplateSource(), lambda e: again.append(ev.encode(e)),
                 quiet=tuple(map(tuple, state.quiet))).run()  # fmt: skip
    assert again == list(FileLog.open_readonly(run).read_lines()) and len(again) > 100


def test_kill_9_of_a_parallel_run_then_resume_is_byte_identical(tmp_path):
    import json
    import signal
    import subprocess
    import time

    from tests.runner import BUSYWORK, busywork

    people = "\n".join(
        f'[[people]]\nname = "P {t}{i}"\nrole = "{role}"\nteam = "team-{t}"\ntimezone = "{ZONES[t]}"'
        for t in range(3)
        for i, role in enumerate(ROLES)
    )
    (tmp_path / "teams.toml").write_text(f"days = 150\nseed = 4\n{people}\n")
    proc = subprocess.Popen([BUSYWORK, "simulate", "teams.toml", "--out", "cut", "--workers", "2"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    segment = tmp_path / "cut" / "events" / "00000001.jsonl"
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if segment.exists() and segment.stat().st_size > 400_000:  # well into the run
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed; make it longer"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    resumed = json.loads(busywork("simulate", "--resume", "cut", "--workers", "2", "--json",
                                  cwd=tmp_path).stdout)  # fmt: skip
    whole = json.loads(busywork("simulate", "teams.toml", "--out", "whole", "--workers", "1",
                                "--json", cwd=tmp_path).stdout)  # fmt: skip
    assert 0 < resumed["resumed_from"] < resumed["events"] == whole["events"]
    assert segment.read_bytes() == (tmp_path / "whole" / "events" / segment.name).read_bytes()
