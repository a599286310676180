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
import threading
from pathlib import Path

import pytest

from adapters.asana.replay_destination import Destination
from adapters.asana.replay_outcome import print_summary
from adapters.asana.sandbox import FaultPlan
from engine.replay_journal import Journal
from tests.replay_checks import (
    FAST,
    UNLIMITED,
    assert_exactly_once,
    events_of,
    read_back,
    replay_once,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.replay_workspace_checks import (
    PORTFOLIO_EVENTS,
    assert_workspace,
    make_workspace_run,
    portfolio_event_count,
    read_back_workspace,
)
from tests.runner import BUSYWORK, busywork

# Slow (replays of the whole workspace vocabulary, with kill -9 and faults: ~40 s): `make test-slow` runs it, and CI.
pytestmark = pytest.mark.slow
DAYS = 5  # Monday to Friday: every kind of workspace event, ~1,400 events
# Rate limits are tested elsewhere; here they would only make the SDK read-back wait.


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    run = make_workspace_run(tmp_path_factory.mktemp("runs") / "workspace", days=DAYS)
    kinds = {type(e).__name__ for e in events_of(run)}
    needed = {"CustomFieldCreated", "CustomFieldChanged", "TagCreated", "TagAdded",
              "DependencyAdded", "ApprovalDecided", "PortfolioCreated", "PortfolioItemAdded",
              "PortfolioStatusPosted"}  # fmt: skip
    assert needed <= kinds, f"the run lacks {needed - kinds}: pick another seed or more days"
    return run


def _replay(run_dir, sandbox, tokens, dest=None):
    dest = dest or Destination(to=sandbox.base_url, backoff=FAST)
    return replay_once(run_dir, sandbox.base_url, tokens, dest)


def _check(run_dir, sandbox, folder, *, portfolios=True, free=False):
    assert_exactly_once(run_dir, folder, read_back(sandbox.base_url, sandbox.admin_token,
                                                   sandbox.workspace_gid))  # fmt: skip
    with Journal(folder) as journal:
        ids = dict(journal.ids.items())
    people = {e.person: e.email.lower() for e in events_of(run_dir) if hasattr(e, "email")}
    owners = {ids[p]: email for p, email in people.items() if ids.get(p)}
    got = read_back_workspace(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid, ids,
                              owners, portfolios, free)  # fmt: skip
    assert_workspace(run_dir, ids, got, emails=people, portfolios=portfolios, free=free)


def _approvers(sandbox, people):
    """Record who sent each approval decision (task gid → email of the token's user), and
    which tasks were sent ``completed: true``."""
    email_of = {p.token: p.email.lower() for p in people}
    decided: dict[str, str] = {}
    completed: set[str] = set()

    def observe(request, status, body):
        if request.method != "PUT" or status != 200:
            return
        gid = request.path.rsplit("/", 1)[-1]
        if b"approval_status" in request.body:
            token = request.headers["authorization"].split()[-1]
            decided[gid] = email_of.get(token, "someone else")
        if b'"completed":true' in request.body:
            completed.add(gid)

    sandbox.app.observer = observe
    return decided, completed


def test_workspace_objects_replay_exactly_as_the_log_says(run_dir, make_sandbox, tmp_path):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-ws-token-1", limits=UNLIMITED)
    decided, completed = _approvers(sandbox, people)
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
    # A decision completes an approval; completing it again would make a rejection "approved".
    reopened = {ids[e.task] for e in events if type(e).__name__ == "TaskReopened"}
    assert not (completed & set(want)) - reopened
    # Replaying again changes nothing; another run into the same workspace reuses the custom
    # fields, tags and teams (matched by name), and makes its own projects and tasks.
    again, _ = _replay(run_dir, sandbox, tokens)
    assert again.applied == 0 and again.already_done == summary.events
    second = Path(shutil.copytree(run_dir, tmp_path / "second", ignore=_no_targets))
    other, folder2 = _replay(second, sandbox, tokens)
    assert other.failed == other.skipped == 0 and other.applied == other.events, other.errors
    with Journal(folder) as first, Journal(folder2) as then:
        for sim, gid in then.ids.items():
            if sim.startswith(("cf", "tg")):  # the same objects, not copies
                assert first.ids.get(sim) == gid, sim
            elif sim[:1] in "pt" and sim[1:].isdigit():
                assert first.ids.get(sim) != gid, sim
    teams = read_back_workspace(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid,
                                {}, {}, portfolios=False)["teams"]  # fmt: skip
    assert all(len(same_name) == 1 for same_name in teams.values()), teams


def _no_targets(folder, names):
    return ["targets"] if "targets" in names else []


def test_free_plan_notes_each_402_once_and_goes_on_without_paid_features(run_dir, make_sandbox):
    people = run_people(run_dir)
    sandbox = make_sandbox(
        people=people, admin_token="admin-ws-token-3", limits=UNLIMITED, plan="free"
    )
    hits: list[str] = []
    sandbox.app.observer = lambda req, status, body: status == 402 and hits.append(req.path)
    summary, folder = _replay(run_dir, sandbox, tokens_of(people, sandbox.admin_token))
    events = events_of(run_dir)
    # Portfolio and dependency events are skipped, and so are value changes of custom fields
    # (the fields themselves are mapped to "": their projects and tasks go on without them).
    skipped = portfolio_event_count(run_dir) + sum(
        type(e).__name__ in ("DependencyAdded", "CustomFieldChanged") for e in events
    )
    assert summary.failed == summary.parked == 0 and not summary.stopped, summary.errors
    assert summary.skipped == skipped and summary.applied == summary.events - skipped
    assert len(summary.notes) == 3 and all("402" in n for n in summary.notes), summary.notes
    for what in ("portfolios", "task dependencies", "custom fields"):
        assert sum(n.startswith(f"{what} are not available") for n in summary.notes) == 1
    printed: list[str] = []
    print_summary(summary, printed.append, as_json=False)
    assert sum(line.startswith("Note: portfolios are not available") for line in printed) == 1
    # A 402 stops further calls of its feature (only those already in flight get one too).
    kinds = {"/portfolios": tuple(c.__name__ for c in PORTFOLIO_EVENTS),
             "/addDependencies": ("DependencyAdded",),
             "/custom_fields": ("CustomFieldCreated", "CustomFieldChanged")}  # fmt: skip
    for kind, names in kinds.items():
        sent = [h for h in hits if h.endswith(kind) or f"{kind}/" in h]
        total = sum(type(e).__name__ in names for e in events)
        assert 1 <= len(sent) < total / 2, f"{kind}: {len(sent)} calls for {total} events"
    with Journal(folder) as journal:
        reasons = [r.why for r in journal.final.values()]
    assert len(reasons) == skipped
    assert sum("this and every later portfolio event are skipped" in r for r in reasons) == 1
    assert sum("this and every later dependency event are skipped" in r for r in reasons) == 1
    sandbox.app.observer = None
    _check(run_dir, sandbox, folder, portfolios=False, free=True)


def test_lost_answers_and_errors_still_exactly_once(run_dir, make_sandbox, rng):
    people = run_people(run_dir)
    plan = FaultPlan(rates={"lost": 0.08, "500": 0.03, "reset": 0.03},
                     seed=rng.randrange(2**31))  # fmt: skip
    sandbox = make_sandbox(
        people=people, admin_token="admin-ws-token-4", limits=UNLIMITED, faults=plan
    )
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


# Kill points: the replay process dies once the sandbox has applied one of these, before the
# answer reaches it (the worst moment: the object exists, the checkpoint has only the intent).
KILL_AT = ("/teams", "/custom_fields", "/tags", "/addCustomFieldSetting", "/portfolios")


def test_kill_9_right_after_new_creates_then_resume_exactly_once(run_dir, make_sandbox,
                                                                 tmp_path):  # fmt: skip
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-ws-token-5", limits=UNLIMITED)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    command = [BUSYWORK, "replay", str(run_dir), "--to", sandbox.base_url, "--tokens",
               str(tokens), "--json"]  # fmt: skip
    killed: list[str] = []
    for _ in range(len(KILL_AT) + 2):
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        hit = threading.Lock()

        def observe(request, status, body, proc=proc, hit=hit):
            if request.method != "POST" or status >= 300:
                return
            point = next((k for k in KILL_AT if request.path.endswith(k) and k not in killed), 0)
            if point and hit.acquire(blocking=False):  # one kill per process
                killed.append(point)
                os.kill(proc.pid, signal.SIGKILL)

        sandbox.app.observer = observe
        proc.communicate(timeout=60)
        sandbox.app.observer = None
        if proc.returncode != -signal.SIGKILL:
            break  # it finished: nothing left to kill it at
    print(f"killed right after: {killed}")
    assert set(killed) >= {"/custom_fields", "/tags", "/portfolios"}, killed
    assert len(killed) >= 4, killed
    done = busywork(*command[1:], cwd=tmp_path)
    summary = json.loads(done.stdout)
    assert summary["parked"] == summary["failed"] == summary["skipped"] == 0
    assert not summary["stopped"] and summary["already_done"] > 0
    _check(run_dir, sandbox, next((run_dir / "targets").iterdir()))


def test_new_events_wait_for_what_they_use():
    from datetime import UTC, datetime

    from engine import events as ev
    from engine.replay_deps import CREATES, created_id, needs, subject

    at = datetime(2026, 1, 5, tzinfo=UTC)
    task = ev.TaskCreated(seq=9, at=at, actor="u1", task="t3", project="p1", name="x",
                          tags=("tg1",), custom_fields={"cf2": "High"})  # fmt: skip
    assert {"p1", "tg1", "cf2"} <= set(needs(task))
    project = ev.ProjectCreated(seq=8, at=at, actor="u1", project="p1", name="P", owner="u1",
                                members=("u2",), custom_fields=("cf2",))  # fmt: skip
    assert {"u2", "cf2"} <= set(needs(project))
    dep = ev.DependencyAdded(seq=10, at=at, actor="u1", task="t3", depends_on="t2")
    assert subject(dep) == "t3" and "t2" in needs(dep)
    item = ev.PortfolioItemAdded(seq=11, at=at, actor="u1", portfolio="pf1", project="p1")
    assert subject(item) == "pf1" and "p1" in needs(item)
    status = ev.PortfolioStatusPosted(seq=12, at=at, actor="u1", status_update="su4",
                                      portfolio="pf1", status_type="on_track", title="", text="")  # fmt: skip
    assert subject(status) == "pf1" and created_id(status) == "su4"
    changed = ev.CustomFieldChanged(seq=13, at=at, actor="u1", task="t3", field="cf2", value=None)
    tagged = ev.TagAdded(seq=14, at=at, actor="u1", task="t3", tag="tg1")
    assert "cf2" in needs(changed) and "tg1" in needs(tagged)
    made = {ev.CustomFieldCreated: "cf2", ev.TagCreated: "tg1", ev.PortfolioCreated: "pf1"}
    assert set(made) | {ev.PortfolioStatusPosted} <= CREATES
    field = ev.CustomFieldCreated(seq=1, at=at, actor="u1", field="cf2", name="P", kind="text")
    assert created_id(field) == subject(field) == "cf2"
