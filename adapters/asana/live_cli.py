"""``busywork live``: the simulation runs on the wall clock in one thread while the replay
follows its log in another; Ctrl-C or SIGTERM stops both cleanly, and the same command
resumes both (see `engine.live`).

Everything that can refuse comes before anything is written: the run folder's lock (one
``busywork live`` per run), the target (reached, its workspace and team, every token logging
in as its person) and the target's checkpoint lock. Only then does `engine.live.prepare_live`
start the run's clock or plan its resumption.

A live run waits out an outage of the target (`LIVE_ATTEMPTS`), saying so on its status line,
where a replay would park what it sends meanwhile: parked events wait for the next run, which a
``--forever`` run may not have for weeks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shlex
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from adapters.asana.client import Counters
from adapters.asana.replay_checkpoint import open_journal, target_folder
from adapters.asana.replay_cli import ReplayArgs, note_unmapped, resume_command
from adapters.asana.replay_destination import (
    Destination,
    base_url_for,
    connect,
    sandbox_target_name,
    tokens_for,
)
from adapters.asana.replay_job import check_speed, flock_holder, run_replay
from adapters.asana.replay_outcome import Retry, print_summary
from adapters.asana.replay_status import in_background, wait_for
from adapters.asana.target import AsanaTarget
from engine.errors import Busy, InvalidInput
from engine.locks import lock_exclusively
from engine.replay import ReplayOptions
from engine.replay_journal import Journal
from engine.replay_report import ReplaySummary
from engine.run import read_manifest
from engine.scenario import Scenario

LOCK_TRIES = 20  # a `replay --follow` may hold the lock for an instant while it looks
LOCK_RETRY_SECONDS = 0.05
# Tries of one call on 5xx, resets and timeouts before its event is parked: about an hour, as
# the waits between them grow to 30 s and full jitter makes them 15 s on average (a replay
# gives up after six, some 8 s). A target that was never reached still gets three.
LIVE_ATTEMPTS = 240


@dataclass(frozen=True)
class LiveArgs:
    days: int | None = None
    forever: bool = False
    speed: float = 1.0
    run_dir: Path | None = None


def live_run_dir(scenario: Scenario, replays: Path) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", scenario.name.lower()).strip("-") or "run"
    return replays / f"{slug}-live"


def live_command(
    scenario: Scenario,
    live: LiveArgs,
    args: ReplayArgs,
    replays: Path,
    echo: Callable[[str], None],
) -> ReplaySummary:
    if live.days and live.forever:
        raise InvalidInput("--days and --forever: choose one")
    check_speed(live.speed)
    run_dir = live.run_dir or live_run_dir(scenario, replays)
    given = live.run_dir is not None
    _check_live_folder(run_dir, given=given)
    dest = args.destination()
    dest.limits()  # checks --plan
    dest = dataclasses.replace(
        dest, backoff=dataclasses.replace(dest.backoff, attempts=LIVE_ATTEMPTS)
    )
    with RunLock(run_dir, given=given):
        return _live(scenario, live, args, dest, run_dir, echo)


def _live(scenario, live: LiveArgs, args: ReplayArgs, dest: Destination, run_dir: Path, echo):
    from engine.content.templates import TemplateSource
    from engine.live import check_not_complete, prepare_live

    resuming = (run_dir / "manifest.json").is_file()
    if resuming:
        scenario = read_manifest(run_dir).scenario
    target = sandbox = journal = None
    try:
        with _sigterm_as_ctrl_c():
            if args.to != "sandbox":
                target = connect(base_url_for(args.to), tokens_for(dest), dest)
            else:
                sandbox, tokens = scenario_sandbox(scenario, dest.plan)
                target = connect(sandbox.base_url, tokens, dest)
                target.name = sandbox_target_name()
            target.verify_tokens()  # a token of someone else is refused before the clock starts
            kind = "sandbox" if sandbox else args.to
            made = False
            if resuming:  # the target's checkpoint is locked before the run's clock moves
                check_not_complete(run_dir, read_manifest(run_dir),
                                   replay_advice=_replay_advice(run_dir, args, target,
                                                                sandbox is not None))  # fmt: skip
                made = not target_folder(run_dir, target).exists()
                journal = open_journal(run_dir, target, kind)
            content = TemplateSource()
            try:
                manifest, state, note = prepare_live(
                    run_dir, scenario, content, days=live.days, forever=live.forever,
                    speed=live.speed,
                )  # fmt: skip
            except BaseException:
                if made:  # refused (other --days, say): nothing of this attempt stays behind
                    _remove_checkpoint(journal)
                    journal = None
                raise
            if not args.as_json:
                echo(note)
                if sandbox is not None:
                    echo(f"Browse:     {sandbox.root_url}/  (while this command runs)")
            if journal is None:
                journal = open_journal(run_dir, target, kind)
            note_unmapped(target, (p.email for p in manifest.scenario.people))
        summary = _run(run_dir, manifest, state, content, target, journal, args)
    finally:
        if journal is not None:
            journal.close()
        if target is not None:
            target.client.close()
        if sandbox is not None:
            sandbox.stop()
    hint, retry = _resume_advice(run_dir, args, target, sandbox is not None)
    print_summary(summary, echo, as_json=args.as_json, resume=hint, retry=retry)
    return summary


def _check_live_folder(run_dir: Path, *, given: bool) -> None:
    """A live run resumes in its own folder; any other non-empty folder is refused, naming
    the option that chose it."""
    from engine.live import LIVE

    if not run_dir.is_dir() or not any(run_dir.iterdir()) or (run_dir / LIVE).is_file():
        return
    what = "a run, but not a live one" if (run_dir / "manifest.json").is_file() else "not a run"
    choose = "pick another --run" if given else "choose a folder with --run"
    raise InvalidInput(f"--run {run_dir}: {what} (no {LIVE}), so live cannot resume it; {choose}")


def _replay_advice(run_dir: Path, args: ReplayArgs, target: AsanaTarget, sandbox: bool) -> str:
    if sandbox:
        return f"`busywork replay {shlex.quote(str(run_dir))}` replays it into a new sandbox"
    return f"`{resume_command(run_dir, args, target)}` sends what its replay left unsent"


def _resume_advice(
    run_dir: Path, args: ReplayArgs, target: AsanaTarget, sandbox: bool
) -> tuple[str, Retry | None]:
    """How to carry on after a stop, and how to send failed events again: the same command
    while the simulation has time left; once it is complete, ``busywork replay``."""
    complete = read_manifest(run_dir).status == "complete"
    if complete:
        advice = _replay_advice(run_dir, args, target, sandbox)
        hint = f"The simulation is complete: {advice}."
        if sandbox:
            hint = "The in-process sandbox stopped with this command. " + hint
            again = f"`busywork replay {shlex.quote(str(run_dir))}`"
            return hint, Retry(again, whole_run=True)
        return hint, Retry(f"`{resume_command(run_dir, args, target)} --retry-failed`")
    if sandbox:
        return ("The in-process sandbox stopped with this command; the same command resumes the "
                "simulation and replays it into a new one."), Retry("the same command",
                                                                    whole_run=True)  # fmt: skip
    return "Run the same command again to resume.", None


def _remove_checkpoint(journal: Journal) -> None:
    journal.close()
    shutil.rmtree(journal.folder, ignore_errors=True)
    with contextlib.suppress(OSError):
        journal.folder.parent.rmdir()  # targets/, when it holds nothing else


@contextlib.contextmanager
def _sigterm_as_ctrl_c():
    """While the command starts (reaching the target can take a while), SIGTERM ends it as
    Ctrl-C does, so what it set up is undone; the replay then takes SIGTERM as a stop."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(*_) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(run_dir, manifest, state, content, target, journal, args: ReplayArgs):
    """The simulation in one thread, the replay following its log in another, until both end;
    Ctrl-C or SIGTERM stops both."""
    from engine.live import run_live

    stop = threading.Event()
    sim_done = threading.Event()
    failure: list[BaseException] = []

    def simulate() -> None:
        try:
            run_live(run_dir, manifest, state, content, stop=stop)
        except BaseException as exc:  # reported by the main thread
            failure.append(exc)
            stop.set()
        finally:
            sim_done.set()

    options = ReplayOptions(due=due_clock(state, manifest))
    clock, outage = sim_clock(state, manifest), OutageNote(target.client.counters)
    sim = threading.Thread(target=simulate, name="live-sim", daemon=True)
    sim.start()
    try:
        summary = in_background(
            lambda stop_, on_start: run_replay(
                run_dir,
                target,
                journal,
                speed=None,
                follow=True,
                stop=stop_,
                follow_until=sim_done,
                on_start=on_start,
                options=options,
                retry_failed=args.retry_failed,
            ),  # fmt: skip
            progress=not args.as_json and sys.stderr.isatty(),
            lines=not args.as_json,
            label=f"live {run_dir.name}",
            stop=stop,
            clock=lambda: "  ".join(filter(None, (clock(), outage()))),
        )
    finally:
        stop.set()
        wait_for(sim_done)
    if failure:
        raise failure[0]
    return summary


def due_clock(state, manifest) -> Callable[[object], float]:
    """When each event was due, on the monotonic clock, for the replay's lateness: its
    simulated time on the live run's clock (``live.json``), or this command's start for an
    event due before it (written before a stop or re-made while catching up)."""
    from engine.calendar import origin_of

    origin = origin_of(manifest.scenario)
    offset = time.monotonic() - time.time()  # wall → monotonic
    started = time.monotonic()
    anchor = state.anchor_wall.timestamp() + offset

    def due(event) -> float:
        sim = (event.at - origin).total_seconds()
        return max(started, anchor + (sim - state.anchor_sim) / state.speed)

    return due


def sim_clock(state, manifest) -> Callable[[], str]:
    """The live run's simulated time now (in the scenario's time zone), for the status line:
    where the run is, even while nobody acts (nights, weekends)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from engine.calendar import origin_of

    origin = origin_of(manifest.scenario)
    zone = ZoneInfo(manifest.scenario.timezone)
    until = state.until_sim

    def clock() -> str:
        sim = state.sim_at(datetime.now(UTC))
        if until is not None:
            sim = min(sim, until)
        return f"sim {(origin + timedelta(seconds=sim)).astimezone(zone):%a %d %b %H:%M}"

    return clock


class OutageNote:
    """``target unavailable: retrying`` while calls are being retried and none has succeeded
    since the last look (the status line looks four times a second, or once a minute without
    a terminal), else "": without it, a live run waiting out an outage shows only its lateness
    growing."""

    def __init__(self, counters: Counters) -> None:
        self._counters = counters
        self._succeeded = -1  # 2xx answers at the last look
        self._retries_then = 0  # retries when a call last succeeded

    def __call__(self) -> str:
        c = self._counters
        with c.lock:
            succeeded = sum(n for status, n in c.by_status.items() if 200 <= status < 300)
            retries = c.retries
        if succeeded != self._succeeded:
            self._succeeded, self._retries_then = succeeded, retries
            return ""
        return "target unavailable: retrying" if retries > self._retries_then else ""


class RunLock:
    """An exclusive flock on the run folder, held while ``busywork live`` runs it: taken before
    anything is written, so a second ``live`` on the run is refused before it changes
    anything, and ``replay --follow`` can tell whether anyone still writes the run
    (`adapters.asana.replay_job.live_writer`). A folder made here and left empty is removed."""

    def __init__(self, run_dir: Path, *, given: bool) -> None:
        self.run_dir = Path(run_dir)
        self.given = given
        self.made = False
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        try:
            self.run_dir.mkdir(parents=True)
            self.made = True
        except FileExistsError:
            pass
        except OSError as exc:
            raise InvalidInput(f"{self._where()}: cannot create the run folder: "
                               f"{exc.strerror or exc}") from None  # fmt: skip
        self._fd = os.open(self.run_dir, os.O_RDONLY)
        for attempt in range(LOCK_TRIES):
            try:
                lock_exclusively(self._fd, "")
                return self
            except Busy:
                if attempt + 1 < LOCK_TRIES:
                    time.sleep(LOCK_RETRY_SECONDS)
        holder = flock_holder(self._fd)
        self.__exit__()
        who = f" (pid {holder})" if holder else ""
        stop = f"kill -TERM {holder}" if holder else "Ctrl-C where it runs"
        raise Busy(f"{self._where()}: another busywork live is running this run{who}; stop it "
                   f"first ({stop}) or wait for it to end")  # fmt: skip

    def __exit__(self, *_exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # drops the lock
            self._fd = None
        if self.made:
            with contextlib.suppress(OSError):
                self.run_dir.rmdir()  # only while empty: nothing was started in it

    def _where(self) -> str:
        return f"--run {self.run_dir}" if self.given else str(self.run_dir)


def scenario_sandbox(scenario: Scenario, plan: str = "paid"):
    """An in-process sandbox whose users are the scenario's people (a live run may not have
    had anyone join yet), on Asana's `plan`. Returns (started sandbox, tokens)."""
    import secrets

    from adapters.asana.sandbox import Sandbox, SandboxConfig, SandboxPerson
    from adapters.asana.tokens import Tokens
    from engine.scenario import resolve

    people = [(p.email.lower(), p.name) for p in resolve(scenario).people]
    tokens = Tokens({e: secrets.token_urlsafe(18) for e, _ in people},
                    default=secrets.token_urlsafe(18))  # fmt: skip
    config = SandboxConfig(
        people=[SandboxPerson(e, n, tokens.people[e]) for e, n in people],
        admin_token=tokens.default,
        plan=plan,
    )
    return Sandbox(config).start(), tokens
