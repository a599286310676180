"""SIGTERM at any moment of a `busywork live` (a real subprocess, the in-process sandbox): it
exits 130, with its summary once the run is set up or ``Interrupted.`` before, and never dies
by the signal. It once installed its handlers in two steps, with the default action between
them, and put the default back before its summary: a SIGTERM then killed it without a word."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.runner import BUSYWORK

RUNS = 20
FIRST_WITHIN = 1.2  # seconds after the run folder appears: setting up, then running
SECOND_WITHIN = 0.6  # seconds after the first: a process manager that asks twice


def _live(run_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [BUSYWORK, "live", "--days", "1", "--speed", "0.01", "--to", "sandbox", "--json",
         "--run", str(run_dir)], cwd=run_dir.parent, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.slow
def test_sigterm_at_random_moments_of_startup_always_ends_live_with_its_code(tmp_path):
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    endings: dict[str, int] = {}
    for i in range(RUNS):
        run_dir = tmp_path / f"live-{i}"
        proc = _live(run_dir)
        deadline = time.monotonic() + 60
        # The folder is made once live's handler is in place (before that, Python starts).
        while not run_dir.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run folder never appeared"
            time.sleep(0.001)
        first, second = rng.uniform(0, FIRST_WITHIN), rng.uniform(0, SECOND_WITHIN)
        time.sleep(first)
        proc.send_signal(signal.SIGTERM)
        time.sleep(second)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        moment = f"run {i}: SIGTERM after {first:.3f} s and {second:.3f} s more"
        assert proc.returncode == 130, (moment, proc.returncode, out, err)
        assert "Traceback" not in err, (moment, err)
        summarised = '"stopped":"interrupted"' in out
        assert summarised or err.splitlines()[-1:] == ["Interrupted."], (moment, out, err)
        ending = "summary" if summarised else "interrupted"
        endings[ending] = endings.get(ending, 0) + 1
    print(endings)
