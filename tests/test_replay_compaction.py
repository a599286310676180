"""A replay checkpoint compacts itself: past its bound the journal's records go to a snapshot
and the journal starts again, so its size follows what is unsettled (and the id map), not the
run's length; a kill at any moment, during the compaction too, loses and repeats nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from engine import events as ev
from engine.journal_records import Record
from engine.replay import Replayer, ReplayOptions
from engine.replay_deps import created_id
from engine.replay_journal import JOURNAL, Journal
from engine.replay_snapshot import SNAPSHOT
from tests.replay_checks import events_of, make_run
from tests.test_replay_long import _Applies

ROOT = Path(__file__).resolve().parent.parent
NEVER = 10**12  # a bound no test reaches: the journal is never compacted
SHM = Path("/dev/shm")


@pytest.fixture
def folder_root(tmp_path: Path):
    """Where checkpoints go: in memory when the machine has /dev/shm, where an fsync (one per
    record) costs microseconds, not milliseconds: these tests write thousands of records."""
    if not SHM.is_dir() or not os.access(SHM, os.W_OK):
        yield tmp_path
        return
    root = Path(tempfile.mkdtemp(prefix="busywork-compaction-", dir=SHM))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def records(count: int) -> list[Record]:
    """A replay's records: creates announced then applied, some rejected, some skipped, a
    failed create retried and applied, dependents of a failure, intents left open."""
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    out: list[Record] = []
    for seq in range(1, count + 1):
        when = at + timedelta(seconds=seq)
        if seq % 13 == 0:
            out.append(Record("I", seq, at=when, seen=[f"g{seq}x"]))  # open: outcome unknown
        elif seq % 11 == 0:
            out += [Record("I", seq, at=when), Record("F", seq, status=400, why="no")]
        elif seq % 17 == 0:
            out.append(Record("D", seq, cause=seq - 6, why=f"depends on seq {seq - 6}"))
        elif seq % 19 == 0:
            out += [Record("F", seq, status=500, why="x"), Record("I", seq),
                    Record("A", seq, ids={f"t{seq}": f"g{seq}"})]  # fmt: skip
        elif seq % 23 == 0:
            out.append(Record("S", seq, why="not a user"))
        else:
            out += [Record("I", seq, at=when), Record("A", seq, ids={f"t{seq}": f"g{seq}"})]
    return out


def state(journal: Journal) -> tuple:
    """Everything a checkpoint tells a replay (and `busywork clean`)."""
    intended = {seq: [(i.at, sorted(i.seen)) for i in intents]
                for seq, intents in journal.ids.intended_by_seq().items()}  # fmt: skip
    return (journal.applied.as_runs(), len(journal.applied), journal.final, journal.reopened,
            sorted(journal._intents), journal.created, sorted(journal.ids.items()), intended,
            journal.settled_through(), journal.settled_through(retry_failed=True))  # fmt: skip


def written(folder: Path, items: list[Record], compact_after: int = NEVER) -> Journal:
    journal = Journal(folder, compact_after=compact_after)
    for record in items:
        journal._append(record)
    return journal


def reference(folder: Path, items: list[Record]) -> tuple:
    """The state of a journal never compacted that holds `items`, read back from its file."""
    written(folder, items).close()
    with Journal(folder, compact_after=NEVER) as journal:
        assert not (folder / SNAPSHOT).exists()
        return state(journal)


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir())


def test_the_journal_is_compacted_past_its_bound_and_reads_back_the_same(folder_root: Path):
    items = records(600)
    wanted = reference(folder_root / "plain", items)
    with written(folder_root / "plain-live", items) as plain:
        in_memory = state(plain)
    with written(folder_root / "t", items, compact_after=2048) as journal:
        assert (folder_root / "t" / SNAPSHOT).is_file()
        # The bound (or the snapshot's size, if larger: see COMPACT_AFTER_BYTES), one record.
        bound = max(2048, (folder_root / "t" / SNAPSHOT).stat().st_size)
        assert (folder_root / "t" / JOURNAL).stat().st_size <= bound + 100
        assert state(journal) == in_memory  # compacting changes nothing it holds
    with Journal(folder_root / "t", compact_after=2048) as again:
        assert state(again) == wanted and not again.empty
        again.record_applied(601, {"t601": "g601"})  # and it goes on from there
        assert again.created[-1] == (601, "t601", "g601")


def test_the_checkpoint_size_stays_bounded_over_a_long_replay(folder_root: Path):
    """Thirty thousand events applied (none creating anything): the checkpoint stays below
    its bound all along, where the plain journal grows with every event."""
    folder = folder_root / "t"
    largest = 0
    with Journal(folder, compact_after=4096) as journal:
        for seq in range(1, 30_001):
            journal.record_applied(seq, {})
            if seq % 500 == 0:
                largest = max(largest, size(folder))
    assert largest < 4096 + 1024  # the journal's bound, a snapshot of one run, target.json
    with Journal(folder) as again:
        assert len(again.applied) == 30_000 and again.settled_through() == 30_000


def test_a_replay_compacts_its_checkpoint_and_resumes_from_it(folder_root: Path):
    """Through the real engine: the journal stays within its bound, the snapshot holds the id
    map (every object made, which later events may name), and a second run sends nothing."""
    run_events = events_of(make_run(folder_root / "r", days=20))
    folder = folder_root / "t"
    with Journal(folder, compact_after=8192) as journal:
        summary = Replayer(_Applies(), journal, ReplayOptions(due=lambda e: 1.0)).run(run_events)
        assert summary.applied == len(run_events)
        made = {created_id(e): f"g{e.seq}" for e in run_events if created_id(e)}
        assert dict(journal.ids.items()) == made
    snapshot = msgspec.json.decode((folder / SNAPSHOT).read_bytes())
    assert len(snapshot["created"]) <= len(made)  # the rest is in the journal, after it
    journal_size = (folder / JOURNAL).stat().st_size
    assert journal_size <= max(8192, (folder / SNAPSHOT).stat().st_size) + 200
    with Journal(folder) as again:
        assert dict(again.ids.items()) == made
        resumed = Replayer(_Applies(), again, ReplayOptions(due=lambda e: 1.0)).run(run_events)
        assert resumed.applied == 0 and resumed.already_done == len(run_events)


def test_a_resume_does_not_track_what_was_applied_before_its_position(folder_root: Path):
    """Events applied up to the checkpoint's position leave nothing in the dependency graph
    (nothing before them is pending, so nothing can wait for them); a failure there still
    fails what depends on it."""
    run_events = events_of(make_run(folder_root / "r", days=5))
    # The project named last in the log, and the last event that names it: left unsent, it
    # depends on the project, which failed.
    last, pid = max((e.seq, e.project) for e in run_events if isinstance(e, ev.TaskCreated))
    project = next(e for e in run_events if isinstance(e, ev.ProjectCreated) and e.project == pid)
    with Journal(folder_root / "t") as journal:
        for event in run_events:
            if event.seq == project.seq:
                journal.record_failed(event.seq, 403, "forbidden")
            elif event.seq != last:
                made = created_id(event)
                journal.record_applied(event.seq, {made: f"g{event.seq}"} if made else {})
        assert journal.settled_through() == last - 1
        replayer = Replayer(_Applies(), journal, ReplayOptions(due=lambda e: 1.0))
        summary = replayer.run(run_events)
        assert summary.applied == 0 and summary.skipped_after_failure == 1
        assert journal.final[last].k == "D" and journal.final[last].cause == project.seq
        # Only the failed project's entries (and what came after the position) are tracked.
        assert replayer._graph.indexed() <= 2 + 2 * (len(run_events) - last + 1)


def test_a_checkpoint_set_aside_leaves_no_snapshot_behind(folder_root: Path):
    """`busywork clean` moves the journal aside, then the snapshot: killed in between, the next
    replay starts afresh, not from the old snapshot."""
    folder = folder_root / "t"
    written(folder, records(300), compact_after=1024).close()
    assert (folder / SNAPSHOT).is_file()
    os.replace(folder / JOURNAL, folder / "journal.cleaned-1.jsonl")
    with Journal(folder, compact_after=1024) as fresh:
        assert fresh.empty and not fresh.created and len(fresh.applied) == 0
    assert not (folder / SNAPSHOT).exists()


def test_opening_a_checkpoint_removes_copies_a_kill_left_before_their_rename(folder_root: Path):
    folder = folder_root / "t"
    written(folder, records(300), compact_after=1024).close()
    leftovers = [folder / f".{SNAPSHOT}.k1ll3d.tmp", folder / ".target.json.x_9.tmp"]
    others = [folder / ".notes.txt.a.tmp", folder / "journal.cleaned-1.jsonl"]
    for path in leftovers + others:
        path.write_bytes(b"{")
    with Journal(folder, compact_after=1024) as journal:
        assert len(journal.applied) > 0  # read as before
    assert [p.exists() for p in leftovers + others] == [False, False, True, True]


@pytest.mark.parametrize("stage", ["snapshot written", "snapshot renamed", "journal emptied"])
def test_a_crash_during_compaction_loses_and_repeats_nothing(folder_root: Path, stage: str):
    """Every state a kill can leave while compacting reads back as the records written."""
    items = records(400)
    wanted = reference(folder_root / "plain", items)
    before, after = folder_root / "before", folder_root / "after"
    written(before, items[:-1], compact_after=NEVER).close()
    shutil.copytree(before, after)
    written_after = Journal(after, compact_after=NEVER)
    written_after._append(items[-1])
    written_after._compact_after = 1024
    written_after._compact_if_due()  # the last record's compaction, done in full
    written_after.close()
    crashed = folder_root / "crashed"
    shutil.copytree(before, crashed)
    with open(crashed / JOURNAL, "ab") as f:  # the last record, written before compacting
        f.write(msgspec.json.encode(items[-1]) + b"\n")
    if stage == "snapshot written":  # not renamed yet: a temporary file beside the old state
        shutil.copy(after / SNAPSHOT, crashed / f".{SNAPSHOT}.123.tmp")
    else:
        shutil.copy(after / SNAPSHOT, crashed / SNAPSHOT)
    if stage == "journal emptied":
        (crashed / JOURNAL).write_bytes(b"")
    with Journal(crashed, compact_after=1024) as journal:
        assert state(journal) == wanted
        journal.record_applied(401, {"t401": "g401"})
    with Journal(crashed, compact_after=1024) as again:  # the compaction was finished
        assert again.created[-1] == (401, "t401", "g401")
        assert again.created.count((401, "t401", "g401")) == 1
        assert state(again)[5][:-1] == wanted[5]


# A writer that pauses at one step of its first compaction (the parent kills it there): after
# the snapshot's temporary file is written, after it is renamed into place, after the journal
# is emptied. It first writes each record to a shadow file: what it wrote, to compare with.
CHILD = """
import os, sys, time
import msgspec
from engine.replay_journal import Journal
from engine.replay_snapshot import SNAPSHOT
from tests.test_replay_compaction import records

folder, stage = sys.argv[1], sys.argv[2]
done = 0
real_replace, real_truncate = os.replace, os.ftruncate

def pause():
    print(done, flush=True)
    time.sleep(60)

def replace(src, dst, *args, **kwargs):
    if stage == "snapshot written" and str(dst).endswith(SNAPSHOT):
        pause()
    return real_replace(src, dst, *args, **kwargs)

def ftruncate(fd, length):
    if stage == "snapshot renamed":
        pause()
    real_truncate(fd, length)
    if stage == "journal emptied":
        pause()

os.replace, os.ftruncate = replace, ftruncate
journal = Journal(folder, compact_after=4096)
with open(folder + ".shadow", "wb") as shadow:
    for record in records(4000):
        shadow.write(msgspec.json.encode(record) + b"\\n")
        shadow.flush()
        done += 1
        journal._append(record)
"""


@pytest.mark.parametrize("stage", ["snapshot written", "snapshot renamed", "journal emptied"])
def test_kill_9_during_compaction_resumes_with_nothing_lost(folder_root: Path, stage: str):
    """A writer killed with SIGKILL in the middle of a compaction (paused there so the kill
    lands in it): the checkpoint reads back as every record it wrote, once."""
    folder = folder_root / "t"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), stage], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        count = int(proc.stdout.readline())  # paused in its compaction
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    shadow = Path(f"{folder}.shadow").read_bytes().splitlines()
    assert len(shadow) == count > 0
    items = [msgspec.json.decode(line, type=Record) for line in shadow]
    wanted = reference(folder_root / "plain", items)
    with Journal(folder, compact_after=4096) as journal:
        assert state(journal) == wanted
    assert not list(folder.glob(f".{SNAPSHOT}.*.tmp"))  # a copy not renamed yet is removed
