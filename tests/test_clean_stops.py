"""``busywork clean`` against a target that stops answering, and under Ctrl-C/SIGTERM: it stops
(the target silent: exit 1; a signal: the delete in flight finishes, then a summary and exit
130), keeps the checkpoint, and the same command finishes the clean. A DELETE whose outcome is
unknown is sent again at once (deleting twice ends the same), not after a landing wait."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from adapters.asana.clean import CleanStopped, _clean
from adapters.asana.clean_deletes import delete
from adapters.asana.client import DEFAULT, Backoff
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.sandbox import FaultPlan
from engine.replay_journal import JOURNAL
from engine.replay_outcomes import TargetSilence
from tests.replay_checks import (
    FAST_NO_LANDING,
    UNLIMITED,
    replay_once,
    run_people,
    synthetic_run,
    tokens_of,
    write_tokens_file,
)
from tests.runner import BUSYWORK

CREATED_KINDS = ("project", "task", "story")
FAST = dataclasses.replace(FAST_NO_LANDING, attempts=6)
# Tries enough that each delete to a target that drops every connection retries for some 0.4 s
# (19 waits of up to 0.05 s): the 12 deletes left cannot all give up within the clean's 1 s of
# silence (with 6 tries they took about 1.2 s together, and sometimes less), so it stops.
RETRYING = dataclasses.replace(FAST, attempts=20)


def _replayed(tmp_path: Path, make_sandbox):
    """Three people, each with a project of four tasks (15 objects to delete), replayed."""
    run_dir = synthetic_run(tmp_path / "run", people=3, tasks=4, comments=1)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, limits=UNLIMITED)
    tokens = tokens_of(people, sandbox.admin_token)
    summary, folder = replay_once(run_dir, sandbox.base_url, tokens,
                                  Destination(to=sandbox.base_url, backoff=FAST))  # fmt: skip
    assert summary.applied == summary.events
    return run_dir, sandbox, tokens, folder


def _left(sandbox) -> dict[str, int]:
    with sandbox.store.lock:
        return {k: len(sandbox.store.records[k]) for k in CREATED_KINDS if sandbox.store.records[k]}


def _target(sandbox, tokens, backoff: Backoff = FAST):
    return connect(sandbox.base_url, tokens, Destination(to=sandbox.base_url, backoff=backoff))


def _deletes_seen(sandbox) -> list[str]:
    """The paths of the DELETEs the sandbox answers from now on."""
    seen: list[str] = []
    sandbox.app.observer = lambda request, status, body: (
        seen.append(request.path) if request.method == "DELETE" else None
    )
    return seen


def test_clean_stops_once_the_target_stops_answering_then_a_rerun_finishes(
    tmp_path, make_sandbox, capsys
):
    run_dir, sandbox, tokens, folder = _replayed(tmp_path, make_sandbox)
    # After the third DELETE the target drops every connection (as a server that went away).
    dropped = FaultPlan(rates={"reset": 1.0})
    deletes = 0

    def observe(request, status, body) -> None:
        nonlocal deletes
        if request.method == "DELETE":
            deletes += 1
            if deletes == 3:
                sandbox.app.set_faults(dropped)

    sandbox.app.observer = observe
    target = _target(sandbox, tokens, RETRYING)
    try:
        with pytest.raises(CleanStopped) as stopped:
            _clean(run_dir, target, print, None, status=True,
                   silence=TargetSilence(seconds=1.0, parked=3))  # fmt: skip
    finally:
        target.client.close()
    out = capsys.readouterr()
    message = str(stopped.value)
    assert stopped.value.exit_code == 1, message
    assert message.startswith("Stopped early: the target stopped answering: "), message
    assert message.endswith("; 12 objects were not deleted. Run the same command again to "
                            "resume."), message  # fmt: skip
    assert "Deleted 3 objects (3 tasks)" in out.out
    assert "the target is not answering" in out.err  # said when the wait begins
    assert (folder / JOURNAL).is_file()  # kept: the rerun knows what is left

    sandbox.app.observer = None
    sandbox.app.set_faults(None)  # the target is back
    target = _target(sandbox, tokens)
    lines: list[str] = []
    try:
        assert _clean(run_dir, target, lines.append, None) == 15
    finally:
        target.client.close()
    assert lines[0] == "Deleted 12 objects (9 tasks, 3 projects); 3 already deleted.", lines
    assert _left(sandbox) == {} and not (folder / JOURNAL).exists()


def test_a_delete_in_doubt_is_sent_again_without_a_landing_wait(tmp_path, make_sandbox):
    run_dir, sandbox, tokens, folder = _replayed(tmp_path, make_sandbox)
    project = next(iter(sandbox.store.records["project"]))
    # A landing wait of an hour: were the DELETE in doubt waited for, the test would time out.
    target = _target(sandbox, tokens, Backoff(base=0.01, cap=0.05, attempts=4, landing=3600.0))
    # The first DELETE is applied and its answer lost (the connection drops): in doubt.
    sandbox.app.set_faults(FaultPlan(rates={"lost": 1.0}))
    requests = target.client.counters.requests
    try:
        gone_now = delete(target.client, DEFAULT, f"/projects/{project}")
        requests = target.client.counters.requests - requests
    finally:
        sandbox.app.set_faults(None)
        target.client.close()
    # Sent again at once: the project was gone (404), which counts as done.
    assert gone_now is False and requests == 2, (gone_now, requests)
    assert project not in sandbox.store.records["project"]


def test_sigterm_mid_clean_finishes_the_delete_in_flight_and_exits_130(tmp_path, make_sandbox):
    run_dir, sandbox, tokens, folder = _replayed(tmp_path, make_sandbox)
    tokens_file = write_tokens_file(tmp_path / "tokens.toml", tokens)
    seen = _deletes_seen(sandbox)
    sandbox.app.set_faults(FaultPlan(rates={"slow": 1.0}, slow_seconds=0.3))
    clean = _start_clean(run_dir, sandbox, tokens_file)
    try:
        deadline = time.monotonic() + 15
        while not seen and time.monotonic() < deadline and clean.poll() is None:
            time.sleep(0.02)
        assert seen, "clean sent no DELETE"
        clean.send_signal(signal.SIGTERM)
        out, err = clean.communicate(timeout=15)
    finally:
        if clean.poll() is None:
            clean.kill()
    assert clean.returncode == 130, (clean.returncode, out, err)
    assert "Traceback" not in err, err
    done = len(seen)  # every DELETE sent was answered: the one in flight finished
    assert f"Deleted {done} objects" in out, out
    assert (f"Stopped early: interrupted; {15 - done} objects were not deleted. Run the same "
            "command again to resume.") in out, out  # fmt: skip
    assert (folder / JOURNAL).is_file()

    sandbox.app.set_faults(None)
    target = _target(sandbox, tokens)
    try:
        assert _clean(run_dir, target, lambda _line: None, None) == 15
    finally:
        target.client.close()
    assert _left(sandbox) == {}


def _start_clean(run_dir, sandbox, tokens_file) -> subprocess.Popen:
    return subprocess.Popen([BUSYWORK, "clean", str(run_dir), "--to", sandbox.base_url,
                             "--tokens", str(tokens_file), "--yes"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def test_sigterm_before_the_deletes_start_is_not_a_kill(tmp_path, make_sandbox):
    """Even while it reads and checks (before any delete), SIGTERM ends it with a message."""
    run_dir, sandbox, tokens, folder = _replayed(tmp_path, make_sandbox)
    tokens_file = write_tokens_file(tmp_path / "tokens.toml", tokens)
    started = threading.Event()
    sandbox.app.observer = lambda request, status, body: started.set()
    sandbox.app.set_faults(FaultPlan(rates={"slow": 1.0}, slow_seconds=1.0))
    clean = _start_clean(run_dir, sandbox, tokens_file)
    try:
        assert started.wait(15), "clean sent no request"  # connecting: each request is slow
        clean.send_signal(signal.SIGTERM)
        out, err = clean.communicate(timeout=15)
    finally:
        if clean.poll() is None:
            clean.kill()
    assert clean.returncode == 130, (clean.returncode, out, err)
    assert "Interrupted." in err and "Traceback" not in err, err
    assert (folder / JOURNAL).is_file() and _left(sandbox)["project"] == 3
