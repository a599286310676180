"""Replay into a real sandbox server, read back with the official ``asana`` SDK: everything
exactly once, with faults, revoked tokens and rate limits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.sandbox import FaultPlan
from adapters.asana.sandbox.ratelimit import Limits as ServerLimits
from engine.errors import BusyworkError
from tests.replay_checks import (
    FAST,
    assert_exactly_once,
    make_run,
    read_back,
    record_accepted,
    replay_once,
    run_people,
    sustained_share,
    synthetic_run,
    tokens_of,
)
from tests.runner import busywork


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=4)


def _replay(run_dir, sandbox, tokens, *, dest=None, options=None, speed=None):
    dest = dest or Destination(to=sandbox.base_url, backoff=FAST)
    return replay_once(run_dir, sandbox.base_url, tokens, dest, options=options, speed=speed)


def _check(run_dir, sandbox, folder):
    got = read_back(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid)
    assert_exactly_once(run_dir, folder, got)


@pytest.mark.slow  # replays and reads back: several seconds
def test_replay_then_read_back_with_the_sdk(run_dir, make_sandbox):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-secret-token-1")
    summary, folder = _replay(run_dir, sandbox, tokens_of(people, sandbox.admin_token))
    assert summary.failed == summary.skipped == summary.parked == 0
    assert summary.applied == summary.events and not summary.stopped
    _check(run_dir, sandbox, folder)
    again, _ = _replay(run_dir, sandbox, tokens_of(people, sandbox.admin_token))
    assert again.applied == 0 and again.already_done == summary.events
    _check(run_dir, sandbox, folder)


@pytest.mark.slow  # replays and reads back: several seconds
def test_faults_lost_reset_and_5xx_still_exactly_once(run_dir, make_sandbox, rng):
    people = run_people(run_dir)
    plan = FaultPlan(rates={"500": 0.03, "503": 0.03, "reset": 0.03, "lost": 0.06},
                     seed=rng.randrange(2**31))  # fmt: skip
    sandbox = make_sandbox(people=people, admin_token="admin-secret-token-2", faults=plan)
    tokens = tokens_of(people, sandbox.admin_token)
    summary, folder = _replay(run_dir, sandbox, tokens)
    assert summary.retries > 0
    while summary.parked:  # retries ran out for some: the next run picks them up
        summary, folder = _replay(run_dir, sandbox, tokens)
    sandbox.app.dice = None  # read back without faults
    _check(run_dir, sandbox, folder)


@pytest.mark.slow  # replays and reads back: several seconds
def test_revoked_token_defers_that_person_then_default_catches_up(run_dir, make_sandbox):
    people = run_people(run_dir)
    victim = people[0].email
    plan = FaultPlan(revoke={victim: 5})
    sandbox = make_sandbox(people=people, admin_token="admin-secret-token-3", faults=plan)
    tokens = tokens_of(people, sandbox.admin_token)
    summary, folder = _replay(run_dir, sandbox, tokens)
    assert summary.invalid_tokens == [victim] and summary.deferred > 0 and summary.skipped == 0
    assert not summary.stopped and summary.applied > summary.deferred
    dest = Destination(to=sandbox.base_url, backoff=FAST, on_invalid_token="default")
    summary, folder = _replay(run_dir, sandbox, tokens, dest=dest)
    assert summary.skipped == summary.deferred == 0
    assert summary.already_done + summary.applied == summary.events
    got = read_back(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid)
    # The victim's later comments are the admin's now; everything else is as in the log.
    for task in got["tasks"].values():
        task["comments"] = [(victim if a.startswith("admin@") else a, t)
                            for a, t in task["comments"]]  # fmt: skip
    assert_exactly_once(run_dir, folder, got)


def test_people_without_tokens_act_through_default_or_are_deferred(run_dir, make_sandbox):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-secret-token-4")
    tokens = tokens_of(people, sandbox.admin_token, only=3)
    dest = Destination(to=sandbox.base_url, backoff=FAST, unmapped="skip")
    summary, _ = _replay(run_dir, sandbox, tokens, dest=dest)
    assert summary.deferred > 0 and summary.failed == summary.skipped == 0


def test_rate_limited_replay_sustains_the_allowed_rate(tmp_path, make_sandbox):
    """Two tokens, each with its own independent work, at `quota` per `window` (150/min
    scaled down in time): the server accepts >= 95% of what the rolling window allows for
    each token, with no 429s; nothing is lost."""
    quota, window = 50, 1.0
    run_dir = synthetic_run(tmp_path / "run", people=2, tasks=30, comments=6)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-secret-token-5",
                           limits=ServerLimits(quota=quota, window=window))  # fmt: skip
    accepted = record_accepted(sandbox, people)
    dest = Destination(to=sandbox.base_url, backoff=FAST, rate_limit=quota, window=window)
    summary, folder = _replay(run_dir, sandbox, tokens_of(people, None), dest=dest)
    sandbox.app.observer = None
    assert summary.applied == summary.events and summary.rate_limited == 0
    for times in accepted.values():
        sustained, windows = sustained_share(times, quota, window)
        assert windows >= 3, "too few requests to measure a sustained rate"
        print(f"sustained {sustained:.1%} of the allowed rate over {windows} windows")
        assert sustained >= 0.95
    sandbox.app.limiter.limits = ServerLimits()  # read back without limits
    got = read_back(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid)
    assert_exactly_once(run_dir, folder, got)


@pytest.mark.slow  # replays and reads back: several seconds
def test_a_stale_checkpoint_is_refused(run_dir, make_sandbox):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-secret-token-6")
    tokens = tokens_of(people, sandbox.admin_token)
    _replay(run_dir, sandbox, tokens)
    fresh = make_sandbox(people=people, admin_token="admin-secret-token-6", port=0)
    # Same workspace gid, new server: point the old checkpoint at it by name.
    folder = next((run_dir / "targets").iterdir())
    dest = Destination(to=fresh.base_url, backoff=FAST)
    target = connect(fresh.base_url, tokens, dest)
    shutil.copytree(folder, run_dir / "targets" / target.name)
    with pytest.raises(BusyworkError, match="stale"):
        open_journal(run_dir, target, "test")
    target.client.close()


def test_unknown_workspace_choice_and_bad_url_are_explained(run_dir, make_sandbox):
    from engine.errors import InvalidInput

    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-secret-token-7")
    tokens = tokens_of(people, sandbox.admin_token)
    with pytest.raises(InvalidInput, match="expected an http"):
        connect("ftp://x", tokens, Destination())
    # A workspace these tokens cannot see is refused before anything is sent.
    with pytest.raises(InvalidInput, match=r"^--workspace '999': not a workspace these tokens "
                       r"can see; expected one of \d+ \(Busywork Sandbox\)$"):  # fmt: skip
        connect(sandbox.base_url, tokens, Destination(workspace="999", backoff=FAST))


def test_a_target_never_reached_fails_fast_naming_it():
    """Connection failures before the target ever answered: a few tries, then an error that
    names the target (a wrong --to should not sit through the whole backoff)."""
    import socket

    from adapters.asana.client import FIRST_CONTACT_ATTEMPTS, AsanaClient, Unavailable

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/api/1.0"
    client = AsanaClient(url, {"default": "secret-never-shown"}, backoff=FAST)
    with pytest.raises(Unavailable) as raised:
        client.get("default", "/workspaces")
    message = str(raised.value)
    assert message.startswith(f"cannot reach {url}: GET /workspaces: connection failed")
    assert f"gave up after {FIRST_CONTACT_ATTEMPTS} tries" in message
    assert "secret-never-shown" not in message
    assert client.counters.requests == FIRST_CONTACT_ATTEMPTS < FAST.attempts


def test_a_single_try_is_said_as_one_try():
    """A call allowed one try (as the web app's quick token check is) says "1 try", not
    "1 tries", in the error that POST /api/tokens/validate passes on."""
    import dataclasses
    import socket

    from adapters.asana.client import AsanaClient, Unavailable

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/api/1.0"
    once = dataclasses.replace(FAST, attempts=1)
    client = AsanaClient(url, {"default": "secret-never-shown"}, backoff=once)
    with pytest.raises(Unavailable) as raised:
        client.get("default", "/users/me")
    assert str(raised.value).endswith("connection failed (gave up after 1 try)"), raised.value


def test_a_target_that_answered_once_gets_the_whole_backoff(make_sandbox):
    from adapters.asana.client import AsanaClient, Unavailable

    sandbox = make_sandbox()
    client = AsanaClient(sandbox.base_url, {"default": sandbox.admin_token}, backoff=FAST)
    assert client.get("default", "/workspaces")
    sandbox.stop()  # gone after answering: a blip to ride out, with every try
    with pytest.raises(Unavailable) as raised:
        client.get("default", "/workspaces")
    assert str(raised.value).startswith("GET /workspaces: ")
    assert f"gave up after {FAST.attempts} tries" in str(raised.value)
    assert client.counters.requests == 1 + FAST.attempts


def test_credentials_in_the_url_are_refused_without_echoing_them():
    from adapters.asana.client import AsanaClient
    from engine.errors import InvalidInput

    with pytest.raises(InvalidInput, match="holds credentials") as raised:
        AsanaClient("https://me:hunter2@app.asana.com/api/1.0", {"default": "t"})
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize("after", ["?opt_pretty=true&key=hunter2", "#hunter2"])
def test_a_base_url_with_a_query_or_fragment_is_refused_without_echoing_it(tmp_path, after):
    """Request paths are appended to the base URL, so they would land inside the query or
    fragment (the replay then failed with a misleading 404); what follows may be a key."""
    run = synthetic_run(tmp_path / "run", people=1, tasks=1, comments=0)
    result = busywork(
        "replay", str(run), "--to", f"http://127.0.0.1:9/api/1.0{after}",
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: --to: 'http://127.0.0.1:9/api/1.0' followed by a")
    assert "hunter2" not in result.stderr
