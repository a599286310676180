"""Ctrl-C during a long query: DuckDB stops the query and raises ``RuntimeError: Query
interrupted``, which came out as a traceback and exit 1; it ends as any Ctrl-C does,
"Interrupted." and exit 130."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from cli import main
from engine.content.templates import TemplateSource
from engine.run import create_run, simulate_run
from engine.scenario import default_scenario
from tests.runner import BUSYWORK, sigint_as_from_a_terminal

# Long enough that the Ctrl-C comes while it runs (minutes), short enough to end by itself.
LONG = "select count(*) from range(30000000000) a"
# Minutes of work however DuckDB plans it (a bare count of a range it can shortcut).
LONGER = "select sum(a.range % 7) from range(30000000000) a"
STOPPED_WITHIN = 60  # seconds: far less than LONGER runs, far more than an interrupt takes


@pytest.fixture
def run(tmp_path) -> Path:
    path = tmp_path / "run"
    scenario = msgspec.structs.replace(default_scenario(), days=1)
    simulate_run(path, create_run(path, scenario, TemplateSource()), TemplateSource())
    return path


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals")
def test_ctrl_c_during_a_query_exits_130_without_a_traceback(run) -> None:
    ctrl_c = threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGINT))
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    ctrl_c.start()
    try:
        result = CliRunner().invoke(main, ["query", str(run), LONG])
    finally:
        ctrl_c.cancel()
        signal.signal(signal.SIGINT, previous)
    assert result.exit_code == 130, (result.exception, result.stderr)
    assert result.stderr == "Interrupted.\n"


# After the command starts opening the run (its temporary folder appears): while DuckDB builds
# the views, as the query starts, and as it runs.
AFTER_OPENING = [0.0, 0.3, 1.0, 2.0]


@pytest.mark.parametrize("delay", AFTER_OPENING)
def test_ctrl_c_in_a_querys_first_seconds_stops_it(run, tmp_path, delay) -> None:
    """DuckDB saw the press but often ran the query to its end (minutes here) before it
    raised; the command now interrupts its connection, so every press ends it at once."""
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = subprocess.Popen(
        [BUSYWORK, "query", str(run), LONGER], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "TMPDIR": str(temp)}, preexec_fn=sigint_as_from_a_terminal,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not any(temp.glob("busywork-analytics-*")) and proc.poll() is None:
            assert time.monotonic() < deadline, "the query never started opening the run"
            time.sleep(0.01)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=STOPPED_WITHIN)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert (proc.returncode, out, err) == (130, "", "Interrupted.\n")
    assert not any(temp.iterdir()), "the run's temporary copies stay behind"
