"""Ctrl-C during a long query: DuckDB stops the query and raises ``RuntimeError: Query
interrupted``, which came out as a traceback and exit 1; it ends as any Ctrl-C does,
"Interrupted." and exit 130."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from cli import main
from engine.content.templates import TemplateSource
from engine.run import create_run, simulate_run
from engine.scenario import default_scenario

# Long enough that the Ctrl-C comes while it runs (minutes), short enough to end by itself.
LONG = "select count(*) from range(30000000000) a"


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
