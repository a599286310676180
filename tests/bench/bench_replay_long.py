"""Replay speed over a long run: a year of the default team (about 56,000 events) replayed at
max pace into an unlimited sandbox in its own process. Prints requests/s and the client's and
server's CPU per request for each slice of 5,000 requests, and the last slices' rate as a
ratio of the first ones' (goal: about 1x, nothing grows with the log). Asserts no timings.

Slices are counted in requests sent (the replayer's own counter), not in events read: the
replayer reads well ahead of what it sends, so slicing by events read makes the first slice
look several times faster than the rest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.replay_job import run_replay
from engine.replay import Replayer
from tests.bench.bench_replay import SERVER
from tests.replay_checks import make_run, run_people, tokens_of, write_tokens_file

DAYS, SLICE, ENDS = 365, 5000, 2  # ENDS: slices averaged at each end for the ratio


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_late_slices_replay_as_fast_as_early_ones(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path / "run", days=DAYS)
    people = run_people(run_dir)
    tokens = tokens_of(people, "bench-long-admin")
    tokens_file = write_tokens_file(tmp_path / "tokens.toml", tokens)
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(tokens_file)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    marks: list[tuple[int, float, float, float]] = []  # requests, wall, client cpu, server cpu
    done = threading.Event()

    def watch(replayer: Replayer) -> None:
        while not done.wait(0.05):
            sent = replayer.snapshot()["requests"]
            if sent >= (len(marks)) * SLICE:
                marks.append((sent, time.perf_counter(), time.process_time(),
                              _cpu_seconds(proc.pid)))  # fmt: skip

    try:
        base, workspace = proc.stdout.readline().split()
        target = connect(base, tokens, Destination(workspace=workspace, rate_limit=10**6))
        journal = open_journal(run_dir, target, "bench")
        on_start = lambda r: threading.Thread(target=watch, args=(r,), daemon=True).start()  # noqa: E731
        summary = run_replay(run_dir, target, journal, speed=None, on_start=on_start)
        done.set()
        journal.close()
    finally:
        proc.stdin.close()
        proc.wait()
    print(f"\nlong replay: {summary.requests:,} requests in {summary.wall_seconds:.1f} s, "
          f"{summary.failed} failed ({DAYS} simulated days, default team)")  # fmt: skip
    rates = []
    for (a, wa, ca, sa), (b, wb, cb, sb) in zip(marks, marks[1:], strict=False):
        n = b - a
        rates.append(n / (wb - wa))
        print(f"  requests {a:>7,}-{b:<7,} {rates[-1]:6.0f} req/s   client "
              f"{(cb - ca) / n * 1000:.2f} ms/req   server {(sb - sa) / n * 1000:.2f} ms/req")  # fmt: skip
    if len(rates) >= 2 * ENDS:
        early, late = sum(rates[:ENDS]) / ENDS, sum(rates[-ENDS:]) / ENDS
        print(f"ratio late / early slices: {late / early:.2f}x (goal about 1x)")
