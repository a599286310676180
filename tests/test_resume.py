"""Crash and resume: `kill -9` a simulation at random moments, resume it, and get exactly the
bytes an uninterrupted run writes."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.runner import BUSYWORK, busywork, sigint_as_from_a_terminal

DAYS = "150"


def events_bytes(run: Path) -> bytes:
    segments = sorted((run / "events").glob("*.jsonl"), key=lambda p: int(p.stem))
    return b"".join(p.read_bytes() for p in segments)


def written(run: Path) -> int:
    """Bytes of events on disk so far (a segment may vanish from under a listing: none do)."""
    return sum(p.stat().st_size for p in (run / "events").glob("*.jsonl"))


def wait_for_manifest(run: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while not (run / "manifest.json").exists() and proc.poll() is None:
        assert time.monotonic() < deadline, "the run never wrote its manifest"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The uninterrupted run."""
    work = tmp_path_factory.mktemp("reference")
    busywork("simulate", "--days", DAYS, "--seed", "5", "--out", "full", "--json", cwd=work)
    return work / "full"


@pytest.fixture(scope="module")
def three_days(tmp_path_factory) -> Path:
    """A finished 3-day run, simulated once; tests resume their own copy of it."""
    work = tmp_path_factory.mktemp("three-days")
    busywork("simulate", "--days", "3", "--seed", "5", "--out", "run", cwd=work)
    return work / "run"


def copy_of(run: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(run, tmp_path / "run"))


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(3))
def test_resume_after_kill_9_is_byte_identical(tmp_path, rng, reference, attempt):
    full = reference
    proc = subprocess.Popen(
        [BUSYWORK, "simulate", "--days", DAYS, "--seed", "5", "--out", "run", "--json"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    manifest = tmp_path / "run" / "manifest.json"
    wait_for_manifest(tmp_path / "run", proc)
    # A random moment by progress, not by a time measured on the reference run: the machine's load
    # changes between the two, and a run that sped up had finished before its kill.
    kill_at = rng.uniform(0.02, 0.8) * len(events_bytes(full))
    while written(tmp_path / "run") < kill_at and proc.poll() is None:
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = events_bytes(tmp_path / "run")
    print(f"killed after {len(before)} of {len(events_bytes(full))} bytes (rc {proc.returncode})")
    # The kill interrupted the run (a run that had finished would make the resume trivial).
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    assert json.loads(manifest.read_text())["status"] != "complete"

    result = busywork("simulate", "--resume", "run", "--json", cwd=tmp_path)
    summary = json.loads(result.stdout)
    assert events_bytes(tmp_path / "run") == events_bytes(full)
    assert json.loads(manifest.read_text())["status"] == "complete"
    assert summary["events"] == len(events_bytes(full).splitlines())


def test_resume_refuses_a_log_from_another_story(tmp_path, three_days):
    copy_of(three_days, tmp_path)  # simulated with seed 5
    # Swap in another seed's manifest: the durable events no longer match the simulation.
    # (Of an interrupted run: a complete one has nothing to resume, so nothing is compared.)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    manifest["scenario"]["seed"] = 6
    manifest["status"] = "running"
    (tmp_path / "run" / "manifest.json").write_text(json.dumps(manifest))
    before = events_bytes(tmp_path / "run")
    result = busywork("simulate", "--resume", "run", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert "cannot resume: event 1 differs from the log" in result.stderr
    assert events_bytes(tmp_path / "run") == before


def test_resuming_a_finished_run_changes_nothing(tmp_path, three_days):
    copy_of(three_days, tmp_path)
    before = events_bytes(tmp_path / "run")
    busywork("simulate", "--resume", "run", cwd=tmp_path)
    assert events_bytes(tmp_path / "run") == before


def test_resume_cuts_a_torn_tail(tmp_path, three_days):
    copy_of(three_days, tmp_path)
    whole = events_bytes(tmp_path / "run")
    segment = sorted((tmp_path / "run" / "events").glob("*.jsonl"))[-1]
    with open(segment, "r+b") as f:  # a crash in the middle of the last line
        f.truncate(len(segment.read_bytes()) - 17)
    busywork("simulate", "--resume", "run", cwd=tmp_path)
    assert events_bytes(tmp_path / "run") == whole


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{bad", "damaged manifest: JSON is malformed"),
        (b"", "damaged manifest: Input data was truncated"),
        (b"\xff\xfe", "damaged manifest: JSON is malformed"),
        (b'{"format": 1}', "damaged manifest: Object missing required field `run_id`"),
    ],
)
@pytest.mark.parametrize("command", [["show", "run"], ["simulate", "--resume", "run"]])
def test_a_damaged_manifest_is_one_line_naming_the_file(
    tmp_path, three_days, content, expected, command
):
    copy_of(three_days, tmp_path)
    (tmp_path / "run" / "manifest.json").write_bytes(content)
    before = events_bytes(tmp_path / "run")
    result = busywork(*command, cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {Path('run') / 'manifest.json'}: {expected}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert events_bytes(tmp_path / "run") == before


def test_an_unreadable_manifest_is_one_line_naming_the_file(tmp_path, three_days):
    copy_of(three_days, tmp_path)
    (tmp_path / "run" / "manifest.json").unlink()
    (tmp_path / "run" / "manifest.json").mkdir()
    result = busywork("show", "run", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: run/manifest.json: cannot read the manifest: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_resume_checks_a_hand_edited_scenario_again(tmp_path, three_days):
    from engine.content.templates import TemplateSource
    from engine.errors import InvalidInput
    from engine.run import read_manifest, simulate_run

    run = copy_of(three_days, tmp_path)
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["scenario"]["people"][0]["hours"] = "09:00-09:07"  # shorter than a calendar step
    manifest["status"] = "running"
    (run / "manifest.json").write_text(json.dumps(manifest))
    before = events_bytes(run)
    with pytest.raises(InvalidInput) as info:
        simulate_run(run, read_manifest(run), TemplateSource())
    assert str(info.value).startswith(
        f"{run / 'manifest.json'}: scenario.people[0].hours: '09:00-09:07' lasts 7 minutes"
    )
    result = busywork("simulate", "--resume", "run", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"Error: {Path('run') / 'manifest.json'}: scenario.people[0].hours: '09:00-09:07' lasts"
    )
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert events_bytes(run) == before


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_says_how_to_finish_the_run(tmp_path, sig):
    """SIGTERM stops as Ctrl-C does (it used to kill the command: no word, and Claude calls in
    flight got no grace)."""
    proc = subprocess.Popen(
        [BUSYWORK, "simulate", "--days", "3000", "--seed", "5", "--out", "run", "--json"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_as_from_a_terminal,
    )
    segments = tmp_path / "run" / "events"
    deadline = time.monotonic() + 30
    while not any(segments.glob("*.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert stderr.strip().endswith("Interrupted. Finish it with: busywork simulate --resume run")
    assert "Traceback" not in stderr, stderr
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["status"] == "running"
