"""The target-independent replay engine: ordering, concurrency, outcomes, checkpoints, pacing.

`ListTarget` is a real in-memory target (no HTTP): it records the order in which events are
applied, and can be told to reject, park or skip given seqs, or to be slow.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine import events as ev
from engine.errors import BusyworkError, LogCorrupted
from engine.replay import ReplayOptions, replay
from engine.replay_deps import created_id
from engine.replay_journal import Journal
from engine.replay_target import Parked, Rejected, Skip
from tests.replay_checks import events_of, make_run

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


class ListTarget:
    name = "list"

    def __init__(self, reject=(), park=(), skip=(), delay=0.0, lanes=1, crash=()):
        self.reject, self.park, self.skip, self.crash = (
            set(reject),
            set(park),
            set(skip),
            set(crash),
        )
        self.delay = delay
        self.lanes = lanes
        self.applied: list[int] = []
        self.started: dict[int, float] = {}
        self.uncertain: list[int] = []
        self.lock = threading.Lock()
        self.seen: list[int] = []

    def observe(self, event):
        self.seen.append(event.seq)

    def lane(self, event):
        return f"lane{hash(event.actor) % self.lanes}"

    def apply(self, event, ids, *, uncertain):
        with self.lock:
            self.started[event.seq] = time.monotonic()
            if uncertain:
                self.uncertain.append(event.seq)
        if event.seq in self.crash:
            raise RuntimeError("boom")
        if event.seq in self.reject:
            raise Rejected("HTTP 400: nope", 400)
        if event.seq in self.park:
            raise Parked("HTTP 503, gave up")
        if event.seq in self.skip:
            raise Skip("no token")
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.applied.append(event.seq)
        made = created_id(event)
        return {made: f"g{event.seq}"} if made else {}

    def counters(self):
        return {"requests": len(self.applied), "retries": 0, "rate_limited": 0}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("run") / "r", days=4)


@pytest.fixture(scope="module")
def events(run_dir):
    return events_of(run_dir)


def test_every_event_once_and_dependencies_first(events, tmp_path):
    target = ListTarget(lanes=4, delay=0.0005)
    with Journal(tmp_path / "t") as journal:
        summary = replay(target, journal, events, options=ReplayOptions(workers_per_lane=4))
    assert summary.applied == len(events) and sorted(target.applied) == [e.seq for e in events]
    position = {seq: i for i, seq in enumerate(target.applied)}
    by_seq = {e.seq: e for e in events}
    creator: dict[str, int] = {}
    last_on: dict[str, int] = {}
    for e in events:
        from engine.replay_deps import needs, subject

        for obj in needs(e):
            if obj in creator:
                assert position[creator[obj]] < position[e.seq], (e, by_seq[creator[obj]])
        s = subject(e)
        if s in last_on:
            assert position[last_on[s]] < position[e.seq], f"seq {e.seq} overtook {last_on[s]}"
        last_on[s] = e.seq
        if (made := created_id(e)) is not None:
            creator[made] = e.seq
    # Independent events really ran concurrently (not in log order).
    assert target.applied != sorted(target.applied)


def test_second_run_applies_nothing_and_keeps_the_id_map(events, tmp_path):
    with Journal(tmp_path / "t") as journal:
        replay(ListTarget(), journal, events)
    again = ListTarget()
    with Journal(tmp_path / "t") as journal:
        summary = replay(again, journal, events)
        assert journal.ids.get("p1") is not None
    assert again.applied == [] and summary.already_done == len(events)
    assert again.seen == [e.seq for e in events]  # the target still learns who is who


def test_rejected_is_recorded_and_dependents_skipped_others_go_on(events, tmp_path):
    first_task = next(e for e in events if isinstance(e, ev.TaskCreated))
    dependents = [e.seq for e in events if getattr(e, "task", None) == first_task.task
                  and e.seq != first_task.seq]  # fmt: skip
    with Journal(tmp_path / "t") as journal:
        summary = replay(ListTarget(reject={first_task.seq}), journal, events)
    assert summary.failed == 1 and summary.skipped >= len(dependents) > 0
    assert "HTTP 400: nope" in summary.errors[0]
    assert summary.applied == len(events) - 1 - summary.skipped
    with Journal(tmp_path / "t") as journal:  # final: a resume does not retry them
        assert journal.final[first_task.seq].status == 400
        assert all(journal.done(s) for s in dependents)
        again = ListTarget()
        replay(again, journal, events)
    assert again.applied == []


def test_parked_events_and_their_dependents_are_retried_by_the_next_run(events, tmp_path):
    first_task = next(e for e in events if isinstance(e, ev.TaskCreated))
    with Journal(tmp_path / "t") as journal:
        summary = replay(ListTarget(park={first_task.seq}), journal, events)
    assert summary.parked > 1 and summary.failed == 0
    retry = ListTarget()
    with Journal(tmp_path / "t") as journal:
        summary = replay(retry, journal, events)
    assert first_task.seq in retry.applied and summary.parked == 0
    assert summary.applied + summary.already_done == len(events)


def test_skip_is_final(events, tmp_path):
    with Journal(tmp_path / "t") as journal:
        summary = replay(ListTarget(skip={5}), journal, events)
        assert journal.final[5].why == "no token"
    assert summary.skipped >= 1


def test_too_many_failures_stop_the_replay(events, tmp_path):
    # Nothing depends on comments: half of them failing is a plain failure rate (over 8%).
    every = {e.seq for e in events if isinstance(e, ev.CommentAdded) and e.seq % 2 == 0}
    with Journal(tmp_path / "t") as journal:
        summary = replay(ListTarget(reject=every), journal, events,
                         options=ReplayOptions(max_failure_ratio=0.08, min_events_for_ratio=20))  # fmt: skip
    assert summary.stopped.startswith("more than 8% of the events sent failed (")
    assert "first error: seq " in summary.stopped and "HTTP 400: nope" in summary.stopped
    assert summary.applied + summary.failed + summary.skipped < len(events)


def test_a_target_bug_stops_the_replay_and_surfaces(events, tmp_path):
    with Journal(tmp_path / "t") as journal, pytest.raises(RuntimeError, match="boom"):
        replay(ListTarget(crash={3}), journal, events)
    with Journal(tmp_path / "t") as journal:
        assert not journal.done(3)  # left for the next run


def test_intent_without_outcome_is_replayed_as_uncertain(events, tmp_path):
    project = next(e for e in events if isinstance(e, ev.ProjectCreated))
    with Journal(tmp_path / "t") as journal:
        journal.intent(project.seq)  # as if killed while the create was in flight
    target = ListTarget()
    with Journal(tmp_path / "t") as journal:
        replay(target, journal, events)
        assert not journal.uncertain(project.seq)
    assert target.uncertain == [project.seq]


def test_torn_last_line_is_cut_and_damage_in_the_middle_is_reported(tmp_path):
    with Journal(tmp_path / "t") as journal:
        journal.record_applied(1, {"p1": "g1"})
        journal.record_applied(2, {"t1": "g2"})
    path = tmp_path / "t" / "journal.jsonl"
    path.write_bytes(path.read_bytes() + b'{"k":"A","se')
    with Journal(tmp_path / "t") as journal:
        assert set(journal.applied) == {1, 2}
        journal.record_applied(3, {})
    assert path.read_bytes().endswith(b'{"k":"A","seq":3}\n')
    path.write_bytes(b'{"k":"A","seq":1}\nnot json\n{"k":"A","seq":2}\n')
    with pytest.raises(LogCorrupted, match="line 2"):
        Journal(tmp_path / "t")


def test_one_replay_per_target_at_a_time(tmp_path):
    with Journal(tmp_path / "t"), pytest.raises(BusyworkError, match="another replay"):
        Journal(tmp_path / "t")


def _spaced(n: int, gap: float) -> list[ev.Event]:
    out: list[ev.Event] = [ev.PersonJoined(seq=1, at=T0, actor="u1", person="u1", name="A",
                                           email="a@x.org", role="lead", timezone="UTC")]  # fmt: skip
    for i in range(2, n + 2):
        out.append(ev.TaskLiked(seq=i, at=T0 + timedelta(seconds=gap * (i - 1)), actor="u1",
                                task="t1"))  # fmt: skip
    return out


def test_pacing_follows_simulated_time_scaled_by_speed(tmp_path):
    # 5 events a simulated minute apart at 600× → 0.1 s apart on the wall clock.
    target = ListTarget()
    before = time.monotonic()
    with Journal(tmp_path / "t") as journal:
        summary = replay(target, journal, _spaced(5, 60.0), options=ReplayOptions(speed=600))
    assert target.started[6] - before >= 0.5 * 0.99  # never early
    assert all(target.started[s] < target.started[s + 1] for s in range(2, 6))
    assert summary.lateness_max_seconds is not None and summary.lateness_mean_seconds is not None


def test_stop_leaves_the_rest_for_the_next_run(tmp_path):
    stop = threading.Event()
    target = ListTarget()
    events = _spaced(50, 60.0)
    threading.Timer(0.3, stop.set).start()
    with Journal(tmp_path / "t") as journal:
        summary = replay(target, journal, events, options=ReplayOptions(speed=600), stop=stop)
    assert 0 < summary.applied < len(events) and summary.stopped == "interrupted"
    rest = ListTarget()
    with Journal(tmp_path / "t") as journal:
        replay(rest, journal, events)
    assert sorted(target.applied + rest.applied) == [e.seq for e in events]


def test_bad_speed_is_refused(tmp_path):
    with Journal(tmp_path / "t") as journal, pytest.raises(BusyworkError, match="speed"):
        replay(ListTarget(), journal, [], options=ReplayOptions(speed=0))


def test_replay_tests_take_their_fast_backoff_from_one_place():
    """`tests.replay_checks.FAST` (and its variants there) is the one shortened `Backoff` the
    replay and live tests share; a module of its own would drift from it."""
    tests = Path(__file__).parent
    own = re.compile(r"^[A-Z_]+ = Backoff\(", re.MULTILINE)
    files = [*tests.glob("test_replay_*.py"), *tests.glob("test_live*.py"),
             *tests.glob("test_backfill*.py")]  # fmt: skip
    defined = [f.name for f in files if own.search(f.read_text())]
    assert not defined, f"define the backoff in tests/replay_checks.py, not in {defined}"
    assert own.search((tests / "replay_checks.py").read_text())
