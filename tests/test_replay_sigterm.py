"""Ctrl-C and SIGTERM at random moments of a `busywork replay` (a real subprocess, the
in-process sandbox), from the moment its SIGTERM handler is in place: it always ends with
exit code 130 (or 0, when the replay had finished and was reporting), never by the signal,
never with a traceback, and says what it did. The replay command once set its SIGTERM handler
only for the replay itself: a SIGTERM while it connected, or while it reported, killed it with
no word. Ctrl-C followed within microseconds by SIGTERM could deadlock it: the handler set the
stop event while the main thread held that event's lock."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.replay_checks import make_run
from tests.runner import BUSYWORK

pytestmark = pytest.mark.slow

RUNS = 20
FIRST_WITHIN = 1.5  # seconds after the handler is in place: connecting, then replaying
SECOND_WITHIN = 0.05  # seconds after the first: a second signal while the first is handled


def _catches_sigterm(pid: int) -> bool:
    """Whether the process has a handler for SIGTERM (its SigCgt mask, from /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=2)


def test_signals_at_random_moments_always_end_replay_with_its_code(template_run, tmp_path):
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    endings: dict[str, int] = {}
    for i in range(RUNS):
        run_dir = Path(shutil.copytree(template_run, tmp_path / f"run-{i}"))
        # Paced, so the replay is still busy when the signals come.
        proc = subprocess.Popen(
            [BUSYWORK, "replay", str(run_dir), "--to", "sandbox", "--speed", "1000"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not _catches_sigterm(proc.pid):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no SIGTERM handler was ever installed"
            time.sleep(0.001)
        first_signal = rng.choice([signal.SIGINT, signal.SIGTERM])
        first, second = rng.uniform(0, FIRST_WITHIN), rng.uniform(0, SECOND_WITHIN)
        time.sleep(first)
        proc.send_signal(first_signal)
        time.sleep(second)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(("hung", i, first_signal.name, first, second, out, err)) from None
        moment = f"run {i}: {first_signal.name} after {first:.3f} s, SIGTERM {second:.3f} s later"
        assert proc.returncode in (0, 130), (moment, proc.returncode, out, err)
        assert "Traceback" not in err + out, (moment, err)
        if "Stopped early: interrupted." in out:
            ending = "summary"
        elif proc.returncode == 0:
            ending = "finished"
            assert "Replayed" in out or "events" in out, (moment, out)
        else:
            ending = "interrupted"
            assert err.splitlines()[-1:] == ["Interrupted."], (moment, out, err)
        endings[ending] = endings.get(ending, 0) + 1
    print(endings)
