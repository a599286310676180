"""A create in doubt sent again by a resumed replay that is killed too (``kill -9`` twice).

The first replay announces its task creates (intents) and dies before any is made; the next,
long after (longer than a create's window), finds none of them, sends them again, and dies
after the sandbox made them but before their answers came. The third must adopt what the
second made: the second announced its sends (an intent at each, written after its look), so
the third looks around them too. Once it looked only around the first intents, missed the
second run's tasks and made each again.

An earlier fix announced every send, with a window starting 5 s (the clock skew) before it,
and adopted another run's look-alike made in those 5 s; now what the look before a send listed
is never adopted for that send (the intent names it), however close to the send it was made.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from adapters.asana.sandbox import FaultPlan
from adapters.asana.target_adopt import CLOCK_SKEW
from engine import events as ev
from engine.replay_journal import JOURNAL
from tests.replay_checks import (
    assert_sandbox_holds_the_run_once,
    events_of,
    run_people,
    synthetic_run,
    tokens_of,
    write_tokens_file,
)
from tests.runner import BUSYWORK, busywork
from tests.sandbox_fixtures import session_for

# Slow (three replays in subprocesses, two of them killed: ~10 s): `make test-slow` runs it.
pytestmark = pytest.mark.slow

TASKS = 3
DOWN = FaultPlan(rates={"503": 1.0})  # answers 503 to everything and makes nothing


def _records(run: Path) -> list[dict]:
    """The checkpoint's complete lines ([] before there is one)."""
    found = list(run.glob(f"targets/*/{JOURNAL}"))
    if not found:
        return []
    text = found[0].read_text()
    return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]


def _open_intents(run: Path, seqs: set[int]) -> dict[int, list[dict]]:
    """The intents of `seqs` that have no outcome yet, by seq."""
    found: dict[int, list[dict]] = {}
    for record in _records(run):
        if record["seq"] in seqs:
            if record["k"] == "I":
                found.setdefault(record["seq"], []).append(record)
            else:
                found.pop(record["seq"], None)
    return found


def _kill_when(proc: subprocess.Popen, ready, what: str) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        if proc.poll() is not None:
            raise AssertionError(f"ended before {what}: {proc.communicate()}")
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.01)
    proc.kill()  # SIGKILL
    proc.communicate(timeout=30)


def _backdate_intents(run: Path, seqs: set[int], by: timedelta) -> None:
    """As if the replay that wrote these intents died `by` before the next one started."""
    (journal,) = run.glob(f"targets/*/{JOURNAL}")
    lines = []
    for record in _records(run):
        if record["k"] == "I" and record["seq"] in seqs:
            at = datetime.fromisoformat(record["at"]) - by
            record["at"] = at.isoformat().replace("+00:00", "Z")
        lines.append(json.dumps(record) + "\n")
    journal.write_text("".join(lines))


def _tasks_in(sandbox) -> list[str]:
    with sandbox.store.lock:
        return sorted(sandbox.store.records["task"])


@pytest.mark.parametrize("look_alike", [False, True], ids=["alone", "with-a-look-alike"])
def test_a_create_in_doubt_killed_twice_is_made_once(tmp_path, make_sandbox, look_alike):
    run = synthetic_run(tmp_path / "run", people=1, tasks=TASKS, comments=1)
    people = run_people(run)
    sandbox = make_sandbox(people=people)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    args = ["replay", str(run), "--to", sandbox.base_url, "--tokens", str(tokens)]
    tasks = [e for e in events_of(run) if isinstance(e, ev.TaskCreated)]
    seqs = {e.seq for e in tasks}

    # 1. The target goes down once the board's column is named: the task creates are
    # announced, sent and refused (503, nothing made); killed then.
    last_request = [time.monotonic()]

    def down_after_the_section(request, status, body) -> None:
        last_request[0] = time.monotonic()
        if request.method == "PUT" and "/sections/" in request.path:
            sandbox.app.set_faults(DOWN)

    sandbox.app.observer = down_after_the_section
    first = subprocess.Popen([BUSYWORK, *args], cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
    _kill_when(first, lambda: len(_open_intents(run, seqs)) == TASKS, "the tasks were sent")
    # A send the killed replay left in the sandbox's socket is still answered, refused: only
    # once the sandbox has been quiet a while is it up again (else that send made a task no
    # intent's window covers, once the intents are moved back an hour below).
    while time.monotonic() - last_request[0] < 1.0:
        time.sleep(0.05)
    sandbox.app.observer = None
    sandbox.app.set_faults(None)
    assert _tasks_in(sandbox) == []
    _backdate_intents(run, seqs, timedelta(hours=1))  # resumed long after, past the windows

    # 2. Resumed: it finds none of the tasks and sends them again; the sandbox makes them but
    # holds its answers, and the replay is killed meanwhile.
    project = next(g for r in _records(run) for s, g in r.get("ids", {}).items() if s == "p1")
    person = session_for(sandbox, people[0].email)
    theirs = None
    if look_alike:  # another run, as the same person, makes the first task's twin just before
        made = person.post(f"{sandbox.base_url}/tasks", json={"data": {
            "name": tasks[0].name, "projects": [project]}})  # fmt: skip
        assert made.status_code == 201, made.text
        theirs = made.json()["data"]["gid"]
    made_by_second: list[str] = []
    release = threading.Event()

    def hold_task_answers(request, status, body) -> None:
        if request.method == "POST" and request.path.endswith("/tasks") and status == 201:
            made_by_second.append(body["data"]["gid"])
            release.wait(60)

    sandbox.app.observer = hold_task_answers
    second = subprocess.Popen([BUSYWORK, *args], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        _kill_when(second, lambda: len(made_by_second) == TASKS, "the tasks were made again")
    finally:
        release.set()
    sandbox.app.observer = None
    in_doubt = _open_intents(run, seqs)
    assert sorted(in_doubt) == sorted(seqs), "the second run recorded an outcome"
    if theirs is not None:
        # Made within the clock skew before the second run's send of that task (deterministic
        # here, whatever the machine's speed): only the look's listing tells it apart.
        (resent,) = [i for i in in_doubt[tasks[0].seq] if i.get("seen")]
        assert resent["seen"] == [theirs]
        at = datetime.fromisoformat(resent["at"]) - CLOCK_SKEW / 5
        with sandbox.store.lock:
            sandbox.store.records["task"][theirs].created_at = (
                at.isoformat(timespec="milliseconds").replace("+00:00", "Z"))  # fmt: skip

    # 3. Resumed again: it adopts what the second run made, and makes nothing twice.
    busywork(*args, cwd=tmp_path)
    mapped = {g for r in _records(run) for s, g in r.get("ids", {}).items()
              if s in {e.task for e in tasks}}  # fmt: skip
    assert mapped == set(made_by_second)
    if theirs is not None:
        assert theirs in _tasks_in(sandbox)  # left alone, and not taken over
        assert person.delete(f"{sandbox.base_url}/tasks/{theirs}").status_code == 200
    assert_sandbox_holds_the_run_once(run, sandbox)
