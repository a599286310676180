"""Replays whose events fail: dependents of a failure count as failures (the replay stops when
more than a quarter fail), the command exits 1 and says how to send them again, and
``--retry-failed`` sends them again exactly once. Deliberate skips are not failures.

The sandbox is real; a gate (a real proxy on 127.0.0.1 port 0 in front of it) answers 400 to
the requests a test picks while `refusing`, as a target that refuses them would. The engine
tests use an in-memory target (no HTTP) to pin outcomes to given events.
"""

from __future__ import annotations

import json
import re
import secrets
import shlex
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.asana.replay_destination import Destination
from adapters.asana.replay_outcome import exit_code, incomplete_line
from engine import events as ev
from engine.replay import ReplayOptions, replay
from engine.replay_deps import created_id
from engine.replay_journal import Journal
from engine.replay_target import Rejected, Skip
from tests.replay_checks import (
    Gate,
    assert_exactly_once,
    assert_sandbox_holds_the_run_once,
    events_of,
    make_run,
    read_back,
    replay_once,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.runner import busywork

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=2)


def _sandbox_for(make_sandbox, run_dir: Path, tmp_path: Path, drop: str | None = None):
    """A sandbox with a user per person of the run (but `drop`, an email), and a tokens file."""
    people = [p for p in run_people(run_dir) if p.email != drop]
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = tokens_of(people, sandbox.admin_token)
    return sandbox, tokens, write_tokens_file(tmp_path / "tokens.toml", tokens)


def _records(folder: Path) -> dict[int, Any]:
    with Journal(folder) as journal:
        return dict(journal.final)


def _count_line(stdout: str) -> dict[str, int]:
    """The numbers of the summary's first line ("Replayed into …: 0 applied, 5 failed, …")."""
    line = next(x for x in stdout.splitlines() if x.startswith("Replayed into "))
    found = re.findall(r"([\d,]+) (applied|failed|not sent|skipped|parked)", line)
    return {what: int(n.replace(",", "")) for n, what in found}


# -- the command, against a target that refuses the first events ----------------------------------


def test_early_failures_stop_the_replay_and_retry_failed_delivers_everything_once(
    run_dir, make_sandbox, tmp_path
):
    sandbox, _, tokens = _sandbox_for(make_sandbox, run_dir, tmp_path)
    add_user = lambda method, path: method == "POST" and path.endswith("/addUser")  # noqa: E731
    with Gate(sandbox.root_url, add_user) as gate:
        command = ["replay", str(run_dir), "--to", gate.base_url, "--tokens", str(tokens)]
        first = busywork(*command, cwd=tmp_path, check=False)
        assert first.returncode == 1, first.stderr
        counts = _count_line(first.stdout)
        lines = first.stdout.splitlines()
        # Everyone whose joining failed takes their work along: nothing else could be sent.
        assert counts["applied"] == 0 and counts["failed"] >= 1 and counts["not sent"] >= 1
        # Stopped once more than 25 % of at least 40 events read failed or depend on a failure.
        assert counts["failed"] + counts["not sent"] > 0.25 * 40
        assert lines[-2].startswith(
            "Stopped early: more than 25% of the events failed or depend on one that failed ("
        ), first.stdout
        assert re.search(
            r"first error: seq \d+ \(PersonJoined\): POST /api/1.0/teams/\d+/addUser", lines[-2]
        )
        assert "HTTP 400: refused by the gate" in lines[-2]
        retry = re.fullmatch(
            rf"Incomplete: {counts['failed']} events failed and {counts['not sent']} depend on "
            r"them; see the errors above; once the cause is fixed, `(busywork replay .*)` sends "
            r"them again, and whatever the stop left unsent\.",
            lines[-1],
        )
        assert retry, lines[-1]
        folder = next((run_dir / "targets").iterdir())
        records = _records(folder)
        assert sum(r.k == "F" for r in records.values()) == counts["failed"]
        assert sum(r.k == "D" for r in records.values()) == counts["not sent"]

        gate.refusing = False  # the cause is fixed; without the flag nothing is sent again
        again = busywork(*command, "--json", cwd=tmp_path, check=False)
        assert again.returncode == 1, again.stderr
        summary = json.loads(again.stdout)  # stdout stays one JSON document
        assert summary["failed_earlier"] == counts["failed"]
        assert summary["skipped_after_failure_earlier"] == counts["not sent"]
        assert (
            "Incomplete: " in again.stderr and "in an earlier run; not sent again" in again.stderr
        )

        # The command the first run printed, as printed, sends them again.
        words = shlex.split(retry[1])
        assert words[-1] == "--retry-failed"
        done = busywork(*words[1:], "--json", cwd=tmp_path, check=False)
        assert done.returncode == 0, done.stderr
        final = json.loads(done.stdout)
        assert final["failed"] == final["skipped_after_failure"] == final["parked"] == 0
        assert not final["stopped"] and "Incomplete" not in done.stderr
        left = sum(r.k in "FD" for r in _records(folder).values())
        assert (
            final["retried"]
            == summary["failed_earlier"]
            + summary["skipped_after_failure_earlier"]
            + summary["failed"]
            + summary["skipped_after_failure"]
        )
        assert left == 0 and final["applied"] + final["already_done"] == final["events"]
    assert_sandbox_holds_the_run_once(run_dir, sandbox)
    (team,) = [t for t in sandbox.store.all("team") if t.name == "Default product team"]
    assert len(set(team.members)) >= len(run_people(run_dir))  # everyone joined in the end


def test_only_deliberate_skips_exit_0(run_dir, make_sandbox, tmp_path):
    # Someone of the run is not a user of the workspace: what names them is skipped on purpose.
    events = events_of(run_dir)
    email = {e.person: e.email.lower() for e in events if isinstance(e, ev.PersonJoined)}
    assigned = [e.assignee for e in events if isinstance(e, ev.TaskAssigned)]
    missing = email[max(set(assigned), key=assigned.count)]
    sandbox, _, tokens = _sandbox_for(make_sandbox, run_dir, tmp_path, drop=missing)
    result = busywork("replay", str(run_dir), "--to", sandbox.base_url, "--tokens", str(tokens),
                      "--json", cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["skipped"] > 0 and summary["failed"] == summary["parked"] == 0
    assert summary["skipped_after_failure"] == 0 and not summary["stopped"]
    assert "Incomplete" not in result.stderr
    folder = next((run_dir / "targets").iterdir())
    reasons = [r.why for r in _records(folder).values()]
    assert any(f"{missing} is not a user of the workspace" in why for why in reasons), reasons


# -- the cascade, and a retry that must not make a half-made project twice ---------------------------


def test_dependents_name_the_root_failure_and_a_retry_adopts_the_half_made_project(
    run_dir, make_sandbox, tmp_path
):
    sandbox, tokens, _ = _sandbox_for(make_sandbox, run_dir, tmp_path)
    members = lambda method, path: method == "POST" and path.endswith("/addMembers")  # noqa: E731
    never_stop = ReplayOptions(max_failure_ratio=1.0)  # this test is about the cascade
    with Gate(sandbox.root_url, members, times=1) as gate:
        dest = Destination(to=gate.base_url)
        summary, folder = replay_once(run_dir, gate.base_url, tokens, dest, options=never_stop)
        # The project was made, then its members were refused: the event failed.
        assert gate.refused and summary.failed == 1 and not summary.stopped, summary.errors
        records = _records(folder)
        (root,) = [seq for seq, r in records.items() if r.k == "F"]
        events = {e.seq: e for e in events_of(run_dir)}
        project = events[root]
        assert isinstance(project, ev.ProjectCreated)
        dependents = {seq: r for seq, r in records.items() if r.k == "D"}
        assert len(dependents) == summary.skipped_after_failure > 0
        assert all(r.cause == root for r in dependents.values())
        tasks = [s for s, e in events.items()
                 if isinstance(e, ev.TaskCreated) and e.project == project.project]  # fmt: skip
        assert tasks and all(s in dependents for s in tasks)
        direct = f"depends on seq {root}, which failed"
        chained = re.compile(
            rf"depends on seq (\d+), which was not replayed because seq {root} failed"
        )
        assert any(r.why == direct for r in dependents.values())
        through = [int(m[1]) for r in dependents.values() if (m := chained.fullmatch(r.why))]
        assert through and all(seq in dependents for seq in through)
        assert all(r.why == direct or chained.fullmatch(r.why) for r in dependents.values())
        assert exit_code(summary) == 1
        line = incomplete_line(summary)
        assert line == (f"Incomplete: 1 event failed and {len(dependents):,} depend on it; see "
                        "the errors above; once the cause is fixed, the same command with "
                        "`--retry-failed` sends them again.")  # fmt: skip

        gate.refusing = False
        retried, _ = replay_once(run_dir, gate.base_url, tokens, dest,
                                 options=ReplayOptions(retry_failed=True))  # fmt: skip
    assert retried.retried == 1 + len(dependents) == retried.applied
    assert retried.failed == retried.skipped == 0 and exit_code(retried) == 0
    named = [p for p in sandbox.store.all("project") if p.name == project.name]
    assert len(named) == 1  # looked for before creating it again: adopted, not made twice
    got = read_back(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid)
    assert_exactly_once(run_dir, folder, got)


# -- the engine, with an in-memory target ---------------------------------------------------------


class Refusing:
    """Applies every event, except: `reject` (by seq or event type) is rejected, `skip` is
    skipped on purpose; `delay` seconds per applied event."""

    name = "memory"

    def __init__(self, reject=(), skip=(), delay: float = 0.0):
        self.reject, self.skip, self.delay = reject, skip, delay
        self.applied: list[int] = []
        self.lock = threading.Lock()

    def observe(self, event):
        pass

    def lane(self, event):
        return "one"

    def apply(self, event, ids, *, uncertain):
        if event.seq in self.reject or type(event) in self.reject:
            raise Rejected("HTTP 403: Forbidden", 403)
        if event.seq in self.skip:
            raise Skip("not on this plan")
        if self.delay:
            threading.Event().wait(self.delay)
        with self.lock:
            self.applied.append(event.seq)
        made = created_id(event)
        return {made: f"g{event.seq}"} if made else {}

    def counters(self):
        return {"requests": len(self.applied), "retries": 0, "rate_limited": 0}


def _joined(seq: int = 1) -> ev.PersonJoined:
    return ev.PersonJoined(seq=seq, at=T0, actor="u1", person="u1", name="A", email="a@x.org",
                           role="lead", timezone="UTC")  # fmt: skip


def _project(seq: int, project: str) -> ev.ProjectCreated:
    return ev.ProjectCreated(seq=seq, at=T0, actor="u1", project=project, name=project,
                             owner="u1")  # fmt: skip


def _task(seq: int, project: str, parent: str | None = None) -> ev.TaskCreated:
    return ev.TaskCreated(seq=seq, at=T0 + timedelta(seconds=seq), actor="u1", task=f"t{seq}",
                          project=project, name=f"Task {seq}", parent=parent)  # fmt: skip


def test_dependents_of_failures_count_towards_the_ratio(template_run, tmp_path):
    events = events_of(template_run)
    target = Refusing(reject={ev.PersonJoined})
    with Journal(tmp_path / "t") as journal:
        summary = replay(target, journal, events)
        records = dict(journal.final)
    assert summary.stopped.startswith(
        "more than 25% of the events failed or depend on one that failed ("
    )
    assert "first error: seq " in summary.stopped and "(PersonJoined): HTTP 403" in summary.stopped
    assert summary.applied == 0 and target.applied == []
    joined = {e.seq for e in events if isinstance(e, ev.PersonJoined)}
    failed = {s for s, r in records.items() if r.k == "F"}
    dependents = [r for r in records.values() if r.k == "D"]
    assert failed <= joined and len(failed) == summary.failed
    assert len(dependents) == summary.skipped_after_failure >= 40 - summary.failed
    assert all(r.cause in failed for r in dependents)
    assert summary.applied + summary.failed + summary.skipped < len(events)  # stopped early
    assert exit_code(summary) == 1


def test_dependents_read_ahead_do_not_stop_a_replay_whose_failures_are_few(tmp_path):
    # 200 tasks in p2 wait for a slow target while the 50 of p1, whose creation fails, are
    # settled the moment they are read: 51 of 253 fail (20 %), under the quarter.
    events: list[ev.Event] = [_joined(), _project(2, "p1"), _project(3, "p2")]
    events += [_task(s, "p2") for s in range(4, 204)]
    events += [_task(s, "p1") for s in range(204, 254)]
    target = Refusing(reject={2}, delay=0.002)
    with Journal(tmp_path / "t") as journal:
        summary = replay(target, journal, events, options=ReplayOptions(workers_per_lane=2))
    assert not summary.stopped
    assert (summary.applied, summary.failed, summary.skipped_after_failure) == (202, 1, 50)


def _needs(seq: int, task: str, depends_on: str) -> ev.DependencyAdded:
    return ev.DependencyAdded(seq=seq, at=T0 + timedelta(seconds=seq), actor="u1", task=task,
                              depends_on=depends_on)  # fmt: skip


# p1 (2) ← t3 (3) ← t5 in p2 depends on t3 (6): 6 needs p1 only through t3.
CHAIN = [_joined(), _project(2, "p1"), _task(3, "p1"), _project(4, "p2"), _task(5, "p2"),
         _needs(6, "t5", "t3")]  # fmt: skip


def test_chained_dependents_name_the_root_and_retry_sends_them_again(tmp_path):
    with Journal(tmp_path / "t") as journal:
        summary = replay(Refusing(reject={2}), journal, CHAIN)
        assert journal.final[3].why == "depends on seq 2, which failed"
        assert journal.final[6].why == (
            "depends on seq 3, which was not replayed because seq 2 failed"
        )
        assert (journal.final[6].k, journal.final[6].cause) == ("D", 2)
    assert (summary.applied, summary.failed, summary.skipped_after_failure) == (3, 1, 2)
    with Journal(tmp_path / "t") as journal:  # without the flag they stay as they are
        again = replay(Refusing(), journal, CHAIN)
    assert (again.failed_earlier, again.skipped_after_failure_earlier, again.applied) == (1, 2, 0)
    assert exit_code(again) == 1
    target = Refusing()
    with Journal(tmp_path / "t") as journal:
        retried = replay(target, journal, CHAIN, options=ReplayOptions(retry_failed=True))
        assert not any(journal.retryable(s) for s in (2, 3, 6))
    assert sorted(target.applied) == [2, 3, 6] and retried.retried == 3
    assert exit_code(retried) == 0
    with Journal(tmp_path / "t") as journal:  # applied now: never sent a second time
        last = replay(Refusing(), journal, CHAIN, options=ReplayOptions(retry_failed=True))
    assert last.retried == last.applied == 0 and last.already_done == len(CHAIN)


def test_what_depends_on_a_deliberate_skip_is_no_failure_and_is_not_retried(tmp_path):
    with Journal(tmp_path / "t") as journal:
        summary = replay(Refusing(skip={2}), journal, CHAIN)
        assert journal.final[3].why == "depends on seq 2, which was skipped"
        assert journal.final[6].why == (
            "depends on seq 3, which was not replayed because seq 2 was skipped"
        )
        assert [journal.final[s].k for s in (2, 3, 6)] == ["S", "S", "S"]
    assert (summary.skipped, summary.skipped_after_failure, summary.failed) == (3, 0, 0)
    assert exit_code(summary) == 0 and incomplete_line(summary) is None
    target = Refusing()
    with Journal(tmp_path / "t") as journal:
        again = replay(target, journal, CHAIN, options=ReplayOptions(retry_failed=True))
    assert target.applied == [] and again.retried == 0 and exit_code(again) == 0


def test_an_older_checkpoint_reads_its_dependents_of_failures_as_retryable(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "journal.jsonl").write_text(  # as written before dependents had their own kind
        '{"k":"A","seq":1,"ids":{"u1":"g1"}}\n'
        '{"k":"I","seq":2}\n{"k":"F","seq":2,"status":403,"why":"HTTP 403: Forbidden"}\n'
        '{"k":"S","seq":3,"why":"depends on seq 2, which failed"}\n'
        '{"k":"I","seq":4}\n{"k":"A","seq":4,"ids":{"p2":"g4"}}\n'
        '{"k":"I","seq":5}\n{"k":"A","seq":5,"ids":{"t5":"g5"}}\n'
        '{"k":"S","seq":6,"why":"depends on seq 3, which failed"}\n'
        '{"k":"S","seq":7,"why":"not on this plan"}\n'
        '{"k":"S","seq":8,"why":"depends on seq 7, which failed"}\n'
    )
    events = [*CHAIN, _project(7, "p3"), _task(8, "p3")]
    with Journal(folder) as journal:
        assert [s for s in range(1, 9) if journal.retryable(s)] == [2, 3, 6]
        assert journal.root_of(6) == (2, True) and journal.root_of(8) == (7, False)
        target = Refusing()
        summary = replay(target, journal, events, options=ReplayOptions(retry_failed=True))
    assert sorted(target.applied) == [2, 3, 6] and summary.retried == 3
    assert summary.already_done == 5 and exit_code(summary) == 0


def test_a_retry_in_flight_is_open_and_a_late_outcome_closes_it(tmp_path):
    with Journal(tmp_path / "t") as journal:
        journal.intent(2)
        journal.record_failed(2, 403, "HTTP 403: Forbidden")
        journal.record_dependency_failed(3, 2, "depends on seq 2, which failed")
        journal.intent(2)  # sent again (--retry-failed), then killed
    with Journal(tmp_path / "t") as journal:
        assert not journal.done(2) and journal.uncertain(2)  # the next run looks first
        # 2 is being sent again, so 3 no longer depends on a failure: open, sent after 2.
        assert not journal.done(3) and not journal.retryable(3)
        journal.record_applied(2, {"p1": "g2"})
        journal.record_applied(3, {"t3": "g3"})
    with Journal(tmp_path / "t") as journal:
        assert journal.done(2) and journal.done(3)
        assert not journal.retryable(2) and not journal.retryable(3)


def test_parked_events_make_the_exit_code_1(tmp_path):
    from engine.replay_report import ReplaySummary

    base = dict(target="t", events=10, already_done=0, applied=9, failed=0, skipped=0, parked=1,
                requests=9, retries=3, rate_limited=0, wall_seconds=1.0,
                requests_per_second=9.0, events_per_second=9.0)  # fmt: skip
    parked = ReplaySummary(**base)
    assert exit_code(parked) == 1
    assert incomplete_line(parked) == (
        "Incomplete: 1 event parked (the target failed for now); the next run sends them."
    )
    # Not sent for want of a usable token: not done either (it once exited 0).
    waiting = ReplaySummary(**{**base, "parked": 0, "deferred": 1})
    assert exit_code(waiting) == 1
    assert incomplete_line(waiting) == (
        "Incomplete: 1 event not sent: their person's token was refused or is missing (see "
        "above); once the tokens file is fixed, the same command sends them."
    )
    assert exit_code(ReplaySummary(**{**base, "stopped": "interrupted"})) == 130
