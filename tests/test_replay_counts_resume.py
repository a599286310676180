"""Counts after a run that an earlier one was cut short of: what the checkpoint holds is done
earlier even when this run stopped before reading it (not "not read"), and what a killed
`--retry-failed` had opened again counts as sent again once the next run, with or without the
flag, sends it.

The engine tests use the in-memory `Refusing` target of test_replay_failures (no HTTP).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from engine import events as ev
from engine.replay import ReplayOptions, replay
from engine.replay_journal import Journal
from tests.replay_checks import events_of, make_run
from tests.test_replay_counts import THREE_ROOTS, KilledRetry, _adds_up, _summary_lines
from tests.test_replay_failures import Refusing


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=2)


def _stopped() -> threading.Event:
    """A stop that came before the run read anything (a Ctrl-C at once, or an early stop)."""
    stop = threading.Event()
    stop.set()
    return stop


def test_events_done_earlier_count_as_done_though_the_stop_came_before_them(template_run, tmp_path):
    events = events_of(template_run)
    with Journal(tmp_path / "t") as journal:
        first = replay(Refusing(), journal, events, total=len(events))
    assert first.applied == len(events)
    with Journal(tmp_path / "t") as journal:
        again = replay(Refusing(), journal, events, total=len(events), stop=_stopped())
    assert (again.already_done, again.not_read, again.events) == (len(events), 0, len(events))
    assert _adds_up(again) and "not read" not in _summary_lines(again)[0]


def test_failures_not_read_count_as_failed_earlier_unless_the_run_retries_them(
    template_run, tmp_path
):
    events = events_of(template_run)
    project = next(e.seq for e in events if isinstance(e, ev.ProjectCreated))
    with Journal(tmp_path / "t") as journal:
        replay(Refusing(reject={project}), journal, events, total=len(events))
    with Journal(tmp_path / "t") as journal:  # it may have stopped early, before a few
        failed = sum(r.k == "F" for r in journal.final.values())
        dependents = sum(r.k == "D" for r in journal.final.values())
        held = len(journal.applied) + len(journal.final)
    assert (failed, dependents > 0, held > len(events) / 2) == (1, True, True)

    with Journal(tmp_path / "t") as journal:
        plain = replay(Refusing(), journal, events, total=len(events), stop=_stopped())
    assert (plain.already_done, plain.not_read) == (held, len(events) - held)
    assert (plain.failed_earlier, plain.skipped_after_failure_earlier) == (1, dependents)
    assert _adds_up(plain)

    # --retry-failed sends them, so a stop before them leaves them for the next run.
    retry = ReplayOptions(retry_failed=True)
    with Journal(tmp_path / "t") as journal:
        again = replay(Refusing(), journal, events, total=len(events), stop=_stopped(),
                       options=retry)  # fmt: skip
    assert again.not_read == len(events) - held + 1 + dependents and again.failed_earlier == 0
    assert again.already_done == held - 1 - dependents and _adds_up(again)


def test_what_a_killed_retry_opened_again_counts_as_sent_again_by_the_plain_command(tmp_path):
    with Journal(tmp_path / "t") as journal:
        replay(Refusing(reject={2, 3, 6}), journal, THREE_ROOTS)
    # The retry gets 2 through and is killed while it sends 3 (its intent is written).
    killed = KilledRetry(THREE_ROOTS, first=2, dies=3)
    retry = ReplayOptions(workers_per_lane=1, retry_failed=True)
    with Journal(tmp_path / "t") as journal, pytest.raises(KeyboardInterrupt):
        replay(killed, journal, THREE_ROOTS, options=retry)
    target = Refusing()
    with Journal(tmp_path / "t") as journal:
        plain = replay(target, journal, THREE_ROOTS)  # without --retry-failed
    # 3 failed before and was being sent again; 4 and 5 depended on 2 and 3: all sent again.
    assert sorted(target.applied) == [3, 4, 5]
    assert plain.retried == 3 and _adds_up(plain)
    assert "; 3 of these sent again" in _summary_lines(plain)[0]
