"""The dashboard with a backfill whose target stopped answering, in a real headless Chromium: the
job shows as failed with its reason first, offers Resume (in the list and on its page) and,
resumed once the target answers again, completes with every event at the target once."""

from __future__ import annotations

import pytest

from tests import test_web_browser as shared
from tests.replay_checks import assert_sandbox_holds_the_run_once
from tests.test_web_target_silence import back_on_its_port, ended, failing_backfill

# In `make test-slow` (CI runs it): tests/test_web_browser.py keeps the dashboard's core
# path in `make test`, which these would push past its 5 minutes on 2 cores.
pytestmark = pytest.mark.slow

# The browser suite's fixtures: one Chromium per module, a fresh page and servers per test.
browser, page, make_web = shared.browser, shared.page, shared.make_web


def test_a_backfill_whose_target_stopped_answering_resumes_from_the_dashboard(
    make_sandbox, make_web, page, tmp_path
):
    web, sandbox, jid, run_dir = failing_backfill(make_sandbox, make_web, tmp_path)
    assert ended(web, jid)["status"] == "failed"
    page.goto(f"{web.url}/")
    page.wait_for_selector("body[data-ready='1']")
    row = page.locator(f"#jobs tr[data-job='{jid}']")
    row.locator(".status.failed").wait_for()
    assert row.locator("button[data-action=resume]").is_visible()
    assert not row.locator("button[data-action=pause]").is_visible()

    row.locator("a.job-link").click()
    alert = page.locator("#job-alert")
    # "…the target stopped answering: …" or "…the target failed for now: …" (all of it parked
    # before its silence was long enough; tests/test_web_target_silence.py): resumable alike.
    alert.get_by_text("This job failed: the target ").wait_for()
    assert "events were not sent; resume the job once the target answers again" in (
        alert.inner_text()
    )
    assert page.locator("#job-resume").is_enabled()
    assert all(page.locator(f"#job-{a}").is_disabled() for a in ["pause", "stop"])

    sandbox = back_on_its_port(make_sandbox, sandbox)
    page.click("#job-resume")
    page.wait_for_selector("#job-status:text('completed')", timeout=60_000)
    assert page.locator("#job-alert").is_hidden()
    assert page.locator("#job-resume").is_disabled()
    assert page.locator("#replay-text").inner_text().startswith("100%")
    assert ended(web, jid)["status"] == "completed"
    assert_sandbox_holds_the_run_once(run_dir, sandbox)
    assert page.problems == []
