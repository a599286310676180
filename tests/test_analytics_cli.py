"""`busywork stats | query | export | report` through the click commands (in process, to keep
the suite fast; a few cases run a real subprocess for exit codes and stderr), and the realism
report on real simulated runs."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import msgspec
import pytest
from test_analytics_helpers import random_log, write_run

from adapters.analytics.checks import Check, judge
from adapters.analytics.query import query
from adapters.analytics.report import realism_report
from adapters.analytics.stats import compute_stats
from adapters.analytics.views import VIEWS, open_run
from engine import events as ev
from tests.runner import busywork


def cli(*args: str, code: int = 0):
    """Run a busywork command in process; check its exit code."""
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


# A small team whose work rates are zero: every realism check can pass, and one person works
# weekends, one lives at +05:45, one has an evening peak, so the checks are not trivial. Busy
# and chatty, so that each check has enough events to judge.
MIXED_TEAM = {
    "days": 21,
    "activity": "high",
    "work": {
        "completion_rate_per_week": 0,
        "blocked_rate_per_week": 0,
        "comments_per_task_per_day": 4,
    },
    "people": [
        {"name": "Mia Manager", "role": "manager", "timezone": "America/New_York"},
        {"name": "Lee Lead", "role": "lead", "timezone": "Europe/Berlin", "hours": "eu"},
        {
            "name": "Ivy Weekend",
            "timezone": "Asia/Kolkata",
            "days_off": ["mon", "tue"],
            "hours": "10:00-19:00",
        },  # fmt: skip
        {"name": "Ned Nepal", "timezone": "Asia/Kathmandu", "hours": "apac", "evening": True},
        {"name": "Cat Contractor", "role": "contractor", "timezone": "America/Los_Angeles"},
    ],
}


def simulate(path: Path, raw: dict) -> Path:
    from engine.content.templates import TemplateSource
    from engine.run import create_run, simulate_run
    from engine.scenario import from_dict

    manifest = create_run(path, from_dict(raw), TemplateSource())
    simulate_run(path, manifest, TemplateSource())
    return path


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory) -> Path:
    return simulate(tmp_path_factory.mktemp("mixed") / "mixed", MIXED_TEAM)


@pytest.fixture
def small_run(rng, tmp_path) -> Path:
    return write_run(tmp_path / "small", random_log(rng, steps=120), segments=[40])


def test_query_prints_a_table_csv_and_json(small_run, tmp_path) -> None:
    sql = "select type, count(*) as n from events group by type order by n desc, type"
    expected = query(small_run, sql).rows
    table = cli("query", str(small_run), sql).stdout
    assert expected[0][0] in table and f"{len(expected)} rows" in table
    as_csv = cli("query", str(small_run), sql, "--format", "csv").stdout
    assert [(r["type"], int(r["n"])) for r in csv.DictReader(io.StringIO(as_csv))] == expected
    as_json = cli("query", str(small_run), sql, "--format", "json").stdout
    assert [(r["type"], r["n"]) for r in json.loads(as_json)] == expected


def test_query_out_writes_a_file_and_reports_the_count(small_run, tmp_path) -> None:
    out = tmp_path / "tasks.json"
    sql = "select task, created_at, due_on, blocked_hours from tasks order by task"
    result = cli("query", str(small_run), sql, "--format", "json", "--out", str(out))
    rows = json.loads(out.read_text())
    assert f"Wrote {len(rows):,} rows" in result.stderr and result.stdout == ""
    expected = query(small_run, sql).rows
    assert [r["task"] for r in rows] == [r[0] for r in expected]
    assert datetime.fromisoformat(rows[0]["created_at"]) == expected[0][1].replace(tzinfo=UTC)
    table_out = tmp_path / "table.txt"
    cli("query", str(small_run), sql, "--out", str(table_out))
    assert expected[0][0] in table_out.read_text()


def test_bad_input_prints_one_message_and_exits_2(small_run, tmp_path) -> None:
    """A real process: DuckDB's message on stderr, no traceback, exit code 2."""
    result = busywork("query", str(small_run), "select nope from events", cwd=tmp_path, check=False)
    assert result.returncode == 2 and result.stderr.startswith("Error: SQL error: Binder Error")
    assert (
        'Referenced column "nope" not found' in result.stderr and "Traceback" not in result.stderr
    )
    keyword = cli("query", str(small_run), "select at from events", code=2)
    assert 'quote the columns: "at"' in keyword.stderr
    assert "empty SQL" in cli("query", str(small_run), "  ", code=2).stderr
    assert "is not an existing folder" in cli("stats", str(tmp_path / "nope"), code=2).stderr
    no_dir = str(tmp_path / "no" / "x.csv")
    unwritable = cli(
        "query", str(small_run), "select 1", "--format", "csv", "--out", no_dir, code=2
    )
    assert "cannot write" in unwritable.stderr


def _naive_utc(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_round_trips_every_view(small_run, tmp_path, fmt) -> None:
    out = tmp_path / "export"
    listed = cli("export", str(small_run), "--format", fmt, "--out", str(out))
    names = VIEWS  # every view, the workspace ones included
    assert listed.stdout.split() == [str(out / f"{n}.{fmt}") for n in names]
    con = duckdb.connect()
    # One session for the originals: opening the run again for each view would read the same
    # unchanged log once per view (most of this test's time).
    with open_run(small_run) as opened:
        originals = {name: query(opened, f"select * from {name} order by all") for name in names}
    for name in names:
        original = originals[name]
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            source = f"read_parquet('{path}')"
        else:  # read back with the view's own types
            types = ", ".join(
                f"'{c}': '{t}'" for c, t in zip(original.columns, original.types, strict=True)
            )
            source = (
                f"read_csv('{path}', header=true, allow_quoted_nulls=false, columns={{{types}}})"
            )
        back = con.execute(f"select * from {source} order by all").fetchall()
        if fmt == "parquet":  # its timestamps are marked UTC (TIMESTAMPTZ): the views' naive UTC
            zoned = [v for row in back for v in row if isinstance(v, datetime)]
            assert all(v.utcoffset() is not None for v in zoned), name
            back = [tuple(_naive_utc(v) for v in row) for row in back]
        assert back == original.rows, name
    (out / f"events.{fmt}").unlink()
    (out / f"events.{fmt}").mkdir()  # a folder where the file must go
    assert (
        "cannot write"
        in cli("export", str(small_run), "--format", fmt, "--out", str(out), code=2).stderr
    )


def test_stats_prints_tables_and_json(small_run) -> None:
    text = cli("stats", str(small_run)).stdout
    for title in ("Events by type", "Events by person", "Activity heatmap", "Weekly", "Overdue"):
        assert title in text
    data = json.loads(cli("stats", str(small_run), "--json").stdout)
    # DuckDB sums on several threads: a mean may differ in its last digit between two runs.
    assert data == _close(json.loads(msgspec.json.encode(compute_stats(small_run))))


def _close(value):
    """`value` with every float compared to within 1e-12 (relative), nested anywhere."""
    if isinstance(value, dict):
        return {key: _close(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_close(item) for item in value]
    return pytest.approx(value, rel=1e-12) if isinstance(value, float) else value


def test_report_passes_on_a_run_that_follows_its_scenario(mixed_run) -> None:
    report = json.loads(cli("report", str(mixed_run), "--json").stdout)
    failed = [c for c in report["checks"] if c["verdict"] not in ("pass", "info")]
    assert report["passed"] and report["verdict"] == "pass" and not failed, failed
    names = [c["name"] for c in report["checks"]]
    # (dependency_blocked_rate_per_week shows only for a run with such blocks, which this one
    # has none of: see test_analytics_workspace)
    assert names == [
        "off_hours_share", "weekend_share", "hourly_correlation", "completion_rate_per_week",
        "blocked_rate_per_week", "comment_lifecycle_order", "distinct_comment_ratio",
    ]  # fmt: skip
    weekend = report["checks"][1]
    assert 0.03 < weekend["target"] < 0.15  # Ivy works Saturdays and Sundays
    assert "PASS" in cli("report", str(mixed_run)).stdout


def test_report_fails_a_run_with_night_work(mixed_run, tmp_path) -> None:
    """Every 20th event moved to 03:00 in its actor's zone: the off-hours share (checked
    here event by event against the calendars) fails, and the command exits 1."""
    from engine.run import read_manifest
    from engine.world import World

    run = tmp_path / "night"
    shutil.copytree(mixed_run, run)
    segment = run / "events" / "00000001.jsonl"
    events = [ev.decode(line) for line in segment.read_bytes().splitlines()]
    zones = {e.person: ZoneInfo(e.timezone) for e in events if isinstance(e, ev.PersonJoined)}
    moved = []
    for e in events:
        if e.seq % 20 == 0:
            local = e.at.astimezone(zones[e.actor]).replace(hour=3, minute=0)
            e = msgspec.structs.replace(e, at=local.astimezone(e.at.tzinfo))
        moved.append(e)
    segment.write_bytes(b"".join(ev.encode(e) + b"\n" for e in moved))

    world = World(read_manifest(run).scenario, None, lambda e: None)
    calendars = {a.id: a.calendar for a in world.actors}
    judged = [e for e in moved if not isinstance(e, ev.PersonJoined)]
    off = sum(calendars[e.actor].intensity(e.at) == 0 for e in judged)
    report = realism_report(run)
    check = report.checks[0]
    assert check.name == "off_hours_share" and not check.passed and not report.passed
    assert check.measured == pytest.approx(off / len(judged))
    result = busywork("report", str(run), cwd=tmp_path, check=False)
    assert result.returncode == 1 and "FAIL" in result.stdout and "off_hours_share" in result.stdout
    assert json.loads(cli("report", str(run), "--json", code=1).stdout)["passed"] is False


def test_report_refuses_a_run_that_was_not_simulated_from_its_manifest(small_run) -> None:
    assert "manifest" in cli("report", str(small_run), code=2).stderr


@pytest.mark.parametrize(
    ("rule", "measured", "passed"),
    [
        ("at_most", 0.011, False), ("at_most", 0.01, True), ("at_least", 0.94, False),
        ("at_least", 0.95, True), ("within", 0.061, False), ("within", 0.059, True),
        ("within_relative", 2.69, False), ("within_relative", 2.71, True),
    ],
)  # fmt: skip
def test_check_rules(rule, measured, passed) -> None:
    target, tolerance = {
        "at_most": (0.0, 0.01), "at_least": (0.95, 0.0), "within": (0.05, 0.01),
        "within_relative": (3.0, 0.1),
    }[rule]  # fmt: skip
    check: Check = judge("c", "", measured, target, tolerance, rule, "share")
    assert check.passed is passed and check.verdict == ("pass" if passed else "fail")
    nothing = judge("c", "", None, target, tolerance, rule, "share")  # nothing to measure
    assert nothing.verdict == "too_little_data" and nothing.passed is None


def test_stats_says_when_a_table_shows_only_the_busiest_rows(tmp_path) -> None:
    run = simulate(tmp_path / "busy", {"days": 150})  # the built-in team
    projects = len(json.loads(cli("stats", str(run), "--json").stdout)["by_project"])
    assert projects > 15
    text = cli("stats", str(run)).stdout
    assert f"Events by project (the busiest 15 of {projects}; --json lists all)" in text
    assert "Events by person (" not in text  # 12 people: all shown


@pytest.mark.parametrize("width", [80, 150])
def test_the_report_fits_the_terminal_and_keeps_every_detail(mixed_run, width) -> None:
    """Narrow terminals get the details under the table, not squeezed a word per line."""
    import io

    from rich.console import Console

    from adapters.analytics.checks import TOO_LITTLE_PREFIX
    from adapters.analytics.render import print_report
    from adapters.analytics.report import realism_report

    report = realism_report(mixed_run)
    console = Console(width=width, file=io.StringIO(), color_system=None)
    print_report(report, console)
    text = console.file.getvalue()
    assert max(len(line) for line in text.splitlines()) <= width
    flat = " ".join(text.split())  # a detail may wrap at the edge
    for check in report.checks:
        words = " ".join(check.detail.removeprefix(TOO_LITTLE_PREFIX).split())
        assert (f"{check.name}: {words}" in flat) == (width < 120), check.name
    assert ("┃ detail" in text) == (width >= 120)
