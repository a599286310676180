"""The dashboard, in a real headless Chromium, through the harder moments of a job's life: its
"Today" (what it means, and the same figure after a restart), a pause before its first event
(the simulation's share stays where it was), its run folder deleted while its page is open
(the job fails naming the folder; the feed says why it ended), a pause (the feed stops saying
live until the resume), a job not started yet (the feed says so until it starts)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests import test_web_browser as shared
from tests.test_web import FAST, wait_for
from tests.test_web_browser_states import open_dashboard
from tests.test_web_today import around_the_clock, dated_today, zone_at_midday

# In `make test-slow` (CI runs it): tests/test_web_browser.py keeps the dashboard's core
# path in `make test`, which these would push past its 5 minutes on 2 cores.
pytestmark = pytest.mark.slow

# The browser suite's fixtures: one Chromium per module, a fresh page and servers per test.
browser, page, make_web = shared.browser, shared.page, shared.make_web


def row_of(page, job_id: str):
    return page.locator(f"#jobs tbody tr[data-job='{job_id}']")


def test_today_says_what_it_counts_and_shows_the_same_after_a_restart(make_web, page, tmp_path):
    data, zone = tmp_path / "replays", zone_at_midday()
    first = make_web(data_dir=data)
    job = first.create(name="Today", speed="max", scenario=around_the_clock(zone))
    wait_for(lambda: first.ok("GET", f"/jobs/{job['id']}")["status"] == "completed", timeout=60)
    expected = dated_today(data / job["id"], zone)
    open_dashboard(page, first)
    heading = page.get_by_role("columnheader", name="Today")
    assert "dated today" in heading.get_attribute("title")
    assert "time zone" in heading.get_attribute("title")
    cell = row_of(page, job["id"]).locator(".col-today")
    cell.get_by_text(f"{expected:,}", exact=True).wait_for()
    first.stop()

    second = make_web(data_dir=data)
    open_dashboard(page, second)
    row_of(page, job["id"]).locator(".col-today").get_by_text(
        f"{expected:,}", exact=True
    ).wait_for()
    assert page.problems == []


def test_a_job_paused_before_its_first_event_keeps_its_share_of_the_days(make_web, page):
    web = make_web()
    # Nobody works before 6:00 on the first day: at 600x, half a minute without an event.
    job = web.create(name="Early", scenario={"days": 1}, speed=600)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_function("() => parseFloat(document.querySelector('#sim-text').textContent) > 0")
    page.click("#job-pause")
    page.wait_for_selector("#job-status:text('paused')")
    paused = web.ok("GET", f"/jobs/{job['id']}")
    assert paused["events"] == 0 and paused["progress"] > 0
    share = float(re.match(r"[\d.]+", page.locator("#sim-text").inner_text()).group())
    assert share > 0 and "simulated now" in page.locator("#job-summary").inner_text()
    assert page.locator("#sim-progress").evaluate("p => p.value") > 0
    assert page.problems == []


def test_a_job_whose_run_folder_is_deleted_fails_on_its_page(make_web, page):
    web = make_web()
    job = web.create(name="Doomed", scenario={"days": 60}, speed=FAST)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#feed-live:text('live')")
    page.wait_for_function("() => document.querySelectorAll('#feed li').length > 0")
    folder = str(web.data_dir / job["id"])
    shutil.rmtree(folder)

    page.wait_for_selector("#job-status:text('failed')")
    page.locator("#job-alert").get_by_text(f"This job failed: the run folder {folder} was "
                                           "deleted").wait_for()  # fmt: skip
    page.locator("#feed-error").get_by_text(
        f"The live feed ended: the run folder {folder}"
    ).wait_for()
    assert page.locator("#feed li").count() > 0  # what it showed stays
    assert page.locator("#feed-live").inner_text() == ""
    assert all(page.locator(f"#job-{a}").is_disabled() for a in ["pause", "resume", "stop"])
    page.click("header h1 a")
    row_of(page, job["id"]).locator(".col-warnings").get_by_text(folder, exact=False).wait_for()
    # The stream's and the charts' refusals (409) log as failed loads; nothing else.
    assert all("409" in p for p in page.problems), page.problems


def test_a_paused_job_stops_saying_live_until_it_is_resumed(make_web, page):
    web = make_web()
    job = web.create(name="Paused", scenario={"days": 60}, speed=FAST)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#feed-live:text('● live')")
    page.click("#job-pause")
    page.wait_for_selector("#job-status:text('paused')")
    page.wait_for_selector("#feed-live:text('paused: no new activity until resumed')")
    page.click("#job-resume")
    page.wait_for_selector("#job-status:text('running')")
    page.wait_for_selector("#feed-live:text-is('● live')")
    assert page.problems == []


def test_a_job_not_started_does_not_say_live_until_it_is_started(make_web, page):
    web = make_web()
    job = web.create(name="Waiting", scenario={"days": 60}, speed=FAST, start=False)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#job-status:text('pending')")
    page.wait_for_selector("#feed-live:text('not started: no activity until it is started')")
    page.click("#job-start")
    page.wait_for_selector("#job-status:text('running')")
    page.wait_for_selector("#feed-live:text-is('● live')")
    assert page.problems == []
