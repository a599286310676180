"""A Ctrl-C can land between any two steps of the file log's writing: right after a write
reached the file, in the middle of one, or right after a segment file was created. Closing the
log afterwards (what `busywork simulate` does on Ctrl-C) must neither write a line twice nor
fail, so the run can be resumed.

The interruption is injected where Python would raise it: when the system call has returned,
before the log has recorded what it did."""

from __future__ import annotations

import os
import types

import pytest

import engine.log_writer as log_writer
from engine.errors import BusyworkError
from engine.log import FileLog
from tests.test_log import make_events, segment_files, seqs

SMALL_SEGMENT = 2048  # the buffer goes to the file every few events, segments roll often


def interrupt_once(monkeypatch, name: str, *, after_call=True, when=lambda *args: True, cut=None):
    """Make `os.<name>` as seen by the segment writer raise KeyboardInterrupt once, right after the
    real call (or, with `cut`, after writing only that many bytes of it)."""
    real = getattr(os, name)
    fired = []

    def interrupted(*args):
        if fired or not when(*args):
            return real(*args)
        fired.append(args)
        if cut is not None:
            real(args[0], bytes(args[1][:cut]))
        elif after_call:
            real(*args)
        raise KeyboardInterrupt

    proxy = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    setattr(proxy, name, interrupted)
    monkeypatch.setattr(log_writer, "os", proxy)
    return fired


def append_until_interrupted(log: FileLog, events) -> int:
    """Append one event at a time until the injected Ctrl-C; returns the events accepted."""
    for event in events:
        try:
            log.append((event,))
        except KeyboardInterrupt:
            return log.last_seq
    raise AssertionError("the interruption never came")


def read_back(run) -> list[int]:
    reader = FileLog.open_readonly(run)
    return seqs(reader.read())


@pytest.mark.parametrize("cut", [None, 1, 100], ids=["whole", "one-byte", "part"])
def test_a_ctrl_c_in_a_write_never_writes_a_line_twice(tmp_path, monkeypatch, cut):
    run = tmp_path / "run"
    events = make_events(300)
    fired = interrupt_once(monkeypatch, "write", cut=cut)
    log = FileLog(run, segment_bytes=SMALL_SEGMENT)
    accepted = append_until_interrupted(log, events)
    log.close()
    assert fired, "the write was never interrupted"
    assert read_back(run) == list(range(1, accepted + 1))
    with FileLog(run, segment_bytes=SMALL_SEGMENT) as reopened:  # resumable: it goes on
        assert reopened.repaired is None
        reopened.append(events[accepted:])
    assert read_back(run) == list(range(1, 301))


def test_a_ctrl_c_right_after_a_segment_was_created_reuses_it(tmp_path, monkeypatch):
    run = tmp_path / "run"
    events = make_events(300)
    fired = interrupt_once(monkeypatch, "open", when=lambda path, flags, *_: flags & os.O_EXCL)
    log = FileLog(run, segment_bytes=SMALL_SEGMENT)
    accepted = append_until_interrupted(log, events)
    log.close()  # used to fail: "cannot create event segment: [Errno 17] File exists"
    assert fired
    assert read_back(run) == list(range(1, accepted + 1))


def test_a_ctrl_c_right_after_a_segment_was_sealed(tmp_path, monkeypatch):
    run = tmp_path / "run"
    events = make_events(300)
    fired = interrupt_once(monkeypatch, "close")
    log = FileLog(run, segment_bytes=SMALL_SEGMENT)
    accepted = append_until_interrupted(log, events)
    log.close()
    assert fired
    assert read_back(run) == list(range(1, accepted + 1))
    with FileLog(run, segment_bytes=SMALL_SEGMENT) as reopened:
        reopened.append(events[accepted:])
    assert read_back(run) == list(range(1, 301)) and len(segment_files(run)) >= 2


def test_a_segment_that_holds_lines_is_never_reused(tmp_path, monkeypatch):
    run = tmp_path / "run"
    (run / "events").mkdir(parents=True)
    log = FileLog(run, segment_bytes=SMALL_SEGMENT)
    log.append(make_events(3))
    # Another file already sits where the first segment goes (nothing of ours: not empty).
    (run / "events" / "00000001.jsonl").write_bytes(b"someone else's bytes\n")
    with pytest.raises(BusyworkError, match="cannot create event segment.*File exists"):
        log.flush()
    log._writer._buf.clear()  # what could not be written is dropped, so closing does not retry it
    log.close()
