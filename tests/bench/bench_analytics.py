"""Analytics speed: a group-by from JSON lines vs sealed Parquet, sealing, and `stats`.

Run with `make bench`. Size with BUSYWORK_BENCH_EVENTS (default 1,000,000). Prints figures
and ratios measured in this run; asserts only correctness, never timings.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from adapters.analytics.schema import event_columns
from adapters.analytics.segment_json import read_json_sql, typed_select
from adapters.analytics.segments import list_segments
from adapters.analytics.stats import compute_stats
from adapters.analytics.summary import SUMMARY_DIR
from adapters.analytics.views import open_run
from engine import events as ev

EVENTS = int(os.environ.get("BUSYWORK_BENCH_EVENTS", "1000000"))
SEGMENT_EVENTS = 50_000
ZONES = ("America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Kolkata")
KINDS = ("start", "progress", "question", "answer", "review_request", "review_feedback", "done")


def _task_lifecycle(rng: random.Random, task: str, project: str, people: list[str], t: datetime):
    """One task's events, (time, event-without-seq-fields) in order."""
    owner, doer = rng.choice(people), rng.choice(people)
    out = [
        (
            t,
            ev.TaskCreated,
            owner,
            {
                "task": task,
                "project": project,
                "name": f"Task {task}",
                "assignee": doer,
                "due_on": (t + timedelta(days=7)).date(),
            },
        )
    ]

    def step(hours: float) -> datetime:
        nonlocal t
        t += timedelta(hours=rng.expovariate(1 / hours))
        return t

    out.append(
        (
            step(4),
            ev.TaskStateChanged,
            doer,
            {"task": task, "state": "in_progress", "previous": "new"},
        )
    )
    for _ in range(rng.randrange(2, 6)):
        out.append(
            (
                step(3),
                ev.CommentAdded,
                doer,
                {
                    "comment": f"c{task}-{len(out)}",
                    "task": task,
                    "kind": rng.choice(KINDS),
                    "text": f"note on {task} {len(out)}",
                },
            )
        )
    if rng.random() < 0.25:
        out.append(
            (
                step(2),
                ev.TaskStateChanged,
                doer,
                {"task": task, "state": "blocked", "previous": "in_progress"},
            )
        )
        out.append(
            (
                step(12),
                ev.TaskStateChanged,
                doer,
                {"task": task, "state": "in_progress", "previous": "blocked"},
            )
        )
    if rng.random() < 0.3:
        out.append((step(1), ev.TaskLiked, rng.choice(people), {"task": task}))
    out.append(
        (
            step(8),
            ev.TaskStateChanged,
            doer,
            {"task": task, "state": "in_review", "previous": "in_progress"},
        )
    )
    out.append(
        (
            step(6),
            ev.TaskStateChanged,
            owner,
            {"task": task, "state": "done", "previous": "in_review"},
        )
    )
    out.append((t, ev.TaskCompleted, doer, {"task": task}))
    return out


def write_synthetic_run(root: Path, events: int, *, seed: int = 7, people: int = 200) -> Path:
    """A run folder of about `events` plausible events in 50k-event segments."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 14, tzinfo=UTC)
    ids = [f"u{i}" for i in range(1, people + 1)]
    rows = [
        (
            start,
            ev.PersonJoined,
            u,
            {
                "person": u,
                "name": f"Person {u}",
                "email": f"{u}@example.com",
                "role": "individual_contributor",
                "timezone": ZONES[i % len(ZONES)],
            },
        )
        for i, u in enumerate(ids)
    ]
    span_hours = max(24.0, events / 400)  # about 400 events an hour across the organisation
    n_tasks = 0
    while len(rows) < events:
        project = f"p{n_tasks // 40 + 1}"
        if n_tasks % 40 == 0:
            rows.append(
                (
                    start,
                    ev.ProjectCreated,
                    ids[0],
                    {"project": project, "name": project, "owner": ids[0]},
                )
            )
        n_tasks += 1
        t = start + timedelta(hours=rng.random() * span_hours)
        rows.extend(_task_lifecycle(rng, f"t{n_tasks}", project, ids, t))
    rows.sort(key=lambda r: r[0])
    events_dir = root / "events"
    events_dir.mkdir(parents=True)
    manifest = {
        "run_id": root.name,
        "seed": seed,
        "busywork_version": "bench",
        "content_source": "bench",
        "created_at": "2026-01-05T00:00:00Z",
        "scenario": {},
    }
    (root / "manifest.json").write_text(json.dumps(manifest))
    encode = ev.ENCODER.encode
    for first in range(0, len(rows), SEGMENT_EVENTS):
        chunk = rows[first : first + SEGMENT_EVENTS]
        lines = [
            encode(cls(seq=first + i + 1, at=at, actor=actor, **fields))
            for i, (at, cls, actor, fields) in enumerate(chunk)
        ]
        (events_dir / f"{first + 1:08d}.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return root


def _timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


GROUP_BY = "SELECT type, count(*) FROM {src} GROUP BY 1 ORDER BY 1"


def test_bench_analytics(tmp_path: Path) -> None:
    t0 = time.perf_counter()
    run = write_synthetic_run(tmp_path / "bench-run", EVENTS)
    gen_s = time.perf_counter() - t0
    segments = list_segments(run)
    size_mb = sum(s.size for s in segments) / 1e6
    lines = sum(s.path.read_bytes().count(b"\n") for s in segments)
    columns = event_columns()

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    json_src = f"({typed_select(columns, read_json_sql(columns, [s.path for s in segments]))})"
    json_s, json_rows = _timed(lambda: con.execute(GROUP_BY.format(src=json_src)).fetchall())
    stats_json_s, stats_json = _timed(lambda: compute_stats(run, seal=False), repeat=1)

    t0 = time.perf_counter()
    open_run(run).close()  # seals every finished segment, then summarises the sealed prefix
    first_open_s = time.perf_counter() - t0
    shutil.rmtree(run / SUMMARY_DIR)
    t0 = time.perf_counter()
    open_run(run).close()  # the summary alone
    summary_s = time.perf_counter() - t0
    with open_run(run) as opened:
        assert opened.con.execute("SELECT count(*) FROM events").fetchone()[0] == lines
        pq_s, pq_rows = _timed(lambda: opened.con.execute(GROUP_BY.format(src="events")).fetchall())
    assert pq_rows == json_rows

    open_s, _ = _timed(lambda: open_run(run).close())
    stats_s, stats = _timed(lambda: compute_stats(run), repeat=3)
    assert stats.events == lines and stats.by_type == stats_json.by_type
    assert stats.cycle_time_hours.p90 == pytest.approx(stats_json.cycle_time_hours.p90)

    per_m = 1e6 / lines
    print(
        f"\nanalytics bench: {lines:,} events in {len(segments)} segments, {size_mb:.0f} MB of "
        f"JSON lines (generated in {gen_s:.1f} s)"
    )
    print(
        f"  group-by, JSON lines          {json_s:8.3f} s  ({json_s * per_m:.3f} s per 1M events)"
    )
    print(f"  group-by, sealed Parquet      {pq_s:8.3f} s  ({pq_s * per_m:.4f} s per 1M events)")
    print(f"    ratio JSON / Parquet        {json_s / pq_s:8.1f} x")
    print(
        f"  first open: seal + summarise  {first_open_s:8.3f} s  "
        f"(summary {summary_s:.2f} s; {first_open_s * per_m:.2f} s per 1M events, once per run)"
    )
    print(f"  open, already sealed          {open_s:8.3f} s")
    print(f"  stats, JSON lines only        {stats_json_s:8.3f} s")
    print(f"  stats, sealed                 {stats_s:8.3f} s  (goal on 10M events: 1 s)")
    print(f"    ratio JSON / sealed         {stats_json_s / stats_s:8.1f} x")
