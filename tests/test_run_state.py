"""What readers and `simulate --resume` say about how far a run got: figures over a run not
finished say so, a torn line after a complete run's last event is named (and still left out),
and resuming a complete run says it is complete instead of simulating it again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.runner import busywork

TORN = b'{"type":"TaskCreated","seq":'


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A complete 3-day run, simulated once; tests change their own copy."""
    work = tmp_path_factory.mktemp("finished")
    busywork("simulate", "--days", "3", "--seed", "5", "--out", "run", cwd=work)
    return work / "run"


@pytest.fixture
def run(finished, tmp_path) -> Path:
    return Path(shutil.copytree(finished, tmp_path / "run"))


def last_segment(run: Path) -> Path:
    return sorted((run / "events").glob("*.jsonl"), key=lambda p: int(p.stem))[-1]


def events(run: Path) -> int:
    return json.loads((run / "manifest.json").read_text())["events"]


def test_resuming_a_complete_run_says_so_and_simulates_nothing(run):
    result = busywork("simulate", "--resume", str(run), cwd=run.parent)
    assert result.stdout.startswith(f"{run}: already complete ({events(run):,} events, ")
    assert result.stdout.rstrip().endswith("; nothing to resume")
    assert "resumed after" not in result.stdout
    summary = json.loads(
        busywork("simulate", "--resume", str(run), "--json", cwd=run.parent).stdout
    )
    assert summary["resumed_from"] == summary["events"] == events(run)
    assert sum(summary["counts"].values()) == events(run)


def test_a_torn_line_after_a_complete_runs_last_event_is_named(run):
    whole = last_segment(run).read_bytes()
    with open(last_segment(run), "ab") as f:
        f.write(TORN)
    said = f"Note: {last_segment(run)}: a torn last line ({len(TORN)} bytes without a newline)"
    for command in (["show", str(run), "--tail", "1"], ["stats", str(run)]):
        result = busywork(*command, cwd=run.parent)
        assert result.stdout  # still read, the torn line left out
        assert result.stderr.startswith(said), (command, result.stderr)
        assert result.stderr.count("\n") == 1
    result = busywork("simulate", "--resume", str(run), cwd=run.parent)
    assert f"Note: {last_segment(run)}: cut torn last line" in result.stderr
    assert "already complete" in result.stdout
    assert last_segment(run).read_bytes() == whole
    assert busywork("show", str(run), "--tail", "1", cwd=run.parent).stderr == ""


@pytest.mark.parametrize("command", ["stats", "report", "show"])
def test_reading_an_unfinished_run_says_it_is_not_finished(run, command):
    assert busywork(command, str(run), cwd=run.parent, check=False).stderr == ""
    manifest = json.loads((run / "manifest.json").read_text())
    (run / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}))
    result = busywork(command, str(run), cwd=run.parent, check=False)
    assert result.stdout
    assert result.stderr == (
        f"Note: {run}: the run is not finished (status 'running': still being written, or "
        "stopped before its end), so this covers only the events written so far; go on with "
        f"`busywork simulate --resume {run}`\n"
    )
