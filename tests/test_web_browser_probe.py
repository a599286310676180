"""What probing the dashboard as a user found, in a real headless Chromium: removing a person
or cancelling the form with the keyboard keeps the focus where the user was; a job that ends
while its page is open stops promising live activity; a server that stops answering is said in
plain words."""

from __future__ import annotations

import pytest

from tests import test_web_browser as shared
from tests.test_web import FAST

# Slow (four pages, one stopping its server: ~11 s): `make test-slow` runs it, and CI.
pytestmark = pytest.mark.slow

# The browser suite's fixtures: one Chromium per module, a fresh page and servers per test.
browser, page, make_web = shared.browser, shared.page, shared.make_web


def open_dashboard(page, web, hash_: str = "") -> None:
    page.goto(f"{web.url}/{hash_}")
    page.wait_for_selector("body[data-ready='1']")


def focused_name(page) -> str:
    return page.evaluate(
        "document.activeElement.getAttribute('aria-label') || document.activeElement.id"
    )


def test_removing_a_person_with_the_keyboard_keeps_the_focus_in_the_table(make_web, page):
    open_dashboard(page, make_web())
    page.click("#show-form")
    rows = page.locator("#people tr.person")
    count = rows.count()
    assert count >= 2
    page.get_by_role("button", name="Remove person 2", exact=True).focus()
    page.keyboard.press("Enter")
    assert rows.count() == count - 1
    assert focused_name(page) == "Remove person 2"  # the next row's, renumbered
    page.get_by_role("button", name=f"Remove person {count - 1}", exact=True).focus()
    page.keyboard.press("Enter")  # the last row: the one before it
    assert focused_name(page) == f"Remove person {count - 2}"
    while rows.count() > 1:
        page.get_by_role("button", name="Remove person 1", exact=True).click()
    page.get_by_role("button", name="Remove person 1", exact=True).focus()
    page.keyboard.press("Enter")  # the only row: "Add person"
    assert rows.count() == 0 and focused_name(page) == "add-person"
    assert page.problems == []


def test_cancelling_the_form_with_the_keyboard_returns_to_the_new_job_button(make_web, page):
    open_dashboard(page, make_web())
    page.focus("#show-form")
    page.keyboard.press("Enter")
    page.wait_for_selector("#form-section:not([hidden])")
    assert page.evaluate("document.activeElement.name") == "name"  # the form's first field
    page.focus("#cancel-form")
    page.keyboard.press("Enter")
    assert page.locator("#form-section").is_hidden()
    assert focused_name(page) == "show-form"  # not lost to the top of the page
    assert page.problems == []


def test_a_job_that_ends_while_its_page_is_open_stops_saying_live(make_web, page):
    web = make_web()
    job = web.create(name="Short", scenario={"days": 1, "seed": 5}, speed=FAST)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#job-status:text('completed')", timeout=60_000)
    page.wait_for_selector("#feed-live:text('job ended: no new activity will come')")
    assert "● live" not in page.inner_text("#feed-live")
    assert page.problems == []


def test_a_server_that_stops_answering_is_said_in_plain_words(make_web, page):
    web = make_web()
    open_dashboard(page, web)
    status = page.locator("#server-status")
    assert status.get_attribute("role") == "status"  # read out when it changes
    web.stop()
    status.get_by_text("The server does not answer").wait_for()
    assert "Failed to fetch" not in status.inner_text()
    # The browser logs each refused request; nothing else goes wrong.
    assert all("ERR_CONNECTION_REFUSED" in p for p in page.problems), page.problems
