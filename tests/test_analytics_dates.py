"""Dates in analytics: runs before 1970 (negative epoch times) are counted like any other, and
due dates are local dates (overdue, completed late) in the zone of the person they concern."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import msgspec
import pytest
from test_analytics_helpers import LogMaker, assert_matches_reference, read_events, write_run

from adapters.analytics.calendars import calendars as rebuild_calendars
from adapters.analytics.query import query
from adapters.analytics.report import realism_report
from adapters.analytics.stats import compute_stats
from adapters.analytics.views import open_run
from engine import events as ev
from engine.content.templates import TemplateSource
from engine.run import create_run, simulate_run
from engine.scenario import default_scenario

LA, BERLIN, TOKYO = "America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo"


@pytest.fixture(scope="module")
def run_1965(tmp_path_factory) -> Path:
    """The built-in team for ten days from Monday 1 March 1965, in a few segments."""
    run = tmp_path_factory.mktemp("old") / "run-1965"
    scenario = msgspec.structs.replace(default_scenario(), days=10, start=date(1965, 3, 1))
    manifest = create_run(run, scenario, TemplateSource())
    simulate_run(run, manifest, TemplateSource(), log_options={"segment_bytes": 256 * 1024})
    return run


@pytest.mark.parametrize("seal", [True, False], ids=["sealed", "json"])
def test_a_run_before_1970_matches_a_python_fold(run_1965, seal) -> None:
    """Heatmap hours and weekdays, days and weeks, from local times converted event by event."""
    events = read_events(run_1965)
    assert len(list((run_1965 / "events").iterdir())) > 1 and len(events) > 1000
    assert events[-1].at.year == 1965
    assert_matches_reference(run_1965, events, LA, seal)


def test_the_report_of_a_run_before_1970_counts_hours_in_each_persons_calendar(run_1965) -> None:
    """Off-hours and weekend events recounted event by event against the same calendars."""
    with open_run(run_1965) as opened:
        _, calendars, _ = rebuild_calendars(opened)
    counted = [e for e in read_events(run_1965) if not isinstance(e, ev.PersonJoined)]
    off = sum(calendars[e.actor].intensity(e.at) == 0 for e in counted)
    weekend = sum(e.at.astimezone(calendars[e.actor].tz).weekday() >= 5 for e in counted)
    checks = {c.name: c for c in realism_report(run_1965).checks}
    assert checks["off_hours_share"].detail.startswith(f"{off:,} of {len(counted):,} events")
    assert checks["weekend_share"].detail.startswith(f"{weekend:,} of {len(counted):,} events")
    assert checks["off_hours_share"].verdict == "pass"


def test_the_last_quarter_hour_of_1969_is_not_counted_in_1970(tmp_path) -> None:
    log = LogMaker(datetime(1969, 12, 31, 23, 59, tzinfo=UTC))
    log.add(ev.PersonJoined, "u1", person="u1", name="A", email="a@x", role="lead", timezone="UTC")
    log.add(ev.ProjectCreated, "u1", project="p1", name="P", owner="u1")
    log.add(ev.ProjectCreated, "u1", minutes=2, project="p2", name="Q", owner="u1")
    stats = compute_stats(write_run(tmp_path / "r", log.events))
    assert [(d.day, d.events) for d in stats.by_day] == [
        (date(1969, 12, 31), 2),
        (date(1970, 1, 1), 1),
    ]
    assert stats.heatmap.counts[2][23] == 2 and stats.heatmap.counts[3][0] == 1  # Wed, Thu


def test_days_and_weeks_without_events_are_counted_as_nothing(tmp_path) -> None:
    """A day (or a week) on which nobody works, a holiday the whole team shares, still has
    its row in `stats`, with no events: days and weeks run from the first to the last."""
    log = LogMaker(datetime(1969, 12, 30, 12, 0, tzinfo=UTC))  # a Tuesday
    log.add(ev.PersonJoined, "u1", person="u1", name="A", email="a@x", role="lead", timezone="UTC")
    log.add(ev.ProjectCreated, "u1", project="p1", name="P", owner="u1")
    log.add(ev.TaskCreated, "u1", task="t1", project="p1", name="T")
    log.add(ev.TaskCompleted, "u1", minutes=16 * 24 * 60, task="t1")  # Thursday 15 January
    stats = compute_stats(write_run(tmp_path / "r", log.events))
    days = [(d.day, d.events) for d in stats.by_day]
    assert days[0] == (date(1969, 12, 30), 3) and days[-1] == (date(1970, 1, 15), 1)
    assert len(days) == 17 and all(n == 0 for _, n in days[1:-1])
    weeks = [(w.week_start, w.active_tasks, w.completed) for w in stats.weekly]
    assert weeks == [
        (date(1969, 12, 29), 1, 0),
        (date(1970, 1, 5), 1, 0),  # nobody did anything: the task was still open
        (date(1970, 1, 12), 1, 1),
    ]


# -- due dates are local dates --------------------------------------------------------------


def _due_date_run(tmp_path: Path) -> Path:
    """People in Los Angeles and Berlin (and u9, who never joined), tasks due on 21 January 2026 (one on the
    20th); the run's last event is at 07:30 UTC on the 22nd: still the 21st in Los Angeles,
    already the 22nd in Berlin and Tokyo (the scenario's zone)."""
    log = LogMaker(datetime(2026, 1, 20, 17, 0, tzinfo=UTC))
    for person, zone in (("u1", LA), ("u2", BERLIN)):
        log.add(ev.PersonJoined, person, person=person, name=person, email=f"{person}@x",
                role="lead", timezone=zone)  # fmt: skip
    log.add(ev.ProjectCreated, "u1", project="p1", name="P", owner="u1")
    tasks = {  # task: (assignee, due day in January, completed by whom at what UTC time)
        "t_la_done_on_the_day": ("u1", 21, ("u1", datetime(2026, 1, 22, 0, 28, tzinfo=UTC))),
        "t_la_done_next_day": ("u1", 20, ("u1", datetime(2026, 1, 21, 8, 30, tzinfo=UTC))),
        "t_berlin_done_by_la": ("u2", 21, ("u1", datetime(2026, 1, 22, 0, 20, tzinfo=UTC))),
        "t_berlin_done_by_berlin": ("u2", 21, ("u2", datetime(2026, 1, 21, 23, 30, tzinfo=UTC))),
        "t_la_open": ("u1", 21, None),
        "t_berlin_open": ("u2", 21, None),
        "t_unassigned_open": (None, 21, None),
        "t_unknown_assignee_open": ("u9", 21, None),
    }
    for task, (assignee, day, _) in tasks.items():
        log.add(ev.TaskCreated, "u1", minutes=1, task=task, project="p1", name=task,
                assignee=assignee, due_on=date(2026, 1, day))  # fmt: skip
    for at, task, actor in sorted((c[1], t, c[0]) for t, (_, _, c) in tasks.items() if c):
        log.now = at
        log.add(ev.TaskCompleted, actor, task=task)
    log.now = datetime(2026, 1, 22, 7, 30, tzinfo=UTC)
    log.add(ev.TaskLiked, "u1", task="t_la_open")
    return write_run(tmp_path / "r", log.events, segments=[8],
                     manifest={"scenario": {"timezone": TOKYO}})  # fmt: skip


def test_overdue_and_completed_late_compare_local_dates(tmp_path) -> None:
    run = _due_date_run(tmp_path)
    rows = query(run, "select task, overdue, completed_late from tasks order by task").rows
    flags = {task: (overdue, late) for task, overdue, late in rows}
    assert flags == {
        # Done at 16:28 on the due day in Los Angeles (the 22nd in UTC): on time; due the 20th
        # and done at 00:30 on the 21st there: late.
        "t_la_done_on_the_day": (False, False),
        "t_la_done_next_day": (False, True),
        # Late or not in the zone of who completed it: 16:20 on the 21st in Los Angeles; 00:30
        # on the 22nd in Berlin (still the 21st in UTC).
        "t_berlin_done_by_la": (False, False),
        "t_berlin_done_by_berlin": (False, True),
        # Open, as of 07:30 UTC on the 22nd: the assignee's local date, else Tokyo's.
        "t_la_open": (False, False),
        "t_berlin_open": (True, False),
        "t_unassigned_open": (True, False),
        "t_unknown_assignee_open": (True, False),
    }
    stats = compute_stats(run)
    assert (stats.overdue.open_overdue, stats.overdue.completed_late) == (3, 2)
    assert [t.task for t in stats.overdue.tasks] == [
        "t_berlin_open", "t_unassigned_open", "t_unknown_assignee_open",
    ]  # fmt: skip
    assert_matches_reference(run, read_events(run), TOKYO, seal=True)


@pytest.mark.parametrize(("zone", "overdue"), [(LA, False), ("", True), ("Not/AZone", True)])
def test_due_dates_of_no_ones_zone_are_in_the_scenarios_zone_else_utc(
    tmp_path, zone, overdue
) -> None:
    """07:30 UTC on the 22nd is the 21st in Los Angeles; a scenario without a (known) zone
    counts in UTC."""
    run = _due_date_run(tmp_path)
    manifest = run / "manifest.json"
    manifest.write_text(manifest.read_text().replace(TOKYO, zone))
    rows = query(run, "select task, overdue from tasks where assignee is null or assignee = 'u9'")
    assert dict(rows.rows) == {"t_unassigned_open": overdue, "t_unknown_assignee_open": overdue}
