"""A board's first column is Asana's own "Untitled section", renamed with a PUT. When the answer
to that rename is lost (the target applied it) and the event is parked, the send that follows
is in doubt: it must find the renamed section, not make the column a second time.

Found again in the same process (a web job's drain after its live replay, on one connection:
a claim of the failed try must not keep the section from its own event), and in a new one
(a rename is not a create: the section was made with its project, before the event's window).
"""

from __future__ import annotations

import dataclasses
import secrets

import pytest

from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.target_adopt import CLOCK_SKEW
from engine.replay import replay
from tests.relay import DROP, Relay
from tests.replay_checks import (
    FAST_NO_LANDING,
    assert_sandbox_holds_the_run_once,
    events_of,
    run_people,
    synthetic_run,
    tokens_of,
)

# One send in doubt and the call gives up: the event is parked at once.
GIVES_UP_IN_DOUBT = dataclasses.replace(FAST_NO_LANDING, max_landings=1)


def first_rename_dropped(hold_project: float = 0.0):
    """The rule of a relay that drops the answer to the first section rename (applied), and
    holds the answer to a new project `hold_project` seconds."""
    renamed: list[str] = []

    def rule(method: str, path: str):
        if method == "PUT" and path.startswith("/api/1.0/sections/") and not renamed:
            renamed.append(path)
            return DROP
        if method == "POST" and path.endswith("/projects") and hold_project:
            return hold_project
        return None

    return rule


def replay_through(relay: Relay, run, tokens, connection=None):
    """Replay `run` through `relay` (on `connection`, a (target, journal) kept open by the
    caller, or a new one closed here: a new run, its id map read from the checkpoint)."""
    if connection is not None:
        return replay(*connection, events_of(run))
    target = connect(relay.base_url, tokens, Destination(backoff=GIVES_UP_IN_DOUBT))
    journal = open_journal(run, target, "test")
    try:
        return replay(target, journal, events_of(run))
    finally:
        journal.close()
        target.client.close()


def board_run(tmp_path, make_sandbox):
    run = synthetic_run(tmp_path / "run", people=1, tasks=2, comments=0)
    people = run_people(run)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    return run, sandbox, tokens_of(people, sandbox.admin_token)


def test_a_parked_rename_sent_again_on_the_same_connection_finds_its_section(
    make_sandbox, tmp_path
):
    run, sandbox, tokens = board_run(tmp_path, make_sandbox)
    with Relay(sandbox.root_url, first_rename_dropped()) as relay:
        target = connect(relay.base_url, tokens, Destination(backoff=GIVES_UP_IN_DOUBT))
        journal = open_journal(run, target, "test")
        try:
            first = replay_through(relay, run, tokens, (target, journal))
            assert first.parked >= 1 and relay.spoiled, (first.parked, relay.spoiled)
            # The next replay on the same connection, as a web job's drain is.
            again = replay_through(relay, run, tokens, (target, journal))
        finally:
            journal.close()
            target.client.close()
    assert again.parked == again.failed == 0, again.errors
    assert_sandbox_holds_the_run_once(run, sandbox)


@pytest.mark.slow  # waits for a parked rename's next run: ~5.5 s
def test_a_parked_rename_sent_again_later_finds_its_section(make_sandbox, tmp_path):
    run, sandbox, tokens = board_run(tmp_path, make_sandbox)
    # The project's answer comes late: its "Untitled section" was made before the section
    # event began, by more than the clock skew its window allows.
    late = CLOCK_SKEW.total_seconds() + 1
    with Relay(sandbox.root_url, first_rename_dropped(hold_project=late)) as relay:
        first = replay_through(relay, run, tokens)
        assert first.parked >= 1 and relay.spoiled, (first.parked, relay.spoiled)
        again = replay_through(relay, run, tokens)  # a new run: its id map from the checkpoint
    assert again.parked == again.failed == 0, again.errors
    assert_sandbox_holds_the_run_once(run, sandbox)
