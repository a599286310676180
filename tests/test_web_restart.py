"""`busywork serve` restarted, killed or started twice on one data folder: a backfill picked up
after its simulation shows the run's figures, a job into the in-process sandbox (which cannot
outlive the server) starts its replay again without counting twice, and a second server on
the same folder refuses to start instead of failing the first one's jobs."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from adapters.web.job_drive import SANDBOX_RESTARTED
from engine.log import FileLog
from tests.test_web import servers, wait_for

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def finished(web, job_id: str, timeout: float = 60) -> dict:
    view = wait_for(lambda: (v := web.ok("GET", f"/jobs/{job_id}"))["status"]
                    in ("completed", "failed") and v, timeout=timeout)  # fmt: skip
    assert view["status"] == "completed", view["error"]
    return view


@pytest.mark.slow
def test_a_sandbox_backfill_picked_up_after_its_simulation(make_web, tmp_path):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    job = first.create(mode="backfill", speed="max", scenario={"days": 3, "seed": 2},
                       target={"kind": "sandbox"})  # fmt: skip
    jid = job["id"]
    done = finished(first, jid)
    written = FileLog.open_readonly(data / jid).last_seq
    assert done["events"] == written and done["replay_progress"] == 1.0
    assert done["replay"]["settled"] == written and done["replay"]["deferred"] == 0
    first.stop()
    # As a kill -9 during the replay leaves it: the run is complete (its manifest says so),
    # job.json still says running, with the figures of its last save.
    path = data / jid / "job.json"
    state = json.loads(path.read_text())
    state.update(status="running", ended_at=None, events=0, sim_seconds=0.0)
    path.write_text(json.dumps(state))

    second = make_web(data_dir=data)
    again = finished(second, jid)
    # The figures come from the run, not from job.json's zeros.
    assert again["events"] == written and again["simulated_now"] is not None
    assert again["progress"] == 1.0 and again["replay_progress"] == 1.0
    # A new, empty sandbox got the whole run again; its figures start from zero.
    replay = again["replay"]
    assert replay["applied"] + replay["skipped"] == written, replay
    assert replay["settled"] == written and replay["browse_url"].startswith("http://127.0.0.1:")
    assert SANDBOX_RESTARTED in again["warnings"]
    assert len(list((data / jid / "targets").iterdir())) == 2  # a checkpoint per sandbox
    second.stop()

    # That sandbox went with the server: the next one shows no link to it.
    third = make_web(data_dir=data)
    assert third.ok("GET", f"/jobs/{jid}")["replay"]["browse_url"] == ""
    assert json.loads(path.read_text())["replay"]["browse_url"] == ""
    assert third.ok("GET", f"/jobs/{jid}")["warnings"].count(SANDBOX_RESTARTED) == 1


def test_a_job_reopened_after_a_crash_warns_of_the_torn_line_its_log_cut(make_web, tmp_path):
    """What `busywork simulate --resume` prints as a note: the job keeps it in its warnings."""
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    jid = first.create(speed="max", scenario={"days": 2, "seed": 4})["id"]
    written = finished(first, jid)["events"]
    first.stop()
    # As a kill -9 mid-simulation leaves it: a torn last line, the manifest and job.json running.
    (segment,) = (data / jid / "events").iterdir()
    lines = segment.read_bytes().splitlines(keepends=True)
    kept = len(lines) // 2
    segment.write_bytes(b"".join(lines[:kept]) + lines[kept][:10])
    for name, changes in (("manifest.json", {"status": "running"}),
                          ("job.json", {"status": "running", "ended_at": None, "events": 0})):  # fmt: skip
        path = data / jid / name
        path.write_text(json.dumps(json.loads(path.read_text()) | changes))

    again = finished(make_web(data_dir=data), jid)
    assert again["events"] == written
    note = (f"{segment}: cut torn last line {kept + 1} (10 bytes, no newline); "
            f"the log now ends at seq {kept}")  # fmt: skip
    assert again["warnings"] == [note]
    assert json.loads((data / jid / "job.json").read_text())["warnings"] == [note]


def test_a_job_that_never_reached_its_sandbox_gets_no_restart_warning(make_web):
    web = make_web()
    job = web.create(mode="backfill", speed="max", scenario={"days": 1},
                     target={"kind": "sandbox"})  # fmt: skip
    done = finished(web, job["id"])
    assert SANDBOX_RESTARTED not in done["warnings"]


# -- real processes: kill -9, two servers ------------------------------------------------------


class Serve:
    """`busywork serve --port 0` in a child process."""

    def __init__(self, data: Path) -> None:
        command = [sys.executable, "-c", "from cli import main; main()", "serve", "--port", "0",
                   "--data", str(data)]  # fmt: skip
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)  # fmt: skip
        self.url = ""

    def started(self) -> Serve:
        banner = self.proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", banner)
        assert found, banner + self.proc.stderr.read()
        self.url = found.group(1) + "/api"
        return self

    def get(self, path: str) -> dict:
        return requests.get(self.url + path, timeout=30).json()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def serve(tmp_path):
    started: list[Serve] = []

    def start(data: Path) -> Serve:
        started.append(Serve(data))
        return started[-1]

    yield start
    for server in started:
        server.kill()


def test_a_second_server_on_the_same_folder_refuses_to_start(serve, tmp_path):
    data = tmp_path / "replays"
    first = serve(data).started()
    job = requests.post(first.url + "/jobs", json={"scenario": {"days": 30}, "speed": 3600},
                        timeout=30).json()  # fmt: skip
    second = serve(data)
    assert second.proc.wait(60) == 1
    stderr = second.proc.stderr.read()
    assert str(data) in stderr and f"another busywork serve (pid {first.proc.pid})" in stderr
    assert "Traceback" not in stderr, stderr
    # The first server's job was left alone.
    assert first.get(f"/jobs/{job['id']}")["status"] == "running"
    assert json.loads((data / job["id"] / "job.json").read_text())["status"] == "running"
    # A server killed with -9 leaves its lock file but not its lock: the next one starts.
    first.kill()
    third = serve(data).started()
    assert third.get(f"/jobs/{job['id']}")["status"] == "running"


@pytest.mark.slow
def test_a_backfill_killed_during_its_replay_resumes_with_its_figures(serve, tmp_path):
    """The probe's case, for real: kill -9 after the simulation, while the replay runs."""
    data = tmp_path / "replays"
    first = serve(data).started()
    spec = {"mode": "backfill", "speed": "max", "scenario": {"days": 60, "seed": 3},
            "target": {"kind": "sandbox"}}  # fmt: skip
    jid = requests.post(first.url + "/jobs", json=spec, timeout=30).json()["id"]

    def replaying() -> bool:
        view = first.get(f"/jobs/{jid}")
        assert view["status"] == "running", view
        return bool(view["replay"] and view["replay"]["applied"] > 0)

    wait_for(replaying, timeout=120, what="the replay under way")
    first.kill()
    written = FileLog.open_readonly(data / jid).last_seq
    assert json.loads((data / jid / "manifest.json").read_text())["status"] == "complete"

    second = serve(data).started()
    view = wait_for(lambda: (v := second.get(f"/jobs/{jid}"))["status"] != "running" and v,
                    timeout=180, what="the job to end")  # fmt: skip
    assert view["status"] == "completed", view["error"]
    assert view["events"] == written and view["simulated_now"] is not None
    replay = view["replay"]
    assert replay["applied"] + replay["skipped"] == written and view["replay_progress"] == 1.0
    assert SANDBOX_RESTARTED in view["warnings"]
    assert os.path.isdir(data / jid / "targets")
