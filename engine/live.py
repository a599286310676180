"""Live mode: simulate on the wall clock (``simpy.rt.RealtimeEnvironment``), appending each
event to the run's log as its time comes, so a replay can follow the log.

Resuming after a stop or a crash: the simulation is deterministic, so it is re-run from the
start at full speed (checking that every durable event comes out byte-identical, as
`engine.run.simulate_run` does), then switches to real time where it stopped. A stop longer
than `GAP_QUIET_SECONDS` of simulated time becomes a *quiet window* in ``live.json``: nobody
acts in it, every later re-simulation reproduces it, and people come back to a gap in the
story ("sorry for the delay"). A short stop is simply caught up.

Time mapping (``live.json``): simulated second ``anchor_sim`` happened at wall time
``anchor_wall``; at ``speed`` N, each wall second is N simulated seconds. A new live run
starts with the scenario's first day = today and a quiet window up to now, so at speed 1 the
simulated clock is the real clock.

A run of ``--days N`` ends at ``until_sim``: the same local time N days after it started, on
the day after its scenario's last (which keeps the N days asked, so every N a scenario allows
can run live). Its world therefore runs without the scenario's horizon, and ``until_sim`` ends
it.

Creating a live run, or planning its resumption, is `engine.live_plan`'s; this module runs it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from pathlib import Path

import simpy.rt

from engine import events as ev
from engine.calendar import end_of
from engine.content import ContentSource
from engine.errors import BusyworkError
from engine.live_plan import GAP_QUIET_SECONDS, check_not_complete, forever_end, prepare_live
from engine.live_state import LIVE, LiveState, load_state, save_state
from engine.log import FileLog
from engine.organisation import Organisation
from engine.run import Manifest, write_manifest
from engine.scenario import Scenario, resolve

# The live state (``live.json``) is kept by engine.live_state, and runs are planned by
# engine.live_plan; their names are this module's too.
__all__ = [
    "GAP_QUIET_SECONDS",
    "LIVE",
    "LiveState",
    "check_not_complete",
    "load_state",
    "prepare_live",
    "run_live",
    "runs_past_last_day",
]

CATCH_UP_FACTOR = 1e-9  # wall seconds per simulated second while re-simulating
STEP_WALL_SECONDS = 0.25  # how often the realtime loop looks at `stop`
HEARTBEAT_WALL_SECONDS = 2.0
CATCH_UP_STEP_SECONDS = 86400.0  # re-simulating the past looks at `stop` once a simulated day


class CatchUpEnvironment(simpy.rt.RealtimeEnvironment):
    """A realtime environment that can run flat out first and then switch to the wall clock
    (the stock one has no public way to change its factor and re-anchor)."""

    def __init__(self) -> None:
        super().__init__(initial_time=0, factor=CATCH_UP_FACTOR, strict=False)

    def go_realtime(self, factor: float) -> None:
        self._factor = factor
        self.env_start = self.now
        self.sync()


def runs_past_last_day(state: LiveState | None) -> bool:
    """Whether a live run's world runs without its scenario's horizon: a --forever run, and a
    run of --days N, which `until_sim` ends on the day after its scenario's last (see above).
    The one rule for ``busywork live`` and the web's continuous jobs: a world bounded in one
    and not in the other could simulate its last day differently. None: not a live run."""
    return state is not None and (state.forever or state.until_sim is not None)


def live_horizon(scenario: Scenario, state: LiveState) -> float:
    """Where a live run's simulation ends, in simulated seconds (`scenario` as its run planned
    it): at `until_sim` for a run of --days, on the last day it can simulate for one for ever."""
    if state.until_sim is not None:
        return state.until_sim
    return forever_end(scenario) if state.forever else end_of(scenario)


def run_live(
    run_dir: Path,
    manifest: Manifest,
    state: LiveState,
    content: ContentSource,
    *,
    stop: threading.Event,
    on_caught_up: Callable[[], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> int:
    """Re-simulate to the resume point at full speed, then on the wall clock until `stop` is
    set or the horizon is reached. Returns the number of events in the log. `on_note` is told
    what opening the log repaired (a torn last line it cut)."""
    scenario = resolve(manifest.scenario)
    env = CatchUpEnvironment()
    with FileLog(run_dir) as log:
        if log.repaired is not None and on_note is not None:
            on_note(log.repaired)
        durable = log.last_seq
        existing = log.read_lines(1) if durable else iter(())

        def sink(event: ev.Event) -> None:
            if event.seq <= durable:
                if ev.encode(event) != next(existing, None):
                    raise BusyworkError(
                        f"{run_dir}: cannot resume: event {event.seq} differs from the log "
                        "(the scenario, seed or busywork version changed since it was written)"
                    )
                return
            log.append((event,))

        # A run with `until_sim` ends there, after its scenario's last day (see above); one for
        # ever on the last day it can simulate (engine.live_plan.forever_last_day).
        world = Organisation(scenario, content, sink, env=env, forever=runs_past_last_day(state),
                             quiet=tuple((start, end) for start, end in state.quiet))  # fmt: skip
        world.start()
        horizon = live_horizon(scenario, state)
        resume_at = min(state.anchor_sim, horizon)
        while env.now < resume_at and not stop.is_set():  # a stop ends the catch-up too
            env.run(until=min(resume_at, env.now + CATCH_UP_STEP_SECONDS))
            world.flush()
        if stop.is_set() and env.now < resume_at:
            log.flush()
            return _stopped_catching_up(run_dir, manifest, log.last_seq)
        if world.seq < durable:
            raise BusyworkError(f"{run_dir}: cannot resume: the log holds {durable} events but "
                                f"the scenario makes only {world.seq} up to now")  # fmt: skip
        log.flush()
        if on_caught_up is not None:
            on_caught_up()
        env.go_realtime(1.0 / state.speed)
        beat = 0.0
        while not stop.is_set() and env.now < horizon:
            until = min(horizon, env.now + STEP_WALL_SECONDS * state.speed)
            env.run(until=until)
            world.flush()  # the teams' events up to now, merged in order
            # A follower sees them within a step; one fsync a step, not one an event.
            log.flush()
            beat += STEP_WALL_SECONDS
            if beat >= HEARTBEAT_WALL_SECONDS:
                beat = 0.0
                state.reached_sim = env.now
                save_state(run_dir, state)
        state.reached_sim = env.now
        save_state(run_dir, state)
        log.flush()
        events = log.last_seq
    if not math.isinf(horizon) and env.now >= horizon:
        manifest.status = "complete"
    manifest.events = events
    if manifest.first_at is None and events:
        manifest.first_at = next(FileLog.open_readonly(run_dir).read(1)).at
    manifest.last_at = world.last_at or manifest.last_at
    write_manifest(run_dir, manifest)
    return events


def _stopped_catching_up(run_dir: Path, manifest: Manifest, events: int) -> int:
    """Stopped while re-simulating the past: what was made is in the log, the live state
    (already saved by `prepare_live`) stands, and the next resume carries on."""
    manifest.events = max(manifest.events, events)
    write_manifest(run_dir, manifest)
    return events
