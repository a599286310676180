"""The dashboard in a real headless Chromium (Debian's, driven by Playwright): create a dry run
from the form, watch the feed update live, pause and resume, see the charts, no console errors."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from tests.test_web import servers


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs the chromium package")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    yield page
    context.close()


def wait_for_newer_items(page) -> None:
    """Wait until an event newer than the feed's top item arrives (by seq: the feed keeps at
    most 500 items, so its length stops growing on a busy job)."""
    top = page.locator("#feed li").first.get_attribute("data-seq")
    page.wait_for_function(
        f"() => Number(document.querySelector('#feed li')?.dataset.seq) > {int(top)}"
    )


def test_create_watch_pause_resume_from_the_dashboard(make_web, page):
    web = make_web()
    page.goto(web.url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#show-form")
    page.fill("#job-form input[name=name]", "Browser team")
    page.select_option("#job-form select[name=speed]", "86400")
    page.fill("#job-form input[name=burstiness]", "0.8")
    page.click("#create-job")

    page.wait_for_selector("#job-section:not([hidden])")
    page.wait_for_selector("#job-title:text('Browser team')")
    page.wait_for_selector("#feed-live:text('live')")
    page.wait_for_function("() => document.querySelectorAll('#feed li').length > 5")
    wait_for_newer_items(page)
    assert page.locator("#feed li.fresh").count() > 0  # arrived over the stream

    page.wait_for_selector("#chart-heatmap svg rect.cell")
    assert page.locator("#chart-heatmap rect.cell").count() == 7 * 24
    page.wait_for_selector("#chart-days svg rect.bar")
    page.wait_for_selector("#chart-people svg rect.bar")

    page.click("#job-pause")
    page.wait_for_selector("#job-status:text('paused')")
    [job] = web.ok("GET", "/jobs")
    assert job["status"] == "paused" and job["spec"]["scenario"]["rhythm"]["burstiness"] == 0.8
    frozen = web.ok("GET", f"/jobs/{job['id']}")["events"]
    page.wait_for_timeout(700)
    assert web.ok("GET", f"/jobs/{job['id']}")["events"] == frozen
    page.click("#job-resume")
    page.wait_for_selector("#job-status:text('running')")
    wait_for_newer_items(page)

    page.fill("#feed-filters input[name=q]", "commented")
    page.press("#feed-filters input[name=q]", "Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#feed li')].length > 0 && "
        "[...document.querySelectorAll('#feed li')].every(li => li.textContent.includes('commented'))"
    )
    page.click("#job-stop")
    page.wait_for_selector("#job-status:text('stopped')")
    row = page.locator(f"#jobs tbody tr[data-job='{job['id']}']")
    row.locator("text=stopped").wait_for()
    assert page.problems == []


def test_the_form_shows_errors_at_their_field(make_web, page):
    web = make_web()
    page.goto(web.url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#show-form")
    page.fill("#people tbody tr:nth-child(3) input[name=p-timezone]", "Mars/Olympus")
    page.click("#create-job")
    page.wait_for_selector("#form-error:text('Person 3 time zone: ')")
    zone = page.get_by_label("Person 3 time zone")
    assert "invalid" in zone.get_attribute("class")
    # Screen readers hear it too: the field is marked invalid and described by the message.
    assert zone.get_attribute("aria-invalid") == "true"
    assert zone.get_attribute("aria-describedby") == "field-error"
    assert "'Mars/Olympus' is not a known time zone" in page.text_content("#field-error")
    assert (
        page.evaluate("document.activeElement.getAttribute('aria-label')") == "Person 3 time zone"
    )
    zone.fill("Europe/Berlin")
    page.select_option("#job-form select[name=mode]", "backfill")
    page.click("#create-job")
    target = page.locator("#job-form select[name=target]")
    page.wait_for_selector("#job-form select[name=target].invalid")
    assert target.get_attribute("aria-invalid") == "true"
    assert zone.get_attribute("aria-invalid") is None  # cleared when the form was sent again
    assert zone.get_attribute("aria-describedby") is None
    assert web.ok("GET", "/jobs") == []
    # The failed requests show as console errors ("Failed to load resource: 422"); nothing else.
    assert all("422" in p for p in page.problems), page.problems
