"""A replay's counts tell the truth: they add up to the run's events even after an early stop;
after a `--retry-failed` that was killed, what no longer depends on a failure is neither
reported as such nor left unsent; "sent again" counts what was sent; the first error named is
the earliest failure in the log, whichever finished first.

The engine tests use the in-memory `Refusing` target of test_replay_failures (no HTTP); the
last test kills a real `busywork replay --retry-failed` behind a gate in front of the sandbox.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import signal
import threading
from pathlib import Path

import msgspec
import pytest

from adapters.asana.replay_outcome import exit_code, incomplete_line, print_summary
from engine import events as ev
from engine.replay import ReplayOptions, replay
from engine.replay_journal import Journal
from tests.replay_checks import (
    FAST,
    Gate,
    assert_sandbox_holds_the_run_once,
    events_of,
    make_run,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.runner import busywork
from tests.test_replay_failures import CHAIN, Refusing, _joined, _project, _task
from tests.test_replay_signals import slow_down, start, wait_for_journal


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=2)


OUTCOMES = ("already_done", "applied", "failed", "skipped", "parked", "deferred", "not_read")


def _adds_up(summary) -> bool:
    """Every event of the run is in exactly one count."""
    counted = sum(getattr(summary, k, 0) for k in OUTCOMES)
    return counted == summary.events


def _summary_lines(summary) -> list[str]:
    lines: list[str] = []
    print_summary(summary, lines.append, as_json=False)
    return lines


# -- every event in one count ---------------------------------------------------------------------


def test_an_early_stop_counts_the_events_it_never_read(template_run, tmp_path):
    events = events_of(template_run)
    # Reading at most 10 events ahead of the target, the stop comes long before the end.
    few_ahead = ReplayOptions(max_pending=10)
    with Journal(tmp_path / "t") as journal:
        summary = replay(Refusing(reject={ev.PersonJoined}), journal, events, total=len(events),
                         options=few_ahead)  # fmt: skip
    assert summary.stopped.startswith("more than 25% of the events failed")
    assert summary.not_read > 0 and summary.events == len(events)
    assert _adds_up(summary), msgspec.structs.asdict(summary)
    encoded = json.loads(msgspec.json.encode(summary))
    assert encoded["not_read"] == summary.not_read  # the --json summary has it too
    first = _summary_lines(summary)[0]
    assert (
        f", {summary.not_read:,} not read (the stop came first; the next run sends them)" in first
    )


class StopsAfter(Refusing):
    """Applies events slowly and sets `stop` once `after` of them were applied (a Ctrl-C)."""

    def __init__(self, stop: threading.Event, after: int):
        super().__init__(delay=0.01)
        self.stop, self.after = stop, after

    def apply(self, event, ids, *, uncertain):
        made = super().apply(event, ids, uncertain=uncertain)
        if len(self.applied) >= self.after:
            self.stop.set()
        return made


def test_a_stop_counts_what_it_left_waiting_as_left_for_the_next_run(template_run, tmp_path):
    events = events_of(template_run)
    stop = threading.Event()
    with Journal(tmp_path / "t") as journal:
        summary = replay(StopsAfter(stop, 30), journal, events, stop=stop, total=len(events),
                         options=ReplayOptions(workers_per_lane=2))  # fmt: skip
    assert summary.stopped == "interrupted" and summary.applied >= 30
    assert summary.deferred > 0  # read, but waiting or queued when the stop came
    assert _adds_up(summary), msgspec.structs.asdict(summary)
    with Journal(tmp_path / "t") as journal:  # the next run sends exactly those
        rest = replay(Refusing(), journal, events, total=len(events))
    assert rest.applied == summary.deferred + summary.not_read and rest.deferred == 0
    assert rest.already_done == summary.applied and _adds_up(rest)


# -- a killed --retry-failed -----------------------------------------------------------------------


class DiesAt(Refusing):
    """Rejects `reject`, and dies (as under `kill -9`: nothing recorded) at seq `dies`."""

    def __init__(self, dies: int, reject=()):
        super().__init__(reject=reject)
        self.dies = dies

    def apply(self, event, ids, *, uncertain):
        if event.seq == self.dies:
            raise KeyboardInterrupt
        return super().apply(event, ids, uncertain=uncertain)


class KilledRetry(Refusing):
    """A `--retry-failed` killed part-way: applies `first` once every event was read (so the
    events queued behind it are queued by then), rejects `reject`, and dies (as under
    `kill -9`: nothing recorded) at seq `dies`."""

    def __init__(self, events: list[ev.Event], first: int, dies: int, reject=()):
        super().__init__(reject=reject)
        self.last, self.first, self.dies = events[-1].seq, first, dies
        self.all_read = threading.Event()

    def observe(self, event):
        if event.seq == self.last:
            self.all_read.set()

    def apply(self, event, ids, *, uncertain):
        if event.seq == self.first:
            self.all_read.wait(10)
        if event.seq == self.dies:
            raise KeyboardInterrupt
        return super().apply(event, ids, uncertain=uncertain)


# Three projects whose creation fails (2, 3, 6), each with a task that depends on it.
THREE_ROOTS = [_joined(), _project(2, "p1"), _project(3, "p2"), _task(4, "p1"), _task(5, "p2"),
               _project(6, "p3"), _task(7, "p3")]  # fmt: skip


def test_after_a_killed_retry_only_what_still_depends_on_a_failure_is_reported(tmp_path):
    with Journal(tmp_path / "t") as journal:
        first = replay(Refusing(reject={2, 3, 6}), journal, THREE_ROOTS)
    assert (first.failed, first.skipped_after_failure) == (3, 3)
    # One worker, the queue 2, 3, 6: 2 gets through (4 is queued after 6), then the kill comes
    # while 3 is sent; 6 and 4 were never touched.
    retry = ReplayOptions(workers_per_lane=1, retry_failed=True)
    killed = KilledRetry(THREE_ROOTS, first=2, dies=3)
    with Journal(tmp_path / "t") as journal, pytest.raises(KeyboardInterrupt):
        replay(killed, journal, THREE_ROOTS, options=retry)
    assert killed.applied == [2]
    target = Refusing()
    with Journal(tmp_path / "t") as journal:
        plain = replay(target, journal, THREE_ROOTS)
    # 2 got through and 3 was being sent again (looked for, then sent): what depends on them
    # goes too; 6 still failed, and 7 depends on it.
    assert sorted(target.applied) == [3, 4, 5]
    assert (plain.failed_earlier, plain.skipped_after_failure_earlier) == (1, 1)
    assert incomplete_line(plain).startswith(
        "Incomplete: 1 event failed and 1 depends on it (in an earlier run; not sent again)"
    )
    assert exit_code(plain) == 1 and _adds_up(plain)


def test_after_a_retry_killed_mid_create_its_dependents_follow_it(tmp_path):
    with Journal(tmp_path / "t") as journal:
        replay(Refusing(reject={2}), journal, CHAIN)
    with Journal(tmp_path / "t") as journal, pytest.raises(KeyboardInterrupt):
        replay(DiesAt(2), journal, CHAIN, options=ReplayOptions(retry_failed=True))
    target = Refusing()
    with Journal(tmp_path / "t") as journal:  # 2 is in doubt: looked for, and 3 and 6 after it
        plain = replay(target, journal, CHAIN)
    assert sorted(target.applied) == [2, 3, 6] and exit_code(plain) == 0
    assert plain.failed_earlier == plain.skipped_after_failure_earlier == 0


# -- sent again, and the first error --------------------------------------------------------------


def test_only_events_actually_sent_again_count_as_sent_again(tmp_path):
    with Journal(tmp_path / "t") as journal:
        replay(Refusing(reject={2}), journal, CHAIN)
    target = Refusing(reject={2})  # the cause is not fixed: 2 fails again, 3 and 6 stay unsent
    with Journal(tmp_path / "t") as journal:
        again = replay(target, journal, CHAIN, options=ReplayOptions(retry_failed=True))
    assert target.applied == [] and (again.failed, again.skipped_after_failure) == (1, 2)
    assert again.retried == 1
    assert (
        "; 1 of these sent again (they failed, or depended on a failure, earlier)"
        in (_summary_lines(again)[0])
    )


class SlowToRefuse(Refusing):
    """Refuses every event; `slow` only after a while, so later ones finish first."""

    def __init__(self, slow: int):
        super().__init__(reject={ev.PersonJoined})
        self.slow = slow

    def apply(self, event, ids, *, uncertain):
        if event.seq == self.slow:
            threading.Event().wait(0.3)
        return super().apply(event, ids, uncertain=uncertain)


def test_the_first_error_is_the_earliest_failure_in_the_log(tmp_path):
    people = [ev.PersonJoined(seq=s, at=_joined().at, actor=f"u{s}", person=f"u{s}", name="A",
                              email=f"a{s}@x.org", role="lead", timezone="UTC")
              for s in range(1, 13)]  # fmt: skip
    options = ReplayOptions(min_events_for_ratio=4)
    with Journal(tmp_path / "t") as journal:
        summary = replay(SlowToRefuse(slow=1), journal, people, options=options)
    assert summary.stopped and summary.failed >= 2
    assert summary.errors[0].startswith("seq 1 (PersonJoined)")  # it finished last
    seqs = [int(re.match(r"seq (\d+)", e)[1]) for e in summary.errors]
    assert seqs == sorted(seqs)
    assert "first error: seq 1 (PersonJoined): HTTP 403" in summary.stopped


# -- the command, killed during --retry-failed -----------------------------------------------------


def _journal_facts(folder: Path) -> tuple[set[int], dict[int, dict]]:
    """(applied seqs, F and D records not applied or sent again since, by seq) from the raw
    journal lines."""
    applied: set[int] = set()
    final: dict[int, dict] = {}
    for line in (folder / "journal.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["k"] == "A":
            applied.add(record["seq"])
            final.pop(record["seq"], None)
        elif record["k"] == "I":
            final.pop(record["seq"], None)
        elif record["k"] in "FD":
            final[record["seq"]] = record
    return applied, final


@pytest.mark.slow
def test_the_plain_command_after_a_killed_retry_reports_true_counts(
    template_run, make_sandbox, tmp_path
):
    run_dir = Path(shutil.copytree(template_run, tmp_path / "run"))
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    add_user = lambda method, path: method == "POST" and path.endswith("/addUser")  # noqa: E731
    with Gate(sandbox.root_url, add_user) as gate:
        command = ["replay", str(run_dir), "--to", gate.base_url, "--tokens", str(tokens),
                   "--landing-seconds", str(FAST.landing)]  # fmt: skip
        first = busywork(*command, cwd=tmp_path, check=False)
        assert first.returncode == 1 and "Stopped early" in first.stdout, first.stdout
        (folder,) = (run_dir / "targets").iterdir()
        lines_before = (folder / "journal.jsonl").read_text().count("\n")

        gate.refusing = False
        slow_down(sandbox)
        retry = start([*command, "--retry-failed"], tmp_path)
        wait_for_journal(folder, "journal.jsonl", lines_before + 30, retry)
        retry.send_signal(signal.SIGKILL)
        retry.communicate(timeout=30)
        sandbox.app.observer = None
        applied, final = _journal_facts(folder)
        freed = [s for s, r in final.items() if r["k"] == "D" and r["cause"] in applied]
        assert freed, "the kill came too late to leave a dependent of an applied event"

        plain = busywork(*command, "--json", cwd=tmp_path, check=False)
        summary = json.loads(plain.stdout)
        assert summary["failed"] == 0 and _adds_up(msgspec.convert(summary, type=_Counts))
        # The truth, from the journal: a failure stands until it is applied or sent again, and
        # a dependent depends on a failure only while the failure it names stands. Both count
        # whether this run read them or stopped first (the next run does not send them either).
        _, final = _journal_facts(folder)
        failed = {s for s, r in final.items() if r["k"] == "F"}
        dependents = {s for s, r in final.items() if r["k"] == "D" and r["cause"] in failed}
        assert summary["failed_earlier"] == len(failed)
        after = summary["skipped_after_failure_earlier"] + summary["skipped_after_failure"]
        assert after == len(dependents)
        # Said whichever way the kill left it: a failure standing (most runs), or none.
        if failed:
            assert f"Incomplete: {len(failed):,} event" in plain.stderr, plain.stderr
            assert plain.returncode == 1, plain.stderr
        else:  # every failure was sent again before the kill: none is claimed
            assert "Incomplete" not in plain.stderr, plain.stderr
        if after:
            assert f" and {after:,} depend" in plain.stderr, plain.stderr
        else:  # the kill left no dependent waiting: none is claimed
            assert " depend" not in plain.stderr, plain.stderr

        done = busywork(*command, "--retry-failed", cwd=tmp_path)
        assert "Incomplete" not in done.stdout + done.stderr
    assert_sandbox_holds_the_run_once(run_dir, sandbox)


class _Counts(msgspec.Struct):
    events: int
    already_done: int
    applied: int
    failed: int
    skipped: int
    parked: int
    deferred: int
    not_read: int
