"""The worker processes of `busywork simulate --workers N` as processes: only the workers are
started (no multiprocessing resource tracker), they run the caller's engine (compiled or not),
the caller stops and reaps them however it ends, and they end on their own when it is killed."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest

from engine.compiled import build_dir, compiled_modules
from engine.errors import BusyworkError
from engine.parallel import _receive, start_worker
from engine.scenario import resolve
from tests.runner import BUSYWORK, sigint_as_from_a_terminal
from tests.test_organisation import three_teams, three_teams_toml

ROOT = Path(__file__).resolve().parent.parent
WORKER_MARK = "engine.team_steps"  # in a worker's command line


def children(pid: int) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def ended(pid: int) -> bool:
    """Gone, or a zombie nobody reaps (an orphan's new parent may not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def start_parallel_run(tmp_path: Path, **popen) -> tuple[subprocess.Popen[str], list[int]]:
    """`busywork simulate --workers 2` of three teams for years, once its workers are sending
    steps; with the pids of its child processes."""
    (tmp_path / "teams.toml").write_text(three_teams_toml(2000))
    proc = subprocess.Popen([BUSYWORK, "simulate", "teams.toml", "--out", "run", "--workers", "2"],
                            cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, **popen)  # fmt: skip
    segment = tmp_path / "run" / "events" / "00000001.jsonl"
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if segment.exists() and segment.stat().st_size > 0:  # steps of both workers merged
            return proc, children(proc.pid)
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"the run never got going: {proc.communicate()[1]}")


@contextlib.contextmanager
def cleaned_up(proc: subprocess.Popen[str], pids: list[int]):
    try:
        yield
    finally:  # whatever failed, leave nothing running
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in pids:
            if WORKER_MARK in command_line(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def test_a_killed_parallel_run_leaves_no_worker_behind(tmp_path):
    proc, pids = start_parallel_run(tmp_path)
    with cleaned_up(proc, pids):
        lines = [command_line(pid) for pid in pids]
        # Its two workers, and no other process (multiprocessing's spawn would add a resource
        # tracker, some 12 MB).
        assert len(pids) == 2 and all(WORKER_MARK in line for line in lines), lines
        # They run the engine the caller runs: compiled when built (and not turned off).
        maps = [Path(f"/proc/{pid}/maps").read_text() for pid in pids]
        assert all((str(build_dir()) in m) == bool(compiled_modules()) for m in maps)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while not all(map(ended, pids)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(ended, pids)), [command_line(pid) for pid in pids]


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["SIGTERM", "Ctrl-C"])
def test_a_stopped_parallel_run_stops_and_reaps_its_workers(tmp_path, stop):
    # Ctrl-C at a terminal reaches the whole process group, the workers too: they leave the
    # stopping to the command.
    proc, pids = start_parallel_run(
        tmp_path, start_new_session=True, preexec_fn=sigint_as_from_a_terminal
    )
    with cleaned_up(proc, pids):
        assert len(pids) == 2
        if stop == "SIGTERM":
            proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert not any(Path(f"/proc/{pid}").exists() for pid in pids)  # reaped by the command
        assert proc.returncode == 130, err
        assert err.startswith("Interrupted. Finish it with:") and "worker" not in err, err


@pytest.mark.timeout(60)
def test_a_worker_process_reports_its_error_and_its_end():
    process, pipe = start_worker()
    try:
        pipe.send_bytes(b"[cut short")
        with pytest.raises(BusyworkError, match=r"simulation worker 3 failed: DecodeError"):
            _receive(pipe, 3)
    finally:
        pipe.close()
        process.wait()
    process, pipe = start_worker()
    try:
        pipe.send_bytes(msgspec.json.encode((resolve(three_teams(days=400)), [0, 1, 2], 1)))
        assert _receive(pipe, 0) is not None
        process.kill()
        with pytest.raises(BusyworkError, match="simulation worker 0 ended (without a word|in the middle of a step)"):  # fmt: skip
            while _receive(pipe, 0) is not None:  # the steps already in the pipe, then the end
                pass
    finally:
        pipe.close()
        process.wait()


@pytest.mark.timeout(60)
def test_a_worker_process_leaves_ctrl_c_to_the_caller():
    """A terminal's Ctrl-C reaches the workers too; the command stops them itself (so none
    prints a KeyboardInterrupt of its own, or reports one the command would take for a
    failure)."""
    process, pipe = start_worker()
    try:
        pipe.send_bytes(msgspec.json.encode((resolve(three_teams(days=14)), [0, 1, 2], 1)))
        assert _receive(pipe, 0) is not None
        ignored = next(line for line in Path(f"/proc/{process.pid}/status").read_text().splitlines()
                       if line.startswith("SigIgn:"))  # fmt: skip
        assert int(ignored.split()[1], 16) & (1 << (signal.SIGINT - 1)), ignored
        process.send_signal(signal.SIGINT)
        while _receive(pipe, 0) is not None:  # it goes on to the end
            pass
    finally:
        pipe.close()
        process.wait()


def test_a_worker_process_runs_with_the_caller_s_interpreter_flags():
    """`python -O -X dev …` of the command: its workers run optimised and in development mode
    too, as the command's own process does (what multiprocessing's spawn passed on)."""
    script = (
        "import json; from pathlib import Path; from engine.parallel import start_worker\n"
        "import time; process, pipe = start_worker(); waited = 0\n"
        "cmdline = Path(f'/proc/{process.pid}/cmdline')\n"
        "while b'engine.team_steps' not in cmdline.read_bytes() and waited < 1000:\n"
        "    time.sleep(0.01); waited += 1  # (until it has started the interpreter)\n"
        "print(json.dumps(cmdline.read_bytes().decode().split('\\0')))\n"
        "pipe.close(); process.wait()\n"
    )
    shown = subprocess.run(
        [sys.executable, "-O", "-X", "dev", "-c", script],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    worker_argv = json.loads(shown)
    assert "-O" in worker_argv and worker_argv[worker_argv.index("-X") + 1] == "dev", worker_argv
