"""A run with missing events is an error naming where they went missing, never read as the
whole run: a stretch between segments, lines inside a segment, a complete run holding fewer
(or more) events than its manifest counts, its events folder gone. A run being written still
reads up to its last complete line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgspec
import pytest
from test_analytics_helpers import random_log, write_run

from adapters.analytics.continuity import check_rows
from adapters.analytics.query import query
from adapters.analytics.stats import compute_stats
from adapters.analytics.views import open_run
from engine import events as ev
from engine.content.templates import TemplateSource
from engine.errors import LogCorrupted
from engine.run import create_run, simulate_run
from engine.scenario import default_scenario

SEAL = pytest.mark.parametrize("seal", [True, False], ids=["sealed", "json"])
STATUS = pytest.mark.parametrize("status", ["running", "complete"])


def _segment(run: Path, first_seq: int) -> Path:
    return run / "events" / f"{first_seq:08d}.jsonl"


def _count(run: Path, seal: bool = True) -> int:
    with open_run(run, seal=seal) as opened:
        return opened.con.execute("SELECT count(*) FROM events").fetchone()[0]


@SEAL
@STATUS
def test_a_segment_missing_between_two_others_is_named(rng, tmp_path, seal, status) -> None:
    events = random_log(rng, steps=80)
    run = write_run(tmp_path / "r", events, segments=[20, 20], manifest={"status": status})
    _segment(run, 21).unlink()
    missing = (
        rf"{_segment(run, 41)}: expected seq 21 \(00000001.jsonl ends at seq 20\), "
        "got seq 41: events 21–40 are missing"
    )
    with pytest.raises(LogCorrupted, match=missing):
        compute_stats(run, seal=seal)
    with pytest.raises(LogCorrupted, match=missing):
        query(run, "select count(*) from events", seal=seal)


def test_the_first_segment_missing_or_segments_overlapping_are_named(rng, tmp_path) -> None:
    events = random_log(rng, steps=60)
    run = write_run(tmp_path / "r", events, segments=[20])
    _segment(run, 1).unlink()
    with pytest.raises(LogCorrupted, match=r"expected seq 1 \(the log starts at seq 1\), got "
                       "seq 21: events 1–20 are missing"):  # fmt: skip
        open_run(run)
    # The first 25 events again, as if an older copy of the first segment were restored.
    write_run(tmp_path / "r", events[:25])
    with pytest.raises(LogCorrupted, match=r"00000021.jsonl: expected seq 26 .* segments overlap"):
        open_run(run)


@SEAL
def test_lines_missing_inside_a_finished_segment_are_named(rng, tmp_path, seal) -> None:
    """The segments still meet (its name and length), but a stretch inside one is gone."""
    events = random_log(rng, steps=60)
    run = write_run(tmp_path / "r", events, segments=[20, 5])
    first = _segment(run, 1)
    lines = first.read_bytes().splitlines(keepends=True)
    # Seqs 11–15 are gone and 21–25 follow: 20 lines still, ending at seq 25.
    rest = [ev.encode(e) + b"\n" for e in events[20:25]]
    first.write_bytes(b"".join(lines[:10] + lines[15:] + rest))
    with pytest.raises(LogCorrupted, match=rf"{first}, line 11: expected seq 11, got seq 16"):
        _count(run, seal)


def test_lines_missing_inside_the_open_segment_are_named(rng, tmp_path) -> None:
    events = random_log(rng, steps=40)
    partial = ev.encode(ev.TaskLiked(seq=len(events) + 1, at=events[-1].at, actor="u1", task="t1"))
    run = write_run(tmp_path / "r", events, segments=[10], tail=partial[:9])
    segment = _segment(run, 11)
    lines = segment.read_bytes().splitlines(keepends=True)
    segment.write_bytes(b"".join(lines[:4] + lines[6:]))
    with pytest.raises(LogCorrupted, match=rf"{segment}, line 5: expected seq 15, got seq 17"):
        _count(run)


@SEAL
def test_a_complete_run_with_fewer_or_more_events_than_its_manifest_is_an_error(
    rng, tmp_path, seal
) -> None:
    events = random_log(rng, steps=60)
    n = len(events)
    manifest = {"status": "complete", "events": n}
    run = write_run(tmp_path / "r", events[:-3], segments=[20], manifest=manifest)
    with pytest.raises(LogCorrupted, match=rf"holds {n - 3:,} events \(seq 1–{n - 3}\), but "
                       rf".*manifest.json says the complete run has {n:,}: events {n - 2}–{n} "
                       "are missing"):  # fmt: skip
        _count(run, seal)
    run = write_run(tmp_path / "more", events, manifest={"status": "complete", "events": n - 1})
    with pytest.raises(LogCorrupted, match="1 more than the manifest counts"):
        _count(run, seal)
    # A torn last line in a complete run is a missing event too (the writer had finished).
    torn = write_run(tmp_path / "torn", events, manifest=manifest)
    data = _segment(torn, 1).read_bytes()
    _segment(torn, 1).write_bytes(data[:-9])
    with pytest.raises(LogCorrupted, match=f"event {n} is missing"):
        _count(torn, seal)


def test_a_complete_run_without_its_events_folder_is_an_error(rng, tmp_path) -> None:
    events = random_log(rng, steps=20)
    run = write_run(tmp_path / "r", events, manifest={"status": "complete", "events": len(events)})
    shutil.rmtree(run / "events")
    with pytest.raises(LogCorrupted, match=rf"{run / 'events'}: missing; .*manifest.json says "
                       f"the complete run has {len(events):,} events"):  # fmt: skip
        compute_stats(run)


def test_a_run_being_written_reads_up_to_its_last_complete_line(rng, tmp_path) -> None:
    """No manifest count to meet while running (it is written at the end), a torn last line is
    not a gap, and a run whose first segment is not there yet has no events."""
    events = random_log(rng, steps=40)
    partial = ev.encode(ev.TaskLiked(seq=len(events) + 1, at=events[-1].at, actor="u1", task="t1"))
    manifest = {"status": "running", "events": len(events) + 100}
    run = write_run(tmp_path / "r", events, segments=[15], tail=partial[:-1], manifest=manifest)
    assert _count(run) == len(events)
    shutil.rmtree(run / "events")
    assert compute_stats(run).events == 0


@pytest.fixture(scope="module")
def real_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("real") / "run"
    scenario = msgspec.structs.replace(default_scenario(), days=5)
    manifest = create_run(run, scenario, TemplateSource())
    simulate_run(run, manifest, TemplateSource())
    return run


@pytest.mark.parametrize("command", ["stats", "report", "query"])
def test_the_commands_exit_1_naming_the_gap(real_run, tmp_path, command) -> None:
    """The probe's case: a complete run's events 601–900 gone from between two segments."""
    from click.testing import CliRunner

    from cli import main

    run = tmp_path / "gap"
    (run / "events").mkdir(parents=True)
    shutil.copy(real_run / "manifest.json", run / "manifest.json")
    lines = (real_run / "events" / "00000001.jsonl").read_bytes().splitlines(keepends=True)
    assert json.loads((run / "manifest.json").read_text())["events"] == len(lines) > 900
    _segment(run, 1).write_bytes(b"".join(lines[:600]))
    _segment(run, 901).write_bytes(b"".join(lines[900:]))
    args = {"stats": [], "report": [], "query": ["select count(*) from events"]}[command]
    result = CliRunner().invoke(main, [command, str(run), *args], catch_exceptions=False)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "00000901.jsonl: expected seq 601" in result.stderr
    assert "got seq 901: events 601–900 are missing" in result.stderr


def test_an_undecodable_last_line_of_a_finished_json_segment_is_named(rng, tmp_path) -> None:
    events = random_log(rng, steps=40)
    run = write_run(tmp_path / "r", events, segments=[10])
    first = _segment(run, 1)
    first.write_bytes(first.read_bytes()[:-20] + b"\n")
    with pytest.raises(LogCorrupted, match=rf"{first}, line 10: "):
        _count(run, seal=False)


def test_seqs_that_no_longer_match_the_file_are_described(rng, tmp_path) -> None:
    """What DuckDB read disagrees with the file, whose lines all fit (it changed meanwhile)."""
    run = write_run(tmp_path / "r", random_log(rng, steps=20))
    segment = _segment(run, 1)
    with pytest.raises(LogCorrupted, match=rf"{segment}: read 9 events with seqs 1–10 \(9 "
                       r"distinct\); expected seqs 1–9"):  # fmt: skip
        check_rows(segment, 1, (9, 1, 10, 9))
