"""Live mode: the simulation on the wall clock (accelerated), a replay following its log, a
stop, a resume after a gap (a quiet window), and in the end everything exactly once and the
log identical to a plain re-simulation with the same quiet windows."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.replay_job import run_replay
from adapters.asana.sandbox import SandboxPerson
from engine import events as ev
from engine import run as runs
from engine.content.templates import TemplateSource
from engine.errors import BusyworkError, InvalidInput
from engine.live import (
    GAP_QUIET_SECONDS,
    LIVE,
    LiveState,
    check_not_complete,
    prepare_live,
    run_live,
)
from engine.log import FileLog
from engine.run import read_manifest
from engine.scenario import default_scenario, resolve
from engine.state import State, fold
from engine.world import World, run_in_steps
from tests.replay_checks import (
    FAST,
    assert_exactly_once,
    make_run,
    read_back,
    run_people,
    tokens_of,
)
from tests.test_live_cli import wait_until

SPEED = 36000.0  # ten simulated hours per second
MONDAY_8AM_LA = datetime(2026, 1, 5, 16, 0, tzinfo=UTC)


def _session(run_dir, sandbox, tokens, stop_when: Callable[[], bool] | None):
    """Run the simulation and a following replay until the horizon, or until `stop_when()`."""
    manifest_state = _STATE[run_dir]
    manifest, state = manifest_state
    stop, sim_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def simulate():
        try:
            run_live(run_dir, manifest, state, TemplateSource(), stop=stop)
        except BaseException as exc:
            errors.append(exc)
        finally:
            sim_done.set()

    target = connect(sandbox.base_url, tokens, Destination(backoff=FAST))
    journal = open_journal(run_dir, target, "test")
    sim = threading.Thread(target=simulate)
    sim.start()
    if stop_when is not None:  # a condition, not a delay: a loaded machine replays late

        def stop_once_true():
            deadline = time.monotonic() + 60
            while not stop_when() and not stop.is_set() and time.monotonic() < deadline:
                time.sleep(0.01)
            stop.set()

        threading.Thread(target=stop_once_true, daemon=True).start()
    try:
        summary = run_replay(run_dir, target, journal, speed=None, follow=True, stop=stop,
                             follow_until=sim_done)  # fmt: skip
    finally:
        stop.set()
        sim.join()
        journal.close()
        target.client.close()
    assert not errors, errors
    return summary, run_dir / "targets" / target.name


_STATE: dict = {}


def test_live_stop_gap_resume_exactly_once_and_deterministic(tmp_path, make_sandbox):
    scenario = resolve(msgspec.structs.replace(default_scenario(), days=1))
    people = [SandboxPerson(p.email.lower(), p.name, secrets.token_urlsafe(16))
              for p in scenario.people]  # fmt: skip
    sandbox = make_sandbox(people=people, admin_token="admin-token-live")
    tokens = tokens_of(people, sandbox.admin_token)
    run_dir = tmp_path / "live"

    manifest, state, note = prepare_live(run_dir, scenario, TemplateSource(), days=1,
                                         forever=False, speed=SPEED, now=MONDAY_8AM_LA)  # fmt: skip
    assert note.startswith("Started") and manifest.scenario.start.isoformat() == "2026-01-05"
    _STATE[run_dir] = (manifest, state)
    # Stopped once the replay has applied a task, before the day's end (3.2 s away).
    first, _ = _session(run_dir, sandbox, tokens,
                        stop_when=lambda: bool(sandbox.store.records.get("task")))  # fmt: skip
    assert first.applied > 0
    stopped = msgspec.json.decode((run_dir / LIVE).read_bytes(), type=LiveState)
    # What the rest needs: a comeback three simulated hours later still has some of the day
    # left (on a loaded machine the first task may take until the evening, not before midnight).
    assert stopped.reached_sim + 3 * 3600 < stopped.until_sim, stopped

    # Come back three simulated hours later: a quiet window, then on to the end of the day.
    later = stopped.anchor_wall + timedelta(
        seconds=(stopped.reached_sim + 3 * 3600 - stopped.anchor_sim) / SPEED
    )
    manifest, state, note = prepare_live(run_dir, scenario, TemplateSource(), days=1,
                                         forever=False, speed=SPEED, now=later)  # fmt: skip
    assert "gap" in note and len(state.quiet) == 2
    start, end = state.quiet[1]
    assert end - start > GAP_QUIET_SECONDS
    _STATE[run_dir] = (manifest, state)
    second, folder = _session(run_dir, sandbox, tokens, stop_when=None)
    assert second.already_done >= first.applied and second.failed == second.parked == 0

    events = list(FileLog.open_readonly(run_dir).read())
    fold_all = State()
    for e in events:
        fold(fold_all, e)
    origin = World(resolve(manifest.scenario), TemplateSource(), lambda e: None).origin
    assert not any(start <= (e.at - origin).total_seconds() < end for e in events)
    # A plain re-simulation with the recorded quiet windows gives the same bytes.
    again: list[bytes] = []
    # Unbounded: the live day ends at until_sim, past the scenario's one day.
    world = World(resolve(manifest.scenario), TemplateSource(),
                  lambda e: again.append(ev.encode(e)), forever=True,
                  quiet=tuple(map(tuple, state.quiet)))  # fmt: skip
    world.start()
    assert state.until_sim == 86400 + 8 * 3600  # one day from Monday 08:00
    run_in_steps(world.env, state.until_sim, 3600.0)
    assert again == list(FileLog.open_readonly(run_dir).read_lines(1))
    assert_exactly_once(run_dir, folder,
                        read_back(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid))  # fmt: skip


def test_a_live_day_started_late_in_the_evening_lasts_a_whole_day(tmp_path):
    """`--days 1` means one simulated day from now, not what is left of today."""
    scenario = resolve(msgspec.structs.replace(default_scenario(), days=1))
    sunday_late = datetime(2026, 1, 5, 7, 30, tzinfo=UTC)  # Sunday 23:30 in Los Angeles
    run_dir = tmp_path / "live"
    manifest, state, _ = prepare_live(run_dir, scenario, TemplateSource(), days=1,
                                      forever=False, speed=2e6, now=sunday_late)  # fmt: skip
    begin = 23.5 * 3600
    assert manifest.scenario.start.isoformat() == "2026-01-04" and manifest.scenario.days == 1
    assert state.anchor_sim == begin and state.until_sim == begin + 86400
    events = run_live(run_dir, manifest, state, TemplateSource(), stop=threading.Event())
    assert events > 50  # Monday's work happens
    stamps = [e.at for e in FileLog.open_readonly(run_dir).read()]
    assert sunday_late <= stamps[0] and stamps[-1] < sunday_late + timedelta(days=1)
    done = msgspec.json.decode((run_dir / LIVE).read_bytes(), type=LiveState)
    assert done.reached_sim >= begin + 86400
    assert read_manifest(run_dir).status == "complete"


def test_resume_refuses_a_log_that_the_scenario_does_not_make(tmp_path):
    scenario = resolve(msgspec.structs.replace(default_scenario(), days=1))
    run_dir = tmp_path / "live"
    manifest, state, _ = prepare_live(run_dir, scenario, TemplateSource(), days=1,
                                      forever=False, speed=SPEED, now=MONDAY_8AM_LA)  # fmt: skip
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    run_live(run_dir, manifest, state, TemplateSource(), stop=stop)
    manifest.scenario = msgspec.structs.replace(manifest.scenario, seed=manifest.scenario.seed + 1)
    state.anchor_sim = 86400.0
    with pytest.raises(BusyworkError, match="cannot resume"):
        run_live(run_dir, manifest, state, TemplateSource(), stop=threading.Event())


# -- resuming: as it started, stoppable, from a sound live.json -----------------------------------


def _live_day(tmp_path, *, run: bool) -> tuple:
    """A 1-day live run started Monday 08:00 in Los Angeles, run to its end when `run`."""
    scenario = resolve(msgspec.structs.replace(default_scenario(), days=1))
    run_dir = tmp_path / "live"
    manifest, state, _ = prepare_live(run_dir, scenario, TemplateSource(), days=1,
                                      forever=False, speed=2e6, now=MONDAY_8AM_LA)  # fmt: skip
    if run:
        run_live(run_dir, manifest, state, TemplateSource(), stop=threading.Event())
    return scenario, run_dir


def test_a_complete_live_run_is_not_resumed(tmp_path):
    scenario, run_dir = _live_day(tmp_path, run=True)
    before = (run_dir / LIVE).read_bytes()
    with pytest.raises(
        InvalidInput, match=r"this live run \(--days 1\) is complete; `busywork replay "
    ):
        prepare_live(run_dir, scenario, TemplateSource(), days=None, forever=False, speed=1.0)
    assert (run_dir / LIVE).read_bytes() == before  # no made-up gap recorded


def test_one_check_refuses_a_complete_live_run_for_the_command_line_and_the_library(tmp_path):
    """The command line calls it before it locks the target's checkpoint, naming the exact
    replay command; `prepare_live` calls it too, naming the plain one."""
    _, run_dir = _live_day(tmp_path, run=False)
    check_not_complete(run_dir, read_manifest(run_dir), replay_advice="(advice)")  # not complete
    _, done = _live_day(tmp_path / "done", run=True)
    with pytest.raises(InvalidInput) as refused:
        check_not_complete(done, read_manifest(done), replay_advice="`busywork replay X` sends")
    assert str(refused.value) == (
        f"--run {done}: this live run is complete (its simulation reached its end), so live "
        "cannot resume it; `busywork replay X` sends; another --run starts a new live run"
    )
    with pytest.raises(InvalidInput, match=r"this live run \(--days 1\) is complete; `busywork"):
        check_not_complete(done, read_manifest(done))  # the live state is read to name --days


def test_the_replay_command_a_complete_live_run_names_quotes_its_folder(tmp_path):
    """The plain `busywork replay` the library names can be pasted into a shell as it is, for a
    run folder with a space and a quote in its path."""
    _, done = _live_day(tmp_path / "it's done", run=True)
    with pytest.raises(InvalidInput) as refused:
        check_not_complete(done, read_manifest(done))
    assert f"`busywork replay '{tmp_path}/it'\"'\"'s done/live'` sends" in str(refused.value)


@pytest.mark.parametrize(
    ("days", "forever", "asked"), [(5, False, "--days 5"), (None, True, "--forever")]
)
def test_a_live_run_resumes_only_as_it_started(tmp_path, days, forever, asked):
    scenario, run_dir = _live_day(tmp_path, run=False)
    before = (run_dir / LIVE).read_bytes()
    with pytest.raises(InvalidInput, match=f"{asked}: .* a live run started with --days 1; "):
        prepare_live(run_dir, scenario, TemplateSource(), days=days, forever=forever, speed=1.0,
                     now=MONDAY_8AM_LA + timedelta(seconds=1))  # fmt: skip
    assert (run_dir / LIVE).read_bytes() == before
    # The same options (or none) resume it.
    prepare_live(run_dir, scenario, TemplateSource(), days=1, forever=False, speed=1.0,
                 now=MONDAY_8AM_LA + timedelta(seconds=1))  # fmt: skip


def test_a_stop_ends_the_catch_up_and_the_next_resume_carries_on(tmp_path):
    """Resuming re-simulates the past at full speed; a stop meanwhile ends it (it once ran to
    the resume point whatever happened), and the next resume makes the whole run."""
    scenario = resolve(msgspec.structs.replace(default_scenario(), days=1))
    run_dir = tmp_path / "live"
    manifest, state, _ = prepare_live(run_dir, scenario, TemplateSource(), days=1,
                                      forever=False, speed=2e6, now=MONDAY_8AM_LA)  # fmt: skip
    state.anchor_sim = state.until_sim  # resume at the end: the whole day is catch-up
    stopped = threading.Event()
    stopped.set()
    assert run_live(run_dir, manifest, state, TemplateSource(), stop=stopped) == 0
    assert read_manifest(run_dir).status == "running"
    events = run_live(run_dir, manifest, state, TemplateSource(), stop=threading.Event())
    assert events > 50 and read_manifest(run_dir).status == "complete"


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("speed", -5, "speed -5.0; expected a positive finite number"),
        ("anchor_sim", 1e300, "anchor_sim 1e+300; expected 0 to"),
        ("quiet", [[0, -1]], "quiet[0] -1.0; expected 0 to"),
    ],
)
def test_a_damaged_live_state_is_named_not_a_traceback(tmp_path, field, value, problem):
    scenario, run_dir = _live_day(tmp_path, run=False)
    raw = msgspec.json.decode((run_dir / LIVE).read_bytes())
    (run_dir / LIVE).write_bytes(msgspec.json.encode({**raw, field: value}))
    with pytest.raises(BusyworkError, match=re.escape(f"live.json: damaged live state: {problem}")):
        prepare_live(run_dir, scenario, TemplateSource(), days=None, forever=False, speed=1.0)


class _NoticedWait(threading.Event):
    """An event that says when someone starts waiting on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waited = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.waited.set()
        return super().wait(timeout)


def test_a_stopped_live_replay_counts_what_the_simulation_wrote_after_the_stop(
    tmp_path, make_sandbox
):
    """Stopped, the simulation still writes its last step after the replay stopped reading:
    those events are counted as not read (the next run sends them), none missing from the
    summary (its counts were low by the rest of that step)."""
    source = make_run(tmp_path / "source", days=1)
    events = list(FileLog.open_readonly(source).read())
    first, rest = events[:20], events[20:40]
    run_dir = tmp_path / "live"
    runs.create_run(run_dir, read_manifest(source).scenario, TemplateSource())
    people = run_people(source)
    sandbox = make_sandbox(people=people, admin_token="admin-token-live")
    target = connect(sandbox.base_url, tokens_of(people, sandbox.admin_token),
                     Destination(backoff=FAST))  # fmt: skip
    journal = open_journal(run_dir, target, "test")
    stop, writer_done, follow_until = threading.Event(), _NoticedWait(), threading.Event()
    started: list = []
    outcome: list = []
    with FileLog(run_dir) as log:
        log.append(first)
        log.flush()
        replay = threading.Thread(target=lambda: outcome.append(run_replay(
            run_dir, target, journal, speed=None, follow=True, stop=stop,
            follow_until=follow_until, writer_done=writer_done, on_start=started.append)))  # fmt: skip
        replay.start()
        try:
            wait_until(lambda: started and started[0].snapshot()["applied"] >= 1,
                       what="the replay applied an event")  # fmt: skip
            stop.set()
            # The simulation's last step: its first events wake the replay, which stops
            # reading; it waits for the writer to end before it counts...
            log.append(rest[:10])
            log.flush()
            wait_until(lambda: writer_done.waited.is_set() or not replay.is_alive(),
                       what="the replay stopped reading")  # fmt: skip
            log.append(rest[10:])  # ...which writes the rest of that step meanwhile
            log.flush()
        finally:
            stop.set()
            writer_done.set()
            follow_until.set()
            replay.join(60)
            journal.close()
            target.client.close()
    (summary,) = outcome
    assert summary.events == 40, summary
    assert summary.not_read >= len(rest), summary
