"""What using the dashboard as a user would, in a real headless Chromium, found: a token pasted
into a text field is refused at that field and kept nowhere; a number the browser cannot read is
said at its field rather than replaced by the default; a slow server gets one job per "Create"
and one request per job action however often they are clicked, with the buttons showing it;
the people table keeps usable controls on a phone; a chart of more than a year says the year."""

from __future__ import annotations

import pytest

from tests import test_web_browser as shared
from tests.test_web import FAST, wait_for

# In `make test-slow` (CI runs it): tests/test_web_browser.py keeps the dashboard's core
# path in `make test`, which these would push past its 5 minutes on 2 cores.
pytestmark = pytest.mark.slow

# The browser suite's fixtures: one Chromium per module, a fresh page and servers per test.
browser, page, make_web = shared.browser, shared.page, shared.make_web

# Shaped like an Asana personal access token (not a real one).
PASTED = "2/1204567890123456/1209876543210987:" + "0a1b2c3d4e5f6071" * 2


def open_form(page, web) -> None:
    page.goto(web.url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#show-form")


def test_a_token_pasted_into_a_text_field_is_refused_there_and_kept_nowhere(make_web, page):
    web = make_web()
    open_form(page, web)
    page.fill("#job-form input[name=name]", PASTED)
    page.click("#create-job")
    page.wait_for_selector("#job-form input[name=name][aria-invalid=true]")
    said = page.text_content("#form-error")
    assert said.startswith("Name: the value is not shown: it looks like a token"), said
    assert "tokens file" in page.text_content("#field-error")
    assert PASTED[:12] not in page.content()
    assert web.ok("GET", "/jobs") == []
    # Through the API too, wherever the text goes: refused naming the field, never echoed,
    # and nothing is written under the data folder.
    for field, spec in [
        ("target.workspace", {"target": {"kind": "none", "workspace": PASTED}}),
        ("scenario.people[0].name", {"scenario": {"people": [{"name": f"Ann {PASTED}"}]}}),
        ("scenario_file", {"scenario_file": PASTED}),
    ]:
        response = web.call("POST", "/jobs", json={"start": False, **spec})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"] == field
        assert PASTED[:12] not in response.text
    assert web.ok("GET", "/jobs") == []
    stored = [p for p in web.data_dir.rglob("*") if p.is_file()] if web.data_dir.exists() else []
    assert not any(PASTED[:12] in p.read_text(errors="replace") for p in stored)
    # Ordinary text that merely has a slash, digits and a colon is still a name.
    job = web.create(name="Q1/2026: plan 3/2026:kickoff", start=False)
    assert job["name"] == "Q1/2026: plan 3/2026:kickoff"
    assert all("422" in p for p in page.problems), page.problems


def test_a_number_the_browser_cannot_read_is_said_at_its_field_not_replaced(make_web, page):
    web = make_web()
    open_form(page, web)
    comments = page.locator("#job-form input[name=comments]")
    comments.fill("")
    comments.press_sequentially("1e400")  # beyond a double: the browser's value is ""
    assert page.evaluate("document.querySelector('#job-form [name=comments]').validity.badInput")
    page.click("#create-job")
    page.wait_for_selector("#job-form input[name=comments][aria-invalid=true]")
    assert page.text_content("#form-error") == (
        "Comments per task per day: cannot be read as a number; expected one such as 0.9"
    )
    assert comments.get_attribute("aria-describedby") == "field-error"
    assert page.evaluate("document.activeElement.name") == "comments"
    page.wait_for_timeout(300)
    assert web.ok("GET", "/jobs") == []  # nothing was sent with the default in its place
    comments.fill("0.5")
    page.click("#create-job")
    page.wait_for_selector("#job-section:not([hidden])")
    [job] = web.ok("GET", "/jobs")
    assert job["spec"]["scenario"]["work"]["comments_per_task_per_day"] == 0.5
    assert page.problems == []


def hold(page, pattern: str, method: str) -> list:
    """Hold back the browser's `method` requests to `pattern` (a slow server) until released."""
    held: list = []

    def handle(route):
        if route.request.method == method:
            held.append(route)
        else:
            route.continue_()

    page.route(pattern, handle)
    return held


def held_by(page, held: list, what: str) -> None:
    """Wait until `held` holds a request. The route's handler runs only while Playwright works
    (a page call), so the wait is the page's own, not a sleep (which would never see it)."""
    for _ in range(400):
        if held:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"gave up waiting for {what}")


def test_a_slow_server_gets_one_job_however_often_create_is_pressed(make_web, page):
    web = make_web()
    open_form(page, web)
    page.select_option("#job-form select[name=speed]", "86400")
    held = hold(page, "**/api/jobs", "POST")
    button = page.locator("#create-job")
    button.click()
    held_by(page, held, "the first request")
    assert button.get_attribute("aria-disabled") == "true"
    assert button.text_content() == "Creating…"
    button.click(force=True)  # aria-disabled: a user can still click it, and nothing happens
    page.keyboard.press("Enter")  # the focus is still on the button: nothing lost it
    page.fill("#job-form input[name=name]", "typed meanwhile")
    page.press("#job-form input[name=name]", "Enter")
    page.wait_for_timeout(400)
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_selector("#job-section:not([hidden])")
    assert len(web.ok("GET", "/jobs")) == 1
    assert button.get_attribute("aria-disabled") is None
    assert button.text_content() == "Create and start"
    assert page.problems == []


def test_a_double_click_on_a_job_action_sends_it_once(make_web, page):
    web = make_web()
    job = web.create(name="Clicked twice", scenario={"days": 60}, speed=FAST // 2)
    page.goto(f"{web.url}/#job={job['id']}")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("#job-status:text('running')")
    held = hold(page, f"**/api/jobs/{job['id']}/*", "POST")
    page.dblclick("#job-pause")
    held_by(page, held, "the pause")
    page.wait_for_timeout(300)
    assert len(held) == 1
    pause = page.locator("#job-pause")
    assert pause.get_attribute("aria-busy") == "true"
    assert page.locator("#job-actions button[aria-disabled=true]").count() == 5
    row = page.locator(f"#jobs tbody tr[data-job='{job['id']}']")
    assert row.locator("button[aria-disabled=true]").count() == 5  # its row too
    row.get_by_role("button", name="Stop Clicked twice").click(force=True)
    page.wait_for_timeout(300)
    assert len(held) == 1  # no other action while one is under way
    held[0].continue_()
    page.wait_for_selector("#job-status:text('paused')")
    assert page.locator("#job-actions button[aria-disabled]").count() == 0
    assert page.locator("#job-alert").is_hidden()  # no "Could not pause …: it is paused"
    assert page.text_content("#jobs-error") == ""
    # From the job list: a delete under way asks no second time and sends no second request.
    deleting = hold(page, f"**/api/jobs/{job['id']}?*", "DELETE")
    delete = row.get_by_role("button", name="Delete Clicked twice")
    delete.click()
    page.click("#delete-dialog button[value=keep]")
    held_by(page, deleting, "the delete")
    delete.click(force=True)
    assert not page.evaluate("document.getElementById('delete-dialog').open")
    assert len(deleting) == 1
    deleting[0].continue_()
    wait_for(lambda: web.ok("GET", "/jobs") == [], what="the job to go")
    row.wait_for(state="detached")
    assert page.problems == []


def test_the_people_table_keeps_usable_controls_on_a_phone(make_web, browser):
    web = make_web()
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        open_form(page, web)
        # Every column, the tokens' too (shown for an asana target only).
        page.select_option("#job-form select[name=target]", "asana")
        widths = page.evaluate(
            "[...document.querySelectorAll('#people tr.person:first-child input,"
            " #people tr.person:first-child select')]"
            ".map(e => [e.getAttribute('aria-label'), e.getBoundingClientRect().width])"
        )
        narrow = [(name, width) for name, width in widths if width < 100]
        assert not narrow, narrow  # a time zone squeezed to its arrow, a name to four letters
        frame = page.evaluate(
            "(() => { const f = document.querySelector('#people').parentElement;"
            " return [f.scrollWidth > f.clientWidth, document.documentElement.scrollWidth,"
            " innerWidth]; })()"
        )
        assert frame == [True, 375, 375]  # the table scrolls in its frame, not the page
    finally:
        context.close()


def test_a_days_chart_of_more_than_a_year_says_the_year(make_web, page):
    web = make_web()
    page.goto(web.url + "/")
    page.wait_for_selector("body[data-ready='1']")

    def labels(first: str, days: int) -> list[str]:
        return page.evaluate(
            """async ([first, days]) => {
                const { perDay, calendarDays } = await import('/static/charts.js');
                const last = new Date(Date.parse(first) + (days - 1) * 86400000)
                  .toISOString().slice(0, 10);
                const rows = calendarDays(first, last)
                  .map((day) => ({ day, type: 'TaskCreated', events: 3 }));
                const box = document.createElement('div');
                perDay(box, rows, ['TaskCreated']);
                return [...box.querySelectorAll('svg text')].slice(1).map((t) => t.textContent);
            }""",
            [first, days],
        )

    two_years = labels("2026-01-05", 730)
    assert len(two_years) == len(set(two_years)), two_years  # no "01-05" twice
    assert two_years[0] == "2026-01" and two_years[-1].startswith("2027-"), two_years
    assert labels("2026-01-05", 1) == ["01-05"]
    assert labels("2026-01-05", 30)[:2] == ["01-05", "01-08"]
    assert page.problems == []


def test_an_error_about_the_people_as_a_whole_shows_at_the_people_table(make_web, page):
    web = make_web()
    open_form(page, web)
    while page.locator("#people tr.person").count():
        page.locator("#people .p-remove").first.click()
    page.click("#create-job")
    page.wait_for_selector("#add-person.invalid")
    said = page.text_content("#form-error")
    assert said.startswith("People: [] lists no one; expected at least one person"), said
    add = page.locator("#add-person")
    assert add.get_attribute("aria-describedby") == "field-error"
    assert "lists no one" in page.text_content("#field-error")
    assert page.evaluate("document.activeElement.id") == "add-person"
    add.click()  # a person again: the next try clears the mark
    page.fill("#people tr.person input[name=p-name]", "Mia Manager")
    page.select_option("#people tr.person select[name=p-role]", "manager")
    page.select_option("#job-form select[name=speed]", "86400")
    page.click("#create-job")
    page.wait_for_selector("#job-section:not([hidden])")
    assert add.get_attribute("aria-describedby") is None
    assert all("422" in p for p in page.problems), page.problems
