"""`busywork live` as a new user meets it (real subprocesses, the real sandbox on loopback):
what it does while it starts, with wrong inputs, and how it reports."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from engine.run import read_manifest
from tests.replay_checks import make_run, run_people, tokens_of, write_tokens_file
from tests.runner import BUSYWORK, busywork


def _open_for_writing_once_read(fifo: Path, proc: subprocess.Popen) -> int:
    """The write end of `fifo`, once `proc` has opened it to read (it then waits in read())."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "live never opened its scenario"
        time.sleep(0.01)


def test_sigterm_while_live_loads_its_scenario_ends_it_with_130(tmp_path):
    """The handler comes before the scenario is read (and before live's imports, some tenths
    of a second): it once came after, and a SIGTERM then killed it without a word. The
    scenario is a FIFO, so live is held reading it until the test has sent the signal."""
    fifo = tmp_path / "team.toml"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [BUSYWORK, "live", str(fifo), "--days", "1", "--run", str(tmp_path / "run")],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    writer = _open_for_writing_once_read(fifo, proc)
    try:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(writer)
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert err.splitlines() == ["Interrupted."], err
    assert not (tmp_path / "run").exists()


def test_requests_made_before_the_replay_are_not_part_of_its_rate(make_sandbox, tmp_path):
    """A replay's rate is its own requests over its own time: it once counted those made
    before it began (reaching the target, a look at every token) over its time alone, so a
    replay or live with nothing to send reported `14 requests in 0.0 s (121,040/s)`."""
    run_dir = make_run(tmp_path / "run", days=1)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    command = ["replay", str(run_dir), "--to", sandbox.base_url, "--tokens", str(tokens)]
    busywork(*command, cwd=tmp_path)
    again = json.loads(busywork(*command, "--json", cwd=tmp_path).stdout)
    assert again["applied"] == 0 and again["already_done"] == again["events"] > 0, again
    assert again["requests"] > 0, again  # reaching the target and checking the tokens
    assert again["requests_per_second"] == 0.0, again
    text = busywork(*command, cwd=tmp_path).stdout
    assert re.search(r"requests in [\d.]+ s \(0/s\)", text), text


def test_a_live_run_that_reaches_its_end_says_it_is_complete(tmp_path):
    """The summary alone (`0 applied`, when a stop outlasted the run's end) did not say that
    the run was over, nor where it is."""
    result = busywork("live", "--days", "1", "--speed", "1000000", "--run", "done", "--to",
                      "sandbox", cwd=tmp_path)  # fmt: skip
    events = read_manifest(tmp_path / "done").events
    assert events > 0
    assert result.stdout.splitlines()[-1] == (
        f"Live run complete: 1 simulated day, {events:,} events in done."
    ), result.stdout
    as_json = busywork("live", "--days", "1", "--speed", "1000000", "--run", "other", "--to",
                       "sandbox", "--json", cwd=tmp_path)  # fmt: skip
    assert json.loads(as_json.stdout)["stopped"] == ""  # stdout stays one JSON document
    assert "Live run complete" not in as_json.stderr + as_json.stdout


@pytest.mark.slow
def test_a_live_run_resumes_only_with_the_scenario_it_started_from(tmp_path):
    """A changed scenario file was ignored on resume without a word (the run's own went on)."""
    team = tmp_path / "team.toml"
    team.write_text("seed = 1\n")
    args = ["live", "--days", "1", "--speed", "1000000", "--run", "r"]  # the in-process sandbox
    busywork(*args[:1], "team.toml", *args[1:], cwd=tmp_path)
    team.write_text("seed = 2\n")
    changed = busywork(*args[:1], "team.toml", *args[1:], cwd=tmp_path, check=False)
    assert changed.returncode == 2, changed.stderr
    assert changed.stderr.startswith(
        "Error: SCENARIO team.toml: r is a live run started from another scenario (it differs "
        "in seed)"
    ), changed.stderr
    team.write_text("seed = 1\n")
    for scenario in (["team.toml"], []):  # the same file, or none: the run's own scenario
        same = busywork(*args[:1], *scenario, *args[1:], cwd=tmp_path, check=False)
        assert same.returncode == 2 and "this live run is complete" in same.stderr, same.stderr
