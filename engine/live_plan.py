"""Planning a live run for `engine.live.run_live`: creating a new one, or planning the
resumption of an existing one (`prepare_live`).

A new run starts with its scenario's first day = today and a quiet window up to now; a run of
``--days N`` ends N days on, at ``until_sim`` (see `engine.live`). An existing run resumes as it
started, or is refused: one whose simulation reached its end (what its replay left unsent is
for ``busywork replay``), one asked for other ``--days`` or ``--forever``, one whose log another
process writes. Its clock is re-anchored where it stopped; a stop longer than
`GAP_QUIET_SECONDS` of simulated time becomes a quiet window (nobody acts in it).
"""

from __future__ import annotations

import math
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import msgspec

from engine.calendar import end_of, origin_of
from engine.content import ContentSource
from engine.errors import BusyworkError, InvalidInput, command_line
from engine.live_state import LiveState, load_state, save_state
from engine.locks import lock_exclusively
from engine.log import FileLog
from engine.run import Manifest, create_run, read_manifest
from engine.scenario import Scenario, resolve
from engine.scenario_checks import LAST_DAY

GAP_QUIET_SECONDS = 600.0  # a stop longer than this (simulated) becomes a quiet window
FOREVER_DAYS = 3650  # what the manifest says of a --forever run (the world ignores it)


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


def forever_last_day(scenario: Scenario) -> tuple[date, str]:
    """The last day a --forever run simulates, and why: the last the engine handles, or the
    last of the years the holidays package knows for a country the scenario names (past them
    it knows no holidays at all, which would make every holiday a workday; a run of --days is
    refused past them, see engine.scenario_checks.check_country). At the fastest speed a run
    started today reaches 2101 in about 40 minutes and the year 9999, where dates end, in 3
    days."""
    last, why = LAST_DAY, "the last day busywork simulates"
    countries = {scenario.holidays.country, *(person.country for person in scenario.people)}
    named = sorted({c.upper() for c in countries if c})
    if named:
        import holidays  # slow import; only when a country is named

        for code in named:
            end_year = getattr(holidays.country_holidays(code), "end_year", None)
            if end_year is not None and date(end_year, 12, 31) < last:
                last = date(end_year, 12, 31)
                why = f"the last day of the years whose holidays the holidays package knows for {code}"
    return last, why


def forever_end(scenario: Scenario) -> float:
    """Where a --forever run of `scenario` (as its run planned it) ends, in simulated seconds:
    local midnight after its `forever_last_day`."""
    last, _why = forever_last_day(scenario)
    days = (last - scenario.start).days + 1
    return end_of(msgspec.structs.replace(scenario, days=days))


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


def check_same_scenario(run_dir: Path, manifest: Manifest, given: Scenario, source: str) -> None:
    """A resumed live run goes on with the scenario it started with: a scenario file changed
    since (or another one) would otherwise be ignored without a word. `given` is compared as
    the run planned it (its first day and length are the run's own)."""
    started = manifest.scenario
    planned = resolve(msgspec.structs.replace(given, start=started.start, days=started.days))
    changed = [f for f in started.__struct_fields__ if getattr(planned, f) != getattr(started, f)]
    if changed:
        raise InvalidInput(
            f"{source}: {run_dir} is a live run started from another scenario (it differs in "
            f"{', '.join(changed)}); resume it with the scenario it started from, or without "
            "one, or start a new live run with another --run"
        )


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
