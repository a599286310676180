"""The dashboard when things go wrong, in a real headless Chromium: a failing start (a broken
tokens file, a refused API token, a malformed link) still leaves a working page with a way to
retry; a rejected feed filter stops the live stream and says why in plain words; errors of the
"Older" button show; long names and a phone-sized window never make the page scroll sideways."""

from __future__ import annotations

import json

import pytest

from tests import test_web_browser as shared
from tests.test_web import FAST, wait_for

# In `make test-slow` (CI runs it): tests/test_web_browser.py keeps the dashboard's core
# path in `make test`, which these would push past its 5 minutes on 2 cores.
pytestmark = pytest.mark.slow

# The browser suite's fixtures: one Chromium per module, a fresh page and servers per test.
browser, page, make_web = shared.browser, shared.page, shared.make_web

SLOW = FAST * 3 // 4  # a job that stays "running" for the length of a test


def open_dashboard(page, web, hash_: str = "") -> None:
    page.goto(f"{web.url}/{hash_}")
    page.wait_for_selector("body[data-ready='1']")


def failed_loads_only(problems: list[str], *statuses: int) -> bool:
    """Requests that fail on purpose log "Failed to load resource: ... <status>"; nothing else."""
    return all(any(str(s) in p for s in statuses) for p in problems)


def finished_job(web, **spec) -> dict:
    job = web.create(scenario={"days": 2, "seed": 3}, speed="max", **spec)
    return wait_for(lambda: (v := web.ok("GET", f"/jobs/{job['id']}"))["status"] == "completed"
                    and v, what="the job to complete")  # fmt: skip


def page_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# -- 1. a failing start leaves a working page ----------------------------------------------------


def test_a_broken_tokens_file_shows_its_error_and_the_job_list_still_loads(
    make_web, page, tmp_path
):
    tokens = tmp_path / "tokens.toml"
    tokens.write_text('default = "0/secret"\n')
    web = make_web(tokens_file=tokens)
    job = web.create(name="Listed anyway", scenario={"days": 2}, start=False)
    tokens.write_text('default = "0/secret\n')  # broken after the server started
    open_dashboard(page, web)

    alert = page.locator("#app-alert")
    alert.get_by_text("not valid TOML").wait_for()
    assert alert.get_attribute("role") == "alert"
    page.locator(f"#jobs tr[data-job='{job['id']}']").wait_for()
    assert not page.locator("#no-jobs").is_visible()

    tokens.write_text('default = "0/secret"\n')  # fixed: Retry brings the form
    alert.get_by_role("button", name="Retry").click()
    alert.wait_for(state="hidden")
    page.click("#show-form")
    page.wait_for_selector("#form-section:not([hidden])")
    assert page.locator("#job-form select[name=mode] option").count() == 3
    assert page.locator("#feed-filters select[name=type] option").count() > 5
    assert failed_loads_only(page.problems, 422), page.problems


def test_a_refused_api_token_can_be_entered_again(make_web, page):
    web = make_web(api_token="right-token")
    job = web.create(name="Behind a token", scenario={"days": 2}, start=False)
    answers = [None]  # None: Cancel
    prompts: list[str] = []

    def answer(dialog) -> None:
        prompts.append(dialog.message)
        reply = answers.pop(0) if answers else None
        dialog.accept(reply) if reply else dialog.dismiss()

    page.on("dialog", answer)
    open_dashboard(page, web)
    alert = page.locator("#app-alert")
    alert.get_by_text("needs its API token").wait_for()
    assert not page.locator("#no-jobs").is_visible()
    with page.expect_request(lambda r: r.url.endswith("/api/jobs")):
        pass  # the list asks the server again, without prompting every two seconds
    assert len(prompts) == 1

    answers[:] = ["wrong-token", "right-token"]  # a wrong one is asked for again
    alert.get_by_role("button", name="Enter the API token").click()
    alert.wait_for(state="hidden")
    assert len(prompts) == 3
    page.locator(f"#jobs tr[data-job='{job['id']}']").wait_for()
    page.click("#show-form")
    page.wait_for_selector("#form-section:not([hidden])")
    assert page.locator("#job-form select[name=mode] option").count() == 3
    assert failed_loads_only(page.problems, 401), page.problems


def test_a_malformed_job_link_is_reported_and_the_page_still_works(make_web, page):
    web = make_web()
    job = web.create(name="Still here", scenario={"days": 2}, start=False)
    open_dashboard(page, web, "#job=100%")
    page.locator("#job-alert").get_by_text("There is no job “100%”").wait_for()
    page.locator("#job-alert a").click()  # back to the list
    page.locator(f"#jobs tr[data-job='{job['id']}']").wait_for()
    page.click("#show-form")
    page.wait_for_selector("#form-section:not([hidden])")
    assert failed_loads_only(page.problems, 404), page.problems


# -- 2. a rejected filter stops the live stream ---------------------------------------------------


def test_a_rejected_filter_stops_the_stream_and_says_why_plainly(make_web, page):
    web = make_web()
    job = web.create(name="Forever", scenario={"days": 60}, forever=True, speed=FAST)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#feed-live:text('live')")
    search = page.locator("#feed-filters input[name=q]")
    for name in ["person", "project", "q"]:  # what the API accepts, typing cannot exceed
        assert page.locator(f"#feed-filters input[name={name}]").get_attribute("maxlength") == "200"

    with page.expect_request(lambda r: "/stream" in r.url and "CommentAdded" in r.url):
        page.select_option("#feed-filters select[name=type]", "CommentAdded")
    page.wait_for_selector("#feed-live:text('live')")
    aborted: list[str] = []
    page.on("requestfailed", lambda r: aborted.append(r.url) if "/stream" in r.url else None)
    search.evaluate("(input) => { input.value = 'x'.repeat(201); }")  # pasted by a script
    search.press("Enter")

    error = page.locator("#feed-error")
    error.get_by_text("Search is too long: at most 200 characters").wait_for()
    assert "Expected" not in error.inner_text() and "`" not in error.inner_text()
    assert error.get_attribute("role") == "alert"
    assert search.get_attribute("aria-invalid") == "true"
    assert "live" not in page.locator("#feed-live").inner_text()
    assert page.locator("#feed li").count() == 0  # nothing shown that the filters do not match
    wait_for(lambda: any("CommentAdded" in url for url in aborted), what="the old stream to end")

    search.fill("")
    search.press("Enter")
    page.wait_for_selector("#feed-live:text('live')")
    assert not error.is_visible()
    assert search.get_attribute("aria-invalid") is None
    assert failed_loads_only(page.problems, 400), page.problems


# -- 3. the Older button's errors ------------------------------------------------------------------


def older_request(url: str) -> bool:
    return "/activity" in url and "before=" in url


def test_errors_of_the_older_button_show_and_a_deleted_job_is_marked(make_web, page):
    web = make_web()
    job = finished_job(web, name="Long history")
    open_dashboard(page, web, f"#job={job['id']}")
    more = page.locator("#feed-more")
    more.wait_for()
    error = page.locator("#feed-more-error")

    def failing(status: int, message: str):
        body = json.dumps({"error": {"status": status, "message": message, "field": None}})
        return lambda route: route.fulfill(status=status, body=body,
                                           content_type="application/json")  # fmt: skip

    page.route(older_request, failing(500, "the disk is on fire"))
    more.click()
    error.get_by_text("Could not load older activity: the disk is on fire").wait_for()
    assert error.get_attribute("role") == "alert"
    page.unroute(older_request)

    page.route(older_request, lambda route: route.abort())  # the network is down
    more.click()
    error.get_by_text("Could not load older activity:").wait_for()
    wait_for(lambda: "fire" not in error.inner_text(), what="the new error")
    page.unroute(older_request)

    shown = page.locator("#feed li").count()
    more.click()  # works again: the error goes, the items come
    page.wait_for_function(f"() => document.querySelectorAll('#feed li').length > {shown}")
    assert not error.is_visible()

    page.route(older_request, failing(404, f"job '{job['id']}': no such job"))
    more.click()
    page.locator("#job-alert").get_by_text("This job was deleted").wait_for()
    assert page.locator("#job-status").inner_text() == "deleted"
    assert failed_loads_only(page.problems, 500, 404, "ERR_FAILED"), page.problems


# -- 4. layout: long names, narrow windows ----------------------------------------------------------


LONG_NAME = "Q" * 190  # no spaces to break at


def test_a_long_name_never_widens_the_page(make_web, page):
    web = make_web()
    job = web.create(name=LONG_NAME, scenario={"days": 2}, start=False)
    open_dashboard(page, web)
    page.locator(f"#jobs tr[data-job='{job['id']}']").wait_for()
    assert page_overflow(page) <= 0
    assert page.evaluate("(() => { const t = document.getElementById('jobs');"
                         " return t.scrollWidth <= t.parentElement.clientWidth; })()")  # fmt: skip
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#job-status:text('pending')")
    assert page_overflow(page) <= 0


def test_a_phone_sized_window_has_no_sideways_scrolling(make_web, browser):
    web = make_web()
    job = finished_job(web, name=LONG_NAME)
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        open_dashboard(phone, web)
        row = phone.locator(f"#jobs tr[data-job='{job['id']}']")
        row.wait_for()
        assert page_overflow(phone) <= 0
        # The table scrolls inside its own frame, so every Delete button can be reached.
        delete = row.locator("button[data-action=delete]")
        delete.scroll_into_view_if_needed()
        box, frame = delete.bounding_box(), phone.locator("#jobs-scroll").bounding_box()
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert page_overflow(phone) <= 0

        phone.click("#show-form")
        phone.wait_for_selector("#form-section:not([hidden])")
        assert page_overflow(phone) <= 0

        open_dashboard(phone, web, f"#job={job['id']}")
        phone.wait_for_selector("#chart-heatmap svg rect.cell")
        phone.wait_for_selector("#feed li")
        assert page_overflow(phone) <= 0
        section = phone.locator("#job-section").bounding_box()
        for chart in ["#chart-heatmap svg", "#chart-days svg", "#chart-people svg"]:
            box = phone.locator(chart).bounding_box()
            assert box["x"] + box["width"] <= section["x"] + section["width"], chart
    finally:
        context.close()
