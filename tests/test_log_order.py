"""Two lines of a file log that traded places (seq 5 on line 4, seq 4 on line 5): the writable
open (for the last segment and the edges of sealed ones) and every read and follow name the
file, the line and both seqs, and never yield an event out of order."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from engine.errors import LogCorrupted
from engine.log import FileLog
from tests.test_log import make_events, segment_files, write_log

SEGMENT_BYTES = 1500  # about a dozen events per segment


def swap_lines(path: Path, line_a: int, line_b: int) -> None:
    """Make lines `line_a` and `line_b` (1-based) of a segment trade places."""
    lines = path.read_bytes().split(b"\n")
    lines[line_a - 1], lines[line_b - 1] = lines[line_b - 1], lines[line_a - 1]
    path.write_bytes(b"\n".join(lines))


def seqs_until_corrupt(events) -> tuple[list[int], str]:
    """The seqs yielded before the LogCorrupted the iterator must raise, and its message."""
    seen: list[int] = []
    with pytest.raises(LogCorrupted) as raised:
        for event in events:
            seen.append(event.seq)
    return seen, str(raised.value)


def follow_now(run: Path, from_seq: int = 1):
    stop = threading.Event()
    stop.set()  # what is visible now, then the end
    return FileLog.open_readonly(run).follow(from_seq, stop=stop, poll_interval=0.01)


@pytest.fixture
def swapped_last_segment(tmp_path) -> Path:
    """A one-segment log of 10 events whose lines 4 and 5 traded places."""
    run = tmp_path / "run"
    write_log(run, make_events(10))
    (path,) = segment_files(run)
    swap_lines(path, 4, 5)
    return run


def test_reopening_a_last_segment_with_swapped_lines_names_file_line_and_seqs(
    swapped_last_segment,
):
    (path,) = segment_files(swapped_last_segment)
    before = path.read_bytes()
    with pytest.raises(LogCorrupted, match=r"00000001\.jsonl, line 4: expected seq 4, got seq 5$"):
        FileLog(swapped_last_segment)
    assert path.read_bytes() == before  # damage in the middle is never "repaired" away


@pytest.mark.parametrize("reader", ["read", "follow"])
@pytest.mark.parametrize(
    "from_seq, yielded, message",
    [
        (1, [1, 2, 3], "line 4: expected seq 4, got seq 5"),
        (3, [3], "line 4: expected seq 4, got seq 5"),
        (4, [], "line 4: expected seq 4, got seq 5"),
        (5, [], "line 5: expected seq 5, got seq 4"),
    ],
)
def test_read_and_follow_stop_at_swapped_lines_with_the_events_before_them_in_order(
    swapped_last_segment, reader, from_seq, yielded, message
):
    run = swapped_last_segment
    events = (
        FileLog.open_readonly(run).read(from_seq) if reader == "read" else follow_now(run, from_seq)
    )
    seen, error = seqs_until_corrupt(events)
    assert seen == yielded
    assert error == f"{segment_files(run)[0]}, {message}"


@pytest.mark.parametrize("reader", ["read", "follow"])
def test_reading_from_after_the_swapped_lines_yields_the_rest_in_order(
    swapped_last_segment, reader
):
    run = swapped_last_segment
    events = FileLog.open_readonly(run).read(6) if reader == "read" else follow_now(run, 6)
    assert [e.seq for e in events] == [6, 7, 8, 9, 10]


@pytest.mark.parametrize("reader", ["read", "follow"])
def test_swapped_lines_inside_a_sealed_segment_are_found_by_read_and_follow(tmp_path, reader):
    run = tmp_path / "run"
    write_log(run, make_events(100), segment_bytes=SEGMENT_BYTES)
    first_segment = segment_files(run)[0]
    swap_lines(first_segment, 4, 5)
    events = FileLog.open_readonly(run).read() if reader == "read" else follow_now(run)
    seen, error = seqs_until_corrupt(events)
    assert seen == [1, 2, 3]
    assert error == f"{first_segment}, line 4: expected seq 4, got seq 5"


def test_lines_swapped_across_a_segment_roll_are_found_on_reopen(tmp_path):
    run = tmp_path / "run"
    write_log(run, make_events(100), segment_bytes=SEGMENT_BYTES)
    first_segment, second_segment = segment_files(run)[:2]
    last_line = first_segment.read_bytes().count(b"\n")
    first_lines = first_segment.read_bytes().split(b"\n")
    second_lines = second_segment.read_bytes().split(b"\n")
    first_lines[last_line - 1], second_lines[0] = second_lines[0], first_lines[last_line - 1]
    first_segment.write_bytes(b"\n".join(first_lines))
    second_segment.write_bytes(b"\n".join(second_lines))
    next_first = int(second_segment.stem)
    message = (
        rf"00000001\.jsonl, line {last_line}: expected seq {next_first - 1} \(the next segment"
        rf" starts at {next_first}\), got seq {next_first}$"
    )
    with pytest.raises(LogCorrupted, match=message):
        FileLog(run, segment_bytes=SEGMENT_BYTES)
    seen, error = seqs_until_corrupt(FileLog.open_readonly(run).read())
    assert seen == list(range(1, next_first - 1))
    expected = f"line {last_line}: expected seq {next_first - 1}, got seq {next_first}"
    assert error == f"{first_segment}, {expected}"
    # Reading from the second segment on finds its first line out of place too.
    seen, error = seqs_until_corrupt(FileLog.open_readonly(run).read(next_first))
    assert seen == []
    assert error == f"{second_segment}, line 1: expected seq {next_first}, got seq {next_first - 1}"
