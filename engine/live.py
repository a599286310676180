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
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import simpy.rt

from engine import events as ev
from engine.calendar import origin_of
from engine.content import ContentSource
from engine.errors import BusyworkError, InvalidInput, command_line
from engine.live_state import LIVE, LiveState, load_state, save_state
from engine.locks import lock_exclusively
from engine.log import FileLog
from engine.organisation import Organisation
from engine.run import Manifest, create_run, read_manifest, write_manifest
from engine.scenario import Scenario, resolve

# The live state (``live.json``) is kept by engine.live_state; its names are this module's too.
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

GAP_QUIET_SECONDS = 600.0  # a stop longer than this (simulated) becomes a quiet window
CATCH_UP_FACTOR = 1e-9  # wall seconds per simulated second while re-simulating
STEP_WALL_SECONDS = 0.25  # how often the realtime loop looks at `stop`
HEARTBEAT_WALL_SECONDS = 2.0
FOREVER_DAYS = 3650  # what the manifest says of a --forever run (the world ignores it)
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


def prepare_live(
    run_dir: Path,
    scenario: Scenario,
    content: ContentSource,
    *,
    days: int | None,
    forever: bool,
    speed: float,
    now: datetime | None = None,
) -> tuple[Manifest, LiveState, str]:
    """Create the live run, or plan the resumption of an existing one. Returns the manifest,
    the live state (already saved) and a sentence for the user. `days`: how many simulated
    days a new run lasts from now (None: the scenario's `days`, as `simulate` and web jobs
    take them); a resumed run keeps its own."""
    if not 0 < speed < math.inf:  # NaN fails too; the command line also bounds it
        raise BusyworkError(f"speed: {speed!r}; expected a positive finite number")
    now = now or datetime.now(UTC)
    run_dir = Path(run_dir)
    state = load_state(run_dir) if (run_dir / "manifest.json").is_file() else None
    if state is None:
        days = None if forever else scenario.days if days is None else days
        local_now = now.astimezone(_zone(scenario))
        # N days from now end on the day after the scenario's N days (the run started after
        # midnight): `until_sim` ends it there, so the scenario keeps the N asked.
        span = FOREVER_DAYS if days is None else days
        planned = resolve(msgspec.structs.replace(scenario, start=local_now.date(), days=span),
                          flags={"days": "--forever"} if forever else None)  # fmt: skip
        manifest = create_run(run_dir, planned, content)
        origin = origin_of(planned)
        begin = (now - origin).total_seconds()
        until = None
        if days is not None:  # the same local time N days on, also across a DST change
            until = ((local_now + timedelta(days=days)).astimezone(UTC) - origin).total_seconds()
        state = LiveState(speed=speed, anchor_wall=now, anchor_sim=begin, forever=forever,
                          quiet=[(0.0, begin)], reached_sim=begin, until_sim=until,
                          days=days)  # fmt: skip
        save_state(run_dir, state)
        return manifest, state, f"Started live run {run_dir}"
    manifest = read_manifest(run_dir)
    _check_resumable(run_dir, manifest, state, days=days, forever=forever)
    _check_no_other_writer(run_dir)
    reached = max(state.reached_sim, _last_event_sim(run_dir, manifest))
    resume_at = state.sim_at(now)
    note = f"Resumed live run {run_dir}"
    gap = resume_at - reached
    if gap > GAP_QUIET_SECONDS:
        state.quiet.append((reached + 1.0, resume_at))
        note += f" after a gap of {timedelta(seconds=round(gap))} (simulated): nobody acted"
    # Keep the clock continuous at the (possibly new) speed from here on.
    state.anchor_sim, state.anchor_wall, state.speed = max(resume_at, reached), now, speed
    save_state(run_dir, state)
    return manifest, state, note


def check_not_complete(
    run_dir: Path,
    manifest: Manifest,
    state: LiveState | None = None,
    *,
    replay_advice: str | None = None,
) -> None:
    """Refuse to resume a live run whose simulation reached its end: there is nothing left to
    simulate, and what its replay left unsent is for ``busywork replay``. `replay_advice`: how
    to run that replay, from the command line (which knows the target, and calls this before
    it locks the target's checkpoint); without it, the plain command is named."""
    if manifest.status != "complete":
        return
    if replay_advice is not None:
        raise InvalidInput(
            f"--run {run_dir}: this live run is complete (its simulation reached its end), so "
            f"live cannot resume it; {replay_advice}; another --run starts a new live run"
        )
    state = state or load_state(run_dir)
    started = f" ({_started_with(manifest, state)})" if state is not None else ""
    raise InvalidInput(
        f"{run_dir}: this live run{started} is complete; `{command_line('replay', run_dir)}` "
        "sends what its replay left unsent, and another --run starts a new live run"
    )


def _started_with(manifest: Manifest, state: LiveState) -> str:
    if state.forever:
        return "--forever"
    # Live state without `days` was written when the manifest planned one day more.
    return f"--days {state.days if state.days is not None else manifest.scenario.days - 1}"


def _check_resumable(
    run_dir: Path, manifest: Manifest, state: LiveState, *, days: int | None, forever: bool
) -> None:
    """A live run resumes as it started: a finished one, or other --days or --forever, would
    otherwise be ignored without a word (the re-simulation must make the same events)."""
    check_not_complete(run_dir, manifest, state)
    started = _started_with(manifest, state)
    asked = "--forever" if forever else f"--days {days}" if days is not None else started
    if asked != started:
        raise InvalidInput(
            f"{asked}: {run_dir} is a live run started with {started}; resume it without "
            "--days and --forever, or start a new one with another --run"
        )


def runs_past_last_day(state: LiveState | None) -> bool:
    """Whether a live run's world runs without its scenario's horizon: a --forever run, and a
    run of --days N, which `until_sim` ends on the day after its scenario's last (see above).
    The one rule for ``busywork live`` and the web's continuous jobs: a world bounded in one
    and not in the other could simulate its last day differently. None: not a live run."""
    return state is not None and (state.forever or state.until_sim is not None)


def _check_no_other_writer(run_dir: Path) -> None:
    """Refuse a run whose log another process writes (a ``busywork serve`` job), by taking the
    log's lock for a moment: a quiet window over events it goes on writing fails its resume."""
    events = run_dir / "events"
    if not events.is_dir():
        return
    fd = os.open(events, os.O_RDONLY)
    try:
        lock_exclusively(fd, f"{run_dir}: another process (a busywork serve job, or another "
                         "busywork live) is writing this run; stop it first, or start a new "
                         "live run with another --run")  # fmt: skip
    finally:
        os.close(fd)  # the lock goes with it


def _zone(scenario: Scenario):
    from zoneinfo import ZoneInfo

    return ZoneInfo(scenario.timezone)


def _last_event_sim(run_dir: Path, manifest: Manifest) -> float:
    log = FileLog.open_readonly(run_dir)
    last = None
    if log.last_seq:
        for event in log.read(log.last_seq):
            last = event.at
    if last is None:
        return 0.0
    return (last - origin_of(manifest.scenario)).total_seconds()


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

        # A run with `until_sim` ends there, after its scenario's last day (see above).
        world = Organisation(scenario, content, sink, env=env, forever=runs_past_last_day(state),
                             quiet=tuple(map(tuple, state.quiet)))  # fmt: skip
        world.start()
        horizon = world.horizon if state.until_sim is None else state.until_sim
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
