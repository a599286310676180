"""A target that stops answering for a while: parked events are not failures (a replay goes on),
and `busywork live` waits the outage out, saying so on its status line, then delivers
everything exactly once."""

from __future__ import annotations

import contextlib
import json
import secrets
import subprocess
import threading
import time
from pathlib import Path

import pytest

from adapters.asana.client import AsanaClient, Backoff
from adapters.asana.live_status import OutageNote
from adapters.asana.sandbox import SandboxPerson
from engine import events as ev
from engine.replay import ReplayOptions, replay
from engine.replay_deps import created_id
from engine.replay_journal import Journal
from engine.replay_target import Parked
from engine.scenario import default_scenario, resolve
from tests.replay_checks import (
    assert_sandbox_holds_the_run_once,
    events_of,
    make_run,
    tokens_of,
    write_tokens_file,
)
from tests.runner import BUSYWORK

# Longer than a replay's whole backoff (0.5 + 1 + 2 + 4 + 8 s at most): without live's patience
# what it sends when the outage begins is parked for sure.
OUTAGE_SECONDS = 20.0


class ParkingTarget:
    """An in-memory target that parks the events in `park` (as an outage would) and applies
    the rest."""

    name = "parking"

    def __init__(self, park: set[int]) -> None:
        self.park = park
        self.parked_when_sent = 0  # not those parked because one they depend on was

    def observe(self, event: ev.Event) -> None:
        pass

    def lane(self, event: ev.Event) -> str:
        return "one"

    def apply(self, event: ev.Event, ids, *, uncertain: bool) -> dict[str, str]:
        if event.seq in self.park:
            self.parked_when_sent += 1
            raise Parked("GET /users/me: connection failed (gave up after 6 tries)")
        made = created_id(event)
        return {made: f"g{event.seq}"} if made else {}

    def counters(self) -> dict[str, float]:
        return {"requests": 0, "retries": 0, "rate_limited": 0}


def test_parked_events_do_not_count_toward_the_stop_for_failures(tmp_path):
    run_dir = make_run(tmp_path / "run", days=4)
    events = events_of(run_dir)
    # The target stops answering halfway: the second half is parked, far more than the tenth
    # of the events read, and of those sent (the target's own answers), that stops a replay
    # for failures here.
    half = len(events) // 2
    target = ParkingTarget({e.seq for e in events if e.seq > half})
    with Journal(tmp_path / "t") as journal:
        summary = replay(target, journal, events, options=ReplayOptions(max_failure_ratio=0.1))
    assert summary.stopped == "" and summary.failed == 0, summary.stopped
    assert summary.parked > len(events) / 10
    assert target.parked_when_sent > (summary.applied + target.parked_when_sent) / 10
    assert summary.applied + summary.parked == len(events)


def default_people() -> list[SandboxPerson]:
    return [SandboxPerson(p.email.lower(), p.name, secrets.token_urlsafe(16))
            for p in resolve(default_scenario()).people]  # fmt: skip


def applied_so_far(run_dir: Path) -> int:
    return sum(
        line.startswith(b'{"k":"A"')
        for journal in run_dir.glob("targets/*/journal.jsonl")
        for line in journal.read_bytes().splitlines()
    )


def wait_until(condition, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"ended before {what}: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.02)


@pytest.mark.slow  # about 45 s: the outage lasts long enough to be waited out
def test_live_waits_out_an_outage_and_delivers_everything_once(make_sandbox, tmp_path):
    people, admin, data = default_people(), secrets.token_urlsafe(16), tmp_path / "data"
    sandbox = make_sandbox(people=people, admin_token=admin, data_dir=data)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, admin))
    run_dir = tmp_path / "live"
    # Five simulated days (a working day among them, whatever today is) in about ten seconds.
    proc = subprocess.Popen(
        [BUSYWORK, "live", "--days", "5", "--speed", "40000", "--run", str(run_dir), "--to",
         sandbox.base_url, "--tokens", str(tokens), "--landing-seconds", "1", "--json"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(lambda: applied_so_far(run_dir) > 0, proc, "the first event is delivered")
        sandbox.stop()
        before = applied_so_far(run_dir)
        time.sleep(OUTAGE_SECONDS)
        port = int(sandbox.base_url.split(":")[2].split("/")[0])
        sandbox = make_sandbox(people=people, admin_token=admin, data_dir=data, port=port)
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    summary = json.loads(out)
    assert proc.returncode == 0, (summary["stopped"], err)
    assert summary["parked"] == summary["failed"] == summary["deferred"] == 0, err
    assert summary["applied"] > before, "the outage came after everything was delivered"
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


def test_the_status_line_says_while_the_target_is_unavailable(make_sandbox, tmp_path):
    sandbox = make_sandbox(data_dir=tmp_path / "data")
    port = int(sandbox.base_url.split(":")[2].split("/")[0])
    patient = Backoff(base=0.05, cap=0.05, attempts=1000, timeout=(2.0, 5.0), landing=0.0)
    client = AsanaClient(sandbox.base_url, {"default": sandbox.admin_token}, backoff=patient)
    note = OutageNote(client.counters)
    client.get("default", "/users/me")
    assert note() == ""
    sandbox.stop()
    answers: list[object] = []
    call = threading.Thread(target=lambda: answers.append(client.get("default", "/users/me")))
    call.start()
    deadline = time.monotonic() + 30
    while note() != "target unavailable: retrying":
        assert time.monotonic() < deadline, "the status line never said so"
        time.sleep(0.05)
    make_sandbox(people=sandbox.config.people, admin_token=sandbox.admin_token,
                 data_dir=tmp_path / "data", port=port)  # fmt: skip
    call.join(timeout=60)
    assert answers, "the call never got through after the restart"
    assert note() == "" and note() == ""
    client.close()


def test_the_first_look_at_the_status_line_says_the_target_is_unavailable(make_sandbox, tmp_path):
    # Without a terminal the status line is looked at once a minute: an outage that began
    # before the first look (or after a success earlier in that minute) is said at that look.
    sandbox = make_sandbox(data_dir=tmp_path / "data")
    patient = Backoff(base=0.05, cap=0.05, attempts=1000, timeout=(2.0, 5.0), landing=0.0)
    client = AsanaClient(sandbox.base_url, {"default": sandbox.admin_token}, backoff=patient)
    first_look, later_look = OutageNote(client.counters), OutageNote(client.counters)
    assert later_look() == ""
    client.get("default", "/users/me")  # a success since `later_look` last looked
    sandbox.stop()

    def retry() -> None:
        with contextlib.suppress(Exception):  # ended by the close below
            client.get("default", "/users/me")

    threading.Thread(target=retry, daemon=True).start()
    deadline = time.monotonic() + 30
    while client.counters.retries < 3:
        assert time.monotonic() < deadline, "the call was not retried"
        time.sleep(0.05)
    assert first_look() == "target unavailable: retrying"
    assert later_look() == "target unavailable: retrying"
    client.close()
