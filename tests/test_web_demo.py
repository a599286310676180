"""`busywork demo` serves the dashboard (the demo run as a job) beside the sandbox."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import requests

from tests.runner import BUSYWORK, read_until, sigint_as_from_a_terminal


def test_demo_serves_dashboard_with_the_run_beside_the_sandbox(tmp_path):
    proc = subprocess.Popen(
        [BUSYWORK, "demo", "--days", "2", "--port", "0", "--serve-seconds", "60"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    killer = threading.Timer(90, proc.kill)  # a hung demo fails the test, not the suite
    killer.start()
    lines: list[str] = []
    try:
        read_until(proc.stdout, "Serving both", lines)
        text = "".join(lines)
        dashboard = re.search(r"Dashboard:\s+(http://\S+/)#job=(\S+)", text)
        browse = re.search(r"Sandbox:\s+(http://\S+)", text)
        assert dashboard and browse, text
        run_id = dashboard.group(2)
        jobs = requests.get(dashboard.group(1) + "api/jobs", timeout=10).json()
        job = next(j for j in jobs if j["id"] == run_id)
        assert job["status"] == "completed" and job["events"] > 0
        assert job["replay"]["browse_url"] == browse.group(1)
        assert job["replay"]["applied"] > 0 and job["progress"] == 1.0
        page = requests.get(dashboard.group(1) + f"api/jobs/{run_id}/activity?limit=5", timeout=10)
        assert len(page.json()["items"]) == 5
        sandbox = requests.get(browse.group(1), timeout=10)
        assert sandbox.status_code == 200 and "text/html" in sandbox.headers["content-type"]
        assert requests.get(dashboard.group(1), timeout=10).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, proc.stderr.read()
    finally:
        killer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    state = json.loads((tmp_path / "replays" / run_id / "job.json").read_text())
    assert state["status"] == "completed"
    assert state["replay"]["browse_url"] == ""  # the sandbox is gone with the demo


def test_demo_without_a_terminal_does_not_serve(tmp_path):
    result = subprocess.run([BUSYWORK, "demo", "--days", "1"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == 0, result.stderr
    # It replayed (the summary line), then stopped instead of serving the dashboard.
    assert "Replayed into sandbox-" in result.stdout and "Dashboard:" not in result.stdout
    assert "Not serving the dashboard: there is no terminal" in result.stdout
    assert not list((tmp_path / "replays").glob("*/job.json"))
    # It ends with what to do next, with busywork as the user can type it here.
    (run,) = (tmp_path / "replays").iterdir()
    tail = result.stdout[result.stdout.index("\nNext:\n") :]
    assert f"show replays/{run.name} --tail 20" in tail and "report replays/" in tail
    if shutil.which("busywork") is None:  # not on PATH: how to put it there comes first
        assert f"source {Path(BUSYWORK).parent}/activate" in tail


def test_ctrl_c_pressed_again_and_again_stops_the_demo_quietly(tmp_path, rng):
    """Ctrl-C pressed over and over (0-20 ms apart) from the moment the demo serves: the first
    stops it, any other quits at once; either way it exits as its replay did (0), with nothing
    on stderr. A KeyboardInterrupt raised inside a lock's wait or the servers' shutdown once
    ended in a traceback, `Interrupted.` or a job file written twice at once."""
    proc = subprocess.Popen(
        [BUSYWORK, "demo", "--days", "1", "--port", "0", "--serve-seconds", "60"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL, preexec_fn=sigint_as_from_a_terminal,
    )  # fmt: skip
    killer = threading.Timer(90, proc.kill)  # a hung demo fails the test, not the suite
    killer.start()
    try:
        read_until(proc.stdout, "Serving both")
        while proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            time.sleep(rng.uniform(0, 0.02))
        out, err = proc.communicate(timeout=60)
    finally:
        killer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (proc.returncode, err) == (0, ""), (proc.returncode, out, err)
