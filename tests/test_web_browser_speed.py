"""The new-job form's speed follows its mode, as the API's default does: choosing a backfill
picks "as fast as possible" (a backfill takes nothing else), so the form sends a job the server
accepts; a continuous job goes back to a paced speed."""

from __future__ import annotations

import pytest

from tests import test_web_browser as shared

# In `make test-slow` (CI runs it): tests/test_web_browser.py keeps the dashboard's core
# path in `make test`, which these would push past its 5 minutes on 2 cores.
pytestmark = pytest.mark.slow

# The browser suite's fixtures: one Chromium per module, a fresh page and servers per test.
browser, page, make_web = shared.browser, shared.page, shared.make_web


def test_a_backfill_from_the_form_goes_at_max(make_web, page):
    web = make_web()
    page.goto(web.url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#show-form")
    page.fill("#job-form input[name=days]", "1")
    page.select_option("#job-form select[name=mode]", "backfill")
    assert page.input_value("#job-form select[name=speed]") == "max"
    page.select_option("#job-form select[name=target]", "sandbox")
    page.click("#create-job")
    page.wait_for_function("() => !document.getElementById('create-job').offsetParent")
    (job,) = web.ok("GET", "/jobs")
    assert (job["mode"], job["speed"]) == ("backfill", "max")
    assert page.text_content("#form-error") == ""
    assert page.problems == []


def test_a_continuous_job_is_paced_again_after_max(make_web, page):
    web = make_web()
    page.goto(web.url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#show-form")
    page.select_option("#job-form select[name=speed]", "max")  # a dry run may go at max
    page.select_option("#job-form select[name=mode]", "continuous")
    assert page.input_value("#job-form select[name=speed]") == "realtime"
