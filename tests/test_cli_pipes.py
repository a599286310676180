"""Output into a pipe whose reader has gone (`busywork stats RUN | head`) ends quietly with 0,
for every command, whether it prints with click or with rich."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.runner import BUSYWORK, busywork


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("pipes")
    busywork("simulate", "--days", "30", "--out", "run", cwd=work)
    return work / "run"


def into_a_closed_pipe(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run busywork with stdout a pipe whose reader closed before the first line: the
    earliest a reader can close, so the first write already meets a broken pipe."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [BUSYWORK, *args], cwd=cwd, stdout=write_end, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args",
    [
        ["show", "{run}"],  # click
        ["stats", "{run}"],  # rich
        ["stats", "{run}", "--json"],
        ["report", "{run}"],  # rich; exit 1 would mean a check failed
        ["query", "{run}", "SELECT type FROM events"],  # rich
    ],
    ids=" ".join,
)
def test_reading_commands_end_quietly_with_0(run_dir, args):
    result = into_a_closed_pipe(*(a.format(run=run_dir) for a in args), cwd=run_dir.parent)
    assert (result.returncode, result.stderr) == (0, "")


def test_simulate_ends_quietly_with_0_and_the_run_is_complete(tmp_path):
    result = into_a_closed_pipe("simulate", "--days", "30", "--out", "run", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    again = busywork("simulate", "--resume", "run", "--json", cwd=tmp_path)
    assert json.loads(again.stdout)["events"] == json.loads(again.stdout)["resumed_from"]


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["stats", "--help"]], ids=" ".join)
def test_the_groups_own_output_ends_as_a_commands_does(tmp_path, args):
    """`busywork --help | head -1` ends quietly with 0, and `busywork --help > /dev/full` names
    stdout, as a command's output does (the group's options are handled before any command)."""
    result = into_a_closed_pipe(*args, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    if not Path("/dev/full").exists():
        return
    with open("/dev/full", "w") as full:
        result = subprocess.run([BUSYWORK, *args], cwd=tmp_path, stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=120)  # fmt: skip
    assert (result.returncode, result.stderr) == (1, "Error: stdout: No space left on device\n")
