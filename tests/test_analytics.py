"""Analytics views and stats against a plain-Python fold of the same log; segments, sealing,
torn tails and stale derived files."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_analytics_helpers import (
    LogMaker,
    assert_matches_reference,
    random_log,
    read_events,
    write_run,
)

from adapters.analytics.query import query
from adapters.analytics.schema import event_columns
from adapters.analytics.segments import SEALED_DIR
from adapters.analytics.stats import compute_stats
from adapters.analytics.summary import SUMMARY_DIR
from adapters.analytics.views import open_run
from engine import events as ev
from engine.errors import BusyworkError, InvalidInput, LogCorrupted


@pytest.fixture(scope="module")
def simulated_run(tmp_path_factory) -> Path:
    """A real run: the built-in team for two weeks, in several small segments."""
    import msgspec

    from engine.content.templates import TemplateSource
    from engine.run import create_run, simulate_run
    from engine.scenario import default_scenario

    run = tmp_path_factory.mktemp("sim") / "default-14d"
    scenario = msgspec.structs.replace(default_scenario(), days=14)
    manifest = create_run(run, scenario, TemplateSource())
    simulate_run(run, manifest, TemplateSource(), log_options={"segment_bytes": 64 * 1024})
    return run


@pytest.mark.parametrize("seal", [True, False], ids=["sealed", "json"])
def test_simulated_run_matches_a_python_fold(simulated_run, tmp_path, seal) -> None:
    run = tmp_path / "copy"
    run.mkdir()
    (run / "manifest.json").write_bytes((simulated_run / "manifest.json").read_bytes())
    (run / "events").mkdir()
    for seg in (simulated_run / "events").iterdir():
        (run / "events" / seg.name).write_bytes(seg.read_bytes())
    events = read_events(run)
    assert len(list((run / "events").iterdir())) > 2 and len(events) > 1000
    assert_matches_reference(run, events, "America/Los_Angeles", seal)
    # Complete run: the last segment is final too, so everything was sealed.
    assert bool(list((run / SEALED_DIR).glob("*.parquet"))) == seal


@pytest.mark.parametrize("seal", [True, False], ids=["sealed", "json"])
def test_random_log_matches_a_python_fold(rng, tmp_path, seal) -> None:
    events = random_log(rng, steps=500)
    cut = sorted(rng.sample(range(1, len(events)), 3))
    sizes = [b - a for a, b in zip([0, *cut], cut, strict=False)]
    zone = rng.choice(["UTC", "Europe/Berlin", "Asia/Kolkata"])
    run = write_run(
        tmp_path / "r", events, segments=sizes, manifest={"scenario": {"timezone": zone}}
    )
    assert_matches_reference(run, events, zone, seal)


def test_torn_last_line_is_not_read_and_the_session_keeps_its_snapshot(rng, tmp_path) -> None:
    events = random_log(rng, steps=60)
    partial = ev.encode(ev.TaskLiked(seq=len(events) + 1, at=events[-1].at, actor="u1", task="t1"))
    run = write_run(tmp_path / "r", events, segments=[20], tail=partial[:-7])
    with open_run(run) as opened:
        assert opened.sources.torn_bytes == len(partial) - 7
        assert opened.sources.open_rows == len(events) - 20
        assert opened.con.execute("SELECT count(*), max(seq) FROM events").fetchone() == (
            len(events),
            len(events),
        )
        # The writer finishes the line and appends more: this session still sees its prefix.
        with open(run / "events" / f"{21:08d}.jsonl", "ab") as fh:
            fh.write(partial[-7:] + b"\n")
        assert opened.con.execute("SELECT count(*) FROM events").fetchone()[0] == len(events)
    with open_run(run) as reopened:
        assert reopened.con.execute("SELECT count(*) FROM events").fetchone()[0] == len(events) + 1


def test_corrupt_line_in_a_finished_segment_names_file_and_line(rng, tmp_path) -> None:
    events = random_log(rng, steps=40)
    run = write_run(tmp_path / "r", events, segments=[10, 10])
    segment = run / "events" / f"{11:08d}.jsonl"
    lines = segment.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3][:25] + b"\n"
    segment.write_bytes(b"".join(lines))
    with pytest.raises(LogCorrupted, match=rf"{segment.name}, line 4"):
        open_run(run)  # sealing reads it
    # Not sealed: the segment is read as JSON, and checked line by line when opened.
    with pytest.raises(LogCorrupted, match=rf"{segment.name}, line 4"):
        open_run(run, seal=False)
    with pytest.raises(LogCorrupted, match=rf"{segment.name}, line 4"):
        query(run, "select count(*) from events", seal=False)


def test_corrupt_line_inside_the_open_segment_is_not_a_torn_tail(rng, tmp_path) -> None:
    events = random_log(rng, steps=30)
    run = write_run(tmp_path / "r", events)
    segment = run / "events" / f"{1:08d}.jsonl"
    lines = segment.read_bytes().splitlines(keepends=True)
    lines[5] = b'{"type": "TaskLiked", "seq": "six"}\n'
    segment.write_bytes(b"".join(lines))
    with pytest.raises(LogCorrupted, match=rf"{segment.name}, line 6"):
        open_run(run)


def test_stale_sealed_files_are_never_read(rng, tmp_path) -> None:
    events = random_log(rng, steps=60)
    run = write_run(tmp_path / "r", events, segments=[30])
    first = run / "events" / f"{1:08d}.jsonl"
    with open_run(run) as opened:
        assert len(opened.sources.sealed) == 1
    (sealed,) = (run / SEALED_DIR).glob("*.parquet")
    # A file sealed for other columns (an older busywork) sits beside it, full of junk.
    junk = sealed.with_name(sealed.name.replace(event_columns().fingerprint, "0ldc0lumns00"))
    junk.write_bytes(b"not parquet")
    # The finished segment is rewritten (say, restored from a backup where event 30 differs).
    lines = first.read_bytes().splitlines(keepends=True)
    liked = ev.TaskLiked(seq=30, at=events[29].at, actor="u1", task="t1")
    first.write_bytes(b"".join(lines[:-1]) + ev.encode(liked) + b"\n")
    os.utime(first, ns=(1, 1))
    with open_run(run) as opened:
        rows = opened.con.execute("SELECT count(*), any_value(type) FILTER (seq = 30) FROM events")
        assert rows.fetchone() == (len(events), "TaskLiked")
        assert opened.sources.sealed != [sealed]
    assert not sealed.exists() and not junk.exists()


def test_summary_of_the_sealed_prefix_is_extended_as_segments_finish(rng, tmp_path) -> None:
    events = random_log(rng, steps=300)
    n = len(events)
    run = write_run(tmp_path / "r", events[: n // 2], segments=[n // 4])
    with open_run(run):
        pass
    (first,) = [d for d in (run / SUMMARY_DIR).iterdir() if d.is_dir()]
    assert json.loads((first / "covers.json").read_text())["sealed"][0].startswith("00000001.")
    # The writer rolls twice more; the summary grows from the one it has.
    rest = events[n // 2 :]
    full = write_run(tmp_path / "full", events, segments=[n // 4, n // 2 - n // 4, len(rest) // 2])
    for segment in sorted((full / "events").iterdir())[2:]:
        (run / "events" / segment.name).write_bytes(segment.read_bytes())
    assert_matches_reference(run, events, "UTC", seal=True)
    covers = [
        json.loads(p.read_text())["sealed"] for p in (run / SUMMARY_DIR).glob("*/covers.json")
    ]
    assert sorted(len(c) for c in covers) == [1, 3]  # the base stays for sessions still using it


def test_complete_run_seals_its_last_segment_and_an_unwritable_one_reads_json(
    rng, tmp_path
) -> None:
    events = random_log(rng, steps=50)
    run = write_run(tmp_path / "r", events, segments=[25], manifest={"status": "complete"})
    with open_run(run) as opened:
        assert opened.sources.open_segment is None and len(opened.sources.sealed) == 2
    blocked = write_run(tmp_path / "ro", events, segments=[25])
    (blocked / "derived").write_text("a file where the derived folder would go")
    with open_run(blocked) as opened:
        assert opened.sources.sealed == [] and len(opened.sources.finished_json) == 1
        assert opened.con.execute("SELECT count(*) FROM events").fetchone()[0] == len(events)
    assert_matches_reference(blocked, events, "UTC", seal=True)


def test_every_column_has_its_declared_type_even_when_no_line_has_it(tmp_path) -> None:
    log = LogMaker(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    log.add(ev.PersonJoined, "u1", person="u1", name="A", email="a@x", role="lead", timezone="UTC")
    run = write_run(tmp_path / "r", log.events)
    with open_run(run) as opened:
        described = opened.con.execute("DESCRIBE events").fetchall()
    assert {name: kind for name, kind, *_ in described} == event_columns().types
    assert event_columns().types["previous"] == "VARCHAR"  # a person, a state or a date


def test_defaults_are_restored_and_offsets_become_utc(tmp_path) -> None:
    log = LogMaker(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    log.add(ev.PersonJoined, "u1", person="u1", name="A", email="a@x", role="lead", timezone="UTC")
    log.add(ev.ProjectCreated, "u1", project="p1", name="P", owner="u1")
    log.add(ev.TaskCreated, "u1", task="t1", project="p1", name="T")
    run = write_run(tmp_path / "r", log.events)
    segment = run / "events" / f"{1:08d}.jsonl"
    line = (
        b'{"type":"TaskLiked","seq":4,"at":"2026-03-02T14:30:00+02:00","actor":"u1","task":"t1"}\n'
    )
    with open(segment, "ab") as fh:
        fh.write(line)
    with open_run(run) as opened:
        rows = opened.con.execute(
            'SELECT type, team, notes, followers, "at" FROM events ORDER BY seq'
        ).fetchall()
    assert rows[0][1] == "" and rows[1][1:3] == ("", "") and rows[2][2:4] == ("", [])
    assert rows[3][4] == datetime(2026, 3, 2, 12, 30)  # 14:30 at +02:00 is 12:30 UTC


def test_run_folder_errors_name_the_path(tmp_path) -> None:
    with pytest.raises(InvalidInput, match="no such run folder"):
        open_run(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInput, match=r"empty: not a run folder \(no manifest.json\)$"):
        open_run(tmp_path / "empty")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text("{not json")
    # A damaged manifest is a damaged run (exit 1), named as every command names it.
    with pytest.raises(BusyworkError, match="damaged manifest: JSON is malformed") as info:
        open_run(tmp_path / "bad")
    assert not isinstance(info.value, InvalidInput)
    (tmp_path / "bad" / "manifest.json").write_text("[1, 2]")
    with pytest.raises(BusyworkError, match="damaged manifest: Expected `object`, got `array`"):
        open_run(tmp_path / "bad")


def test_a_run_without_events_has_empty_stats(tmp_path) -> None:
    run = write_run(tmp_path / "r", [])
    stats = compute_stats(run)
    assert (stats.events, stats.tasks, stats.by_day, stats.weekly) == (0, 0, [], [])
    assert stats.cycle_time_hours.p50 is None and stats.first_at is None
    assert sum(map(sum, stats.heatmap.counts)) == 0


def test_stats_json_carries_everything(rng, tmp_path) -> None:
    import msgspec

    events = random_log(rng, steps=80)
    run = write_run(tmp_path / "r", events)
    data = json.loads(msgspec.json.encode(compute_stats(run)))
    assert data["first_at"].endswith("Z") and date.fromisoformat(data["by_day"][0]["day"])
    for key in ("by_type", "by_person", "by_project", "by_day", "heatmap", "cycle_time_hours",
                "comments_per_task", "weekly", "overdue"):  # fmt: skip
        assert data[key], key
    assert len(data["heatmap"]["counts"]) == 7 and len(data["heatmap"]["counts"][0]) == 24


def test_local_hours_and_days_follow_daylight_saving_changes(tmp_path) -> None:
    """Quarter hours across the US (8 March 2026) and EU (29 March) clock changes, and a
    +05:45 zone: heatmap, days and weeks match a per-event conversion."""
    log = LogMaker(datetime(2026, 3, 6, 0, 0, tzinfo=UTC))
    zones = ("America/Los_Angeles", "Europe/Berlin", "Asia/Kathmandu")
    for i, zone in enumerate(zones, start=1):
        log.add(ev.PersonJoined, f"u{i}", person=f"u{i}", name=f"P{i}", email=f"{i}@x",
                role="lead", timezone=zone)  # fmt: skip
    log.add(ev.ProjectCreated, "u1", project="p1", name="P", owner="u1")
    log.add(ev.TaskCreated, "u1", task="t1", project="p1", name="T")
    for step in range(4 * 24 * 26):  # every 15 minutes until 1 April
        log.add(ev.TaskLiked, f"u{step % 3 + 1}", minutes=15, task="t1")
    events = log.events
    run = write_run(tmp_path / "r", events, segments=[3000],
                    manifest={"scenario": {"timezone": "Europe/Berlin"}})  # fmt: skip
    assert_matches_reference(run, events, "Europe/Berlin", seal=True)
