"""The realism report judges a run on the simulated time its scenario covers (not on the dates
its events fall), says "too little data to judge" instead of passing or failing a sample too
small to tell, and gives the weekend share a tolerance that follows the sample."""

from __future__ import annotations

import json
import math
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import pytest

from adapters.analytics.calendars import Exposure, Integrator, Window, exposure, run_window
from adapters.analytics.checks import Check, judge, judge_sample, overall
from adapters.analytics.checks import report as make_report
from adapters.analytics.render import report_summary
from adapters.analytics.report import CONTRIBUTOR_ROLES, realism_report
from adapters.analytics.timing import (
    HOURLY_NOISE_MIN,
    MIN_EVENTS,
    WEEKEND_FLOOR,
    WEEKEND_RELATIVE,
    Counted,
    weekend,
)
from adapters.analytics.views import open_run
from engine.calendar import origin_of
from engine.content.templates import TemplateSource
from engine.person_calendar import PersonCalendar
from engine.run import create_run, read_manifest, simulate_run, write_manifest
from engine.scenario import default_scenario, from_dict

MONDAY = date(2026, 1, 5)
# Two of eight people work Saturday and Sunday instead of Monday and Tuesday.
WEEKEND_TEAM = {
    "start": "2026-01-05",
    "days": 42,
    "holidays": {"country": ""},
    "people": [
        {"name": "Mo Manager", "role": "manager"},
        {"name": "Lu Lead", "role": "lead", "timezone": "America/New_York"},
        {"name": "Sam Sat", "days_off": ["mon", "tue"]},
        {"name": "Sue Sun", "days_off": ["mon", "tue"], "timezone": "Europe/Berlin",
         "hours": "eu"},
        {"name": "Ann A"}, {"name": "Ben B"}, {"name": "Cy C", "timezone": "America/New_York"},
        {"name": "Di D", "role": "contractor"},
    ],
}  # fmt: skip


def simulate(path: Path, scenario) -> Path:
    manifest = create_run(path, scenario, TemplateSource())
    simulate_run(path, manifest, TemplateSource())
    return path


def default_run(path: Path, days: int, seed: int) -> Path:
    scenario = msgspec.structs.replace(default_scenario(), days=days, seed=seed, start=MONDAY)
    return simulate(path, scenario)


def checks_of(run: Path) -> dict[str, Check]:
    return {c.name: c for c in realism_report(run).checks}


@pytest.fixture(scope="module")
def three_days(tmp_path_factory) -> Path:
    """The built-in team, Monday to Wednesday."""
    return default_run(tmp_path_factory.mktemp("three") / "run", 3, 1)


# -- 1. the exposure comes from the scenario -------------------------------------------------


def test_a_run_is_judged_on_its_scenario_days_not_its_event_dates(three_days) -> None:
    """US evening events fall on the next UTC day; the exposure still counts three days."""
    from engine.calendar import working_day_actions
    from engine.world import World

    manifest = read_manifest(three_days)
    assert manifest.last_at.date() == MONDAY + timedelta(days=3)  # Thursday in UTC
    # Nobody is away in their first days: each contributor's three days, each weighed by its
    # day factor and the person's own pace (the simulation's: a busy day is a bigger share).
    world = World(manifest.scenario, None, lambda event: None)
    budget = working_day_actions(manifest.scenario)
    weeks = sum(
        a.calendar.cumulative[-1] / budget * a.calendar.day_factor(MONDAY + timedelta(days=k)) / 5
        for a in world.actors
        if a.role in CONTRIBUTOR_ROLES
        for k in range(3)
    )
    with open_run(three_days) as run:
        window = run_window(run, manifest.scenario)
    start = origin_of(manifest.scenario)
    assert window.intervals == ((start, start + timedelta(days=3)),)
    exposed = sum(
        exposure(a.calendar, window).actions for a in world.actors if a.role in CONTRIBUTOR_ROLES
    )
    assert exposed / budget / 5 == pytest.approx(weeks)
    # Three days are all ramp-up (report.RAMP_UP_DAYS): the completion rate is not judged.
    check = checks_of(three_days)["completion_rate_per_week"]
    assert check.verdict == "too_little_data"
    assert "over 0.0 contributor working weeks after the first 7 days" in check.detail


def test_a_run_across_a_clock_change_is_judged_on_its_local_days(tmp_path) -> None:
    """Los Angeles moves its clocks forward on 8 March 2026: the window of 1-14 March ends at
    local midnight after the 14th (an hour short of 14 × 24 hours), where the simulation did."""
    scenario = msgspec.structs.replace(default_scenario(), days=14, start=date(2026, 3, 1))
    run = simulate(tmp_path / "spring", scenario)
    with open_run(run) as opened:
        window = run_window(opened, scenario)
    end = datetime(2026, 3, 15, tzinfo=ZoneInfo("America/Los_Angeles")).astimezone(UTC)
    assert window.intervals == ((origin_of(scenario), end),)
    assert read_manifest(run).last_at < end


def test_a_run_being_written_is_judged_up_to_its_latest_event(three_days, tmp_path) -> None:
    run = tmp_path / "running"
    shutil.copytree(three_days, run)
    manifest = read_manifest(run)
    write_manifest(run, msgspec.structs.replace(manifest, status="running"))
    with open_run(run) as opened:
        last = opened.con.execute('SELECT max("at") FROM events').fetchone()[0]
        window = run_window(opened, manifest.scenario)
    assert window.intervals == ((origin_of(manifest.scenario), last.replace(tzinfo=UTC)),)


def test_a_live_run_leaves_out_its_quiet_windows(three_days, tmp_path) -> None:
    """live.json: nobody acted before the run began (1 h) nor in a stop (2 h to 3 h); a
    `--days` run ends at until_sim, before the manifest's extra day."""
    run = tmp_path / "live"
    shutil.copytree(three_days, run)
    live = {"speed": 1.0, "anchor_wall": "2026-01-05T00:00:00Z", "anchor_sim": 0.0,
            "quiet": [[0.0, 3600.0], [7200.0, 10800.0]], "reached_sim": 86400.0,
            "until_sim": 2 * 86400.0}  # fmt: skip
    (run / "live.json").write_text(json.dumps(live))
    scenario = read_manifest(run).scenario
    start = origin_of(scenario)
    hours = [1, 2, 3, 48]
    with open_run(run) as opened:
        window = run_window(opened, scenario)
    at = [start + timedelta(hours=h) for h in hours]
    assert window.intervals == ((at[0], at[1]), (at[2], at[3]))
    (run / "live.json").write_text("{not json")
    with open_run(run) as opened, pytest.raises(Exception, match="damaged live state"):
        run_window(opened, scenario)


def _calendar(days_off=(5, 6)) -> PersonCalendar:
    """A flat 09:00-17:00 day of 32 actions (one per quarter hour) in Los Angeles."""
    profile = [1.0 if 36 <= b < 68 else 0.0 for b in range(96)]
    origin = datetime(2026, 1, 5, 8, tzinfo=UTC)  # Monday 00:00 in Los Angeles
    return PersonCalendar(timezone="America/Los_Angeles", profile=profile, days_off=days_off,
                          holidays=(), origin=origin)  # fmt: skip


def test_exposure_counts_days_off_holidays_time_away_and_partial_days() -> None:
    """Off Monday and Tuesday; a holiday on the first Saturday; away the first Wednesday and
    Thursday. Over two weeks: 10 working days less 3 = 7, of which 3 on a weekend."""
    cal = _calendar(days_off=(0, 1))
    cal.add_holidays([date(2026, 1, 10)])
    cal.add_away(date(2026, 1, 7), date(2026, 1, 8))
    two_weeks = Window(((cal.origin, cal.origin + timedelta(days=14)),))
    exp = exposure(cal, two_weeks)
    assert exp.actions == pytest.approx(7 * 32) and exp.weekend == pytest.approx(3 * 32)
    assert exp.by_hour[9:17] == pytest.approx([7 * 4] * 8) and sum(exp.by_hour) == exp.actions
    # From Friday 13:30 to Saturday 10:15 local: 3.5 hours on Friday, none on the holiday.
    friday = cal.origin + timedelta(days=4, hours=13, minutes=30)
    part = exposure(cal, Window(((friday, friday + timedelta(hours=20, minutes=45)),)))
    assert part.actions == pytest.approx(14) and part.weekend == 0
    assert part.by_hour[13] == pytest.approx(2) and part.by_hour[12] == 0


@pytest.mark.parametrize(
    ("day", "hours_1_to_3", "hour_by_utc"),
    [  # New York: 02:00 EST becomes 03:00 EDT; 02:00 EDT becomes 01:00 EST.
        (date(2026, 3, 8), [22, 0, 54], {5: 0, 6: 22, 7: 54, 8: 0}),
        (date(2026, 11, 1), [22, 38, 54], {5: 22, 6: 0, 7: 38, 8: 54}),
    ],
)
def test_expected_hours_on_a_clock_change_day_are_the_simulations_bins(
    day, hours_1_to_3, hour_by_utc
) -> None:
    """Working 01:00-04:00 in New York (bin b holds b actions): on the day clocks go forward
    02:00-03:00 does not exist, and on the day they go back 01:00-02:00 happens twice and
    counts once, as the simulation lays the day out (`PersonCalendar.day_bins`)."""
    profile = [float(b) if 4 <= b < 16 else 0.0 for b in range(96)]
    tz = ZoneInfo("America/New_York")
    local_midnight = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    cal = PersonCalendar(timezone="America/New_York", profile=profile, days_off=(),
                         holidays=(), origin=local_midnight)  # fmt: skip
    next_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    exp = exposure(cal, Window(((cal.origin, next_midnight.astimezone(UTC)),)))
    by_hour = [0.0] * 24
    for _, first, end in cal.day_bins(day):
        for b in range(first, end):
            by_hour[b // 4] += profile[b]
    assert exp.by_hour == pytest.approx(by_hour) and exp.actions == pytest.approx(sum(by_hour))
    assert by_hour[1:4] == hours_1_to_3 and sum(by_hour) == sum(hours_1_to_3)
    # An hour of UTC holds what the calendar puts in it (bins at their own instants).
    integrator = Integrator(cal, Window(((cal.origin, next_midnight.astimezone(UTC)),)))
    for hour, expected in hour_by_utc.items():
        start = datetime(day.year, day.month, day.day, hour)
        assert integrator.between(start, start + timedelta(hours=1)) == pytest.approx(expected)


# -- 2. too little data to judge -------------------------------------------------------------


# (seeds whose day has over MIN_EVENTS events: seed 3's made 97 once added tasks' names drew
# their wordings, 144 before; 1, 2 and 5 make 148, 132 and 144)
@pytest.mark.parametrize("seed", [1, 2, 5])
def test_a_one_day_run_is_not_failed_for_being_short(tmp_path, seed) -> None:
    report = realism_report(default_run(tmp_path / "day", 1, seed))
    checks = {c.name: c for c in report.checks}
    assert not [c for c in report.checks if c.verdict == "fail"], report.checks
    for name in ("hourly_correlation", "completion_rate_per_week"):
        assert checks[name].verdict == "too_little_data" and checks[name].passed is None
        assert checks[name].detail.startswith("too little data to judge: ")
    assert checks["off_hours_share"].verdict == "pass"  # hundreds of events: judged
    assert report.verdict == "inconclusive" and report.passed is False
    summary = report_summary(report).plain
    assert summary.startswith("Inconclusive:") and "hourly_correlation" in summary


def test_a_one_person_run_does_not_judge_its_hourly_curve(tmp_path) -> None:
    raw = {"start": "2026-01-05", "days": 30, "people": [{"name": "Solo", "role": "manager"}]}
    report = realism_report(simulate(tmp_path / "solo", from_dict(raw)))
    hourly = next(c for c in report.checks if c.name == "hourly_correlation")
    assert report.events > MIN_EVENTS and hourly.measured is not None
    assert hourly.verdict == "too_little_data", hourly
    assert f"judged from {HOURLY_NOISE_MIN:g}" in hourly.detail
    assert report.verdict == "inconclusive"


def test_a_run_without_events_is_not_a_pass(tmp_path) -> None:
    from tests.runner import busywork

    raw = {"start": "2026-01-05", "days": 3,
           "holidays": {"dates": ["2026-01-05", "2026-01-06", "2026-01-07"]}}  # fmt: skip
    run = simulate(tmp_path / "holidays", from_dict(raw))
    report = realism_report(run)
    assert report.events == 0 and report.verdict == "inconclusive" and not report.passed
    judged = [c for c in report.checks if c.verdict != "too_little_data"]
    assert judged == []
    result = busywork("report", str(run), cwd=tmp_path)  # exit 0: nothing failed
    assert "Inconclusive: no events" in result.stdout and "All checks pass" not in result.stdout
    data = json.loads(busywork("report", str(run), "--json", cwd=tmp_path).stdout)
    assert (data["verdict"], data["passed"]) == ("inconclusive", False)


def test_a_sample_below_its_minimum_is_not_judged_either_way() -> None:
    args = ("c", "", 0.5, 0.0, 0.01, "at_most", "share", "50 of 100 events")
    assert judge_sample(*args, size=100, minimum=100).verdict == "fail"
    small = judge_sample(*args, size=99, minimum=100)
    assert small.verdict == "too_little_data" and small.passed is None
    assert small.detail == "too little data to judge: 50 of 100 events; fewer than 100"


def test_the_overall_verdict() -> None:
    ok = judge("a", "", 1.0, 1.0, 0.0, "at_least", "share")
    bad = judge("b", "", 0.0, 1.0, 0.0, "at_least", "share")
    info = judge("i", "", 2.0, 0.0, 0.0, "info", "per_week")
    unknown = judge("u", "", None, 1.0, 0.0, "at_least", "share")
    assert overall([ok, info]) == "pass"
    assert overall([ok, unknown, info]) == "inconclusive"
    assert overall([ok, unknown, bad]) == "fail"
    assert overall([]) == "inconclusive"
    text = report_summary(make_report("r", 10, [ok, unknown, bad])).plain
    assert text == "1 of 3 checks fail: b; too little data to judge 1: u"
    assert report_summary(make_report("r", 10, [ok, info])).plain == "All checks pass."


# -- 3. the weekend share ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def weekend_runs(tmp_path_factory) -> dict[int, Path]:
    base = tmp_path_factory.mktemp("weekend")
    scenario = from_dict(WEEKEND_TEAM)
    return {
        seed: simulate(base / f"seed{seed}", msgspec.structs.replace(scenario, seed=seed))
        for seed in (1, 2, 3)
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weekend_workers_pass_the_weekend_share(weekend_runs, seed) -> None:
    check = checks_of(weekend_runs[seed])["weekend_share"]
    assert check.verdict == "pass", check
    assert 0.05 < check.target < 0.2 and check.tolerance > WEEKEND_FLOOR
    assert "3σ" in check.detail and "of the expected share" in check.detail


def test_the_weekend_share_fails_against_the_wrong_calendars(weekend_runs, tmp_path) -> None:
    """The same events judged as if everyone were off Monday and Tuesday: ~40 % expected."""
    run = tmp_path / "wrong"
    shutil.copytree(weekend_runs[1], run)
    manifest = read_manifest(run)
    people = [msgspec.structs.replace(p, days_off=["mon", "tue"])
              for p in manifest.scenario.people]  # fmt: skip
    scenario = msgspec.structs.replace(manifest.scenario, people=people)
    write_manifest(run, msgspec.structs.replace(manifest, scenario=scenario))
    check = checks_of(run)["weekend_share"]
    assert check.target > 0.3 and check.verdict == "fail"


def _exposure(weekend_share: float) -> Exposure:
    return Exposure(actions=100.0, weekend=100.0 * weekend_share)


def test_the_weekend_tolerance_follows_the_sample() -> None:
    """Two people: one with a 40 % weekend calendar (400 events in 200 moments of 2), one
    with none (600 events). Expected share 160 / 1000; σ = sqrt(0.4 · 0.6 · 800) / 1000."""
    exposures = {"a": _exposure(0.4), "b": _exposure(0.0)}

    def counted(weekend_events: int) -> Counted:
        return Counted(total=1000, weekend=weekend_events, by_person={"a": 400, "b": 600},
                       squares={"a": 800, "b": 600})  # fmt: skip

    noise = 3 * math.sqrt(0.4 * 0.6 * 800) / 1000
    tolerance = noise + WEEKEND_RELATIVE * 0.16
    check = weekend(counted(160), exposures)
    assert check.target == pytest.approx(0.16) and check.tolerance == pytest.approx(tolerance)
    inside = math.floor((0.16 - tolerance) * 1000) + 1
    assert weekend(counted(inside), exposures).verdict == "pass"
    assert weekend(counted(inside - 1), exposures).verdict == "fail"
    # A team without weekend work is held to the 1-point floor.
    quiet = Counted(total=1000, weekend=11, by_person={"b": 1000}, squares={"b": 1000})
    held = weekend(quiet, {"b": _exposure(0.0)})
    assert held.tolerance == WEEKEND_FLOOR and held.verdict == "fail" and "floor" in held.detail


# -- 5. comments vary within each month ----------------------------------------------------------


def _with_comment_texts(source: Path, path: Path, text_of) -> tuple[Path, int]:
    """A copy of the run whose i-th comment reads `text_of(i)`, and its number of comments."""
    shutil.copytree(source, path)
    i = 0
    for segment in sorted((path / "events").glob("*.jsonl")):
        lines = []
        for line in segment.read_text().splitlines():
            event = json.loads(line)
            if event["type"] == "CommentAdded":
                event["text"], i = text_of(i), i + 1
            lines.append(json.dumps(event, separators=(",", ":")))
        segment.write_text("\n".join(lines) + "\n")
    return path, i


@pytest.fixture(scope="module")
def ninety_days(tmp_path_factory) -> Path:
    return default_run(tmp_path_factory.mktemp("ninety") / "run", 90, 3)


def test_comments_are_judged_on_how_they_vary_within_each_month(ninety_days, tmp_path) -> None:
    # Half as many distinct texts as the run has comments (50 %, a failure over the whole
    # run), cycling: none repeats within 30 days, since a month holds about a third of them.
    _, comments = _with_comment_texts(ninety_days, tmp_path / "counted", str)
    cycle = (comments + 1) // 2
    cycling, _ = _with_comment_texts(ninety_days, tmp_path / "cycling",
                                     lambda i: f"note {i % cycle}")  # fmt: skip
    check = checks_of(cycling)["distinct_comment_ratio"]
    assert check.verdict == "pass" and check.measured == 1.0
    assert "(the least varied)" in check.detail
    # The same hundred texts over and over: repetitive within every month.
    repeating, _ = _with_comment_texts(
        ninety_days, tmp_path / "repeating", lambda i: f"n {i % 100}"
    )
    check = checks_of(repeating)["distinct_comment_ratio"]
    assert check.verdict == "fail" and check.measured < 0.1
