"""Exactly once past the client's read timeout, and stopping promptly under rate limits.

- A create the server answers only after the client gave up (the sandbox's ``slow`` fault)
  still takes effect there. The client looks for it, and when it is not there yet, looks again
  once it can no longer land (``Backoff.landing``) before sending it again: one task, not two.
- The client's stop event (the replay's Ctrl-C/SIGTERM) ends a wait for the rate limit at once;
  the replay stops as "interrupted" with nothing failed, and a later run finishes exactly once.
"""

from __future__ import annotations

import random
import threading
import time

from adapters.asana.client import AsanaClient, Backoff, Limits, Stopped
from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.replay_job import run_replay
from adapters.asana.sandbox import FaultPlan
from tests.replay_checks import (
    UNLIMITED,
    assert_exactly_once,
    read_back,
    run_people,
    synthetic_run,
    tokens_of,
)
from tests.sandbox_fixtures import session_for

# When a "slow" create takes effect at the server: well after the client's timeout, so its look
# right after it comes first even on a loaded machine (0.3 s of room failed once in make test).
SLOW_SECONDS = 1.5
READ_TIMEOUT = 0.3  # when the client gives up waiting for its answer
SLOW_RATE = 0.1


def _first_draw_only_slow(draws: int = 12) -> int:
    """A seed whose first fault draw is "slow" and the next `draws` are not: the create is
    slow, the lookups and any resend are not (one seeded draw per request, in order)."""
    for seed in range(100_000):
        rolls = random.Random(seed)
        if rolls.random() < SLOW_RATE and all(rolls.random() >= SLOW_RATE for _ in range(draws)):
            return seed
    raise AssertionError("no such seed")


def _create_with_a_slow_first_answer(make_sandbox, landing: float) -> tuple[list[str], str]:
    """POST a task whose answer comes after the client's read timeout; the gids of the tasks
    in the project once everything has landed, and the gid the client settled on."""
    sandbox = make_sandbox()
    admin = session_for(sandbox, "admin")
    base = sandbox.base_url
    project = admin.post(f"{base}/teams/{sandbox.team_gid}/projects",
                         json={"data": {"name": "P"}}).json()["data"]["gid"]  # fmt: skip
    backoff = Backoff(base=0.01, cap=0.02, attempts=6, timeout=(2.0, READ_TIMEOUT),
                      landing=landing)  # fmt: skip
    client = AsanaClient(base, {"default": sandbox.admin_token}, backoff=backoff)
    client.reached = True  # the target has answered before (as after connect)

    def find() -> dict[str, str] | None:
        tasks = client.pages("default", f"/projects/{project}/tasks", {"opt_fields": "name"})
        return next(({"gid": t["gid"]} for t in tasks if t["name"] == "Write the plan"), None)

    sandbox.app.set_faults(FaultPlan(rates={"slow": SLOW_RATE}, seed=_first_draw_only_slow(),
                                     slow_seconds=SLOW_SECONDS))  # fmt: skip
    try:
        created = client.call("default", "POST", "/tasks", reconcile=find,
                              data={"name": "Write the plan", "projects": [project]})  # fmt: skip
    finally:
        client.close()
    sandbox.app.set_faults(None)
    time.sleep(SLOW_SECONDS)  # whatever was still running at the server has landed now
    tasks = admin.get(f"{base}/projects/{project}/tasks").json()["data"]
    assert {t["name"] for t in tasks} == {"Write the plan"}
    return [t["gid"] for t in tasks], created["gid"]


def test_a_create_that_lands_after_the_timeout_is_found_not_duplicated(make_sandbox):
    tasks, gid = _create_with_a_slow_first_answer(make_sandbox, landing=SLOW_SECONDS + 0.6)
    assert tasks == [gid]  # one task: the late one, and the client's answer names it


def test_without_waiting_for_the_landing_the_same_create_is_duplicated(make_sandbox):
    """The scenario above really bites: looking only right away finds nothing and resends."""
    tasks, gid = _create_with_a_slow_first_answer(make_sandbox, landing=0.0)
    assert len(tasks) == 2 and gid in tasks


# -- stopping under rate limits -----------------------------------------------------------------


def test_the_stop_event_ends_a_wait_for_the_rate_limit(make_sandbox):
    sandbox = make_sandbox()
    stop = threading.Event()
    client = AsanaClient(sandbox.base_url, {"default": sandbox.admin_token},
                         limits=Limits(quota=1, window=600.0), stop=stop)  # fmt: skip
    assert client.get("default", "/users/me")["gid"]  # the quota is spent for ten minutes
    outcome: list[BaseException] = []

    def second() -> None:
        try:
            client.get("default", "/users/me")
        except BaseException as exc:  # handed to the test
            outcome.append(exc)

    waiting = threading.Thread(target=second)
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive(), "the second request should wait for the window"
    stop.set()
    waiting.join(30)  # generous: without the stop it would wait ten minutes
    assert not waiting.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Stopped)
    assert client.counters.requests == 1
    client.close()


def test_a_replay_stopped_while_rate_limited_ends_promptly_then_resumes(tmp_path, make_sandbox):
    run_dir = synthetic_run(tmp_path / "run", people=2, tasks=6, comments=2)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, limits=UNLIMITED)
    tokens = tokens_of(people, sandbox.admin_token)
    quota = 15  # per token per ten minutes: the replay is soon waiting on every lane
    limited = Destination(to=sandbox.base_url, rate_limit=quota, window=600.0,
                          backoff=Backoff(base=0.01, cap=0.05))  # fmt: skip
    target = connect(sandbox.base_url, tokens, limited)
    stop = threading.Event()  # run_replay hands it to the client: Ctrl-C/SIGTERM set it
    journal = open_journal(run_dir, target, "test")
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(
        summary=run_replay(run_dir, target, journal, speed=None, stop=stop)))  # fmt: skip
    worker.start()
    deadline = time.monotonic() + 30
    while target.client.counters.requests < 2 * quota and time.monotonic() < deadline:
        time.sleep(0.02)  # both people's quotas are spent: their lanes wait for the window
    time.sleep(0.2)
    stop.set()
    worker.join(30)  # generous: without the stop this takes ten minutes
    assert not worker.is_alive()
    journal.close()
    target.client.close()
    summary = result["summary"]
    # Nothing failed or was skipped; what was waiting for the rate limit is left for the next run.
    assert summary.failed == summary.skipped == 0 and summary.stopped in ("", "interrupted")
    assert 0 < summary.applied < summary.events and summary.deferred >= 1
    assert summary.applied + summary.deferred + summary.parked <= summary.events

    resumed = connect(sandbox.base_url, tokens, Destination(to=sandbox.base_url))
    journal = open_journal(run_dir, resumed, "test")
    try:
        final = run_replay(run_dir, resumed, journal, speed=None)
    finally:
        journal.close()
        resumed.client.close()
    assert final.failed == final.skipped == final.parked == 0 and not final.stopped
    got = read_back(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid)
    assert_exactly_once(run_dir, run_dir / "targets" / resumed.name, got)
