"""A target that takes requests and never answers them (a hung server behind a live socket)
stops a finite replay, and a clean, once a few tries failed over `TargetSilence.seconds` with
no answer: it used to take each call's whole retries and its waits for writes in doubt to park
one event, and three such parks (some 9 minutes with the default timeouts) to stop. The same
command then finishes, each object once: what the hung requests did is found, not repeated.

The sandbox hangs after handling a request (its observer waits): the write took effect, and
its answer never comes, the hardest case for exactly once.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading

import pytest

from adapters.asana.clean import CleanStopped, _clean
from adapters.asana.replay_destination import Destination, connect
from engine.replay import ReplayOptions
from engine.replay_outcomes import TARGET_SILENT, TargetSilence
from tests.replay_checks import (
    FAST,
    UNLIMITED,
    assert_sandbox_holds_the_run_once,
    replay_once,
    run_people,
    synthetic_run,
    tokens_of,
)
from tests.test_clean_stops import _left, _replayed

# A read timeout of half a second, and tries enough that giving up on one call takes ten
# seconds or more (the waits for a write in doubt too): only watching the tries stops it soon.
PATIENT = dataclasses.replace(FAST, timeout=(2.0, 0.5), attempts=20, landing=5.0)
SILENCE = TargetSilence(seconds=1.0, parked=3)
WATCHED = "tries failed over"  # the watch's words; three parks in a row say "in a row"


class Hang:
    """Makes the sandbox hold every answer, once `after` requests picked by `counts` were
    handled, until `release()`."""

    def __init__(self, sandbox, after: int, counts=lambda request: True) -> None:
        self.handled, self.after, self.counts = 0, after, counts
        self.hanging, self.released = threading.Event(), threading.Event()
        sandbox.app.observer = self._observe

    def _observe(self, request, status, body) -> None:
        if not self.hanging.is_set() and self.counts(request):
            self.handled += 1
            if self.handled >= self.after:
                self.hanging.set()
        if self.hanging.is_set():
            self.released.wait(120)

    def release(self) -> None:
        self.released.set()


@pytest.mark.slow
def test_a_replay_stops_soon_when_its_target_takes_requests_and_never_answers(
    make_sandbox, tmp_path
):
    run = synthetic_run(tmp_path / "run", people=3, tasks=12, comments=2)
    people = run_people(run)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16), limits=UNLIMITED)
    tokens = tokens_of(people, sandbox.admin_token)
    writes = lambda request: request.method in ("POST", "PUT")  # noqa: E731
    hang = Hang(sandbox, after=20, counts=writes)
    options = ReplayOptions(give_up_after=SILENCE)
    try:
        summary, _ = replay_once(run, sandbox.base_url, tokens,
                                 Destination(to=sandbox.base_url, backoff=PATIENT),
                                 options=options)  # fmt: skip
    finally:
        hang.release()
    assert summary.stopped.startswith(f"{TARGET_SILENT}: "), summary.stopped
    assert WATCHED in summary.stopped, summary.stopped
    assert summary.applied < summary.events and summary.failed == 0

    sandbox.app.observer = None  # the target answers again: the same replay finishes, once
    again, _ = replay_once(run, sandbox.base_url, tokens,
                           Destination(to=sandbox.base_url, backoff=FAST))  # fmt: skip
    assert again.stopped == "" and again.parked == again.deferred == 0, again
    assert_sandbox_holds_the_run_once(run, sandbox)


@pytest.mark.slow
def test_a_clean_stops_soon_when_its_target_takes_requests_and_never_answers(
    make_sandbox, tmp_path
):
    run_dir, sandbox, tokens, _ = _replayed(tmp_path, make_sandbox)
    hang = Hang(sandbox, after=3, counts=lambda request: request.method == "DELETE")
    target = connect(sandbox.base_url, tokens, Destination(to=sandbox.base_url, backoff=PATIENT))
    try:
        with pytest.raises(CleanStopped) as stopped:
            _clean(run_dir, target, print, None, silence=SILENCE)
    finally:
        hang.release()
        target.client.close()
    message = str(stopped.value)
    assert stopped.value.exit_code == 1, message
    assert message.startswith(f"Stopped early: {TARGET_SILENT}: "), message
    assert WATCHED in message, message

    sandbox.app.observer = None
    target = connect(sandbox.base_url, tokens, Destination(to=sandbox.base_url, backoff=FAST))
    lines: list[str] = []
    try:
        assert _clean(run_dir, target, lines.append, None) == 15
    finally:
        target.client.close()
    assert _left(sandbox) == {}, lines
