"""Ctrl-C and SIGTERM during `replay`, `backfill` and `live` (real subprocesses, a real
sandbox): requests in flight finish, the summary is printed, the exit code is 130, no
traceback; following the printed advice then completes the run exactly once."""

from __future__ import annotations

import json
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

import msgspec
import pytest

from adapters.asana.sandbox import SandboxPerson
from engine.scenario import default_scenario, resolve
from tests.replay_checks import (
    assert_sandbox_holds_the_run_once,
    make_run,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.runner import BUSYWORK, busywork, read_until

# Slow (subprocesses interrupted by signals mid-replay: ~25 s): `make test-slow` runs it, and CI.
pytestmark = pytest.mark.slow
SLOW_ANSWER = 0.05  # seconds the sandbox holds each answer, so a replay is still busy


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=2)


def slow_down(sandbox, seconds: float = SLOW_ANSWER) -> None:
    """Hold each answer (after it is applied), as a distant server would."""
    sandbox.app.observer = lambda request, status, body: time.sleep(seconds)


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    # SIGINT as a terminal sends it, even when this test runs where SIGINT is ignored.
    return subprocess.Popen(
        [BUSYWORK, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip


def wait_for_journal(folder: Path, pattern: str, records: int, proc: subprocess.Popen) -> None:
    """Until some journal under `folder` holds `records` lines (the replay is under way)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for journal in folder.glob(pattern):
            if journal.read_bytes().count(b"\n") >= records:
                return
        if proc.poll() is not None:
            raise AssertionError(f"ended before replaying: {proc.communicate()}")
        time.sleep(0.02)
    raise AssertionError("the replay never got going")


def interrupt(proc: subprocess.Popen, sig: int) -> tuple[str, str]:
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err + out, err
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert "Stopped early: interrupted." in out, out
    return out, err


def default_people() -> list[SandboxPerson]:
    scenario = resolve(default_scenario())
    return [SandboxPerson(p.email.lower(), p.name, secrets.token_urlsafe(16))
            for p in scenario.people]  # fmt: skip


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_replay_stopped_by_a_signal_exits_130_then_resumes_exactly_once(
    template_run, make_sandbox, tmp_path, sig
):
    run_dir = Path(shutil.copytree(template_run, tmp_path / "run"))
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    args = ["replay", str(run_dir), "--to", sandbox.base_url, "--tokens", str(tokens)]
    as_json = ["--json"] if sig == signal.SIGTERM else []
    slow_down(sandbox)
    proc = start(args + as_json, tmp_path)
    wait_for_journal(run_dir, "targets/*/journal.jsonl", 10, proc)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err + out and proc.returncode == 130, (proc.returncode, out, err)
    if as_json:  # stdout stays one JSON document; the advice goes to stderr
        assert json.loads(out)["stopped"] == "interrupted"
        assert "Stopped early: interrupted. Run the same command again to resume." in err
    else:
        assert "Stopped early: interrupted. Run the same command again to resume." in out
        assert "Stopping: finishing requests in flight" in err
    sandbox.app.observer = None
    again = busywork(*args, cwd=tmp_path)
    done_earlier = re.search(r"\(([\d,]+) done earlier\)", again.stdout)
    assert done_earlier and int(done_earlier.group(1).replace(",", "")) >= 10, again.stdout
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


def test_a_second_ctrl_c_quits_at_once_and_loses_nothing(template_run, make_sandbox, tmp_path):
    run_dir = Path(shutil.copytree(template_run, tmp_path / "run"))
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    args = ["replay", str(run_dir), "--to", sandbox.base_url, "--tokens", str(tokens)]
    slow_down(sandbox, 1.0)  # requests in flight take a while to finish
    proc = start(args, tmp_path)
    wait_for_journal(run_dir, "targets/*/journal.jsonl", 3, proc)
    proc.send_signal(signal.SIGINT)
    assert proc.stderr.readline().startswith("Stopping: finishing requests in flight")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Interrupted." in err and "Traceback" not in err, err
    sandbox.app.observer = None
    busywork(*args, cwd=tmp_path)
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


def test_interrupted_backfill_names_the_command_that_resumes_it(make_sandbox, tmp_path):
    people = default_people()
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    slow_down(sandbox)
    # A week always holds working days: 2 days before a Monday morning are a quiet weekend.
    proc = start(["backfill", "--days", "7", "--to", sandbox.base_url, "--tokens",
                  "tokens.toml"], tmp_path)  # fmt: skip
    wait_for_journal(tmp_path, "replays/*/targets/*/journal.jsonl", 10, proc)
    out, _ = interrupt(proc, signal.SIGINT)
    advice = re.search(r"Resume with: (.+?)  \(not `busywork backfill` again", out)
    assert advice, out
    words = shlex.split(advice.group(1))
    assert words[:2] == ["busywork", "replay"]
    assert "--shift-dates" in words  # a backfill shifts; its resume keeps the stored shift
    sandbox.app.observer = None
    resumed = busywork(*words[1:], cwd=tmp_path)
    assert "done earlier" in resumed.stdout and "Stopped" not in resumed.stdout
    assert "Note: --shift-dates" not in resumed.stderr, resumed.stderr
    (run_dir,) = (tmp_path / "replays").iterdir()  # no second run was simulated
    assert words[2] == str(run_dir.relative_to(tmp_path)) and tokens.name in words
    (settings,) = run_dir.glob("targets/*/target.json")
    assert json.loads(settings.read_text())["shift_dates"] is True
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


def live_args(sandbox, tokens: Path, run_dir: Path, days: int, speed: str) -> list[str]:
    return ["live", "--days", str(days), "--speed", speed, "--run", str(run_dir),
            "--to", sandbox.base_url, "--tokens", str(tokens)]  # fmt: skip


def status_of(run_dir: Path) -> str:
    return msgspec.json.decode((run_dir / "manifest.json").read_bytes())["status"]


def test_live_stopped_by_ctrl_c_exits_130_then_resumes_exactly_once(make_sandbox, tmp_path):
    people = default_people()
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    run_dir = tmp_path / "live"
    # Half a simulated day a second: three days take six seconds, so the stop comes first.
    args = live_args(sandbox, tokens, run_dir, 3, "43200")
    slow_down(sandbox)
    proc = start(args, tmp_path)
    wait_for_journal(run_dir, "targets/*/journal.jsonl", 10, proc)
    out, _ = interrupt(proc, signal.SIGINT)
    assert status_of(run_dir) == "running", "the simulation ended before the stop"
    assert "Run the same command again to resume." in out
    sandbox.app.observer = None
    again = busywork(*args, cwd=tmp_path)
    assert "Resumed live run" in again.stdout and "Stopped" not in again.stdout, again.stdout
    assert status_of(run_dir) == "complete"
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


def test_live_stopped_after_its_simulation_ended_names_the_replay_that_resumes_it(
    make_sandbox, tmp_path
):
    people = default_people()
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    run_dir = tmp_path / "live"
    slow_down(sandbox)  # the simulation ends within a second; its replay takes far longer
    proc = start(live_args(sandbox, tokens, run_dir, 2, "1000000"), tmp_path)
    wait_for_journal(run_dir, "targets/*/journal.jsonl", 10, proc)
    deadline = time.monotonic() + 60
    while status_of(run_dir) != "complete" and time.monotonic() < deadline:
        time.sleep(0.02)
    out, _ = interrupt(proc, signal.SIGINT)
    advice = re.search(r"The simulation is complete: `(busywork replay [^`]+)` sends what its "
                       r"replay left unsent\.", out)  # fmt: skip
    assert advice, out
    sandbox.app.observer = None
    resumed = busywork(*shlex.split(advice.group(1))[1:], cwd=tmp_path)
    assert "done earlier" in resumed.stdout and "Stopped" not in resumed.stdout
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


def test_replay_stopped_while_waiting_for_the_rate_limit_exits_130(
    template_run, make_sandbox, tmp_path
):
    """The events left are all waiting for the rate limit when the stop comes: none is
    pending, but the replay is not done, so it is interrupted (once it exited 0)."""
    run_dir = Path(shutil.copytree(template_run, tmp_path / "run"))
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    args = ["replay", str(run_dir), "--to", sandbox.base_url, "--tokens", str(tokens),
            "--rate-limit", "20"]  # fmt: skip
    proc = start([*args, "--json"], tmp_path)
    wait_for_journal(run_dir, "targets/*/journal.jsonl", 10, proc)
    (journal,) = run_dir.glob("targets/*/journal.jsonl")
    size = -1
    while size != journal.stat().st_size:  # until every token waits for its next minute
        size = journal.stat().st_size
        time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    summary = json.loads(out)
    assert summary["stopped"] == "interrupted" and summary["deferred"] > 0, summary
    assert "Stopped early: interrupted. Run the same command again to resume." in err
    busywork(*args, "--rate-limit", "100000", cwd=tmp_path)
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


def test_two_quick_ctrl_c_stop_serving_with_no_traceback(template_run, tmp_path, rng):
    """While `--serve` serves the sandbox the replay is done: Ctrl-C pressed twice, the second
    0-20 ms after the first (while the first is still being handled, or the sandbox stopping),
    exits as the replay did (0), quietly. A KeyboardInterrupt inside a lock's wait once ended
    in `RuntimeError: release unlocked lock` or `Exception ignored`."""
    run_dir = Path(shutil.copytree(template_run, tmp_path / "run"))
    proc = start(["replay", str(run_dir), "--to", "sandbox", "--serve"], tmp_path)
    try:
        assert proc.stdout is not None
        read_until(proc.stdout, "Serving")
        proc.send_signal(signal.SIGINT)
        time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (proc.returncode, err) == (0, ""), (proc.returncode, out, err)
