"""Event log speed: appending and reading vs plain file I/O on the same bytes.

Run with `make bench`. Size with BUSYWORK_BENCH_LOG_EVENTS (default 300,000). Prints events/s
and ratios against baselines measured in this run; asserts only correctness, never timings.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.events import DECODER, ENCODER, CommentAdded, Event, TaskLiked, encode
from engine.log import FileLog

EVENTS = int(os.environ.get("BUSYWORK_BENCH_LOG_EVENTS", "300000"))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _events(n: int) -> list[Event]:
    out: list[Event] = []
    for seq in range(1, n + 1):
        at = T0 + timedelta(seconds=seq)
        if seq % 3:
            out.append(
                CommentAdded(
                    seq=seq,
                    at=at,
                    actor=f"u{seq % 12}",
                    comment=f"c{seq}",
                    task=f"t{seq % 500}",
                    kind="progress",
                    text="Pushed the second draft of the onboarding checklist; review welcome.",
                )
            )
        else:
            out.append(TaskLiked(seq=seq, at=at, actor=f"u{seq % 12}", task=f"t{seq % 500}"))
    return out


def _best(fn, repeat: int = 3) -> float:
    """Fastest of a few runs, in seconds (the least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def test_log_append_and_read_throughput(tmp_path: Path) -> None:
    events = _events(EVENTS)
    lines = [encode(e) for e in events]
    runs = iter(range(10**6))
    made: dict[str, Path] = {}

    def fresh(kind: str) -> Path:
        made[kind] = tmp_path / f"{kind}{next(runs)}"
        return made[kind]

    def raw_write() -> None:
        path = fresh("raw")
        with open(path, "wb") as f:
            for line in lines:
                f.write(line)
                f.write(b"\n")
            f.flush()
            os.fsync(f.fileno())

    def encode_and_write() -> None:
        path = fresh("enc")
        with open(path, "wb") as f:
            for event in events:
                f.write(ENCODER.encode(event))
                f.write(b"\n")
            f.flush()
            os.fsync(f.fileno())

    def log_batches() -> None:
        with FileLog(fresh("batch")) as log:
            for n in range(0, EVENTS, 1000):
                log.append(events[n : n + 1000])

    def log_batches_no_fsync() -> None:
        # The same without the durability policy: what the code costs, apart from fsync.
        with FileLog(fresh("nosync"), fsync_every_events=10**12, fsync_every_seconds=1e9) as log:
            for n in range(0, EVENTS, 1000):
                log.append(events[n : n + 1000])

    def log_one_by_one() -> None:
        with FileLog(fresh("one")) as log:
            append = log.append
            for event in events:
                append((event,))

    def log_encoded() -> None:
        with FileLog(fresh("encoded")) as log:
            append_encoded = log.append_encoded
            for seq, line in enumerate(lines, 1):
                append_encoded(seq, line)

    def log_encoded_many() -> None:
        # What a parallel run's parent does: a simulated day's lines (thousands) a call.
        with FileLog(fresh("many")) as log:
            for n in range(0, EVENTS, 10_000):
                log.append_encoded_many(n + 1, lines[n : n + 10_000])

    timings = {
        "raw f.write of pre-encoded lines": _best(raw_write),
        "encode + f.write": _best(encode_and_write),
        "FileLog.append, batches of 1000": _best(log_batches),
        "FileLog.append, batches, no fsync": _best(log_batches_no_fsync),
        "FileLog.append, one event a call": _best(log_one_by_one),
        "FileLog.append_encoded": _best(log_encoded),
        "FileLog.append_encoded_many, 10,000": _best(log_encoded_many),
    }
    baseline = timings["raw f.write of pre-encoded lines"]
    print(f"\nevent log, {EVENTS:,} events ({sum(map(len, lines)) / EVENTS:.0f} bytes each)")
    for name, seconds in timings.items():
        print(f"  {name:36s} {EVENTS / seconds:>12,.0f} events/s  ratio {baseline / seconds:.2f}")

    reader = FileLog.open_readonly(made["batch"])
    assert list(reader.read_lines()) == lines
    segments = {kind: sorted((made[kind] / "events").iterdir()) for kind in ("encoded", "many")}
    assert [p.read_bytes() for p in segments["many"]] == [
        p.read_bytes() for p in segments["encoded"]
    ]

    def raw_decode() -> None:
        for line in made["raw"].read_bytes().splitlines():
            DECODER.decode(line)

    read_base = _best(raw_decode)
    read_log = _best(lambda: sum(1 for _ in reader.read()))
    read_from = _best(lambda: sum(1 for _ in reader.read(EVENTS - 1000)))
    print(f"  {'read: split + decode (baseline)':36s} {EVENTS / read_base:>12,.0f} events/s")
    print(
        f"  {'FileLog.read':36s} {EVENTS / read_log:>12,.0f} events/s"
        f"  ratio {read_base / read_log:.2f}"
    )
    print(f"  {'FileLog.read(last 1000 events)':36s} {read_from * 1000:>12.2f} ms")
