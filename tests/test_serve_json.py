"""Serving once the work is done: `replay --serve --json` keeps stdout one JSON document (where
to browse and how to stop go to stderr), and Ctrl-C pressed twice never kills the process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time

import requests

from tests.replay_checks import make_run
from tests.runner import BUSYWORK, read_until, sigint_as_from_a_terminal


def test_replay_serve_json_keeps_stdout_one_json_document(tmp_path):
    run_dir = make_run(tmp_path / "run", days=1)
    proc = subprocess.Popen(
        [BUSYWORK, "replay", str(run_dir), "--to", "sandbox", "--serve", "--json"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL, preexec_fn=sigint_as_from_a_terminal,
    )  # fmt: skip
    killer = threading.Timer(60, proc.kill)  # a replay that never says it serves fails, not hangs
    killer.start()
    told: list[str] = []
    try:
        assert proc.stderr is not None
        read_until(proc.stderr, "Serving", told)
        browse = next((t.split()[1] for t in told if t.startswith("Browse:")), None)
        assert browse is not None, told
        assert requests.get(browse, timeout=10).status_code == 200  # it serves there
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        killer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, (told, err)
    summary = json.loads(out)  # nothing else on stdout
    assert summary["applied"] > 0 and summary["stopped"] == ""
    assert told[-1] == "Serving the sandbox; press Ctrl-C to stop.\n" and err == "", (told, err)


# What `replay --serve` and `demo` run once their work is done (adapters/interrupts.py).
SERVING = """
from adapters.interrupts import serve_until_interrupted
serve_until_interrupted(lambda: print("Serving", flush=True), 0)
"""


def test_a_second_ctrl_c_while_serving_ends_never_kills_the_process(rng):
    """The first Ctrl-C ends the wait and the command ends as it would; the second, 0-30 ms
    later, comes while it still ends or as the interpreter exits, and must not kill it (-2):
    Python puts back the default SIGINT handler at its very end."""
    for _ in range(20):
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVING], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, stdin=subprocess.DEVNULL, preexec_fn=sigint_as_from_a_terminal,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline() == "Serving\n"
        proc.send_signal(signal.SIGINT)
        time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert (proc.returncode, err) == (0, ""), (proc.returncode, err)
