"""`busywork live` and `busywork replay` as a user meets them (real subprocesses, a real
sandbox): a stop before the work is done exits 130 with the resume hint, live reports its
lateness and its simulated clock, startup checks refuse before anything is written, one live
per run, `replay --follow` says when nobody writes the run, the status line fits 80 columns,
progress lines without a terminal, and the in-process sandbox on the free plan."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import pytest

from adapters.asana.live_folder import RunLock
from adapters.asana.live_status import sim_clock
from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.replay_job import live_writer, run_replay
from adapters.asana.replay_status import StatusColumn, in_background, status_text
from adapters.asana.sandbox import SandboxPerson
from adapters.asana.sandbox.ratelimit import Limits as ServerLimits
from adapters.asana.tokens import Tokens
from engine import run as runs
from engine.calendar import origin_of
from engine.content.templates import TemplateSource
from engine.live import LIVE, LiveState, prepare_live
from engine.replay_report import ReplayTally
from engine.run import read_manifest
from engine.scenario import default_scenario, resolve
from engine.status_line import StatusLine
from tests.replay_checks import (
    FAST,
    assert_sandbox_holds_the_run_once,
    make_run,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.runner import BUSYWORK, busywork

MONDAY_8AM_LA = datetime(2026, 1, 5, 16, 0, tzinfo=UTC)


def default_people() -> list[SandboxPerson]:
    return [SandboxPerson(p.email.lower(), p.name, secrets.token_urlsafe(16))
            for p in resolve(default_scenario()).people]  # fmt: skip


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [BUSYWORK, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip


def wait_until(condition, proc: subprocess.Popen | None = None, what: str = "") -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"ended before {what}: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.02)


def journals(run_dir: Path) -> list[Path]:
    return sorted(run_dir.glob("targets/*/journal.jsonl"))


def running(run_dir: Path) -> bool:
    """Whether the live run's clock ticks: its heartbeat moved (the replay is under way)."""
    if not (run_dir / LIVE).is_file():
        return False
    state = msgspec.json.decode((run_dir / LIVE).read_bytes(), type=LiveState)
    return state.reached_sim != state.anchor_sim


def a_live_run(run_dir: Path) -> None:
    """A live run of one day, started now and not finished (as after a stop)."""
    prepare_live(run_dir, default_scenario(), TemplateSource(), days=1, forever=False,
                 speed=1.0)  # fmt: skip


def clock_of(run_dir: Path) -> dict:
    """What a resume would change in live.json (the heartbeat `reached_sim` aside)."""
    state = msgspec.json.decode((run_dir / LIVE).read_bytes(), type=LiveState)
    return {k: getattr(state, k) for k in ("anchor_wall", "anchor_sim", "speed", "quiet")}


@pytest.fixture
def target(make_sandbox, tmp_path):
    """A sandbox for the default scenario's people and a tokens file for it."""
    people = default_people()
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    return sandbox, tokens, people


# -- a stop before the work is done -------------------------------------------------------------


def test_live_stopped_while_idle_exits_130_with_the_resume_hint(target, tmp_path):
    sandbox, tokens, _ = target
    run_dir = tmp_path / "live"
    # A hundred wall seconds per simulated second: nothing happens after the start.
    proc = start(["live", "--days", "1", "--speed", "0.01", "--run", str(run_dir), "--to",
                  sandbox.base_url, "--tokens", str(tokens), "--json"], tmp_path)  # fmt: skip
    wait_until(lambda: running(run_dir), proc, "the live run is running")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert json.loads(out)["stopped"] == "interrupted"
    assert "Stopped early: interrupted. Run the same command again to resume." in err


# -- startup checks refuse before anything is written ---------------------------------------------


def test_live_refuses_a_token_of_someone_else_before_its_clock_starts(target, tmp_path):
    sandbox, _, people = target
    alice, bob = people[0], people[1]
    swapped = Tokens({alice.email: bob.token}, default=sandbox.admin_token)
    tokens = write_tokens_file(tmp_path / "swapped.toml", swapped)
    args = ["live", "--days", "1", "--to", sandbox.base_url, "--tokens", str(tokens), "--run"]
    new = busywork(*args, "new", cwd=tmp_path, check=False)
    assert new.returncode == 2 and f"is the token of {bob.email}" in new.stderr, new.stderr
    assert "Started live run" not in new.stdout and not (tmp_path / "new").exists()

    a_live_run(tmp_path / "old")
    before = clock_of(tmp_path / "old"), (tmp_path / "old" / "manifest.json").read_bytes()
    old = busywork(*args, "old", cwd=tmp_path, check=False)
    assert old.returncode == 2 and "is the token of" in old.stderr and "Resumed" not in old.stdout
    after = clock_of(tmp_path / "old"), (tmp_path / "old" / "manifest.json").read_bytes()
    assert after == before and not (tmp_path / "old" / "targets").exists()


def test_live_refuses_an_unknown_workspace_before_its_clock_starts(tmp_path):
    args = ["live", "--days", "1", "--workspace", "999", "--run"]  # the in-process sandbox
    new = busywork(*args, "new", cwd=tmp_path, check=False)
    assert new.returncode == 2 and "--workspace '999'" in new.stderr, new.stderr
    assert "Started live run" not in new.stdout and not (tmp_path / "new").exists()

    a_live_run(tmp_path / "old")
    before = clock_of(tmp_path / "old")
    old = busywork(*args, "old", cwd=tmp_path, check=False)
    assert old.returncode == 2 and "--workspace '999'" in old.stderr
    assert clock_of(tmp_path / "old") == before and not (tmp_path / "old" / "targets").exists()


def test_a_resume_that_refuses_leaves_no_checkpoint_behind(target, tmp_path):
    """Other --days than the run started with: refused after the target's checkpoint was
    locked, and the checkpoint this attempt made is gone again."""
    sandbox, tokens, _ = target
    a_live_run(tmp_path / "old")
    result = busywork("live", "--days", "3", "--run", "old", "--to", sandbox.base_url,
                      "--tokens", str(tokens), cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 2 and "started with --days 1" in result.stderr, result.stderr
    assert not (tmp_path / "old" / "targets").exists()


def test_a_complete_live_run_points_to_replay(target, tmp_path):
    sandbox, tokens, _ = target
    args = ["live", "--days", "1", "--speed", "1000000", "--run", "done", "--to",
            sandbox.base_url, "--tokens", str(tokens)]  # fmt: skip
    first = busywork(*args, cwd=tmp_path)
    assert "Lateness: mean" in first.stdout, first.stdout  # live reports how late it delivered
    again = busywork(*args, cwd=tmp_path, check=False)
    assert again.returncode == 2 and "this live run is complete" in again.stderr
    advice = re.search(r"`(busywork replay [^`]+)` sends what its replay left unsent", again.stderr)
    assert advice, again.stderr
    replayed = busywork(*shlex.split(advice.group(1))[1:], cwd=tmp_path)
    assert "0 applied" in replayed.stdout and "done earlier" in replayed.stdout
    assert_sandbox_holds_the_run_once(tmp_path / "done", sandbox)


def test_live_lasts_the_scenario_files_days_unless_days_is_given(tmp_path):
    (tmp_path / "team.toml").write_text("days = 2\n")
    run_dir = tmp_path / "live"
    proc = start(["live", "team.toml", "--speed", "0.01", "--run", str(run_dir)], tmp_path)
    wait_until(lambda: running(run_dir), proc, "the live run is running")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    state = msgspec.json.decode((run_dir / LIVE).read_bytes(), type=LiveState)
    ((_, began),) = state.quiet  # nobody acts before the run's start
    scenario = read_manifest(run_dir).scenario
    assert state.days == 2 and scenario.days == 2
    origin, zone = origin_of(scenario), ZoneInfo(scenario.timezone)
    first, last = (
        (origin + timedelta(seconds=s)).astimezone(zone) for s in (began, state.until_sim)
    )
    assert last.replace(tzinfo=None) == first.replace(tzinfo=None) + timedelta(days=2)


# -- one live per run; replay --follow knows whether anyone writes it -------------------------------


def test_a_second_live_on_a_run_is_refused_before_it_writes(tmp_path):
    run_dir = tmp_path / "live"
    args = ["live", "--days", "1", "--speed", "0.01", "--run", str(run_dir)]
    first = start(args, tmp_path)
    try:
        wait_until(lambda: journals(run_dir), first, "the first live started")
        assert live_writer(run_dir) == first.pid
        before = clock_of(run_dir), sorted(p.name for p in (run_dir / "targets").iterdir())
        second = busywork(*args, cwd=tmp_path, check=False)
        assert second.returncode == 1, second
        assert (f"--run {run_dir}: another busywork live is running this run (pid {first.pid})"
                in second.stderr), second.stderr  # fmt: skip
        assert "Resumed" not in second.stdout
        after = clock_of(run_dir), sorted(p.name for p in (run_dir / "targets").iterdir())
        assert after == before
    finally:
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=60)
    assert first.returncode == 130, (out, err)
    assert live_writer(run_dir) is None


def test_replay_follow_says_when_no_live_writes_the_run(tmp_path):
    a_live_run(tmp_path / "run")
    with RunLock(tmp_path / "run", given=True):  # a live holds it: the follower just follows
        assert live_writer(tmp_path / "run") == os.getpid()
    proc = start(["replay", "run", "--follow"], tmp_path)
    seen = [proc.stderr.readline()]
    while seen[-1] and not seen[-1].startswith("Waiting"):  # past any warning of Python's
        seen.append(proc.stderr.readline())
    assert seen[-1] == ("Waiting for run to be written (no busywork live is running it now); "
                        "Ctrl-C to stop.\n"), seen  # fmt: skip
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Stopped early: interrupted." in out, (out, err)


# -- what a status line shows ---------------------------------------------------------------------


def snapshot(total: int, **counts: float) -> dict[str, float]:
    tally = ReplayTally()
    tally.counts.update(counts)
    tally.started -= 10  # ten seconds in
    requests = {"requests": 4270, "retries": 3, "rate_limited": 0}
    return tally.snapshot(requests, total)


def test_the_status_line_keeps_count_share_and_eta_at_80_columns():
    from rich.console import Console
    from rich.progress import Progress

    status = StatusLine("replaying default-product-team-20260105-093000")
    console = Console(width=80, file=StringIO(), force_terminal=True, color_system=None)
    with Progress(StatusColumn(), console=console, auto_refresh=False) as bar:
        line = status_text(status, snapshot(5000, applied=1234), console.width)
        bar.add_task("x", total=None, line=line)
        bar.refresh()
    shown = console.file.getvalue()
    assert "1,234/5,000" in shown and "25%" in shown and "ETA " in shown, shown
    assert len(line.plain) < 80 and "replaying default-produ…" in shown


def test_at_80_columns_failures_429s_and_retries_are_shown_before_the_rates():
    status = StatusLine("replaying default-product-team-20260105-093000")
    counts = snapshot(5000, applied=1234, failed=2)
    counts.update(rate_limited=7, retries=3)
    status_text(status, counts, 80)  # the 429s came; then requests were answered again
    counts["requests"] += 10
    line = status_text(status, counts, 80).plain
    assert len(line) < 80, line
    assert "1,236/5,000" in line and "25%" in line and "ETA " in line, line
    # The bar and the run's name gave way to them (lateness under half a second is left out).
    assert line.startswith("replaying  1,236/5,000  25%  ETA "), line
    assert "s  failed 2  429s 7  retries 3  " in line, line
    assert "━" not in line and "late" not in line
    assert "late 0.0s" in status.plain(counts)
    # None of them: none is named, and the bar fits again.
    calm = snapshot(5000, applied=1234)
    calm["retries"] = 0
    quiet = status_text(StatusLine("replaying run"), calm, 80).plain
    assert (
        quiet.startswith("replaying run  1,234/5,000  25%  ETA ") and "s  ━━━━━━━━━━━━  " in quiet
    )
    assert "failed" not in quiet and "429s" not in quiet and "retries" not in quiet, quiet
    # The plain line (a log without a terminal) keeps every count, zeros too, in its order.
    plain = StatusLine("replaying run").plain(snapshot(5000, applied=1))
    assert plain.endswith("failed 0  427 req/s  429s 0  retries 3  10s"), plain


def test_live_shows_its_simulated_clock(tmp_path):
    scenario = resolve(msgspec.structs.replace(default_scenario(), days=1))
    manifest, state, _ = prepare_live(tmp_path / "live", scenario, TemplateSource(), days=1,
                                      forever=False, speed=1.0, now=MONDAY_8AM_LA)  # fmt: skip
    # Started a Monday at 8:00 in Los Angeles; a day later (long past) the run's clock stops.
    assert sim_clock(state, manifest)() == "sim Tue 06 Jan 08:00"
    status = StatusLine("live live", sim_clock(state, manifest))
    assert "  0 events  sim Tue 06 Jan 08:00  " in status.plain(snapshot(0))


def test_the_status_line_says_when_it_waits_out_a_429(make_sandbox, tmp_path):
    run_dir = make_run(tmp_path / "run", days=1)
    people = run_people(run_dir)
    # The server allows five requests a minute; the client thinks it may send a thousand.
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16),
                           limits=ServerLimits(quota=5, window=60))  # fmt: skip
    dest = Destination(rate_limit=1000, backoff=FAST)
    target = connect(sandbox.base_url, tokens_of(people, sandbox.admin_token), dest)
    journal = open_journal(run_dir, target, "test")
    stop, started = threading.Event(), []
    worker = threading.Thread(target=run_replay, args=(run_dir, target, journal),
                              kwargs={"speed": None, "stop": stop,
                                      "on_start": started.append})  # fmt: skip
    status = StatusLine("replay run")
    worker.start()
    try:
        wait_until(lambda: started, what="the replay started")
        assert "429" not in status.parts(started[0].snapshot())[0]
        wait_until(lambda: started[0].snapshot()["rate_limited"] >= 1, what="a 429")
        assert "rate limited (429): waiting" in status.parts(started[0].snapshot())[0]
    finally:
        stop.set()
        worker.join()
        journal.close()
        target.client.close()


def test_without_a_terminal_progress_lines_go_to_stderr(make_sandbox, tmp_path, capsys):
    run_dir = make_run(tmp_path / "run", days=1)
    manifest = read_manifest(run_dir)
    manifest.status = "running"  # followed: the replay waits for more after the last event
    runs.write_manifest(run_dir, manifest)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    target = connect(sandbox.base_url, tokens_of(people, sandbox.admin_token), Destination())
    journal = open_journal(run_dir, target, "test")
    stop = threading.Event()
    timer = threading.Timer(1.5, stop.set)
    timer.start()
    try:
        summary = in_background(
            lambda stop_, on_start: run_replay(run_dir, target, journal, speed=None,
                                               follow=True, stop=stop_, on_start=on_start),
            progress=False, lines=True, label="live run", stop=stop, every=0.3,
            clock=lambda: "sim Mon 05 Jan 08:00",
        )  # fmt: skip
    finally:
        timer.cancel()
        journal.close()
        target.client.close()
    assert summary.stopped == "interrupted"  # followed, stopped, and the run is not complete
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) >= 2, lines
    assert all(line.startswith("live run  ") and "sim Mon 05 Jan 08:00" in line for line in lines)
    assert all(re.search(r"  [\d,]+ events  ", line) for line in lines), lines


# -- the in-process sandbox ------------------------------------------------------------------------


def test_free_plan_in_process_sandbox_refuses_paid_features(tmp_path):
    run_dir = make_run(tmp_path / "run", days=1)
    help_text = busywork("replay", "--help", cwd=tmp_path).stdout
    assert "portfolios, custom fields and task dependencies" in " ".join(help_text.split())
    result = busywork("replay", str(run_dir), "--plan", "free", "--rate-limit", "100000",
                      "--json", cwd=tmp_path)  # fmt: skip
    notes = json.loads(result.stdout)["notes"]
    assert any("custom fields are not available on this plan" in n for n in notes), notes


def test_demo_names_the_sandbox_url_once(tmp_path):
    result = busywork("demo", "--days", "1", "--port", "0", "--serve-seconds", "0.2",
                      cwd=tmp_path)  # fmt: skip
    urls = re.findall(r"http://127\.0\.0\.1:\d+/(?:\s|$)", result.stdout)
    sandbox_lines = [line for line in result.stdout.splitlines() if line.startswith("Sandbox:")]
    assert len(sandbox_lines) == 1 and "Browse:" not in result.stdout, result.stdout
    assert len(urls) == 1, result.stdout
