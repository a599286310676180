"""``busywork live`` and the web's continuous jobs decide alike whether a run's world goes past
its scenario's last day: one rule, `engine.live.runs_past_last_day`. A run planned at local
midnight ends exactly on its scenario's horizon (`until_sim` equals it): the web once kept that
world bounded where live did not."""

from __future__ import annotations

import math
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import engine.live as live
from adapters.web.sim import SteppedSim
from engine.content.templates import TemplateSource
from engine.scenario import default_scenario

DAY = 86400.0


def _plan(tmp_path, *, hour: int, forever: bool = False):
    scenario = default_scenario()
    local = datetime(2026, 3, 2, hour, 0, tzinfo=ZoneInfo(scenario.timezone))  # no DST near
    run_dir = tmp_path / "run"
    manifest, state, _ = live.prepare_live(run_dir, scenario, TemplateSource(), days=2,
                                           forever=forever, speed=1.0, now=local)  # fmt: skip
    return run_dir, manifest, state


@pytest.mark.parametrize(("hour", "forever"), [(0, False), (10, False), (10, True)])
def test_the_web_world_is_bounded_as_live_says(tmp_path, hour, forever):
    run_dir, manifest, state = _plan(tmp_path, hour=hour, forever=forever)
    if hour == 0 and not forever:
        assert state.until_sim == manifest.scenario.days * DAY  # on the horizon, not past it
    assert live.runs_past_last_day(state)
    sim = SteppedSim(run_dir, manifest, forever=False)
    try:
        assert sim.world.horizon == math.inf
    finally:
        sim.close()


def test_a_plain_run_keeps_its_scenario_horizon(tmp_path):
    from engine.run import create_run

    scenario = default_scenario()
    run_dir = tmp_path / "plain"
    manifest = create_run(run_dir, scenario, TemplateSource())
    assert not live.runs_past_last_day(live.load_state(run_dir))
    sim = SteppedSim(run_dir, manifest, forever=False)
    try:
        assert sim.world.horizon == manifest.scenario.days * DAY
    finally:
        sim.close()


def test_live_and_the_web_both_ask_the_one_rule(tmp_path, monkeypatch):
    asked: list[str] = []
    rule = live.runs_past_last_day

    def spy(state):
        asked.append(threading.current_thread().name)
        return rule(state)

    monkeypatch.setattr(live, "runs_past_last_day", spy)
    run_dir, manifest, state = _plan(tmp_path, hour=10)
    SteppedSim(run_dir, manifest, forever=False).close()
    assert len(asked) == 1
    stop = threading.Event()
    stop.set()  # stops at once: only the world's making is looked at
    live.run_live(run_dir, manifest, state, TemplateSource(), stop=stop)
    assert len(asked) == 2
