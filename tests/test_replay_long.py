"""A replay that runs for months or years (a live run, a continuous job) holds what is still
unsettled or did not go through, not one entry per event of its log: the dependency graph, the
checkpoint's applied events and the lateness figures stay bounded, and mean the same."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from engine import events as ev
from engine.replay import Replayer, ReplayOptions
from engine.replay_deps import created_id
from engine.replay_journal import Journal
from engine.replay_order import SWEEP_AFTER, DependencyGraph, PendingEvent
from engine.replay_report import RECENT_LATENESS, Lateness
from engine.seq_ranges import SeqRanges
from tests.replay_checks import events_of, make_run


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> list[ev.Event]:
    return events_of(make_run(tmp_path_factory.mktemp("run") / "r", days=20))


def test_dependency_graph_forgets_applied_events(events):
    graph = DependencyGraph(sweep_after=64)
    for event in events:
        node = PendingEvent(event, "lane", None)
        assert graph.add(node) is None
        graph.settle(node, "ok", [], [])
    assert len(events) > 1000
    assert graph.unapplied() == 0 and graph.indexed() <= 64 and not graph.pending


def test_sweeping_the_graph_changes_no_outcome(events):
    """Two graphs, one never swept, given the same events with the same outcomes (some
    rejected, parked or deferred, some settled only later): every event waits for the same
    events and is failed by the same ones."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    swept, kept = DependencyGraph(sweep_after=8), DependencyGraph(sweep_after=10**9)
    open_nodes: list[tuple[PendingEvent, PendingEvent]] = []
    for event in events:
        a, b = PendingEvent(event, "lane", None), PendingEvent(event, "lane", None)
        why = swept.add(a)
        assert why == kept.add(b) and a.waiting == b.waiting, event.seq
        if why is None:
            open_nodes.append((a, b))
        while open_nodes and (len(open_nodes) > 20 or rng.random() < 0.5):
            a, b = open_nodes.pop(rng.randrange(len(open_nodes)))
            if a.settled:
                continue
            outcome = rng.choices(["ok", "final", "parked", "deferred"], [90, 5, 3, 2])[0]
            got: tuple[list, list] = ([], [])
            wanted: tuple[list, list] = ([], [])
            swept.settle(a, outcome, *got)
            kept.settle(b, outcome, *wanted)
            assert [n.event.seq for n in got[0]] == [n.event.seq for n in wanted[0]]
            assert [(n.event.seq, w) for n, w in got[1]] == [(n.event.seq, w) for n, w in wanted[1]]
    assert swept.indexed() < kept.indexed()


def test_seq_ranges_answer_as_a_set():
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    ranges, plain = SeqRanges(), set()
    for _ in range(3000):
        seq = rng.randrange(1, 400)
        ranges.add(seq)
        plain.add(seq)
    assert list(ranges) == sorted(plain) and len(ranges) == len(plain)
    assert all((seq in ranges) == (seq in plain) for seq in range(-1, 402))
    for low, high in [(0, 400), (10, 20), (57, 57), (100, 350)]:
        assert ranges.count_between(low, high) == sum(1 for s in plain if low < s <= high)


def test_the_checkpoint_keeps_applied_events_as_runs(tmp_path: Path):
    with Journal(tmp_path / "t") as journal:
        for seq in [*range(1, 500), *range(501, 1000)]:
            journal.record_applied(seq, {})
        journal.record_failed(500, 400, "no")
    with Journal(tmp_path / "t") as again:  # read back from the file
        assert len(again.applied) == 998 and again.applied.runs() == 2
        assert again.done(500) and 500 not in again.applied and 999 in again.applied


def test_lateness_keeps_figures_not_every_number():
    lateness = Lateness()
    for i in range(1, 1001):
        lateness.add(i / 10)
    assert (lateness.count, lateness.max) == (1000, 100.0)
    assert lateness.total / lateness.count == pytest.approx(50.05)
    assert len(lateness.recent) == RECENT_LATENESS
    assert lateness.recent_mean() == pytest.approx(sum(range(801, 1001)) / 10 / 200)


class _Applies:
    """A target that applies every event (the ids it creates are made up)."""

    name = "applies"

    def observe(self, event):
        pass

    def lane(self, event):
        return "one"

    def apply(self, event, ids, *, uncertain):
        made = created_id(event)
        return {made: f"g{event.seq}"} if made else {}

    def counters(self):
        return {"requests": 0, "retries": 0, "rate_limited": 0}


@pytest.mark.slow
def test_a_replay_of_months_holds_no_entry_per_event(tmp_path: Path):
    """Four simulated months replayed through the real engine: what it holds at the end is
    about what it held after one, while its log grew fourfold."""
    run_events = events_of(make_run(tmp_path / "r", days=120))
    with Journal(tmp_path / "t") as journal:
        options = ReplayOptions(max_pending=100, due=lambda e: 1.0)
        replayer = Replayer(_Applies(), journal, options)
        summary = replayer.run(run_events)
        graph = replayer._graph
        assert summary.applied == len(run_events) > 15_000
        # Each pending event names at most two objects in the indexes.
        assert graph.unapplied() == 0 and graph.indexed() <= SWEEP_AFTER + 2 * 100
        assert journal.applied.runs() == 1
        assert len(replayer._outcomes.tally.lateness.recent) == RECENT_LATENESS
