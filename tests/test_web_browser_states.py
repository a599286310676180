"""The dashboard's harder states, in a real headless Chromium: deleting (with a way back),
keyboard focus across the job list's refreshes, accessible names, a job deleted elsewhere, an
unknown, pending or failed job, an empty filter result, charts, replay progress."""

from __future__ import annotations

import json
import os
import re
from datetime import date

import pytest

from tests import test_web_browser as shared
from tests.test_web import FAST, wait_for

# In `make test-slow` (CI runs it): tests/test_web_browser.py keeps the dashboard's core
# path in `make test`, which these would push past its 5 minutes on 2 cores.
pytestmark = pytest.mark.slow

# The browser suite's fixtures: one Chromium per module, a fresh page and servers per test.
browser, page, make_web = shared.browser, shared.page, shared.make_web

# A job that stays "running" for the length of a test: 60 simulated days at 1.5 days a second.
SLOW = FAST * 3 // 4


def shot(page, name: str) -> None:
    """A full-page screenshot to look at, when BUSYWORK_SCREENSHOTS names a folder."""
    folder = os.environ.get("BUSYWORK_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/dash_{name}.png", full_page=True)


def open_dashboard(page, web, hash_: str = "") -> None:
    page.goto(f"{web.url}/{hash_}")
    page.wait_for_selector("body[data-ready='1']")


def not_found_only(problems: list[str]) -> bool:
    """Loading a deleted or unknown job logs 404s ("Failed to load resource"); nothing else."""
    return all("404" in p for p in problems)


def finished_job(web, **spec) -> dict:
    job = web.create(name="Done", scenario={"days": 2, "seed": 3}, speed="max", **spec)
    return wait_for(lambda: (v := web.ok("GET", f"/jobs/{job['id']}"))["status"] == "completed"
                    and v, what="the job to complete")  # fmt: skip


def restarted(make_web, data, job_id: str, **changes):
    """Stop the server, change the job's saved state, start a new server on the same data."""
    path = data / job_id / "job.json"
    state = json.loads(path.read_text())
    for key, value in changes.items():
        target = state
        *parents, last = key.split(".")
        for parent in parents:
            target = target[parent]
        target[last] = value
    path.write_text(json.dumps(state))
    return make_web(data_dir=data)


# -- deleting ------------------------------------------------------------------------------------


def test_delete_can_be_cancelled_and_asks_about_the_run_folder(make_web, page):
    web = make_web()
    keep = web.create(name="Keep folder", scenario={"days": 5}, start=False)
    drop = web.create(name="Drop folder", scenario={"days": 60}, speed=SLOW)
    deletes: list[str] = []
    page.on("request", lambda r: deletes.append(r.url) if r.method == "DELETE" else None)
    open_dashboard(page, web)
    dialog = page.locator("#delete-dialog")

    def ask(job: dict) -> None:
        page.locator(f"#jobs tr[data-job='{job['id']}'] button[data-action=delete]").click()
        dialog.wait_for(state="visible")

    def next_poll() -> None:  # the list asks again at most 2 s later; no DELETE went before it
        with page.expect_request(lambda r: r.url.endswith("/api/jobs"), timeout=5000):
            pass

    ask(drop)
    assert dialog.locator("#delete-question").inner_text() == (
        "Delete job “Drop folder”? It is stopped first."
    )
    shot(page, "delete_dialog")
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="hidden")
    ask(keep)
    assert "stopped first" not in dialog.inner_text()  # it is not running
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    next_poll()
    assert deletes == []
    assert {j["id"] for j in web.ok("GET", "/jobs")} == {keep["id"], drop["id"]}

    ask(keep)
    dialog.get_by_role("button", name="Delete job, keep its run folder").click()
    page.locator(f"#jobs tr[data-job='{keep['id']}']").wait_for(state="detached")
    assert web.call("GET", f"/jobs/{keep['id']}").status_code == 404
    assert (web.data_dir / keep["id"] / "manifest.json").is_file()

    ask(drop)
    dialog.get_by_role("button", name="Delete job and its run folder").click()
    page.locator(f"#jobs tr[data-job='{drop['id']}']").wait_for(state="detached")
    assert web.ok("GET", "/jobs") == [] and not (web.data_dir / drop["id"]).exists()
    assert page.locator("#no-jobs").is_visible()
    assert (
        len(deletes) == 2 and "remove_run=false" in deletes[0] and "remove_run=true" in deletes[1]
    )
    assert page.problems == []


# -- the job list keeps focus ------------------------------------------------------------------


def test_the_job_list_keeps_keyboard_focus_across_refreshes(make_web, page):
    web = make_web()
    job = web.create(name="Focus team", scenario={"days": 60}, speed=SLOW)
    open_dashboard(page, web)
    row = page.locator(f"#jobs tr[data-job='{job['id']}']")
    row.locator("a.job-link").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Pause"
    page.evaluate("window.focusedBefore = document.activeElement")
    uptime = row.locator("td.col-uptime").inner_text()
    page.wait_for_function(  # the next refresh (every 2 s) shows a new uptime
        f"() => document.querySelector(\"tr[data-job='{job['id']}'] td.col-uptime\")"
        f".textContent !== {json.dumps(uptime)}"
    )
    assert page.evaluate("document.activeElement === window.focusedBefore")
    page.keyboard.press("Enter")  # Pause: the button goes, focus moves to Resume in its place
    row.locator(".status.paused").wait_for()
    assert web.ok("GET", f"/jobs/{job['id']}")["status"] == "paused"
    assert page.evaluate("document.activeElement.textContent") == "Resume"
    page.keyboard.press("Enter")
    row.locator(".status.running").wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Pause"
    assert page.problems == []


# -- accessibility -------------------------------------------------------------------------------

UNNAMED = re.compile(
    r"^\s*- (textbox|searchbox|combobox|spinbutton|slider|checkbox|button|link|img|progressbar)"
    r"(?! \")",
    re.M,
)


def test_every_control_and_chart_has_an_accessible_name(make_web, page):
    web = make_web()
    job = finished_job(web)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#chart-people svg")
    page.click("#show-form")  # the form and the job page at once
    snapshot = page.locator("body").aria_snapshot()
    assert UNNAMED.findall(snapshot) == [], snapshot
    assert page.get_by_label("Person 3 time zone").get_attribute("name") == "p-timezone"
    assert page.get_by_label("Person 1 name").input_value() != ""
    filters = page.locator("#feed-filters")
    for role, label, name in [("combobox", "Type", "type"), ("combobox", "Person", "person"),
                              ("textbox", "Project", "project"), ("searchbox", "Search", "q")]:  # fmt: skip
        field = filters.get_by_role(role, name=label, exact=True)
        assert field.get_attribute("name") == name
    charts = page.locator("#job-section").get_by_role("img")
    assert charts.count() == 3
    names = [c.get_attribute("aria-label") for c in charts.all()]
    assert names[0].startswith("Events by weekday and hour") and "busiest" in names[0]
    assert names[1].startswith("Events per day by type: 2 days")
    assert "Alice Chen" in names[2]
    page.click("#people tbody tr:nth-child(2) .p-remove")  # rows are renumbered
    assert page.get_by_label("Person 11 name").count() == 1
    assert page.get_by_label("Person 12 name").count() == 0
    assert page.problems == []


def test_the_days_chart_keeps_days_without_events_and_no_two_types_share_a_colour(make_web, page):
    web = make_web()
    # Two weeks from a Monday: weekends (and days without events) fall inside the range.
    job = web.create(name="Weeks", scenario={"days": 14, "seed": 3, "start": "2026-01-05"},
                     speed="max")  # fmt: skip
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["status"] == "completed",
             what="the job to complete")  # fmt: skip
    rows = web.ok("GET", f"/jobs/{job['id']}/stats")["day_type"]
    seen = sorted({r["day"] for r in rows})
    first, last = date(2026, 1, 5), date(2026, 1, 18)  # the run's days, its last weekend too
    span = (last - first).days + 1
    assert span > len(seen) and seen[-1] < str(last), seen  # some days in it had no events
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#chart-days svg rect.bar")
    name = page.locator("#chart-days svg").get_attribute("aria-label")
    assert name.startswith(f"Events per day by type: {span} days from {first} to {last};"), name
    colours = page.eval_on_selector_all(
        "#chart-days .legend i", "items => items.map(i => getComputedStyle(i).backgroundColor)"
    )
    assert len(colours) == len({r["type"] for r in rows}) > 16, colours  # past the palette
    assert len(set(colours)) == len(colours), colours
    assert page.problems == []


# -- the job page's states -----------------------------------------------------------------------


def test_a_job_deleted_elsewhere_says_so_and_disables_its_controls(make_web, page):
    web = make_web()
    job = web.create(name="Soon gone", scenario={"days": 60}, speed=SLOW)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#feed-live:text('live')")
    web.ok("DELETE", f"/jobs/{job['id']}")  # another tab, another client
    alert = page.locator("#job-alert")
    alert.get_by_text("This job was deleted").wait_for()
    assert alert.get_attribute("role") == "alert"
    for action in ["start", "pause", "resume", "stop", "delete"]:
        assert page.locator(f"#job-{action}").is_disabled()
    assert page.locator("#job-status").inner_text() == "deleted"
    assert "reconnecting" not in page.locator("#feed-live").inner_text()
    shot(page, "deleted")
    assert not_found_only(page.problems), page.problems


def test_an_unknown_job_says_so_and_offers_no_controls(make_web, page):
    web = make_web()
    open_dashboard(page, web, "#job=no-such-job")
    page.locator("#job-alert").get_by_text("There is no job “no-such-job”").wait_for()
    assert page.locator("#job-title").inner_text() == "No such job"
    assert not page.locator("#job-actions").is_visible()
    assert not page.locator("#job-body").is_visible()
    page.locator("#job-alert a").click()  # back to the list
    page.locator("#job-section").wait_for(state="hidden")
    assert not_found_only(page.problems), page.problems


def test_an_unavailable_button_looks_unavailable_whatever_its_kind(make_web, page):
    # A disabled primary button (Resume) once kept the accent colour, faded to pink: it read as
    # a warning, and differently from a disabled secondary one (Pause, Stop).
    web = make_web()
    job = finished_job(web)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#job-status:text('completed')")
    look = "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.opacity]; }"
    looks = {a: page.eval_on_selector(f"#job-{a}", look) for a in ("pause", "resume", "stop")}
    assert all(page.locator(f"#job-{a}").is_disabled() for a in looks)
    assert len({tuple(v) for v in looks.values()}) == 1, looks
    accent = page.eval_on_selector("#show-form", look)[0]  # an enabled primary button
    assert looks["resume"][0] != accent, looks
    assert page.locator("#job-delete").is_enabled()
    shot(page, "completed")
    assert page.problems == []


def test_a_pending_job_starts_from_its_page(make_web, page):
    web = make_web()
    job = web.create(name="Later", scenario={"days": 60}, speed=SLOW, start=False)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#job-status:text('pending')")
    assert page.locator("#job-start").is_enabled() and page.locator("#job-pause").is_disabled()
    shot(page, "pending")
    page.click("#job-start")
    page.wait_for_selector("#job-status:text('running')")
    assert web.ok("GET", f"/jobs/{job['id']}")["status"] == "running"
    assert not page.locator("#job-start").is_visible()
    assert page.locator("#job-pause").is_enabled()
    assert page.problems == []


def test_a_failed_job_shows_its_error_first(make_web, page, tmp_path):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    job = first.create(name="Doomed", scenario={"days": 5}, speed=FAST, start=False)
    first.stop()
    # Saved as running at a speed an older server accepted: it fails when this server resumes it.
    web = restarted(make_web, data, job["id"], status="running", **{"spec.speed": 1e-6})
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["status"] == "failed")
    open_dashboard(page, web, f"#job={job['id']}")
    alert = page.locator("#job-alert")
    alert.get_by_text("This job failed: speed: 1e-06").wait_for()
    summary = page.locator("#job-summary")
    assert alert.bounding_box()["y"] < summary.bounding_box()["y"]
    assert summary.inner_text() == "0 events · up 0s"  # no "simulated now", no "% of the days"
    assert not page.locator("#sim-meter").is_visible()
    assert all(page.locator(f"#job-{a}").is_disabled() for a in ["pause", "resume", "stop"])
    shot(page, "failed")
    assert page.problems == []


def test_warnings_show_at_the_top_of_the_job_page(make_web, page, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    web = make_web()
    job = web.create(name="Templated", scenario={"days": 5, "content": "anthropic"}, start=False)
    assert job["warnings"], job
    open_dashboard(page, web, f"#job={job['id']}")
    box = page.locator("#job-warnings")
    box.get_by_text("text from templates, not Claude").wait_for()
    assert box.bounding_box()["y"] < page.locator("#job-summary").bounding_box()["y"]
    assert page.problems == []


# -- feed and charts -----------------------------------------------------------------------------


def test_an_empty_filter_result_says_so(make_web, page):
    web = make_web()
    job = finished_job(web)
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#feed li")
    assert "name or an email" in page.locator("#feed-hint").inner_text()
    page.fill("#feed-filters input[name=person]", "nobody of that name")
    page.press("#feed-filters input[name=person]", "Enter")
    page.locator("#feed-empty").get_by_text("No activity matches these filters.").wait_for()
    assert page.locator("#feed li").count() == 0
    shot(page, "empty_filter")
    page.click("#feed-filters button[type=reset]")
    page.wait_for_selector("#feed li")
    assert not page.locator("#feed-empty").is_visible()
    assert page.problems == []


def test_charts_load_when_the_job_file_counts_no_events_but_the_log_has_some(
    make_web, page, tmp_path
):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    job = finished_job(first)
    first.stop()
    web = restarted(make_web, data, job["id"], events=0)
    assert web.ok("GET", f"/jobs/{job['id']}")["events"] == 0
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#chart-heatmap svg rect.cell")
    page.wait_for_selector("#chart-people svg rect.bar")
    assert page.problems == []


# -- replay progress -----------------------------------------------------------------------------


def test_replay_share_prefers_the_servers_figure(make_web, page):
    web = make_web()
    open_dashboard(page, web)
    shares = page.evaluate("""async () => {
        const { replayShare } = await import("/static/jobpage.js");
        const replay = { applied: 50, failed: 1, skipped: 3, parked: 6 };
        return [replayShare({ events: 200, replay }), replayShare({ events: 0, replay }),
                replayShare({ events: 200, replay, replay_progress: 0.9 })];
    }""")
    assert shares == [0.3, 0, 0.9]


def test_replay_text_counts_what_the_bar_shows(make_web, page):
    """After a restart the checkpoint's events are settled though this server applied none of
    them: the text says as many events as the bar's share."""
    web = make_web()
    open_dashboard(page, web)
    done = page.evaluate("""async () => {
        const { replayDone } = await import("/static/jobpage.js");
        const replay = { applied: 1047, failed: 0, skipped: 0, parked: 0, settled: 1111 };
        return [replayDone({ events: 1111, replay, replay_progress: 1.0 }),
                replayDone({ events: 1111, replay: { ...replay, parked: 6 } })];
    }""")
    assert done == [1111, 1053]


def test_a_backfill_shows_replay_progress_and_counts(make_web, page):
    web = make_web()
    job = web.create(name="Backfill", mode="backfill", scenario={"days": 3, "seed": 5},
                     speed="max", target={"kind": "sandbox"})  # fmt: skip
    open_dashboard(page, web, f"#job={job['id']}")
    page.wait_for_selector("#replay-meter:not([hidden])")
    page.wait_for_selector("#job-status:text('completed')", timeout=60_000)
    done = web.ok("GET", f"/jobs/{job['id']}")
    events, replay = done["events"], done["replay"]
    assert page.locator("#replay-text").inner_text() == f"100%: {events:,} of {events:,} events"
    assert (
        page.get_by_role("progressbar", name="Replay into the target").get_attribute("value") == "1"
    )
    counts = page.locator("#replay-counts")
    for key in ["applied", "failed", "skipped", "parked", "retries", "rate_limited"]:
        assert counts.locator(f"dd[data-count={key}]").inner_text() == f"{replay[key]:,}"
    assert counts.locator("dd[data-count=requests]").inner_text() == f"{replay['requests']:,}"
    assert page.locator("#job-summary a").get_attribute("href") == replay["browse_url"]
    shot(page, "backfill_done")
    assert page.problems == []
