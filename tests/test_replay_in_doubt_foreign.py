"""A create in doubt adopts only an object this run made (adapters/asana/target_adopt.py).

The QA probe: the same scenario replayed twice (runs ``live1`` and ``k9``) makes two projects
of one name; a copy of ``live1`` whose project create is in doubt (its intent, no outcome),
with live1's own project gone, resumed and took over k9's project, and ``clean`` then deleted
it. Now a resumed run adopts only an object made in its create's window (from the intent on)
by the user it acts as; otherwise it creates its own, and ``clean`` leaves the other run's
alone. Its own late landing is still adopted (no duplicate).
"""

from __future__ import annotations

import json
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.asana.sandbox import Sandbox, SandboxConfig
from adapters.asana.target_adopt import CLOCK_SKEW, Window, adoptable
from engine import events as ev
from engine.replay_ids import IdMap
from engine.replay_journal import JOURNAL, Journal
from tests.replay_checks import (
    events_of,
    run_people,
    synthetic_run,
    tokens_of,
    write_tokens_file,
)
from tests.runner import busywork
from tests.sandbox_fixtures import session_for


def _journal_file(run_dir: Path) -> Path:
    (found,) = run_dir.glob(f"targets/*/{JOURNAL}")
    return found


def _records(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in _journal_file(run_dir).read_text().splitlines()]


def _gid(run_dir: Path, sim_id: str) -> str:
    return next(r["ids"][sim_id] for r in _records(run_dir) if sim_id in r.get("ids", {}))


def _project_event(run_dir: Path) -> ev.ProjectCreated:
    return next(e for e in events_of(run_dir) if isinstance(e, ev.ProjectCreated))


@dataclass
class TwoRuns:
    """live1 and k9: one scenario replayed twice into one sandbox; live1's project deleted,
    so k9's is the only project of that name."""

    folder: Path
    sandbox: Sandbox
    to: list[str]
    live1: Path
    k9: Path
    k9_project: str

    def get(self, path: str) -> dict:
        answer = session_for(self.sandbox, "admin").get(f"{self.sandbox.base_url}{path}")
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.json()["data"]

    def tasks_of(self, project: str) -> list[str]:
        return sorted(t["gid"] for t in self.get(f"/projects/{project}/tasks"))

    def copy_of_live1_in_doubt(self, name: str, intent: str | None) -> Path:
        """live1 copied and cut to the records before its project's create, plus an intent
        for that create: `intent` "now" (as a replay writes it), "legacy" (an older
        checkpoint's, no time) or a JSON line."""
        run = Path(shutil.copytree(self.live1, self.folder / name))
        seq = _project_event(run).seq
        journal = _journal_file(run)
        kept = [line for line in journal.read_text().splitlines(keepends=True)
                if json.loads(line)["seq"] < seq]  # fmt: skip
        if intent == "legacy":
            kept.append(json.dumps({"k": "I", "seq": seq}) + "\n")
        elif intent != "now":
            kept.append(intent + "\n")
        journal.write_text("".join(kept))
        if intent == "now":
            # Announced after the same-named projects there were made, by more than the skew.
            time.sleep(CLOCK_SKEW.total_seconds() + 0.5)
            with Journal(journal.parent) as opened:
                opened.intent(seq)
        return run


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> Iterator[TwoRuns]:
    folder = tmp_path_factory.mktemp("foreign")
    live1 = synthetic_run(folder / "live1", people=1, tasks=3, comments=1)
    k9 = synthetic_run(folder / "k9", people=1, tasks=3, comments=1)
    people = run_people(live1)
    sandbox = Sandbox(SandboxConfig(people=people, admin_token=secrets.token_urlsafe(16)))
    sandbox.start()
    try:
        tokens = write_tokens_file(folder / "tokens.toml", tokens_of(people, sandbox.admin_token))
        to = ["--to", sandbox.base_url, "--tokens", str(tokens)]
        busywork("replay", str(live1), *to, cwd=folder)
        busywork("replay", str(k9), *to, cwd=folder)
        k9_project = _gid(k9, _project_event(k9).project)
        admin = session_for(sandbox, "admin")
        gone = admin.delete(f"{sandbox.base_url}/projects/{_gid(live1, 'p1')}")
        assert gone.status_code == 200
        runs = TwoRuns(folder, sandbox, to, live1, k9, k9_project)
        assert len(runs.tasks_of(k9_project)) == 3
        yield runs
    finally:
        errors = list(sandbox.internal_errors)
        sandbox.stop()
    assert not errors, errors


def _resume_takes_nothing_of_k9(runs: TwoRuns, run: Path) -> str:
    """Resume `run`: it makes its own project and leaves k9's as it was; its project's gid."""
    before = runs.tasks_of(runs.k9_project)
    busywork("replay", str(run), *runs.to, cwd=runs.folder)
    own = _gid(run, "p1")
    assert own != runs.k9_project
    assert runs.tasks_of(runs.k9_project) == before
    assert len(runs.tasks_of(own)) == 3
    return own


@pytest.mark.slow  # replays, resumes and cleans: ~6 s
def test_the_probe_a_resumed_run_makes_its_own_and_clean_leaves_k9s(two_runs):
    adopt1 = two_runs.copy_of_live1_in_doubt("adopt1", "now")
    own = _resume_takes_nothing_of_k9(two_runs, adopt1)
    busywork("clean", str(adopt1), *two_runs.to, "--yes", cwd=two_runs.folder)
    admin = session_for(two_runs.sandbox, "admin")
    assert admin.get(f"{two_runs.sandbox.base_url}/projects/{own}").status_code == 404
    assert len(two_runs.tasks_of(two_runs.k9_project)) == 3


def test_an_older_checkpoints_intent_adopts_nothing(two_runs):
    # The probe's own cut: an intent without a time cannot tell k9's project from a landing.
    _resume_takes_nothing_of_k9(two_runs, two_runs.copy_of_live1_in_doubt("legacy", "legacy"))


def test_an_object_made_after_the_creates_window_is_not_adopted(two_runs):
    # As if this run was killed with its create announced long before k9 made its project.
    made = two_runs.get(f"/projects/{two_runs.k9_project}")["created_at"]
    long_before = _shifted(made, -timedelta(hours=1))
    seq = _project_event(two_runs.live1).seq
    intent = json.dumps({"k": "I", "seq": seq, "at": long_before})
    _resume_takes_nothing_of_k9(two_runs, two_runs.copy_of_live1_in_doubt("killed", intent))


def _shifted(iso: str, by: timedelta) -> str:
    return (datetime.fromisoformat(iso) + by).isoformat().replace("+00:00", "Z")


def _forget(run_dir: Path, seq: int) -> None:
    """Drop `seq`'s outcome, keeping its intent: as if killed after the server applied it."""
    journal = _journal_file(run_dir)
    lines = journal.read_text().splitlines(keepends=True)
    kept = [line for line in lines if not (json.loads(line)["seq"] == seq
                                            and json.loads(line)["k"] == "A")]  # fmt: skip
    assert len(kept) == len(lines) - 1
    journal.write_text("".join(kept))


def test_its_own_late_landings_are_adopted_another_users_look_alike_is_not(tmp_path,
                                                                          make_sandbox):  # fmt: skip
    run = synthetic_run(tmp_path / "run", people=1, tasks=2, comments=0)
    people = run_people(run)
    sandbox = make_sandbox(people=people)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    to = ["--to", sandbox.base_url, "--tokens", str(tokens)]
    busywork("replay", str(run), *to, cwd=tmp_path)
    project, landed, lost = (e for e in events_of(run)
                             if isinstance(e, ev.ProjectCreated | ev.TaskCreated))  # fmt: skip
    before = {e.seq: _gid(run, created) for e, created in
              ((project, project.project), (landed, landed.task), (lost, lost.task))}  # fmt: skip
    for e in (project, landed, lost):
        _forget(run, e.seq)
    # `lost` never landed; meanwhile someone else (the admin) made a task of its name there.
    admin = session_for(sandbox, "admin")
    url = sandbox.base_url
    assert admin.delete(f"{url}/tasks/{before[lost.seq]}").status_code == 200
    made = admin.post(f"{url}/tasks", json={"data": {
        "name": lost.name, "projects": [before[project.seq]]}})  # fmt: skip
    assert made.status_code == 201
    theirs = made.json()["data"]["gid"]

    busywork("replay", str(run), *to, cwd=tmp_path)

    assert _gid(run, project.project) == before[project.seq]  # adopted: not made twice
    assert _gid(run, landed.task) == before[landed.seq]
    own = _gid(run, lost.task)
    assert own not in (theirs, before[lost.seq])
    listed = admin.get(f"{url}/projects/{before[project.seq]}/tasks").json()["data"]
    assert sorted(t["gid"] for t in listed) == sorted([before[landed.seq], theirs, own])
    projects = admin.get(f"{url}/projects", params={"workspace": sandbox.workspace_gid})
    assert len(projects.json()["data"]) == 1


def test_the_earliest_look_alike_made_in_the_window_by_this_run_s_user_is_chosen():
    ids = IdMap()
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    ids.intend(7, at)
    window = Window.of(ids, 7, timedelta(minutes=12), None)

    def item(gid: str, minutes: float, by: str = "me") -> dict:
        made = (at + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
        return {"gid": gid, "name": "Plan", "created_at": made, "created_by": {"gid": by}}

    items = [item("late", 13), item("theirs", 0.1, by="bob"), item("second", 0.5),
             item("first", 0.2), item("before", -1), item("owned", 0.05)]  # fmt: skip
    same = lambda i: i["name"] == "Plan"  # noqa: E731
    mine = frozenset({"me"})
    assert adoptable(items, same, taken={"owned"}.__contains__, window=window,
                     creators=mine) == "first"  # fmt: skip
    assert adoptable(items, same, taken=lambda g: False, window=window,
                     creators=None) == "owned"  # fmt: skip
    assert adoptable(items[:2], same, taken=lambda g: False, window=window, creators=mine) is None
    # Once this process has sent the create, what it made since it began counts too.
    sent = Window.of(ids, 7, timedelta(minutes=12), at + timedelta(minutes=12.5))
    assert adoptable(items[:1], same, taken=lambda g: False, window=sent, creators=mine) == "late"
    assert adoptable(items[:1], same, taken=lambda g: False, window=sent.before_sending(),
                     creators=mine) is None  # fmt: skip


def test_two_events_in_doubt_looking_at_once_never_adopt_the_same_object():
    """Two creates in doubt of one lane (its workers run side by side) look for their objects
    after a restart: each claims what it adopts as it chooses, so the second never takes the
    first's choice before it is recorded (once one task was lost that way: 62 of 63 made)."""
    ids = IdMap()
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for seq in (7, 8):
        ids.intend(seq, at)
    made = at.isoformat().replace("+00:00", "Z")
    items = [{"gid": g, "name": "Plan", "created_at": made, "created_by": {"gid": "me"}}
             for g in ("one", "two")]  # fmt: skip
    ready = threading.Barrier(2)

    def look(seq: int) -> str | None:
        window = Window.of(ids, seq, timedelta(minutes=12), None)
        ready.wait()
        return ids.claim(lambda taken: adoptable(items, lambda i: i["name"] == "Plan",
                                                 taken=taken, window=window,
                                                 creators=frozenset({"me"})))  # fmt: skip

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(look, (7, 8))) == ["one", "two"]
    assert (
        ids.claim(lambda taken: next((i["gid"] for i in items if not taken(i["gid"])), None))
        is None
    )
