"""The days a job's events-per-day chart spans (`day_range` in its stats): the run's days so
far, not only those with events: a weekend at the end of a complete run is in it, and a job
still running shows the days its clock has reached, no further."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.test_web import FAST, servers, wait_for


@pytest.fixture
def web(tmp_path):
    make = servers(tmp_path)
    yield next(make)()
    next(make, None)  # stops it


def days_with_events(stats: dict) -> list[str]:
    return sorted({row["day"] for row in stats["day_type"]})


def test_a_complete_run_spans_all_its_days_the_weekend_at_its_end_too(web):
    # Two weeks from a Monday: the last two days are a weekend.
    job = web.create(scenario={"days": 14, "seed": 3, "start": "2026-01-05"}, speed="max")
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["status"] == "completed",
             timeout=60, what="the job to complete")  # fmt: skip
    stats = web.ok("GET", f"/jobs/{job['id']}/stats")
    assert days_with_events(stats)[-1] < "2026-01-18"  # nobody worked on the last Sunday
    assert stats["day_range"] == {"first": "2026-01-05", "last": "2026-01-18"}


def test_a_paused_job_spans_the_days_its_clock_has_reached(web):
    job = web.create(scenario={"days": 60, "start": "2026-01-05"}, speed=FAST)
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["events"] > 0, what="a first event")
    web.ok("POST", f"/jobs/{job['id']}/pause")
    view = web.ok("GET", f"/jobs/{job['id']}")
    stats = web.ok("GET", f"/jobs/{job['id']}/stats")
    zone = ZoneInfo(stats["timezone"])
    now = datetime.fromisoformat(view["simulated_now"]).astimezone(zone)
    reached = (now - timedelta(microseconds=1)).date()  # a clock at midnight has not begun that day
    assert stats["day_range"] == {"first": "2026-01-05", "last": reached.isoformat()}
    assert reached < date(2026, 3, 5)  # not the scenario's last day
    assert days_with_events(stats)[-1] <= reached.isoformat()
