"""Replay the workspace objects (custom fields and values, tags, dependencies, milestones,
approvals, teams, project members, portfolios) into a sandbox and read them back with the
official ``asana`` SDK: exactly as the log says, each exactly once; on a free plan, one 402
note and no portfolios; after lost answers and after ``kill -9`` in the middle of a create."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from adapters.asana.client import Backoff
from adapters.asana.replay_job import Destination, connect, open_journal, run_replay
from adapters.asana.sandbox import FaultPlan
from engine.replay_journal import Journal
from tests.replay_checks import (
    assert_exactly_once,
    events_of,
    read_back,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.replay_workspace_checks import (
    assert_workspace,
    make_workspace_run,
    portfolio_event_count,
    read_back_workspace,
)
from tests.runner import BUSYWORK, busywork

pytest.importorskip("asana")

FAST = Backoff(base=0.01, cap=0.05, attempts=8, timeout=(2.0, 5.0))
DAYS = 8


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    run = make_workspace_run(tmp_path_factory.mktemp("runs") / "workspace", days=DAYS)
    kinds = {type(e).__name__ for e in events_of(run)}
    needed = {"CustomFieldCreated", "CustomFieldChanged", "TagCreated", "TagAdded",
              "DependencyAdded", "ApprovalDecided", "PortfolioCreated", "PortfolioItemAdded",
              "PortfolioStatusPosted"}  # fmt: skip
    assert needed <= kinds, f"the run lacks {needed - kinds}: pick another seed or more days"
    return run


@pytest.fixture
def run_dir(template_run, tmp_path) -> Path:
    return Path(shutil.copytree(template_run, tmp_path / "run"))


def _replay(run_dir, sandbox, tokens, dest=None):
    dest = dest or Destination(to=sandbox.base_url, backoff=FAST)
    target = connect(sandbox.base_url, tokens, dest)
    journal = open_journal(run_dir, target, "test")
    try:
        summary = run_replay(run_dir, target, journal, speed=None)
    finally:
        journal.close()
        target.client.close()
    return summary, run_dir / "targets" / target.name


def _check(run_dir, sandbox, folder, *, portfolios=True):
    assert_exactly_once(run_dir, folder, read_back(sandbox.base_url, sandbox.admin_token,
                                                   sandbox.workspace_gid))  # fmt: skip
    with Journal(folder) as journal:
        ids = dict(journal.ids.items())
    people = {e.person: e.email.lower() for e in events_of(run_dir) if hasattr(e, "email")}
    owners = {ids[p]: email for p, email in people.items() if ids.get(p)}
    got = read_back_workspace(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid, ids,
                              owners, portfolios)  # fmt: skip
    assert_workspace(run_dir, ids, got, emails=people, portfolios=portfolios)


def _approvers(sandbox, people):
    """Record who sent each approval decision: task gid → email of the token's user."""
    email_of = {p.token: p.email.lower() for p in people}
    decided: dict[str, str] = {}

    def observe(request, status, body):
        if request.method == "PUT" and b"approval_status" in request.body and status == 200:
            token = request.headers["authorization"].split()[-1]
            decided[request.path.rsplit("/", 1)[-1]] = email_of.get(token, "someone else")

    sandbox.app.observer = observe
    return decided


def test_workspace_objects_replay_exactly_as_the_log_says(run_dir, make_sandbox):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-ws-token-1")
    decided = _approvers(sandbox, people)
    tokens = tokens_of(people, sandbox.admin_token)
    summary, folder = _replay(run_dir, sandbox, tokens)
    assert summary.failed == summary.skipped == summary.parked == 0, summary.errors
    assert summary.applied == summary.events and not summary.notes and not summary.stopped
    _check(run_dir, sandbox, folder)
    with Journal(folder) as journal:
        ids = dict(journal.ids.items())
    events = events_of(run_dir)
    email = {e.person: e.email.lower() for e in events if hasattr(e, "email")}
    want = {ids[e.task]: email[e.actor] for e in events if type(e).__name__ == "ApprovalDecided"}
    assert decided == want, "each approval decided with its approver's token"
    # Replaying again into the same workspace changes nothing.
    again, _ = _replay(run_dir, sandbox, tokens)
    assert again.applied == 0 and again.already_done == summary.events
    _check(run_dir, sandbox, folder)


def test_a_second_run_reuses_fields_tags_and_teams_by_name(run_dir, make_sandbox, tmp_path):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-ws-token-2")
    tokens = tokens_of(people, sandbox.admin_token)
    _replay(run_dir, sandbox, tokens)
    second = Path(shutil.copytree(run_dir, tmp_path / "second", ignore=_no_targets))
    summary, folder = _replay(second, sandbox, tokens)
    assert summary.failed == summary.skipped == 0 and summary.applied == summary.events
    with Journal(next((run_dir / "targets").iterdir())) as first, Journal(folder) as again:
        for sim, gid in again.ids.items():
            if sim.startswith(("cf", "tg")):  # the same objects, not copies
                assert first.ids.get(sim) == gid, sim
            elif sim.startswith(("p", "t")) and sim[1:].isdigit():
                assert first.ids.get(sim) != gid, sim


def _no_targets(folder, names):
    return ["targets"] if "targets" in names else []


def test_free_plan_notes_one_402_and_skips_portfolios(run_dir, make_sandbox):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-ws-token-3", plan="free")
    hits: list[str] = []
    sandbox.app.observer = lambda req, status, body: status == 402 and hits.append(req.path)
    summary, folder = _replay(run_dir, sandbox, tokens_of(people, sandbox.admin_token))
    skipped = portfolio_event_count(run_dir)
    assert summary.failed == summary.parked == 0 and not summary.stopped
    assert summary.skipped == skipped and summary.applied == summary.events - skipped
    assert len(summary.notes) == 1 and "402" in summary.notes[0], summary.notes
    assert "portfolios are not available" in summary.notes[0]
    assert 1 <= len(hits) <= 2, "a 402 stops further portfolio calls (one per lane in flight)"
    with Journal(folder) as journal:
        reasons = [r.why for r in journal.final.values()]
    assert len(reasons) == skipped
    assert sum("this and every later portfolio event are skipped" in r for r in reasons) == 1
    sandbox.app.observer = None
    _check(run_dir, sandbox, folder, portfolios=False)


def test_lost_answers_and_errors_still_exactly_once(run_dir, make_sandbox, rng):
    people = run_people(run_dir)
    plan = FaultPlan(rates={"lost": 0.08, "500": 0.03, "reset": 0.03},
                     seed=rng.randrange(2**31))  # fmt: skip
    sandbox = make_sandbox(people=people, admin_token="admin-ws-token-4", faults=plan)
    tokens = tokens_of(people, sandbox.admin_token)
    summary, folder = _replay(run_dir, sandbox, tokens)
    assert summary.retries > 0
    for _ in range(5):  # retries ran out for some: the next runs pick them up
        if not summary.parked:
            break
        summary, folder = _replay(run_dir, sandbox, tokens)
    assert summary.parked == summary.failed == summary.skipped == 0, summary.errors
    sandbox.app.dice = None
    _check(run_dir, sandbox, folder)


# A kill point: the replay process dies once the sandbox has applied this create, before the
# answer reaches it (the worst moment: the object exists, the checkpoint only has the intent).
KILL_AT = ("/teams", "/custom_fields", "/tags", "/addCustomFieldSetting", "/portfolios",
           "/addItem")  # fmt: skip


def test_kill_9_right_after_each_new_create_then_resume_exactly_once(run_dir, make_sandbox,
                                                                     tmp_path):  # fmt: skip
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-ws-token-5")
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    command = [BUSYWORK, "replay", str(run_dir), "--to", sandbox.base_url, "--tokens",
               str(tokens), "--json"]  # fmt: skip
    killed: list[str] = []
    for suffix in KILL_AT:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

        def observe(request, status, body, suffix=suffix, proc=proc):
            if request.method == "POST" and request.path.endswith(suffix) and status < 300:
                if not killed or killed[-1] != suffix:
                    killed.append(suffix)
                    os.kill(proc.pid, signal.SIGKILL)

        sandbox.app.observer = observe
        proc.communicate(timeout=60)
        sandbox.app.observer = None
    assert killed == list(KILL_AT), f"never reached: {set(KILL_AT) - set(killed)}"
    done = busywork(*command[1:], cwd=tmp_path)
    summary = json.loads(done.stdout)
    assert summary["parked"] == summary["failed"] == summary["skipped"] == 0
    assert not summary["stopped"] and summary["already_done"] > 0
    _check(run_dir, sandbox, next((run_dir / "targets").iterdir()))
