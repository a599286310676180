"""A finite replay whose target stops answering stops ("the target stopped answering"), saying
how many events it did not send; the same command then completes it exactly once.

Once such a replay went on parking one event after another (each after its retries, some 8 s)
through the whole log. A followed replay (``busywork live``, a web job's) is given no
`TargetSilence` and waits an outage out instead (tests/test_live_outage.py).
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import subprocess
import threading
import time
from pathlib import Path

import pytest

from adapters.asana.replay_destination import Destination
from adapters.asana.replay_outcome import exit_code, print_summary
from engine.replay import ReplayOptions
from engine.replay_journal import JOURNAL
from engine.replay_outcomes import TARGET_SILENT, TargetSilence
from tests.replay_checks import (
    FAST,
    assert_sandbox_holds_the_run_once,
    replay_once,
    run_people,
    synthetic_run,
    tokens_of,
    write_tokens_file,
)
from tests.runner import BUSYWORK, busywork

# Each event sent to the stopped sandbox is parked after a few quick tries.
QUICK_TRIES = dataclasses.replace(FAST, base=0.1, cap=0.1, attempts=3)


def applied_so_far(run: Path) -> int:
    return sum(line.startswith(b'{"k":"A"') for journal in run.glob(f"targets/*/{JOURNAL}")
               for line in journal.read_bytes().splitlines())  # fmt: skip


def stop_when(sandbox, ready) -> threading.Thread:
    """Stop `sandbox` (the target goes away) once `ready()`, in the background."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.01)
        sandbox.stop()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def port_of(sandbox) -> int:
    return int(sandbox.base_url.split(":")[2].split("/")[0])


def resume_with_the_target_back(make_sandbox, sandbox, run: Path, tmp_path: Path, args) -> dict:
    """The sandbox back on its port with its data; the same command again: its summary."""
    back = make_sandbox(people=sandbox.config.people, admin_token=sandbox.admin_token,
                        data_dir=sandbox.config.data_dir, port=port_of(sandbox))  # fmt: skip
    again = busywork(*args, "--json", cwd=tmp_path)
    summary = json.loads(again.stdout)
    assert summary["stopped"] == "" and summary["parked"] == summary["deferred"] == 0, summary
    assert summary["already_done"] > 0, "nothing was done before the target went"
    assert_sandbox_holds_the_run_once(run, back)
    return summary


def test_a_replay_whose_target_stops_answering_stops_and_resumes_once(make_sandbox, tmp_path):
    run = synthetic_run(tmp_path / "run", people=3, tasks=12, comments=2)
    people = run_people(run)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16),
                           data_dir=tmp_path / "data")  # fmt: skip
    tokens = tokens_of(people, sandbox.admin_token)
    sandbox.app.observer = lambda request, status, body: time.sleep(0.02)  # still busy then
    stopper = stop_when(sandbox, lambda: applied_so_far(run) >= 12)
    dest = Destination(to=sandbox.base_url, backoff=QUICK_TRIES)
    # One worker a lane: the events left are sent, and parked, a few at a time.
    options = ReplayOptions(workers_per_lane=1,
                            give_up_after=TargetSilence(seconds=0.5, parked=3))  # fmt: skip
    summary, _ = replay_once(run, sandbox.base_url, tokens, dest, options=options)
    stopper.join()

    assert summary.stopped.startswith(f"{TARGET_SILENT}: "), summary.stopped
    not_sent = summary.parked + summary.deferred + summary.not_read
    assert summary.stopped.endswith(f"; {not_sent:,} events were not sent"), summary.stopped
    assert summary.deferred > 0, "it parked the whole log"  # left unsent by the stop
    assert summary.failed == summary.skipped == 0
    assert summary.applied + not_sent == summary.events
    assert exit_code(summary) == 1
    lines: list[str] = []
    print_summary(summary, lines.append, as_json=False)
    assert f"Stopped early: {summary.stopped}. Run the same command again to resume." in lines

    tokens_file = write_tokens_file(tmp_path / "tokens.toml", tokens)
    args = ["replay", str(run), "--to", sandbox.base_url, "--tokens", str(tokens_file)]
    resume_with_the_target_back(make_sandbox, sandbox, run, tmp_path, args)


@pytest.mark.slow  # the command waits its minute of silence: ~75 s
def test_the_replay_command_stops_when_its_target_stops_answering(make_sandbox, tmp_path):
    run = synthetic_run(tmp_path / "run", people=2, tasks=100, comments=1)
    people = run_people(run)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16),
                           data_dir=tmp_path / "data")  # fmt: skip
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    args = ["replay", str(run), "--to", sandbox.base_url, "--tokens", str(tokens),
            "--landing-seconds", "1"]  # fmt: skip
    sandbox.app.observer = lambda request, status, body: time.sleep(0.05)
    proc = subprocess.Popen([BUSYWORK, *args, "--json"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        stop_when(sandbox, lambda: applied_so_far(run) >= 10).join()
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    summary = json.loads(out)
    assert proc.returncode == 1, (proc.returncode, err)
    stopped = summary["stopped"]
    assert stopped.startswith(f"{TARGET_SILENT}: "), stopped
    not_sent = summary["parked"] + summary["deferred"] + summary["not_read"]
    assert stopped.endswith(f"; {not_sent:,} events were not sent") and not_sent > 0, stopped
    assert f"Stopped early: {stopped}. Run the same command again to resume." in err
    assert "Traceback" not in err
    resume_with_the_target_back(make_sandbox, sandbox, run, tmp_path, args)
