"""The job list's "Today": the events of the job's log dated today (the current day in the
scenario's time zone), read from the log, so a restarted (or killed) server shows the same."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import requests

from adapters.web.today import TodayCount
from engine.log import FileLog
from tests.test_web import wait_for
from tests.test_web_restart import Serve, serve  # noqa: F401  (the fixture)


def zone_at_midday() -> str:
    """A fixed-offset zone where it is about noon now: today there lasts for hours yet."""
    offset = 12 - datetime.now(UTC).hour  # hours east of UTC
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/GMT-3 is three hours east


def around_the_clock(zone: str) -> dict:
    """Two people who work every hour of every day, from today on: events dated today, whatever
    the weekday, and others dated tomorrow."""
    today = datetime.now(ZoneInfo(zone)).date()
    person = {"hours": "00:00-23:45", "days_off": []}
    return {"timezone": zone, "start": today.isoformat(), "days": 2, "seed": 5,
            "holidays": {"country": ""},
            "people": [{"name": "Ann Lee", "role": "manager", **person},
                       {"name": "Bo Kim", **person}]}  # fmt: skip


def dated_today(run_dir, zone: str) -> int:
    today = datetime.now(ZoneInfo(zone)).date()
    return sum(e.at.astimezone(ZoneInfo(zone)).date() == today
               for e in FileLog.open_readonly(run_dir).read())  # fmt: skip


def test_today_counts_the_events_dated_today_and_survives_a_restart(serve, tmp_path):  # noqa: F811
    data, zone = tmp_path / "replays", zone_at_midday()
    first = serve(data).started()
    spec = {"name": "Today", "speed": "max", "scenario": around_the_clock(zone)}
    job = requests.post(first.url + "/jobs", json=spec, timeout=30).json()
    jid = job["id"]
    done = wait_for(lambda: (v := first.get(f"/jobs/{jid}"))["status"] == "completed" and v,
                    timeout=60, what="the job to complete")  # fmt: skip
    expected = dated_today(data / jid, zone)
    assert 0 < expected < done["events"], (expected, done["events"])  # tomorrow's are not today's
    assert done["today_events"] == expected
    first.kill()  # kill -9: nothing is saved on the way out

    second = serve(data).started()
    assert second.get(f"/jobs/{jid}")["today_events"] == expected
    assert [j["today_events"] for j in second.get("/jobs")] == [expected]
    # The API's schema says what it counts.
    schema = requests.get(second.url.removesuffix("/api") + "/schema/openapi.json", timeout=30)
    field = schema.json()["components"]["schemas"]["JobView"]["properties"]["today_events"]
    assert "dated today" in field["description"] and "time zone" in field["description"]


def test_a_run_of_other_dates_counts_nothing_today(tmp_path):
    from engine.content.templates import TemplateSource
    from engine.run import create_run, read_manifest, simulate_run
    from engine.scenario import default_scenario

    run_dir = tmp_path / "run"
    create_run(run_dir, default_scenario(), TemplateSource())  # January 2026
    simulate_run(run_dir, read_manifest(run_dir), TemplateSource())
    count = TodayCount(run_dir, "America/Los_Angeles")
    assert count.count() == 0
    # On one of its days, it counts that day's events (back from the end of the log).
    day = datetime(2026, 1, 20, 12, tzinfo=ZoneInfo("America/Los_Angeles"))
    on_day = sum(e.at.astimezone(day.tzinfo).date() == day.date()
                 for e in FileLog.open_readonly(run_dir).read())  # fmt: skip
    assert on_day > 0 and count.count(now=day) == on_day
