"""``busywork clean`` after a replay that died mid-way (``kill -9``): creates the checkpoint holds
only as intents are looked up like the replay's reconciliation would and deleted, waiting for
requests that may still land; when that cannot be decided, clean refuses and keeps the
checkpoint. Also: a clean with no token able to delete says so (not "401")."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import msgspec
import pytest

from adapters.asana.clean import _clean
from adapters.asana.clean_settle import LOCATABLE
from adapters.asana.client import Backoff
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.sandbox import FaultPlan
from adapters.asana.tokens import Tokens
from engine import events as ev
from engine.errors import BusyworkError
from engine.replay_journal import JOURNAL
from tests.replay_checks import (
    UNLIMITED,
    events_of,
    make_run,
    replay_once,
    run_people,
    synthetic_run,
    tokens_of,
    write_tokens_file,
)
from tests.runner import BUSYWORK
from tests.sandbox_fixtures import session_for

# Slow (kill -9 of a replay mid-create, then clean: ~5 s): `make test-slow` runs it, and CI.
pytestmark = pytest.mark.slow

SLOW_SECONDS = 1.0  # the sandbox's "slow" answers: well inside the replay's 30 s read timeout
SLOW = FaultPlan(rates={"slow": 1.0}, slow_seconds=SLOW_SECONDS)
CREATED_KINDS = ("project", "task", "story", "status_update", "ooo_entry", "portfolio")


def _backoff(landing: float) -> Backoff:
    return Backoff(base=0.01, cap=0.05, attempts=8, timeout=(2.0, 5.0), landing=landing)


def _left(sandbox) -> dict[str, int]:
    with sandbox.store.lock:
        return {k: len(sandbox.store.records[k]) for k in CREATED_KINDS if sandbox.store.records[k]}


def _clean_with(run_dir: Path, sandbox, tokens: Tokens, landing: float) -> tuple[int, list[str]]:
    target = connect(sandbox.base_url, tokens, Destination(to=sandbox.base_url,
                                                           backoff=_backoff(landing)))  # fmt: skip
    lines: list[str] = []
    try:
        return _clean(run_dir, target, lines.append, None), lines
    finally:
        target.client.close()


@pytest.fixture(scope="module")
def one_day(tmp_path_factory) -> Path:
    run = make_run(tmp_path_factory.mktemp("runs") / "one-day", days=1)
    assert any(isinstance(e, ev.PortfolioCreated) for e in events_of(run))
    return run


def _open_creates(journal_file: Path, creates: set[int], since: int = 0) -> set[int]:
    """Seqs of the creates clean deletes whose intent (written after byte `since`) is in the
    journal without an outcome."""
    open_: set[int] = set()
    data = journal_file.read_bytes()
    for offset, line in _lines(data):
        record = msgspec.json.decode(line)
        if record["k"] == "I" and record["seq"] in creates and offset >= since:
            open_.add(record["seq"])
        else:
            open_.discard(record["seq"])
    return open_


def _lines(data: bytes):
    offset = 0
    for line in data.splitlines(keepends=True):
        if line.endswith(b"\n"):
            yield offset, line
        offset += len(line)


def test_clean_after_kill_9_deletes_what_only_intents_knew_about(one_day, make_sandbox, tmp_path):
    run_dir = Path(shutil.copytree(one_day, tmp_path / "run"))
    creates = {e.seq for e in events_of(run_dir) if isinstance(e, LOCATABLE)}
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, limits=UNLIMITED)
    tokens = tokens_of(people, sandbox.admin_token)
    tokens_file = write_tokens_file(tmp_path / "tokens.toml", tokens)
    replay = subprocess.Popen([BUSYWORK, "replay", str(run_dir), "--to", sandbox.base_url,
                               "--tokens", str(tokens_file), "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    journal_file, since, in_flight = None, 0, set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and replay.poll() is None and len(in_flight) < 3:
        found = list(run_dir.glob(f"targets/*/{JOURNAL}"))
        if journal_file is None and found and b'"ids":{"p' in found[0].read_bytes():
            # Creating projects and tasks: from now on every answer takes a second, and the
            # request takes effect at the server even when its client is gone by then.
            journal_file, since = found[0], found[0].stat().st_size
            sandbox.app.set_faults(SLOW)
        elif journal_file is not None:
            in_flight = _open_creates(journal_file, creates, since)
        time.sleep(0.01)
    time.sleep(SLOW_SECONDS / 2)  # creates sent by now are still running at the server
    replay.send_signal(signal.SIGKILL)
    replay.communicate(timeout=30)
    assert journal_file is not None and _open_creates(journal_file, creates), "killed too late"
    sandbox.app.set_faults(None)  # clean's own requests go through without faults

    gone, lines = _clean_with(run_dir, sandbox, tokens, landing=SLOW_SECONDS + 1.5)

    assert any(line.startswith("Found ") for line in lines), lines  # what intents alone knew
    assert _left(sandbox) == {}, lines
    admin = session_for(sandbox, "admin")
    projects = admin.get(f"{sandbox.base_url}/projects",
                         params={"workspace": sandbox.workspace_gid}).json()["data"]  # fmt: skip
    assert projects == [] and gone > 0
    assert not journal_file.exists() and list(journal_file.parent.glob("journal.cleaned-*"))


def _replayed_synthetic(tmp_path: Path, make_sandbox):
    """Two people, each with a project of two tasks, replayed completely."""
    run_dir = synthetic_run(tmp_path / "run", people=2, tasks=2, comments=1)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, limits=UNLIMITED)
    tokens = tokens_of(people, sandbox.admin_token)
    dest = Destination(to=sandbox.base_url, backoff=_backoff(0.0))
    summary, folder = replay_once(run_dir, sandbox.base_url, tokens, dest)
    assert summary.applied == summary.events
    return run_dir, people, sandbox, folder


def _forget_outcome(folder: Path, seq: int) -> None:
    """As if the replay died between the create's answer and its checkpoint record."""
    journal = folder / JOURNAL
    lines = journal.read_bytes().splitlines(keepends=True)
    key = f'"seq":{seq},'.encode()
    kept = [b'{"k":"I","seq":%d}\n' % seq if key in line and b'"k":"A"' in line else line
            for line in lines]  # fmt: skip
    assert kept != lines
    journal.write_bytes(b"".join(kept))


def test_an_intent_whose_object_exists_is_found_and_deleted(tmp_path, make_sandbox):
    run_dir, people, sandbox, folder = _replayed_synthetic(tmp_path, make_sandbox)
    project = next(e for e in events_of(run_dir) if isinstance(e, ev.ProjectCreated))
    _forget_outcome(folder, project.seq)
    gone, lines = _clean_with(run_dir, sandbox, tokens_of(people, sandbox.admin_token), 0.0)
    assert "Found 1 objects" in lines[0] and _left(sandbox) == {}
    assert lines[1].startswith("Deleted ") and "2 projects" in lines[1]


def test_an_undecidable_intent_refuses_and_keeps_everything(tmp_path, make_sandbox):
    run_dir, people, sandbox, folder = _replayed_synthetic(tmp_path, make_sandbox)
    second = [e for e in events_of(run_dir) if isinstance(e, ev.ProjectCreated)][1]
    _forget_outcome(folder, second.seq)
    before = _left(sandbox)
    # Only the first person's token and no default: nobody can look for the second project.
    only_first = tokens_of(people, None, only=1)
    with pytest.raises(BusyworkError, match="resume the replay first") as raised:
        _clean_with(run_dir, sandbox, only_first, 0.0)
    message = str(raised.value)
    assert "no token to look with" in message and "Nothing was deleted" in message
    assert _left(sandbox) == before and (folder / JOURNAL).is_file()
    # With the tokens back, the same clean finishes the job.
    _clean_with(run_dir, sandbox, tokens_of(people, sandbox.admin_token), 0.0)
    assert _left(sandbox) == {}


def test_clean_without_a_usable_token_says_so_not_401(tmp_path, make_sandbox):
    run_dir, people, sandbox, folder = _replayed_synthetic(tmp_path, make_sandbox)
    target = connect(sandbox.base_url, tokens_of(people, None, only=1),
                     Destination(to=sandbox.base_url, backoff=_backoff(0.0)))  # fmt: skip
    lines: list[str] = []
    try:
        with pytest.raises(BusyworkError, match="could not be deleted; run it again"):
            _clean(run_dir, target, lines.append, None)
    finally:
        target.client.close()
    failures = [line for line in lines if line.startswith("  ")]
    assert failures and all("no token can delete it" in line for line in failures), lines
    assert "person2@example.com" in failures[0] and not any("401" in line for line in lines)
    assert (folder / JOURNAL).is_file()
    assert _left(sandbox).get("project") == 1  # the first person's project went


def test_a_missing_uncertain_create_is_looked_for_again_once_it_cannot_land(tmp_path, make_sandbox):
    run_dir, people, sandbox, folder = _replayed_synthetic(tmp_path, make_sandbox)
    task = next(e for e in events_of(run_dir) if isinstance(e, ev.TaskCreated))
    gid = _gid_of(folder, task.task)
    _forget_outcome(folder, task.seq)  # as if killed with the create in flight, never landed
    admin = session_for(sandbox, "admin")
    assert admin.delete(f"{sandbox.base_url}/tasks/{gid}").status_code == 200
    tokens = tokens_of(people, sandbox.admin_token)
    calls: list[str] = []
    sandbox.app.observer = lambda request, status, body: calls.append(request.path)
    gone, lines = _clean_with(run_dir, sandbox, tokens, landing=1.5)
    sandbox.app.observer = None
    assert "1 creates of the stopped replay are not there (yet)" in lines[0]
    assert "looking again in " in lines[0]
    listing = f"/api/1.0/projects/{_gid_of(folder, task.project, cleaned=True)}/tasks"
    assert calls.count(listing) == 2  # looked, waited, looked again: not there, nothing found
    assert not any(line.startswith("Found ") for line in lines) and _left(sandbox) == {}


def test_after_a_clean_stop_the_caller_can_skip_the_wait(tmp_path, make_sandbox):
    run_dir, people, sandbox, folder = _replayed_synthetic(tmp_path, make_sandbox)
    task = next(e for e in events_of(run_dir) if isinstance(e, ev.TaskCreated))
    admin = session_for(sandbox, "admin")
    assert admin.delete(f"{sandbox.base_url}/tasks/{_gid_of(folder, task.task)}").status_code == 200
    _forget_outcome(folder, task.seq)
    target = connect(sandbox.base_url, tokens_of(people, sandbox.admin_token),
                     Destination(to=sandbox.base_url, backoff=_backoff(600.0)))  # fmt: skip
    lines: list[str] = []
    try:
        _clean(run_dir, target, lines.append, None, wait_for_landings=False)
    finally:
        target.client.close()
    assert lines[0].startswith("Deleted ") and _left(sandbox) == {}


def _gid_of(folder: Path, sim_id: str, cleaned: bool = False) -> str:
    name = next(folder.glob("journal.cleaned-*")).name if cleaned else JOURNAL
    for line in (folder / name).read_bytes().splitlines():
        record = msgspec.json.decode(line)
        if sim_id in record.get("ids", {}):
            return record["ids"][sim_id]
    raise AssertionError(f"{sim_id} is not in the journal")
