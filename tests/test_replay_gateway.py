"""Exactly once behind a gateway that gives up on a create the server still applies.

A gateway (tests/proxy.py) in front of the sandbox answers the first comment create with a
504 or 502 at once, or resets the connection after reading it, and forwards it to the sandbox
later. The client looks for the comment right away and, not finding it, again once
``Backoff.landing`` has passed since it was sent: the late comment is adopted, not sent again.
Events, not the clock, set that order (`HeldLandings`): the gateway forwards the write once the
client waits for it to land, and the wait ends once it has.
A 503 or 500 (not in doubt) is looked for once and resent without that wait; a stop ends the
wait at once; one call waits for at most ``Backoff.max_landings`` landings; a connection never
made, or to a server that never answered HTTP, is not waited for.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from adapters.asana.client import AsanaClient, Backoff, Stopped, Unavailable
from adapters.asana.client_landing import Landings
from adapters.asana.replay_destination import Destination
from engine.replay_report import ReplayTally
from engine.status_line import StatusLine
from tests.proxy import GatewayProxy, Trick
from tests.replay_checks import (
    FAST,
    assert_exactly_once,
    read_back,
    replay_once,
    run_people,
    synthetic_run,
    tokens_of,
    write_tokens_file,
)
from tests.runner import busywork
from tests.sandbox_fixtures import session_for

LANDING = 1.6  # the client's landing period in these tests (90 s in real use)
HELD = 60.0  # a landing period every machine starts waiting within; `HeldLandings` ends it
NEVER = 3600.0  # a landing no test may wait for: a stop after WATCHDOG seconds would end it
WATCHDOG = 20.0  # turns an unwanted landing wait into a failure (Stopped) instead of a hang
TEXT = "Checked the numbers"


def _backoff(landing: float, **overrides: Any) -> Backoff:
    return dataclasses.replace(FAST, **{"attempts": 6, "landing": landing, **overrides})


class HeldLandings:
    """The clients' landing waits, ordered by events instead of the clock: a wait lets the
    gateway forward the write in doubt (`forward`, a trick's ``forward_when``) and lasts until
    the server has answered it (`landed`), however long either takes. `waits` lists, for each
    wait, the seconds it would have lasted and what it waited for."""

    def __init__(self) -> None:
        self.forward, self.landed = threading.Event(), threading.Event()
        self.waits: list[tuple[float, str]] = []

    def trick(self, method: str, suffix: str, answer: int = 504, **kw: Any) -> Trick:
        """A trick whose request is forwarded late, once a landing wait begins."""
        return Trick(method, suffix, answer, forward_when=self.forward, landed=self.landed, **kw)

    def wait(self, until: float, what: str) -> None:  # in place of `Landings.wait`
        seconds = until - time.monotonic()
        if seconds <= 0:  # the period is over: no wait, as in `Landings.wait`
            return
        self.waits.append((seconds, what))
        self.forward.set()
        assert self.landed.wait(WATCHDOG), "the late write never reached the server"


@pytest.fixture
def held_landings(monkeypatch) -> HeldLandings:
    held = HeldLandings()
    monkeypatch.setattr(Landings, "wait", lambda _, until, what: held.wait(until, what))
    return held


# -- a whole replay through the gateway -----------------------------------------------------------


def _replay_through(tmp_path, make_sandbox, trick: Trick, landing: float):
    """Replay a small run (one person, two tasks, two comments each) through a gateway playing
    `trick`: the summary, the run, the sandbox's contents read back, and the gateway. A late
    forward still held when the replay is over goes then."""
    run_dir = synthetic_run(tmp_path / "run", people=1, tasks=2, comments=2)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people)
    with GatewayProxy(sandbox.root_url, [trick]) as gateway:
        dest = Destination(to=gateway.base_url, backoff=_backoff(landing))
        tokens = tokens_of(people, sandbox.admin_token)
        try:
            summary, folder = replay_once(run_dir, gateway.base_url, tokens, dest)
        finally:
            if trick.forward_when is not None:
                trick.forward_when.set()
    got = read_back(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid)
    return summary, run_dir, folder, got, gateway


@pytest.mark.parametrize(
    "doubt",
    [{"answer": 504}, {"answer": 502}, {"reset": True}],
    ids=["504", "502", "reset-after-send"],
)
def test_a_comment_the_gateway_gave_up_on_lands_late_and_is_there_once(
    tmp_path, make_sandbox, held_landings, doubt
):
    """The comment reaches the sandbox after the client's first look, during its landing
    wait: the look after the wait finds it."""
    trick = held_landings.trick("POST", "/stories", **doubt)
    summary, run_dir, folder, got, gateway = _replay_through(tmp_path, make_sandbox, trick, HELD)
    assert gateway.late == [201]  # the sandbox did create the comment the client was told failed
    ((seconds, what),) = held_landings.waits  # one wait, for the landing period, for the comment
    assert HELD - WATCHDOG < seconds <= HELD and re.fullmatch(r"POST /tasks/\d+/stories", what)
    assert summary.failed == summary.parked == summary.skipped == 0, summary.errors
    assert summary.applied == summary.events and not summary.stopped
    assert summary.retries == 1
    # The late comment was adopted: the client sent each comment once, never this one again.
    assert gateway.count("POST", "/stories") == 4
    assert_exactly_once(run_dir, folder, got)


def test_without_the_landing_wait_the_late_comment_is_duplicated(tmp_path, make_sandbox):
    """The scenario above really bites: looking only right away finds nothing and resends (the
    late comment reaches the sandbox once the replay is over)."""
    trick = Trick("POST", "/stories", 504, forward_when=threading.Event())
    summary, run_dir, _, got, gateway = _replay_through(tmp_path, make_sandbox, trick, 0.0)
    assert gateway.late == [201] and summary.failed == 0
    texts = Counter(text for task in got["tasks"].values() for _, text in task["comments"])
    assert len(texts) == 4 and sorted(texts.values()) == [1, 1, 1, 2]  # one comment twice


# -- one call through the gateway -----------------------------------------------------------------


@contextmanager
def _watchdog(stop: threading.Event) -> Iterator[None]:
    """Sets `stop` after WATCHDOG seconds: a wait the test does not expect ends in Stopped."""
    timer = threading.Timer(WATCHDOG, stop.set)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _task(sandbox) -> str:
    admin = session_for(sandbox, "admin")
    answer = admin.post(f"{sandbox.base_url}/tasks", json={"data": {
        "name": "T", "workspace": sandbox.workspace_gid}})  # fmt: skip
    return answer.json()["data"]["gid"]


def _comments(sandbox, task: str) -> list[str]:
    stories = session_for(sandbox, "admin").get(f"{sandbox.base_url}/tasks/{task}/stories")
    return [s["gid"] for s in stories.json()["data"] if s.get("text") == TEXT]


def _comment(client: AsanaClient, task: str) -> str:
    """Create the comment as the default token, looking for it (by text) when in doubt."""
    path = f"/tasks/{task}/stories"

    def find() -> dict[str, str] | None:
        stories = client.pages("default", path, {"opt_fields": "text"})
        return next(({"gid": s["gid"]} for s in stories if s.get("text") == TEXT), None)

    return client.call("default", "POST", path, data={"text": TEXT}, reconcile=find)["gid"]


def _client(url: str, sandbox, backoff: Backoff, stop: threading.Event) -> AsanaClient:
    client = AsanaClient(url, {"default": sandbox.admin_token}, backoff=backoff, stop=stop)
    client.reached = True  # the target has answered before (as after connect)
    return client


@pytest.mark.parametrize("status", [503, 500])
def test_an_answer_that_says_not_applied_is_resent_without_the_landing_wait(sandbox, status):
    task = _task(sandbox)
    stop = threading.Event()
    with GatewayProxy(sandbox.root_url, [Trick("POST", "/stories", status)]) as gateway:
        client = _client(gateway.base_url, sandbox, _backoff(NEVER), stop)
        try:
            with _watchdog(stop):
                gid = _comment(client, task)
        finally:
            client.close()
    assert _comments(sandbox, task) == [gid]
    # One look right away, then sent again: no second look after a landing wait.
    assert [(m, o) for m, _, o in gateway.seen] == [
        ("POST", f"{status} at once"), ("GET", "200"), ("POST", "201")]  # fmt: skip


def test_a_stop_ends_a_landing_wait_at_once_and_nothing_is_resent(sandbox):
    task = _task(sandbox)
    stop = threading.Event()
    outcome: list[BaseException] = []
    with GatewayProxy(sandbox.root_url, [Trick("POST", "/stories", 504)]) as gateway:
        client = _client(gateway.base_url, sandbox, _backoff(NEVER), stop)

        def create() -> None:
            try:
                _comment(client, task)
            except BaseException as exc:  # handed to the test
                outcome.append(exc)

        worker = threading.Thread(target=create)
        worker.start()
        deadline = time.monotonic() + WATCHDOG
        while client.landings() is None and worker.is_alive() and time.monotonic() < deadline:
            worker.join(0.01)  # until the client waits for the landing (or gave up)
        stop.set()
        worker.join(30)  # generous: without the stop this waits an hour
        client.close()
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Stopped), outcome
    assert "for a write in doubt to land" in str(outcome[0])
    assert gateway.count("POST", "/stories") == 1 and _comments(sandbox, task) == []


def test_a_landing_wait_is_shown_while_it_lasts(sandbox):
    """The status line says what the replay waits for (up to 90 s of silence otherwise)."""
    task = _task(sandbox)
    stop = threading.Event()
    with GatewayProxy(sandbox.root_url, [Trick("POST", "/stories", 504)]) as gateway:
        client = _client(gateway.base_url, sandbox, _backoff(NEVER), stop)

        def create() -> None:
            with contextlib.suppress(Stopped):  # the stop below ends the wait
                _comment(client, task)

        worker = threading.Thread(target=create)
        worker.start()
        try:
            landing = None
            for _ in range(3000):  # until the client waits for the landing (or gave up)
                landing = client.landings()
                if landing is not None or not worker.is_alive():
                    break
                worker.join(0.01)
            assert landing is not None, "the client never waited for the write to land"
            seconds, what, writes = landing
            assert (what, writes) == (f"POST /tasks/{task}/stories", 1)
            assert NEVER - WATCHDOG < seconds <= NEVER
            head, _, _ = StatusLine("replay run").parts(ReplayTally().snapshot(
                {"landing": landing}, total=10))  # fmt: skip
            assert (f"waiting up to {seconds:.0f} s to see whether a write to POST /tasks/{task}"
                    "/stories landed") in head  # fmt: skip
        finally:
            stop.set()
            worker.join(30)
            client.close()
    assert not worker.is_alive() and client.landings() is None


def test_without_a_terminal_a_landing_wait_is_announced_once_on_stderr(tmp_path, make_sandbox):
    run_dir = synthetic_run(tmp_path / "run", people=1, tasks=1, comments=2)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    with GatewayProxy(sandbox.root_url, [Trick("POST", "/stories", 504)]) as gateway:
        result = busywork("replay", str(run_dir), "--to", gateway.base_url, "--tokens",
                          str(tokens), "--landing-seconds", str(LANDING), cwd=tmp_path)  # fmt: skip
    announced = re.findall(
        r"^replay run: waiting up to \d+ s to see whether a write to POST /tasks/\d+/stories "
        r"landed, before sending it again$", result.stderr, re.MULTILINE,
    )  # fmt: skip
    assert len(announced) == 1, result.stderr
    assert "6 applied, 0 failed" in result.stdout  # not found after the wait: sent again


def test_the_landing_waits_of_one_call_are_bounded(sandbox):
    """A gateway that gives up on every try: two sends in doubt, two waits, then Unavailable
    (the replay parks the event), not six."""
    task = _task(sandbox)
    stop = threading.Event()
    every = Trick("POST", "/stories", 504, times=100)
    with GatewayProxy(sandbox.root_url, [every]) as gateway:
        client = _client(gateway.base_url, sandbox, _backoff(0.2, max_landings=2), stop)
        try:
            with pytest.raises(Unavailable, match="HTTP 504.*gave up after 2 tries"):
                _comment(client, task)
        finally:
            client.close()
    assert gateway.count("POST", "/stories") == 2
    assert gateway.count("GET", "/stories") == 4  # for each: a look now, a look after landing
    assert client.counters.reconciled == 0


def test_a_connection_never_made_is_retried_without_a_landing_wait(sandbox):
    """Refused: nothing was sent, so nothing can land; a look between tries, no waiting."""
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]  # closed again: connecting is refused
    stop = threading.Event()
    client = _client(f"http://127.0.0.1:{port}/api/1.0", sandbox, _backoff(NEVER, attempts=3),
                     stop)  # fmt: skip
    looks: list[int] = []
    try:
        with _watchdog(stop), pytest.raises(Unavailable, match="connection failed"):
            client.call("default", "POST", "/tasks/1/stories", data={"text": TEXT},
                        reconcile=lambda: looks.append(1))  # fmt: skip
    finally:
        client.close()
    assert len(looks) == 2 and client.counters.requests == 3


def test_a_server_that_never_answered_http_is_not_waited_for(sandbox):
    """A port that hangs up on everything (e.g. TLS spoken to plain HTTP) before the target ever
    answered: a wrong --to, reported after the first-contact tries, not after landing waits."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def hang_up() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            conn.recv(65536)
            conn.close()

    threading.Thread(target=hang_up, daemon=True).start()
    stop = threading.Event()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/api/1.0"
    client = AsanaClient(url, {"default": sandbox.admin_token}, backoff=_backoff(NEVER),
                         stop=stop)  # fmt: skip
    looks: list[int] = []
    try:
        with _watchdog(stop), pytest.raises(Unavailable, match="cannot reach .*never answered"):
            client.call("default", "POST", "/tasks/1/stories", data={"text": TEXT},
                        reconcile=lambda: looks.append(1))  # fmt: skip
    finally:
        client.close()
        listener.close()
    assert len(looks) == 2 and client.counters.requests == 3


# -- writes that set state ------------------------------------------------------------------------


def _name(sandbox, task: str) -> str:
    answer = session_for(sandbox, "admin").get(f"{sandbox.base_url}/tasks/{task}")
    return answer.json()["data"]["name"]


@pytest.mark.parametrize("landing", [HELD, 0.0], ids=["landing-wait", "no-wait"])
def test_a_state_write_in_doubt_cannot_land_after_the_next_one(sandbox, held_landings, landing):
    """A rename the gateway gave up on reaches the server late. Sent again at once, the next
    write to the task goes before the late original lands, which then undoes it; waiting out
    the landing period first keeps the order (the resend is harmless: the same change)."""
    task = _task(sandbox)
    stop = threading.Event()
    # The original is forwarded during the landing wait or, without one, once both renames
    # are done: the order of the events, not a delay a slow machine could outlast.
    trick = held_landings.trick("PUT", f"/tasks/{task}")
    with GatewayProxy(sandbox.root_url, [trick]) as gateway:
        client = _client(gateway.base_url, sandbox, _backoff(landing), stop)
        try:
            with _watchdog(stop):
                client.call("default", "PUT", f"/tasks/{task}", data={"name": "first"})
                client.call("default", "PUT", f"/tasks/{task}", data={"name": "second"})
        finally:
            held_landings.forward.set()
            client.close()
    assert len(held_landings.waits) == (1 if landing else 0)
    assert gateway.late == [200]  # the first rename did reach the server, late
    assert _name(sandbox, task) == ("second" if landing else "first")
