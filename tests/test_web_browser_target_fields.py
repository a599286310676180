"""The new-job form shows, in a real headless Chromium, only the target fields the chosen kind
takes (the server's `TAKES`, from /api/options): an asana target its URL, workspace, team,
tokens and plan, a sandbox its plan, a dry run's target none. The others are hidden and
disabled as the kind changes, and not sent, though filled in before."""

from __future__ import annotations

import pytest

from adapters.web.spec import TAKES
from tests import test_web_browser as shared

# In `make test-slow` (CI runs it): tests/test_web_browser.py keeps the dashboard's core
# path in `make test`, which these would push past its 5 minutes on 2 cores.
pytestmark = pytest.mark.slow

# The browser suite's fixtures: one Chromium per module, a fresh page and servers per test.
browser, page, make_web = shared.browser, shared.page, shared.make_web

CONTROLS = {
    "url": "#job-form input[name=url]",
    "workspace": "#job-form input[name=workspace]",
    "team": "#job-form input[name=team]",
    "plan": "#job-form select[name=plan]",
    "tokens": "#people tbody tr:first-child select[name=p-token]",
}
ALICE = "alice.chen@example.com"  # the default scenario's first person


def open_form(page, web) -> None:
    page.goto(web.url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#show-form")


def choose(page, kind: str) -> None:
    page.select_option("#job-form select[name=mode]", "dry_run" if kind == "none" else "backfill")
    page.select_option("#job-form select[name=target]", kind)


def shown(page) -> set[str]:
    return {field for field, control in CONTROLS.items() if page.locator(control).is_visible()}


def test_the_form_shows_only_the_fields_the_target_kind_takes(make_web, page):
    open_form(page, make_web())
    assert shown(page) == set(TAKES["none"])  # the form opens on a dry run, without a target
    for kind in ("asana", "sandbox", "none", "asana", "none"):
        choose(page, kind)
        assert shown(page) == set(TAKES[kind]), kind
        for field, control in CONTROLS.items():  # hidden ones are disabled: never sent
            assert page.locator(control).is_disabled() == (field not in TAKES[kind]), field
        token_column = page.locator("#people th[data-takes=tokens]")
        assert token_column.is_visible() == ("tokens" in TAKES[kind])
        legend = "People and their tokens" if "tokens" in TAKES[kind] else "People"
        assert page.locator("#job-form legend").nth(1).inner_text() == legend
    page.click("#add-person")  # a person added later follows the kind too
    assert not page.locator("#people tbody tr:last-child select[name=p-token]").is_visible()
    choose(page, "asana")
    assert page.locator("#people tbody tr:last-child select[name=p-token]").is_visible()
    assert page.problems == []


def sent_target(page) -> dict:
    with page.expect_request(lambda r: r.url.endswith("/api/jobs") and r.method == "POST") as sent:
        page.click("#create-job")
    return sent.value.post_data_json["target"]


def test_the_form_sends_only_the_fields_the_target_kind_takes(make_web, page, tmp_path):
    tokens = tmp_path / "tokens.toml"
    tokens.write_text(f'[people]\n"{ALICE}" = "token-of-alice"\n', encoding="utf-8")
    web = make_web(tokens_file=tokens)
    open_form(page, web)
    page.fill("#job-form input[name=days]", "1")
    choose(page, "asana")
    page.fill(CONTROLS["url"], " https://elsewhere.example/api/1.0 ")
    page.fill(CONTROLS["workspace"], "1201")
    page.fill(CONTROLS["team"], "1202")
    page.select_option(CONTROLS["plan"], "free")
    page.select_option(CONTROLS["tokens"], ALICE)
    assert sent_target(page) == {"kind": "asana", "url": "https://elsewhere.example/api/1.0",
                                 "workspace": "1201", "team": "1202", "tokens": {ALICE: ALICE},
                                 "plan": "free"}  # fmt: skip
    page.wait_for_selector("#job-form input[name=url].invalid")  # a URL the tokens may not go to

    choose(page, "none")  # what was filled in for asana stays behind
    assert sent_target(page) == {"kind": "none"}
    page.wait_for_selector("#form-section[hidden]", state="attached")
    page.click("#show-form")  # the form keeps its values
    choose(page, "sandbox")
    assert sent_target(page) == {"kind": "sandbox", "plan": "free"}
    page.wait_for_selector("#form-section[hidden]", state="attached")
    targets = sorted((job["spec"]["target"] for job in web.ok("GET", "/jobs")), key=len)
    assert targets == [{"kind": "none"}, {"kind": "sandbox", "plan": "free"}]
    assert all("422" in problem for problem in page.problems), page.problems
