"""The event log: one contract suite over both implementations, then file-only behaviour
(segments, reopen, torn tails, corruption, read-only readers, fsync policy, cross-process follow).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from engine.errors import BusyworkError, InvalidInput, LogCorrupted
from engine.events import CommentAdded, Event, TaskLiked, encode
from engine.log import EventLog, FileLog, InMemoryLog, SeqOutOfOrder
from engine.log_segments import READ_CHUNK, list_segments
from engine.log_writer import TIME_CHECK_EVERY

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SMALL_SEGMENT = 1024  # a few events per segment, so contract tests cross segment rolls


def make_events(n: int, start: int = 1) -> list[Event]:
    """n events with increasing seq and `at`, alternating likes and comments."""
    events: list[Event] = []
    for seq in range(start, start + n):
        at = T0 + timedelta(minutes=seq)
        if seq % 2:
            events.append(TaskLiked(seq=seq, at=at, actor=f"u{seq % 7}", task=f"t{seq % 13}"))
        else:
            events.append(
                CommentAdded(
                    seq=seq,
                    at=at,
                    actor=f"u{seq % 5}",
                    comment=f"c{seq}",
                    task=f"t{seq % 13}",
                    kind="progress",
                    text=f'Moved the checklist forward, step {seq}: "quotes" and ünïcode',
                )
            )
    return events


def seqs(events) -> list[int]:
    return [e.seq for e in events]


@pytest.fixture(params=["memory", "file"])
def new_log(request, tmp_path):
    """A factory of empty logs of one implementation; everything it made is closed afterwards."""
    made: list[EventLog] = []

    def factory() -> EventLog:
        if request.param == "memory":
            log: EventLog = InMemoryLog()
        else:
            log = FileLog(tmp_path / f"run{len(made)}", segment_bytes=SMALL_SEGMENT)
        made.append(log)
        return log

    yield factory
    for log in made:
        log.close()


# -- the contract ------------------------------------------------------------------------------


def test_an_empty_log_has_nothing(new_log):
    log = new_log()
    assert isinstance(log, EventLog)
    assert log.last_seq == 0
    assert list(log.read()) == []
    assert list(log.read_lines()) == []


def test_append_and_read_round_trip_across_batches_and_the_encoded_path(new_log):
    log = new_log()
    events = make_events(120)
    log.append(events[:50])
    log.append(iter(events[50:51]))  # any iterable
    log.append([])
    for event in events[51:80]:
        log.append_encoded(event.seq, encode(event))
    log.append(e for e in events[80:])
    assert log.last_seq == 120
    assert list(log.read()) == events


@pytest.mark.parametrize("from_seq", [1, 2, 37, 59, 60, 61, 1000])
def test_read_from_seq_starts_there(new_log, from_seq):
    log = new_log()
    events = make_events(60)
    log.append(events)
    assert list(log.read(from_seq)) == events[from_seq - 1 :]
    assert list(log.read_lines(from_seq)) == [encode(e) for e in events[from_seq - 1 :]]


@pytest.mark.parametrize("bad", [0, -3])
def test_from_seq_below_one_is_rejected(new_log, bad):
    log = new_log()
    for call in (log.read, log.read_lines, log.follow):
        with pytest.raises(InvalidInput, match=f"from_seq.*{bad}"):
            call(bad)


def test_read_lines_are_exactly_the_encoded_bytes(new_log):
    log = new_log()
    events = make_events(40)
    log.append(events)
    lines = list(log.read_lines())
    assert lines == [encode(e) for e in events]
    assert all(isinstance(line, bytes) and not line.endswith(b"\n") for line in lines)


def test_append_must_start_at_seq_one(new_log):
    log = new_log()
    with pytest.raises(SeqOutOfOrder, match="expected seq 1, got 2"):
        log.append(make_events(3, start=2))
    assert log.last_seq == 0
    assert list(log.read()) == []


def test_a_gap_mid_batch_keeps_the_events_before_it(new_log):
    log = new_log()
    events = make_events(10)
    with pytest.raises(BusyworkError, match="expected seq 6, got 7"):
        log.append(events[:5] + events[6:])
    assert log.last_seq == 5
    log.append(events[5:])  # the log is still usable
    assert list(log.read()) == events


def test_a_duplicate_seq_is_rejected(new_log):
    log = new_log()
    events = make_events(4)
    log.append(events)
    with pytest.raises(SeqOutOfOrder, match="expected seq 5, got 4"):
        log.append(events[3:])
    assert log.last_seq == 4


def test_append_encoded_checks_seq_and_framing(new_log):
    log = new_log()
    first, second = make_events(2)
    with pytest.raises(SeqOutOfOrder, match="expected seq 1, got 2"):
        log.append_encoded(2, encode(second))
    with pytest.raises(InvalidInput, match="newline"):
        log.append_encoded(1, encode(first) + b"\n")
    log.append_encoded(1, encode(first))
    assert list(log.read()) == [first]


def test_append_encoded_many_round_trips_in_batches_of_any_size(new_log, rng):
    log = new_log()
    events = make_events(150)
    log.append(events[:3])
    seq = 4
    while seq <= len(events):
        size = rng.choice([0, 1, 2, 9, 40])
        log.append_encoded_many(seq, [encode(e) for e in events[seq - 1 : seq - 1 + size]])
        seq = min(seq + size, len(events) + 1)
        assert log.last_seq == seq - 1
    assert list(log.read()) == events
    assert list(log.read_lines()) == [encode(e) for e in events]


def test_append_encoded_many_checks_seq_and_framing(new_log):
    log = new_log()
    lines = [encode(e) for e in make_events(40)]
    with pytest.raises(SeqOutOfOrder, match="expected seq 1, got 2"):
        log.append_encoded_many(2, lines[1:])
    with pytest.raises(InvalidInput, match="newline"):
        log.append_encoded_many(1, [lines[0] + b"\n", *lines[1:]])
    assert log.last_seq == 0  # a bad first line: nothing appended
    log.append_encoded_many(1, lines[:2])
    with pytest.raises(SeqOutOfOrder, match="expected seq 3, got 2"):
        log.append_encoded_many(2, lines[1:4])  # a duplicate
    log.append_encoded_many(5, [])  # nothing to append, nothing to check
    # The lines before a bad one stay appended (here across segment rolls of the file log).
    bad = [*lines[2:30], b'{"type":"TaskLiked",\n"seq":31}', *lines[31:]]
    with pytest.raises(InvalidInput, match="line for seq 31 contains a newline"):
        log.append_encoded_many(3, bad)
    assert log.last_seq == 30
    assert list(log.read_lines()) == lines[:30]
    log.append_encoded_many(31, lines[30:])  # the log is still usable
    assert list(log.read()) == make_events(40)


def test_an_event_that_cannot_be_encoded_leaves_the_log_consistent(new_log):
    log = new_log()
    events = make_events(3)
    with pytest.raises(TypeError):
        log.append([events[0], types.SimpleNamespace(seq=2)])
    assert log.last_seq == 1
    log.append(events[1:])
    assert list(log.read()) == events


def test_read_sees_everything_appended_so_far_without_flush(new_log):
    log = new_log()
    events = make_events(30)
    for n in range(0, 30, 7):
        log.append(events[n : n + 7])
        assert list(log.read()) == events[: n + 7]
        assert log.last_seq == min(n + 7, 30)


@pytest.mark.timeout(60)
def test_follow_from_another_thread_yields_while_the_writer_is_still_writing(new_log):
    """The writer waits until the follower has seen the first half, so this only passes if
    follow tails (it does not just read at the end); the file log rolls segments meanwhile."""
    log = new_log()
    events = make_events(300)
    half_seen, stop = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for n in range(0, 300, 10):
                if n == 150:
                    assert half_seen.wait(30), "follower never saw the first half"
                log.append(events[n : n + 10])
                log.flush()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            stop.set()

    writer = threading.Thread(target=write)
    writer.start()
    got = []
    for event in log.follow(stop=stop, poll_interval=0.005):
        got.append(event)
        if event.seq == 150:
            half_seen.set()
    writer.join()
    assert errors == []
    assert got == events


@pytest.mark.timeout(60)
def test_follow_from_seq_skips_earlier_events(new_log):
    log = new_log()
    events = make_events(80)
    log.append(events[:40])
    stop = threading.Event()
    follower = log.follow(55, stop=stop, poll_interval=0.005)
    log.append(events[40:])
    log.flush()
    stop.set()
    assert list(follower) == events[54:]


@pytest.mark.timeout(60)
def test_follow_ends_when_stop_is_set_even_if_nothing_comes(new_log):
    log = new_log()
    stop = threading.Event()
    timer = threading.Timer(0.05, stop.set)
    timer.start()
    assert list(log.follow(stop=stop, poll_interval=0.01)) == []
    timer.join()


def test_follow_with_stop_already_set_yields_what_is_visible_then_ends(new_log):
    log = new_log()
    events = make_events(25)
    log.append(events)
    log.flush()
    stop = threading.Event()
    stop.set()
    assert list(log.follow(3, stop=stop)) == events[2:]


def test_close_is_idempotent_and_a_closed_log_refuses_appends(new_log):
    log = new_log()
    events = make_events(3)
    log.append(events[:2])
    log.close()
    log.close()
    with pytest.raises(BusyworkError, match="closed"):
        log.append(events[2:])
    with pytest.raises(BusyworkError, match="closed"):
        log.append_encoded(3, encode(events[2]))
    with pytest.raises(BusyworkError, match="closed"):
        log.append_encoded_many(3, [encode(events[2])])
    assert list(log.read()) == events[:2]


def test_context_manager_closes(new_log):
    with new_log() as log:
        log.append(make_events(2))
    with pytest.raises(BusyworkError, match="closed"):
        log.append(make_events(1, start=3))


# -- the file log ------------------------------------------------------------------------------


def write_log(run: Path, events: list[Event], **options) -> None:
    with FileLog(run, **options) as log:
        log.append(events)


def segment_files(run: Path) -> list[Path]:
    return [path for _first, path in list_segments(run / "events")]


def test_segments_roll_by_size_and_are_named_by_their_first_seq(tmp_path):
    run = tmp_path / "run"
    events = make_events(200)
    write_log(run, events, segment_bytes=2000)
    files = segment_files(run)
    assert len(files) > 5
    assert files[0].name == "00000001.jsonl"
    for path in files:
        lines = path.read_bytes().split(b"\n")
        assert lines.pop() == b""  # every segment ends with a newline
        first = int(path.stem)
        assert path.name == f"{first:08d}.jsonl"
        assert lines == [encode(e) for e in events[first - 1 : first - 1 + len(lines)]]
    for path in files[:-1]:  # rolled as soon as a segment reached the size, not later
        size, last = path.stat().st_size, path.read_bytes().split(b"\n")[-2]
        assert size >= 2000 > size - len(last) - 1
    assert list(FileLog.open_readonly(run).read()) == events


def test_segments_sort_by_number_not_by_name(tmp_path):
    events_dir = tmp_path / "events"
    events_dir.mkdir()
    for name in ["100000000.jsonl", "00000001.jsonl", "99999999.jsonl", "notes.txt", "x1.jsonl"]:
        (events_dir / name).touch()
    assert [first for first, _ in list_segments(events_dir)] == [1, 99999999, 100000000]
    (events_dir / "1.jsonl").touch()
    with pytest.raises(LogCorrupted, match="two segments start at seq 1"):
        list_segments(events_dir)


def test_reopen_continues_appending(tmp_path):
    run = tmp_path / "run"
    events = make_events(150)
    write_log(run, events[:60], segment_bytes=1500)
    with FileLog(run, segment_bytes=1500) as log:
        assert log.last_seq == 60
        assert log.repaired is None
        log.append(events[60:100])
    with FileLog(run, segment_bytes=1500) as log:
        log.append(events[100:])
    assert list(FileLog.open_readonly(run).read()) == events
    assert all(int(p.stem) == events[int(p.stem) - 1].seq for p in segment_files(run))


def test_reopen_when_the_last_segment_is_full_starts_a_new_one(tmp_path):
    run = tmp_path / "run"
    events = make_events(10)
    write_log(run, events[:5], segment_bytes=10**6)
    full = segment_files(run)[0].stat().st_size
    with FileLog(run, segment_bytes=full) as log:  # the existing segment is now full
        log.append(events[5:])
    assert [p.name for p in segment_files(run)] == ["00000001.jsonl", "00000006.jsonl"]
    assert list(FileLog(run).read()) == events


def test_torn_last_line_is_cut_on_reopen_and_reported(tmp_path):
    run = tmp_path / "run"
    events = make_events(8)
    write_log(run, events[:7])
    (path,) = segment_files(run)
    whole = path.read_bytes()
    path.write_bytes(whole + encode(events[7])[:25])  # a crash in the middle of line 8
    with FileLog(run) as log:
        assert log.last_seq == 7
        assert log.repaired is not None
        assert "00000001.jsonl" in log.repaired and "line 8" in log.repaired
        assert "25 bytes" in log.repaired and "no newline" in log.repaired
        assert path.read_bytes() == whole
        log.append(events[7:])
    assert list(FileLog(run).read()) == events


def test_an_undecodable_last_line_is_cut_too(tmp_path):
    run = tmp_path / "run"
    events = make_events(5)
    write_log(run, events[:4])
    (path,) = segment_files(run)
    whole = path.read_bytes()
    path.write_bytes(whole + b"\x00\x00{garbage\n")
    with FileLog(run) as log:
        assert log.last_seq == 4
        assert "line 5" in log.repaired and "cannot decode" in log.repaired
        log.append(events[4:])
    assert path.read_bytes() == whole + encode(events[4]) + b"\n"


def test_a_torn_first_line_of_a_new_segment_leaves_it_empty_and_reusable(tmp_path):
    run = tmp_path / "run"
    events = make_events(30)
    write_log(run, events[:20], segment_bytes=500)
    next_name = f"{21:08d}.jsonl"
    (run / "events" / next_name).write_bytes(encode(events[20])[:10])
    with FileLog(run, segment_bytes=500) as log:
        assert log.last_seq == 20
        assert next_name in log.repaired
        log.append(events[20:])
    assert (run / "events" / next_name).read_bytes().startswith(encode(events[20]))
    assert list(FileLog(run).read()) == events


def test_a_damaged_line_followed_by_a_torn_one_is_corruption(tmp_path):
    run = tmp_path / "run"
    write_log(run, make_events(3))
    (path,) = segment_files(run)
    path.write_bytes(path.read_bytes() + b"{bad}\n" + b'{"type":')
    with pytest.raises(LogCorrupted, match=r"00000001\.jsonl, line 4: "):
        FileLog(run)


def corrupt_line(path: Path, line_no: int, replacement: bytes) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[line_no - 1] = replacement
    path.write_bytes(b"\n".join(lines))


def test_a_corrupt_middle_line_names_file_line_and_decoder_message(tmp_path):
    run = tmp_path / "run"
    write_log(run, make_events(10))
    (path,) = segment_files(run)
    corrupt_line(path, 4, b'{"type":"TaskLiked","seq":4,')
    before = path.read_bytes()
    with pytest.raises(LogCorrupted, match=r"00000001\.jsonl, line 4: .*truncated"):
        FileLog(run)
    assert path.read_bytes() == before  # never "repaired" away
    with pytest.raises(LogCorrupted, match=r"00000001\.jsonl, line 4: "):
        list(FileLog.open_readonly(run).read())


def test_a_corrupt_line_in_an_earlier_segment_is_found_by_read(tmp_path):
    run = tmp_path / "run"
    events = make_events(100)
    write_log(run, events, segment_bytes=1500)
    first_segment, second_segment = segment_files(run)[:2]
    corrupt_line(first_segment, 3, b'{"type":"TaskLiked","seq":"three"}')
    with FileLog(run, segment_bytes=1500) as log:  # open checks only segment edges
        with pytest.raises(LogCorrupted, match=r"00000001\.jsonl, line 3: Expected `int`"):
            list(log.read())
        # Reading from a later segment never opens the damaged one.
        assert list(log.read(int(second_segment.stem))) == events[int(second_segment.stem) - 1 :]


@pytest.mark.parametrize("damage", ["drop", "duplicate"])
def test_a_seq_gap_or_duplicate_inside_a_segment_is_corruption(tmp_path, damage):
    run = tmp_path / "run"
    write_log(run, make_events(10))
    (path,) = segment_files(run)
    lines = path.read_bytes().split(b"\n")
    if damage == "drop":
        del lines[5]  # seq 6 is missing: line 6 holds seq 7
        message = r"00000001\.jsonl, line 6: expected seq 6, got seq 7"
    else:
        lines.insert(5, lines[4])  # seq 5 twice: line 6 holds seq 5
        message = r"00000001\.jsonl, line 6: expected seq 6, got seq 5"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(LogCorrupted, match=message):
        FileLog(run)
    with pytest.raises(LogCorrupted, match=message):
        list(FileLog.open_readonly(run).read())


def test_a_missing_segment_is_corruption(tmp_path):
    run = tmp_path / "run"
    write_log(run, make_events(100), segment_bytes=1500)
    files = segment_files(run)
    files[1].unlink()
    gap = rf"{files[0].name}, line \d+: expected seq {int(files[2].stem) - 1} .*got seq"
    with pytest.raises(LogCorrupted, match=gap):
        FileLog(run)
    with pytest.raises(LogCorrupted, match=rf"{files[2].name}: segment starts at seq"):
        list(FileLog.open_readonly(run).read())


def test_a_first_line_that_disagrees_with_its_segment_name_is_corruption(tmp_path):
    run = tmp_path / "run"
    write_log(run, make_events(100), segment_bytes=1500)
    second = segment_files(run)[1]
    first_seq = int(second.stem)
    corrupt_line(second, 1, encode(make_events(1, start=first_seq + 100)[0]))
    message = rf"{second.name}, line 1: expected seq {first_seq} \(the file name\), got seq"
    with pytest.raises(LogCorrupted, match=message):
        FileLog(run)


def test_the_first_segment_must_start_at_one(tmp_path):
    run = tmp_path / "run"
    write_log(run, make_events(3))
    (path,) = segment_files(run)
    path.rename(path.with_name("00000002.jsonl"))
    with pytest.raises(LogCorrupted, match="must start at seq 1"):
        FileLog(run)
    with pytest.raises(LogCorrupted, match="must start at seq 1"):
        list(FileLog.open_readonly(run).read())


def test_a_sealed_segment_without_its_last_newline_is_corruption(tmp_path):
    run = tmp_path / "run"
    write_log(run, make_events(100), segment_bytes=1500)
    first_segment = segment_files(run)[0]
    first_segment.write_bytes(first_segment.read_bytes()[:-1])
    with pytest.raises(LogCorrupted, match=r"00000001\.jsonl, line \d+: line has no newline"):
        FileLog(run)
    with pytest.raises(LogCorrupted, match=r"00000001\.jsonl, line \d+: line has no newline"):
        list(FileLog.open_readonly(run).read())


def test_readonly_never_modifies_a_torn_log_and_hides_the_torn_line(tmp_path):
    run = tmp_path / "run"
    events = make_events(6)
    write_log(run, events[:5])
    (path,) = segment_files(run)
    path.write_bytes(path.read_bytes() + encode(events[5])[:30])
    before = path.read_bytes()
    reader = FileLog.open_readonly(run)
    assert reader.last_seq == 5
    assert list(reader.read()) == events[:5]
    with pytest.raises(BusyworkError, match="read-only"):
        reader.append(events[5:])
    reader.flush()
    reader.close()
    assert path.read_bytes() == before
    # Once the writer finishes the line, the reader sees it.
    path.write_bytes(before + encode(events[5])[30:] + b"\n")
    assert FileLog.open_readonly(run).last_seq == 6


def test_readonly_of_a_run_that_does_not_exist_yet_is_empty_and_creates_nothing(tmp_path):
    reader = FileLog.open_readonly(tmp_path / "later")
    assert reader.last_seq == 0
    assert list(reader.read()) == []
    assert not (tmp_path / "later").exists()


def test_only_one_writer_at_a_time(tmp_path):
    run = tmp_path / "run"
    first = FileLog(run)
    with pytest.raises(BusyworkError, match="another busywork"):
        FileLog(run)
    FileLog.open_readonly(run).close()  # readers are always welcome
    first.close()
    FileLog(run).close()


@pytest.mark.parametrize(
    "option, value",
    [("segment_bytes", 0), ("fsync_every_events", 0), ("fsync_every_seconds", -1.0)],
)
def test_bad_options_name_the_option(tmp_path, option, value):
    with pytest.raises(InvalidInput, match=rf"{option}: expected a number >= .*got {value}"):
        FileLog(tmp_path / "run", **{option: value})


@pytest.fixture
def file_fsyncs(monkeypatch) -> list[int]:
    """Count os.fsync calls on regular files (not the folder fsyncs of new segments)."""
    calls: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            calls.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    return calls


@pytest.mark.parametrize("batch", [1, 7, 35])
def test_fsync_every_n_events(tmp_path, file_fsyncs, batch):
    events = make_events(35)
    log = FileLog(tmp_path / "run", fsync_every_events=10, fsync_every_seconds=3600)
    for n in range(0, 35, batch):
        log.append(events[n : n + batch])
    log._writer._wait_for_background_sync()  # periodic fsyncs run on a helper thread
    assert len(file_fsyncs) == 3  # after events 10, 20 and 30
    log.flush()
    assert len(file_fsyncs) == 4
    log.flush()  # nothing new: no fsync
    log.close()
    assert len(file_fsyncs) == 4
    assert list(FileLog.open_readonly(tmp_path / "run").read()) == events


def test_fsync_by_the_clock_is_checked_every_few_events(tmp_path, file_fsyncs):
    count = 3 * TIME_CHECK_EVERY
    events = make_events(count + 5)
    # fsync_every_seconds=0: every clock check finds the second passed
    with FileLog(tmp_path / "a", fsync_every_events=10**6, fsync_every_seconds=0) as log:
        for event in events[:count]:
            log.append_encoded(event.seq, encode(event))
        log._writer._wait_for_background_sync()
        assert len(file_fsyncs) == 3
    # a long interval: the clock checks never fsync, only close does
    file_fsyncs.clear()
    with FileLog(tmp_path / "b", fsync_every_events=10**6, fsync_every_seconds=3600) as log:
        log.append(events)
        assert file_fsyncs == []
    assert len(file_fsyncs) == 1


@pytest.mark.parametrize("batched_lines", [False, True], ids=["append", "append_encoded_many"])
def test_a_failed_background_fsync_is_raised_by_the_next_call(tmp_path, monkeypatch, batched_lines):
    real_fsync, failing = os.fsync, threading.Event()

    def fsync(fd: int) -> None:
        if failing.is_set() and stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(5, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    events = make_events(25)
    lines = [encode(e) for e in events]
    log = FileLog(tmp_path / "run", fsync_every_events=10, fsync_every_seconds=3600)

    def append(first: int, last: int) -> None:  # events first..last (1-based)
        if batched_lines:
            log.append_encoded_many(first, lines[first - 1 : last])
        else:
            log.append(events[first - 1 : last])

    append(1, 5)
    failing.set()
    append(6, 15)  # the fsync after event 10 fails on the helper thread
    with pytest.raises(BusyworkError, match=r"00000001\.jsonl: cannot fsync event log: .*Input"):
        append(16, 25)  # event 20 waits for it
    assert log.last_seq == 20  # the events after the failing check are not in
    failing.clear()
    log.close()  # the retry in close makes everything written durable
    assert list(FileLog.open_readonly(tmp_path / "run").read_lines()) == lines[:20]


@pytest.mark.parametrize(
    "segment_bytes, fsync_every_events, fsync_every_seconds",
    [(1000, 7, 3600.0), (70_000, 50, 0.0), (10**6, 1000, 3600.0)],
)
def test_append_encoded_many_writes_and_fsyncs_as_line_by_line_appends(
    tmp_path, file_fsyncs, rng, segment_bytes, fsync_every_events, fsync_every_seconds
):
    """The same segment files (a segment rolls at the first line that fills it; a batch
    crosses the 64 KiB buffer too) and the same fsyncs, by count or by the clock."""
    options = {
        "segment_bytes": segment_bytes,
        "fsync_every_events": fsync_every_events,
        "fsync_every_seconds": fsync_every_seconds,
    }
    lines = [encode(e) for e in make_events(1500)]
    with FileLog(tmp_path / "one", **options) as log:
        for seq, line in enumerate(lines, 1):
            log.append_encoded(seq, line)
    one_by_one, fsyncs = segment_files(tmp_path / "one"), len(file_fsyncs)
    file_fsyncs.clear()
    with FileLog(tmp_path / "many", **options) as log:
        seq = 1
        while seq <= len(lines):
            size = rng.choice([1, 5, 64, 300, 1500])
            log.append_encoded_many(seq, lines[seq - 1 : seq - 1 + size])
            seq += size
    many = segment_files(tmp_path / "many")
    assert [p.name for p in many] == [p.name for p in one_by_one]
    assert [p.read_bytes() for p in many] == [p.read_bytes() for p in one_by_one]
    assert len(file_fsyncs) == fsyncs > 1
    if segment_bytes < 10**6:
        assert len(many) > 1


def test_a_batch_that_fills_a_segment_exactly_rolls_after_that_line(tmp_path):
    lines = [encode(e) for e in make_events(20)]
    exact = sum(len(line) + 1 for line in lines[:7])
    with FileLog(tmp_path / "run", segment_bytes=exact) as log:
        log.append_encoded_many(1, lines)
    names = [p.name for p in segment_files(tmp_path / "run")]
    assert names[:2] == ["00000001.jsonl", "00000008.jsonl"]
    assert list(FileLog.open_readonly(tmp_path / "run").read_lines()) == lines


def test_close_fsyncs_and_a_full_segment_is_fsynced_before_the_next(tmp_path, file_fsyncs):
    run = tmp_path / "run"
    with FileLog(run, segment_bytes=1000, fsync_every_events=10**6) as log:
        log.append(make_events(50))
        log.append(make_events(1, start=51))  # at least one line in an open segment
        sealed = [p for p in segment_files(run) if p.stat().st_size >= 1000]
        assert len(sealed) >= 2
        assert len(file_fsyncs) == len(sealed)
    assert len(file_fsyncs) == len(sealed) + 1


def test_a_line_longer_than_one_read_is_read_whole(tmp_path):
    run = tmp_path / "run"
    events = make_events(4)
    long_text = "x" * (2 * READ_CHUNK + 7)  # needs the read size doubled twice
    events[1] = CommentAdded(**{**msgspec.structs.asdict(events[1]), "text": long_text})
    write_log(run, events, segment_bytes=1000)  # the long line also fills its segment
    assert len(segment_files(run)) == 2
    reader = FileLog.open_readonly(run)
    assert list(reader.read()) == events
    assert list(reader.read(3)) == events[2:]
    stop = threading.Event()
    stop.set()
    assert list(reader.follow(2, stop=stop)) == events[1:]


def test_follow_never_yields_a_half_written_line(tmp_path):
    run = tmp_path / "run"
    events = make_events(5)
    write_log(run, events[:3])
    (path,) = segment_files(run)
    line4, line5 = encode(events[3]) + b"\n", encode(events[4]) + b"\n"
    with open(path, "ab") as f:
        f.write(line4[:20])
    stop = threading.Event()
    stop.set()
    assert list(FileLog.open_readonly(run).follow(stop=stop)) == events[:3]

    # Now with a follower running while the rest of the line arrives.
    got: list[Event] = []
    stop = threading.Event()
    follower = threading.Thread(
        target=lambda: got.extend(FileLog.open_readonly(run).follow(stop=stop, poll_interval=0.002))
    )
    follower.start()
    deadline = time.monotonic() + 20
    while len(got) < 3 and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(0.02)  # let it poll the half line a few times
    with open(path, "ab") as f:
        f.write(line4[20:] + line5[:7])
        f.flush()
        time.sleep(0.02)
        f.write(line5[7:])
    stop.set()
    follower.join(20)
    assert got == events


WRITER_SCRIPT = """
import sys, time
from pathlib import Path
from engine.events import decode
from engine.log import FileLog

run, source, go = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
events = [decode(line) for line in source.read_bytes().splitlines()]
half = len(events) // 2
with FileLog(run, segment_bytes=2048) as log:
    for n in range(0, len(events), 5):
        if n == half:  # wait until the parent has followed the first half
            deadline = time.monotonic() + 30
            while not go.exists():
                if time.monotonic() > deadline:
                    sys.exit("the follower never saw the first half")
                time.sleep(0.005)
        log.append(events[n : n + 5])
        log.flush()
        time.sleep(0.001)
"""


@pytest.mark.timeout(90)
def test_follow_a_log_written_by_another_process(tmp_path):
    run, source, go = tmp_path / "run", tmp_path / "source.jsonl", tmp_path / "go"
    events = make_events(400)
    source.write_bytes(b"".join(encode(e) + b"\n" for e in events))
    stop = threading.Event()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(run), str(source), str(go)],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
    )
    watcher = threading.Thread(target=lambda: (writer.wait(), stop.set()))
    watcher.start()
    got = []
    try:
        # Started before the writer has created anything: follow waits for the log to appear.
        for event in FileLog.open_readonly(run).follow(stop=stop, poll_interval=0.005):
            got.append(event)
            if event.seq == 200:
                go.touch()
    finally:
        writer.kill()
        watcher.join()
    assert writer.returncode == 0, writer.stderr.read().decode()
    assert got == events
    assert len(segment_files(run)) > 5  # it followed across segment rolls


TORN_LINE_4 = b'{"type":"TaskLiked","seq":4,"at":"1999'  # torn, and unlike the real line 4


def write_log_with_a_torn_line_4(run: Path) -> list[Event]:
    """A crashed writer's log: events 1-3 whole, then the torn start of a line 4."""
    events = make_events(6)
    write_log(run, events[:3])
    (path,) = segment_files(run)
    with open(path, "ab") as f:
        f.write(TORN_LINE_4)
    return events


def test_a_follower_holding_a_torn_line_rereads_it_after_the_writer_cut_it(tmp_path):
    """The exact interleaving, step by step: the follower has read the torn bytes with line 3
    and is paused; the writer cuts them and writes lines 4-6, longer than the torn bytes, before
    the follower reads again. The follower must read line 4 from its start, not splice the torn
    bytes onto the end of the new line 4."""
    run = tmp_path / "run"
    events = write_log_with_a_torn_line_4(run)
    stop = threading.Event()
    follower = FileLog.open_readonly(run).follow(stop=stop, poll_interval=0.002)
    got = [next(follower) for _ in range(3)]  # paused right after line 3
    with FileLog(run) as log:
        assert log.repaired is not None
        log.append(events[3:])
    stop.set()
    got.extend(follower)
    assert got == events


@pytest.mark.timeout(60)
def test_a_follower_survives_a_writer_cutting_a_torn_line_and_writing_on(tmp_path):
    """The same with a follower polling in its own thread, so the cut and the writes land
    wherever they happen to fall between its reads."""
    run = tmp_path / "run"
    events = write_log_with_a_torn_line_4(run)
    got: list[Event] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def follow() -> None:
        try:
            got.extend(FileLog.open_readonly(run).follow(stop=stop, poll_interval=0.002))
        except BaseException as exc:  # reported by the main thread, not lost in a warning
            errors.append(exc)

    follower = threading.Thread(target=follow)
    follower.start()
    deadline = time.monotonic() + 20
    while len(got) < 3 and not errors and time.monotonic() < deadline:
        time.sleep(0.002)  # until it has read the torn bytes with line 3
    assert errors == []
    assert got == events[:3]
    with FileLog(run) as log:
        assert log.repaired is not None
        log.append(events[3:])
    stop.set()
    follower.join(20)
    assert not follower.is_alive()
    assert errors == []
    assert got == events


def test_a_second_writer_of_a_log_or_a_checkpoint_is_refused_as_busy(tmp_path):
    from engine.errors import Busy
    from engine.replay_journal import Journal

    with FileLog(tmp_path / "run"), pytest.raises(Busy, match="run"):
        FileLog(tmp_path / "run")
    first = Journal(tmp_path / "target", {"kind": "test"})
    try:
        with pytest.raises(Busy, match="another replay into this target is running"):
            Journal(tmp_path / "target", {"kind": "test"})
    finally:
        first.close()
