"""Teams as shards: one world per team, merged by time into one log, the same whether the teams
run on one SimPy environment, in several processes, or step by step (the web's SteppedSim)."""

from __future__ import annotations

import multiprocessing
import os
import re
import tomllib
import types
from array import array
from collections import Counter
from itertools import groupby

import msgspec
import pytest

from adapters.web.sim import SteppedSim
from engine import events as ev
from engine.content.templates import TemplateSource
from engine.errors import BusyworkError
from engine.log import FileLog
from engine.organisation import Numbering, Organisation, teams_of
from engine.parallel import _receive, default_workers, merge_step, simulate_teams
from engine.run import create_run, read_manifest, simulate_run
from engine.scenario import from_dict, resolve
from engine.state import State, fold
from engine.team_steps import (
    YOUNG_COLLECTION_THRESHOLD,
    Step,
    parallel_step_days,
    step_seconds,
    work,
)
from engine.world import World, run_in_steps

ROLES = ("manager", "lead", "individual_contributor", "individual_contributor")
ZONES = ("America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo")


def three_teams_toml(days: int) -> str:
    """A scenario file of three teams of four in three time zones, seed 4."""
    people = "\n".join(
        f'[[people]]\nname = "P {t}{i}"\nrole = "{role}"\nteam = "team-{t}"\ntimezone = "{ZONES[t]}"'
        for t in range(3)
        for i, role in enumerate(ROLES)
    )
    return f"days = {days}\nseed = 4\n{people}\n"


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
    logs, segments, counts = [], [], []
    for workers in (1, 2, 3):
        run = tmp_path / f"w{workers}"
        create_run(run, scenario, TemplateSource())
        summary = simulate_run(
            run,
            read_manifest(run),
            TemplateSource(),
            workers=workers,
            log_options={"segment_bytes": 100_000},  # the segments roll at the same lines too
        )
        logs.append(list(FileLog.open_readonly(run).read_lines()))
        segments.append([(p.name, p.read_bytes()) for p in sorted((run / "events").iterdir())])
        counts.append(summary.counts)
        assert summary.events == len(logs[-1]) == sum(summary.counts.values())
        assert read_manifest(run).last_at == ev.decode(logs[-1][-1]).at
        assert read_manifest(run).first_at == ev.decode(logs[-1][0]).at
    assert logs[0] == logs[1] == logs[2]
    assert logs[0] == organisation_log(resolve(scenario))
    assert segments[0] == segments[1] == segments[2] and len(segments[0]) > 3
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] == Counter(type(ev.decode(line)).__name__ for line in logs[0])


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


def test_a_parallel_resume_names_the_first_event_that_differs(tmp_path):
    run = tmp_path / "run"
    create_run(run, three_teams(days=4), TemplateSource())
    simulate_run(run, read_manifest(run), TemplateSource(), workers=2)
    (segment,) = sorted((run / "events").iterdir())
    lines = segment.read_bytes().split(b"\n")[:-1]
    k = len(lines) * 2 // 3  # in a later step than the first
    event = ev.decode(lines[k])
    lines[k] = ev.encode(msgspec.structs.replace(event, actor=event.actor + "-someone-else"))
    segment.write_bytes(b"".join(line + b"\n" for line in lines[: k + 20]))
    before = segment.read_bytes()
    with pytest.raises(BusyworkError, match=f"cannot resume: event {k + 1} differs from the log"):
        simulate_run(run, read_manifest(run), TemplateSource(), workers=2)
    assert segment.read_bytes() == before


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
    ours, theirs = multiprocessing.Pipe()
    ours.send_bytes(b"[cut short")
    work(theirs)  # in this process: what a worker would send
    with pytest.raises(BusyworkError, match=r"simulation worker 1 failed: .*DecodeError"):
        _receive(ours, 1)


def test_a_worker_that_dies_between_a_steps_parts_is_reported():
    ours, theirs = multiprocessing.Pipe(duplex=False)
    theirs.send((86400.0, array("d", [1.0]), [(0, 1, 1)], {}, {"TaskLiked": 1}))  # no lines
    theirs.close()
    with pytest.raises(BusyworkError, match="simulation worker 2 ended in the middle of a step"):
        _receive(ours, 2)


def test_a_worker_that_dies_silently_is_reported():
    ours, theirs = multiprocessing.Pipe(duplex=False)
    theirs.close()
    with pytest.raises(BusyworkError, match="simulation worker 0 ended without a word"):
        _receive(ours, 0)


@pytest.mark.parametrize("step_days", [1, 2])
def test_parallel_progress_reaches_the_horizon(step_days):
    scenario = resolve(three_teams(days=5))
    seen: list[float] = []
    lines: list[tuple[int, str]] = []
    counted: Counter[str] = Counter()

    def on_lines(first_seq: int, step: list[bytes], counts: dict[str, int]) -> None:
        events = [ev.decode(line) for line in step]
        assert events[0].seq == first_seq
        lines.extend((e.seq, type(e).__name__) for e in events)
        counted.update(counts)

    made = simulate_teams(scenario, on_lines, seen.append, workers=2, step_days=step_days)
    assert seen == [min(5, d) * 86400.0 for d in range(step_days, 5 + step_days, step_days)]
    assert [s for s, _ in lines] == list(range(1, made + 1))
    assert all(re.fullmatch(r"[A-Z][A-Za-z]+", t) for _, t in lines)
    assert counted == Counter(t for _, t in lines)  # each step's counts are its lines' types


def test_the_step_length_does_not_change_the_log():
    scenario = resolve(three_teams(days=16))
    logs = []
    for step_days, workers in ((1, 1), (3, 1), (7, 2), (None, 2)):
        lines: list[bytes] = []
        simulate_teams(scenario, lambda _first, step, _counts, into=lines: into.extend(step),
                       workers=workers, step_days=step_days)  # fmt: skip
        logs.append(lines)
    assert len(logs[0]) > 1000
    assert all(log == logs[0] for log in logs[1:])


def test_a_step_is_at_least_a_day():
    with pytest.raises(ValueError, match="step_days must be .* at least 1; got 0"):
        simulate_teams(resolve(three_teams(days=2)), lambda *_: None, step_days=0)


def test_steps_hold_about_sixty_thousand_expected_actions():
    assert step_seconds(12, 22.0, templates=True) == 7 * 86400.0  # a small team: a week
    assert step_seconds(1000, 22.0, templates=True) == 3 * 86400.0
    assert step_seconds(5000, 22.0, templates=True) == 86400.0  # never less than a day
    # Busy people step as often as many people: the progress bar and the log keep moving.
    assert step_seconds(12, 500.0 * 20, templates=True) == 86400.0
    assert step_seconds(12, 0.5, templates=True) == 7 * 86400.0  # never more than a week
    assert step_seconds(12, 22.0, templates=False) == 86400.0  # Claude's slow calls: daily


def test_steps_across_processes_are_shorter_the_more_processes_hold_them():
    """The caller holds a step of every worker at once: a thousand people in two processes
    step a day at a time (three in one process), which keeps a year under 300 MB in all."""
    from engine.calendar import working_day_actions
    from tests.bench.bench_simulate import big_scenario_toml

    thousand = resolve(from_dict(tomllib.loads(big_scenario_toml(1000, 30))))
    assert step_seconds(1000, working_day_actions(thousand), templates=True) == 3 * 86400.0
    assert parallel_step_days(thousand, 1) == 3
    assert parallel_step_days(thousand, 2) == 1
    assert parallel_step_days(resolve(three_teams()), 2) == 7  # a small team: still a week


def test_worker_processes_refuse_content_other_than_templates():
    # A Claude session lives in one process; engine.run asks for one process in that case.
    claude_like = types.SimpleNamespace(name="anthropic")
    with pytest.raises(ValueError, match="template content only"):
        simulate_teams(
            resolve(three_teams(days=1)), lambda *_: None, workers=2, content=claude_like
        )


def test_one_process_runs_the_teams_with_the_content_it_is_given():
    scenario = resolve(three_teams(days=2))
    lines: list[bytes] = []
    made = simulate_teams(scenario, lambda _first, step, _counts: lines.extend(step),
                          content=TemplateSource())  # fmt: skip
    assert made == len(lines) > 0 and lines == organisation_log(scenario)


def _line(kind: str, seq: int, rest: str = "") -> bytes:
    return f'{{"type":"{kind}","seq":{seq},"at":"2026-01-05T08:00:00Z"{rest}}}'.encode()


def _step(*rows: tuple[float, int, int, str, str], until: float = 86400.0) -> Step:
    """A step of (time, team, order, type, rest of the line) rows as a worker's teams make it; a
    TagCreated is the shared object "x"."""
    runs = []  # (team, its first order, lines) of each run of rows of one team
    for team, group in groupby(rows, key=lambda row: row[1]):
        orders = [order for _, _, order, *_ in group]
        assert orders == list(range(orders[0], orders[0] + len(orders))), "a team's seqs follow on"
        runs.append((team, orders[0], len(orders)))
    return Step(
        until,
        array("d", [time for time, *_ in rows]),
        [_line(kind, order, rest) for _, _, order, kind, rest in rows],
        runs,
        {i: "x" for i, row in enumerate(rows) if row[3] == "TagCreated"},
        dict(Counter(kind for *_, kind, _ in rows)),
    )


def test_merge_step_orders_by_time_then_team_and_keeps_a_shared_object_once():
    # Worker 0 runs teams 0 and 2, worker 1 team 1; each sends its lines with its own seqs.
    quoted = r',"text":"{\"type\":\"TaskLiked\",\"seq\":7,\"at\":1}"'  # in a string
    w0 = _step(
        (1.0, 0, 1, "TagCreated", ',"tag":"x"'),
        (1.0, 0, 2, "TaskLiked", ',"actor":"a"'),
        (1.0, 2, 1, "TaskLiked", ',"actor":"c"'),
        (5.0, 0, 3, "CommentAdded", quoted),
    )
    w1 = _step((1.0, 1, 1, "TagCreated", ',"tag":"x"'), (3.0, 1, 2, "TaskCreated", ""))
    numbering = Numbering()
    assert merge_step([w0, w1], numbering) == (
        1,
        [
            _line("TagCreated", 1, ',"tag":"x"'),
            _line("TaskLiked", 2, ',"actor":"a"'),  # the same instant: team 0, 1, then 2
            _line("TaskLiked", 3, ',"actor":"c"'),  # team 1's TagCreated x: dropped
            _line("TaskCreated", 4),
            _line("CommentAdded", 5, quoted),
        ],
        {"TagCreated": 1, "TaskLiked": 2, "CommentAdded": 1, "TaskCreated": 1},
    )
    # No instant in common: by time alone; the shared object is still kept once, over steps.
    w0 = _step((9e4, 0, 4, "TaskLiked", ""), (9.3e4, 2, 2, "TagCreated", ',"tag":"x"'))
    w1 = _step((9.1e4, 1, 3, "TagCreated", ',"tag":"x"'), (9.2e4, 1, 4, "TaskLiked", ""))
    assert merge_step([w0, w1], numbering) == (
        6,
        [_line("TaskLiked", 6), _line("TaskLiked", 7)],
        {"TaskLiked": 2},
    )
    assert merge_step([_step(), _step()], numbering) == (8, [], {})
    assert numbering.seq == 7


def test_merge_step_refuses_a_step_whose_lines_and_keys_disagree():
    good = _step((1.0, 1, 1, "TaskLiked", ""), (2.0, 1, 2, "TaskLiked", ""))
    short = good._replace(lines=[_line("TaskLiked", 1)])
    with pytest.raises(
        BusyworkError, match="worker 1 sent 1 lines and runs of 2 lines for 2 events"
    ):
        merge_step([_step(), short], Numbering())
    short_runs = good._replace(runs=[(1, 1, 1)])
    with pytest.raises(
        BusyworkError, match="worker 0 sent 2 lines and runs of 1 lines for 2 events"
    ):
        merge_step([short_runs], Numbering())


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
    plain = Organisation(resolve(manifest.scenario), TemplateSource(),
                         lambda e: again.append(ev.encode(e)), quiet=tuple(map(tuple, state.quiet)),
                         forever=True)  # live runs past the scenario's last day, to until_sim  # fmt: skip
    plain.start()
    run_in_steps(plain.env, state.until_sim, 3600.0, lambda t: plain.flush())  # live ends there
    assert again == list(FileLog.open_readonly(run).read_lines()) and len(again) > 100


@pytest.mark.slow
def test_kill_9_of_a_parallel_run_then_resume_is_byte_identical(tmp_path):
    import json
    import signal
    import subprocess
    import time

    from tests.runner import BUSYWORK, busywork

    (tmp_path / "teams.toml").write_text(three_teams_toml(150))
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


def test_teams_run_with_fewer_young_collections_and_the_setting_is_put_back():
    """While teams run, the young GC generation is collected less often (see
    fewer_collections); the caller's own setting is back afterwards, after a failure too."""
    import gc

    before = gc.get_threshold()
    seen: list[int] = []
    simulate_teams(resolve(three_teams(days=2)),
                   lambda *_: seen.append(gc.get_threshold()[0]))  # fmt: skip
    assert seen and all(young >= YOUNG_COLLECTION_THRESHOLD for young in seen), seen
    assert gc.get_threshold() == before

    def fail(*_):
        raise RuntimeError("the log's disk is full")

    with pytest.raises(RuntimeError):
        simulate_teams(resolve(three_teams(days=2)), fail)
    assert gc.get_threshold() == before
