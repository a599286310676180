"""The new-job form's errors, in a real headless Chromium: each one the server names a field of
shows next to that field, in the words of its label (not the API's field path), marks the
field invalid and describes it for screen readers; the next try clears it."""

from __future__ import annotations

import pytest

from tests import test_web_browser as shared

# In `make test-slow` (CI runs it): tests/test_web_browser.py keeps the dashboard's core
# path in `make test`, which these would push past its 5 minutes on 2 cores.
pytestmark = pytest.mark.slow

# The browser suite's fixtures: one Chromium per module, a fresh page and servers per test.
browser, page, make_web = shared.browser, shared.page, shared.make_web


def open_form(page, web) -> None:
    page.goto(web.url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#show-form")


def field_note(page, control) -> str:
    """The error shown next to `control`, which describes it (aria-describedby)."""
    described = control.get_attribute("aria-describedby")
    assert described, "the field is not described by its error"
    return page.text_content(f"#{described}")


@pytest.mark.parametrize(
    ("fill", "control", "label", "words"),
    [
        ({"input[name=name]": "x" * 300}, "input[name=name]", "Name", "too long"),
        (
            {
                "select[name=mode]": "backfill",
                "select[name=target]": "sandbox",
                "select[name=speed]": "max",
                "select[name=duration]": "forever",
            },
            "select[name=duration]",
            "Duration",
            "not forever",
        ),  # fmt: skip
        (
            {"input[name=blocked]": "2"},
            "input[name=blocked]",
            "Chance a task gets blocked per week",
            "2 is out of range; expected 0 to 1",
        ),  # fmt: skip
    ],
)
def test_an_error_shows_next_to_its_field_in_the_words_of_its_label(
    make_web, page, fill, control, label, words
):
    web = make_web()
    open_form(page, web)
    for selector, value in fill.items():
        full = f"#job-form {selector}"
        if selector.startswith("select"):
            page.select_option(full, value)
        else:
            page.fill(full, value)
    page.click("#create-job")
    page.wait_for_selector(".field-error")
    field = page.locator(f"#job-form {control}")
    assert field.get_attribute("aria-invalid") == "true"
    assert words in field_note(page, field)
    alert = page.text_content("#form-error")
    assert alert.startswith(f"{label}: ") and words in alert
    assert "scenario." not in alert.split(":")[0]  # the label, not the API's path
    assert page.evaluate("document.activeElement.name") == field.get_attribute("name")
    # Sent again (still wrong or not), the old error goes: one note at a time.
    page.click("#create-job")
    page.wait_for_selector(".field-error")
    assert page.locator(".field-error").count() == 1
    assert web.ok("GET", "/jobs") == []
    assert all("422" in p for p in page.problems), page.problems


@pytest.mark.parametrize("width", [1280, 1600, 700])
def test_add_person_is_a_button_below_the_people_table_at_any_width(make_web, browser, width):
    """The people fieldset lays its items out in a row: "Add person" once stood beside the table,
    stretched to the table's height, a red block as tall as twelve rows."""
    context = browser.new_context(viewport={"width": width, "height": 1000})
    try:
        page = context.new_page()
        open_form(page, make_web())
        add, cancel = page.locator("#add-person"), page.locator("#cancel-form")
        table = page.locator("#people").bounding_box()
        box = add.bounding_box()
        assert box["y"] >= table["y"] + table["height"], (box, table)
        assert box["height"] <= 1.5 * cancel.bounding_box()["height"], box
    finally:
        context.close()
