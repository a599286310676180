"""Where a --forever live run (or a continuous web job for ever) ends: on the last day it can
simulate. At the fastest speed a run started today passes 2100, the last year whose holidays
the holidays package knows (it then knows none: every holiday would be a workday), in about 40
minutes, and reaches the year 9999, where dates end (OverflowError), in about 3 days."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest

from adapters.web.span import run_span
from engine.calendar import origin_of
from engine.content.templates import TemplateSource
from engine.live import live_horizon, prepare_live, run_live
from engine.live_plan import forever_last_day
from engine.log import FileLog
from engine.run import read_manifest
from engine.scenario import Person, default_scenario, resolve
from engine.scenario_checks import LAST_DAY

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def _local_end(manifest, sim_seconds: float) -> datetime:
    """The moment `sim_seconds` into the run, as local time in the scenario's zone (naive)."""
    at = origin_of(manifest.scenario) + timedelta(seconds=sim_seconds)
    return at.astimezone(ZoneInfo(manifest.scenario.timezone)).replace(tzinfo=None)


def test_a_forever_run_ends_with_the_holidays_it_knows(tmp_path):
    run_dir = tmp_path / "live"
    manifest, state, _ = prepare_live(run_dir, resolve(default_scenario()), TemplateSource(),
                                      days=None, forever=True, speed=1.0, now=NOW)  # fmt: skip
    last, why = forever_last_day(manifest.scenario)
    assert last == date(2100, 12, 31) and "holidays package knows for US" in why
    end = live_horizon(manifest.scenario, state)
    assert _local_end(manifest, end) == datetime(2101, 1, 1)  # local midnight after 2100
    # A continuous web job for ever ends there too (its span is planned the same way).
    assert run_span(run_dir, manifest, forever=True).end == end


def test_without_a_country_a_forever_run_ends_on_the_last_day_busywork_simulates():
    scenario = resolve(msgspec.structs.replace(default_scenario(), holidays=msgspec.structs.replace(
        default_scenario().holidays, country="")))  # fmt: skip
    assert forever_last_day(scenario)[0] == LAST_DAY


@pytest.mark.slow
def test_a_forever_run_that_reaches_its_last_day_is_complete(tmp_path):
    """Two people from 2090 (a forever run must start ten years before the holidays end):
    resumed a day before 2101, it re-simulates the years before flat out, then runs its last
    day on the clock and ends, complete, with no event after 2100."""
    people = [Person(name="Ada Lovelace", role="manager", team="Core"),
              Person(name="Alan Turing", team="Core")]  # fmt: skip
    scenario = resolve(msgspec.structs.replace(default_scenario(), people=people))
    run_dir = tmp_path / "live"
    start = datetime(2090, 1, 2, 18, 0, tzinfo=UTC)
    manifest, state, _ = prepare_live(run_dir, scenario, TemplateSource(), days=None,
                                      forever=True, speed=1e6, now=start)  # fmt: skip
    end = live_horizon(manifest.scenario, state)
    state.anchor_sim = end - 86400  # as if stopped a day before the end and resumed at once
    stop = threading.Event()
    timer = threading.Timer(40.0, stop.set)  # without an end, it would run until stopped
    timer.start()
    try:
        run_live(run_dir, manifest, state, TemplateSource(), stop=stop)
    finally:
        timer.cancel()
    assert not stop.is_set() and read_manifest(run_dir).status == "complete"
    last = FileLog.open_readonly(run_dir)
    stamps = [e.at for e in last.read(max(1, last.last_seq - 50))]
    assert stamps and stamps[-1] < origin_of(manifest.scenario) + timedelta(seconds=end)
    assert _local_end(manifest, 0) < datetime(2101, 1, 1) and stamps[-1].year == 2100
