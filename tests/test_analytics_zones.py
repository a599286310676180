"""Local hours and days agree with the engine's time zones (Python's zoneinfo, reading the
pinned tzdata package: engine.zones), also where DuckDB's own time-zone data could differ:
historic offsets of seconds (Europe/Dublin in 1916 was −00:25:21, then +00:34:39 in summer
time), clock changes inside a UTC quarter hour, and daylight-saving changes inside a run.
(Europe/Amsterdam's +00:19:32 of 1920 is not in tzdata's main data, which the package holds:
there it follows Brussels.)"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import pytest
from test_analytics_helpers import LogMaker, assert_matches_reference, read_events, write_run

from adapters.analytics import timing
from adapters.analytics.calendars import calendars as rebuild_calendars
from adapters.analytics.query import query
from adapters.analytics.report import realism_report
from adapters.analytics.summary import SUMMARY_DIR
from adapters.analytics.views import open_run
from adapters.analytics.zone_offsets import NEVER_AFTER, NEVER_BEFORE, offset_stretches
from engine import events as ev
from engine.content.templates import TemplateSource
from engine.run import create_run, simulate_run
from engine.scenario import default_scenario

DUBLIN, MONROVIA, LA = "Europe/Dublin", "Africa/Monrovia", "America/Los_Angeles"
KOLKATA = "Asia/Kolkata"


def _simulate(path: Path, start: date, days: int, zone: str, moves: dict[str, str]) -> Path:
    """The built-in team from `start` in `zone`, people moved from zone to zone by `moves`,
    in a few segments (so a summary of sealed segments is extended by the open one)."""
    base = default_scenario()
    people = [msgspec.structs.replace(p, timezone=moves.get(p.timezone, p.timezone))
              for p in base.people]  # fmt: skip
    scenario = msgspec.structs.replace(base, days=days, start=start, timezone=zone, people=people)
    manifest = create_run(path, scenario, TemplateSource())
    simulate_run(path, manifest, TemplateSource(), log_options={"segment_bytes": 256 * 1024})
    return path


@pytest.fixture(scope="module")
def dublin_1916(tmp_path_factory) -> Path:
    """Two weeks across Dublin's first summer time, 21 May 1916 (−00:25:21 → +00:34:39, at
    02:25:21 UTC); New York's people moved to Monrovia (−00:43:08 then)."""
    run = tmp_path_factory.mktemp("dub") / "dub-1916"
    return _simulate(run, date(1916, 5, 15), 14, DUBLIN, {LA: DUBLIN,
                     "America/New_York": MONROVIA})  # fmt: skip


@pytest.fixture(scope="module")
def la_dst_2026(tmp_path_factory) -> Path:
    """Two weeks across the US clock change of Sunday 8 March 2026."""
    run = tmp_path_factory.mktemp("la") / "la-dst"
    return _simulate(run, date(2026, 3, 2), 14, LA, {})


def _run(request, name: str) -> Path:
    return request.getfixturevalue(name)


@pytest.mark.parametrize("seal", [True, False], ids=["sealed", "json"])
@pytest.mark.parametrize("name", ["dublin_1916", "la_dst_2026"])
def test_heatmap_days_weeks_and_due_dates_match_a_zoneinfo_fold(request, name, seal) -> None:
    run = _run(request, name)
    events = read_events(run)
    assert len(list((run / "events").iterdir())) > 1 and len(events) > 1000
    zones = {e.timezone for e in events if isinstance(e, ev.PersonJoined)}
    assert zones == ({DUBLIN, MONROVIA} if name == "dublin_1916" else {LA, "America/New_York"})
    assert_matches_reference(run, events, DUBLIN if name == "dublin_1916" else LA, seal)


@pytest.mark.parametrize("name", ["dublin_1916", "la_dst_2026"])
def test_the_report_counts_each_event_in_its_persons_zoneinfo_hour(request, name) -> None:
    """Off-hours, weekend and per-hour counts, recounted event by event against the engine's
    calendars."""
    run = _run(request, name)
    with open_run(run) as opened:
        _, calendars, _ = rebuild_calendars(opened)
        buckets = opened.con.execute(timing.buckets_sql(opened.offsets.fine)).fetchall()
    counted = timing.count_buckets(buckets, calendars)
    acts = [e for e in read_events(run) if not isinstance(e, ev.PersonJoined)]
    local = [e.at.astimezone(calendars[e.actor].tz) for e in acts]
    off = sum(calendars[e.actor].intensity(e.at) == 0 for e in acts)
    weekend = sum(t.weekday() >= 5 for t in local)
    by_hour = Counter(t.hour for t in local)
    assert (counted.total, counted.off_hours, counted.weekend) == (len(acts), off, weekend)
    assert counted.by_hour == [by_hour[h] for h in range(24)]
    checks = {c.name: c for c in realism_report(run).checks}
    assert checks["off_hours_share"].detail.startswith(f"{off:,} of {len(acts):,} events")
    assert checks["off_hours_share"].verdict == "pass"


def test_due_dates_are_judged_at_zoneinfos_historic_offset(tmp_path) -> None:
    """23:45 UTC on 20 June 1916 is 00:19:39 on the 21st in Dublin (zoneinfo; at a whole
    hour's offset it would be 23:45 or 00:45): a task due on the 20th done then is late, and
    one still open is overdue."""
    log = LogMaker(datetime(1916, 6, 20, 9, 0, tzinfo=UTC))
    log.add(ev.PersonJoined, "u1", person="u1", name="A", email="a@x", role="lead",
            timezone=DUBLIN)  # fmt: skip
    log.add(ev.ProjectCreated, "u1", project="p1", name="P", owner="u1")
    for task in ("t_done", "t_open"):
        log.add(ev.TaskCreated, "u1", minutes=1, task=task, project="p1", name=task,
                assignee="u1", due_on=date(1916, 6, 20))  # fmt: skip
    log.now = datetime(1916, 6, 20, 23, 45, tzinfo=UTC)
    log.add(ev.TaskCompleted, "u1", task="t_done")
    run = write_run(tmp_path / "r", log.events, segments=[3],
                    manifest={"scenario": {"timezone": DUBLIN}})  # fmt: skip
    rows = query(run, "select task, overdue, completed_late from tasks order by task").rows
    assert [tuple(r) for r in rows] == [("t_done", False, True), ("t_open", True, False)]
    assert_matches_reference(run, read_events(run), DUBLIN, seal=True)


def test_a_change_of_offset_inside_a_quarter_hour_splits_it(tmp_path) -> None:
    """Dublin went from +00:34:39 to +00:00 at 02:25:21 UTC on 1 October 1916, three hours
    after local midnight (23:25:21 UTC): events a minute either side of each land in the
    right local hour and day."""
    log = LogMaker(datetime(1916, 9, 30, 23, 15, tzinfo=UTC))
    log.add(ev.PersonJoined, "u1", person="u1", name="A", email="a@x", role="lead",
            timezone=DUBLIN)  # fmt: skip
    log.add(ev.ProjectCreated, "u1", project="p1", name="P", owner="u1")
    for minutes in (9, 0.4, 0.2, 0.2, 0.2, 1, 170, 9, 0.2, 0.2, 0.2, 30):
        log.add(ev.ProjectCreated, "u1", minutes=minutes, project=f"p{len(log.events)}",
                name="Q", owner="u1")  # fmt: skip
    events = log.events
    run = write_run(tmp_path / "r", events, segments=[5],
                    manifest={"scenario": {"timezone": DUBLIN}})  # fmt: skip
    local_days = Counter(e.at.astimezone(ZoneInfo(DUBLIN)).date() for e in events)
    assert len(local_days) == 2  # the run crosses local midnight
    assert_matches_reference(run, events, DUBLIN, seal=True)
    assert_matches_reference(run, events, DUBLIN, seal=False)


def test_a_summary_whose_buckets_zoneinfo_would_choose_otherwise_is_rebuilt(
    dublin_1916, tmp_path
) -> None:
    """A kept summary counted per quarter hour where the zones' offsets need seconds (as
    after a change of tzdata) is never used."""
    run = tmp_path / "copy"
    shutil.copytree(dublin_1916, run)
    open_run(run).close()  # writes the summary of the sealed segments
    (covers,) = (run / SUMMARY_DIR).glob("*/covers.json")
    record = json.loads(covers.read_text())
    assert record["buckets"][0]["fine"]  # 1916 Dublin: counted per second
    record["buckets"][0]["fine"] = []
    covers.write_text(json.dumps(record))
    with open_run(run):
        pass
    (rebuilt,) = (run / SUMMARY_DIR).glob("*/covers.json")
    assert json.loads(rebuilt.read_text())["buckets"][0]["fine"]


@pytest.mark.parametrize(
    ("zone", "first", "last"),
    [
        (DUBLIN, datetime(1915, 1, 1), datetime(1941, 1, 1)),
        (MONROVIA, datetime(1915, 1, 1), datetime(1973, 1, 1)),
        (KOLKATA, datetime(1940, 1, 1), datetime(1946, 1, 1)),
        (LA, datetime(2025, 1, 1), datetime(2027, 1, 1)),
        ("Africa/Monrovia", datetime(1971, 1, 1), datetime(1973, 1, 1)),
        ("Not/AZone", datetime(2026, 1, 1), datetime(2026, 2, 1)),
    ],
)
def test_offset_stretches_agree_with_zoneinfo_hour_by_hour(zone, first, last) -> None:
    """Each stretch's offset holds at every hour inside it, and changes on its first second."""
    lo, hi = int(first.replace(tzinfo=UTC).timestamp()), int(last.replace(tzinfo=UTC).timestamp())
    stretches = offset_stretches(zone, lo, hi)
    assert stretches[0][0] == NEVER_BEFORE and stretches[-1][1] == NEVER_AFTER
    assert all(a[1] == b[0] for a, b in zip(stretches, stretches[1:], strict=False))
    tz = ZoneInfo(zone) if zone != "Not/AZone" else UTC

    def offset(s: int) -> int:
        return int(datetime.fromtimestamp(s, UTC).astimezone(tz).utcoffset().total_seconds())

    for start, end, value in stretches:
        if start != NEVER_BEFORE:
            assert offset(start) == value != offset(start - 1), (zone, start)
        s = max(start, lo)
        while s < min(end, hi):
            assert offset(s) == value, (zone, s)
            s += 3600
    assert len(stretches) > 1 or zone == "Not/AZone"


def test_days_are_counted_in_a_zone_with_historic_seconds(tmp_path) -> None:
    """Events every 7 minutes for two days of Dublin's −00:25:21 time: every local hour and
    day as zoneinfo gives them."""
    log = LogMaker(datetime(1916, 1, 5, 0, 0, tzinfo=UTC))
    log.add(ev.PersonJoined, "u1", person="u1", name="A", email="a@x", role="lead",
            timezone=DUBLIN)  # fmt: skip
    log.add(ev.PersonJoined, "u2", person="u2", name="B", email="b@x", role="lead",
            timezone=LA)  # fmt: skip
    log.add(ev.ProjectCreated, "u1", project="p1", name="P", owner="u1")
    log.add(ev.TaskCreated, "u1", task="t1", project="p1", name="T")
    while log.now < datetime(1916, 1, 7, tzinfo=UTC):
        log.add(ev.TaskLiked, f"u{len(log.events) % 2 + 1}", minutes=7, task="t1")
    run = write_run(tmp_path / "r", log.events, segments=[200],
                    manifest={"scenario": {"timezone": DUBLIN}})  # fmt: skip
    assert_matches_reference(run, log.events, DUBLIN, seal=True)
    assert log.events[-1].at - log.events[0].at > timedelta(days=1)


def test_a_clock_change_off_the_quarter_hour_is_counted_per_second(tmp_path) -> None:
    """St John's moved its clocks at 00:01 local on 14 March 2010 (03:31 UTC, −03:30 →
    −02:30): whole quarter-hour offsets, but a change inside a UTC quarter hour."""
    zone = "America/St_Johns"
    log = LogMaker(datetime(2010, 3, 14, 3, 0, tzinfo=UTC))
    log.add(ev.PersonJoined, "u1", person="u1", name="A", email="a@x", role="lead",
            timezone=zone)  # fmt: skip
    log.add(ev.ProjectCreated, "u1", project="p1", name="P", owner="u1")
    for minutes in (30.5, 0.25, 0.5, 0.5, 0.5, 14):
        log.add(ev.ProjectCreated, "u1", minutes=minutes, project=f"p{len(log.events)}",
                name="Q", owner="u1")  # fmt: skip
    run = write_run(tmp_path / "r", log.events, manifest={"scenario": {"timezone": zone}})
    hours = Counter(e.at.astimezone(ZoneInfo(zone)).hour for e in log.events)
    assert hours[0] and hours[1]  # both sides of the change
    assert_matches_reference(run, log.events, zone, seal=True)
