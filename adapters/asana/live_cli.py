"""``busywork live``: the simulation runs on the wall clock in one thread while the replay
follows its log in another; Ctrl-C or SIGTERM stops both cleanly, and the same command
resumes both (see `engine.live`).

Everything that can refuse comes before anything is written: the run folder's lock (one
``busywork live`` per run), the target (reached, its workspace and team, every token logging
in as its person) and the target's checkpoint lock. Only then does `engine.live_plan.prepare_live`
start the run's clock or plan its resumption. SIGTERM has one handler from the command's
start to the process's end (`adapters.interrupts.StopSignals`): as Ctrl-C while it starts,
then as a stop, so it always ends with exit code 130 and never by the signal itself.

A live run waits out an outage of the target (`LIVE_ATTEMPTS`), saying so on its status line,
where a replay would park what it sends meanwhile: parked events wait for the next run, which a
``--forever`` run may not have for weeks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adapters.asana.live_folder import RunLock, check_live_folder, live_run_dir
from adapters.asana.live_status import OutageNote, due_clock, sim_clock
from adapters.asana.replay_checkpoint import open_journal, target_folder
from adapters.asana.replay_cli import (
    ReplayArgs,
    note_unmapped,
    resume_command,
    sandbox_replay_command,
)
from adapters.asana.replay_destination import (
    Destination,
    base_url_for,
    connect,
    sandbox_target_name,
    tokens_for,
)
from adapters.asana.replay_job import check_speed, run_replay
from adapters.asana.replay_outcome import Retry, print_summary
from adapters.asana.replay_status import in_background, wait_for
from adapters.asana.target import AsanaTarget
from adapters.interrupts import StopSignals
from engine.errors import InvalidInput
from engine.replay import ReplayOptions
from engine.replay_journal import Journal
from engine.replay_report import ReplaySummary
from engine.run import read_manifest
from engine.scenario import Scenario

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
    scenario_file: Path | None = None  # None: the built-in scenario, or the run's own on resume


def live_command(
    scenario: Scenario,
    live: LiveArgs,
    args: ReplayArgs,
    replays: Path,
    echo: Callable[[str], None],
    signals: StopSignals | None = None,
) -> ReplaySummary:
    # Ctrl-C and SIGTERM, until the process ends, through one handler that follows the
    # command's phase: no signal finds the default action, which kills at once. The command
    # makes it before its imports and the scenario's loading, which take a few tenths of a second.
    signals = signals or StopSignals()
    args.check_target_options()
    if live.days and live.forever:
        raise InvalidInput("--days and --forever: choose one")
    check_speed(live.speed)
    run_dir = live.run_dir or live_run_dir(scenario, replays)
    given = live.run_dir is not None
    check_live_folder(run_dir, given=given)
    dest = args.destination()
    dest.limits()  # checks --plan
    dest = dataclasses.replace(
        dest, backoff=dataclasses.replace(dest.backoff, attempts=LIVE_ATTEMPTS)
    )
    with RunLock(run_dir, given=given):
        return _live(scenario, live, args, dest, run_dir, echo, signals)


def _live(
    scenario, live: LiveArgs, args: ReplayArgs, dest: Destination, run_dir: Path, echo,
    signals: StopSignals,
):  # fmt: skip
    from adapters.run_setup import SCENARIO_ARGUMENT
    from engine.content.templates import TemplateSource
    from engine.live_plan import check_not_complete, check_same_scenario, prepare_live
    from engine.scenario import file_source

    resuming = (run_dir / "manifest.json").is_file()
    if resuming:
        if live.scenario_file is not None:
            source = file_source(live.scenario_file, SCENARIO_ARGUMENT)
            check_same_scenario(run_dir, read_manifest(run_dir), scenario, source)
        scenario = read_manifest(run_dir).scenario
    target = sandbox = journal = None
    try:
        if args.to != "sandbox":
            target = connect(base_url_for(args.to), tokens_for(dest), dest)
        else:
            sandbox, tokens = scenario_sandbox(scenario, dest.plan)
            target = connect(sandbox.base_url, tokens, dest)
            target.name = sandbox_target_name()
        target.actors.verify_tokens()  # a token of someone else is refused before the clock starts
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
                assert journal is not None  # made: opened
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
        stop = threading.Event()
        signals.stops(stop)  # the run is set up: from here SIGTERM stops it
        summary = _run(run_dir, manifest, state, content, target, journal, args, stop, signals)
    finally:
        signals.ending()  # the command ends, undoing what it set up, and then reports
        if journal is not None:
            journal.close()
        if target is not None:
            target.client.close()
        if sandbox is not None:
            sandbox.stop()
    hint, retry = _resume_advice(run_dir, args, target, sandbox is not None)
    print_summary(summary, echo, as_json=args.as_json, resume=hint, retry=retry)
    if not args.as_json and not summary.stopped:
        complete = _complete_line(run_dir)
        if complete:
            echo(complete)
    return summary


def _complete_line(run_dir: Path) -> str | None:
    """Said when a live run ends by itself, its simulation at its end (also when a stop
    outlasted that end, and the resumed run had nothing left to simulate): without it, such a
    resume printed only `0 applied`."""
    from engine.live import load_state
    from engine.live_plan import forever_last_day

    manifest = read_manifest(run_dir)
    if manifest.status != "complete":
        return None
    days, why = manifest.scenario.days, ""
    state = load_state(run_dir)
    if state is not None and state.forever and state.until_sim is None:
        last, reason = forever_last_day(manifest.scenario)
        days, why = (last - manifest.scenario.start).days + 1, f" It ended on {last}: {reason}."
    return (f"Live run complete: {days:,} simulated day{'s' if days != 1 else ''}, "
            f"{manifest.events:,} events in {run_dir}.{why}")  # fmt: skip


def _replay_advice(run_dir: Path, args: ReplayArgs, target: AsanaTarget, sandbox: bool) -> str:
    if sandbox:
        return f"`{sandbox_replay_command(run_dir, args)}` replays it into a new sandbox"
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
            again = f"`{sandbox_replay_command(run_dir, args)}`"
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


def _run(
    run_dir, manifest, state, content, target, journal, args: ReplayArgs,
    stop: threading.Event, signals: StopSignals,
):  # fmt: skip
    """The simulation in one thread, the replay following its log in another, until both end;
    Ctrl-C or SIGTERM (which sets `stop`) stops both."""
    from engine.live import run_live

    sim_done = threading.Event()
    failure: list[BaseException] = []

    def simulate() -> None:
        try:
            run_live(run_dir, manifest, state, content, stop=stop,
                     on_note=lambda text: print(f"Note: {text}", file=sys.stderr))  # fmt: skip
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
                writer_done=sim_done,
                on_start=on_start,
                options=options,
                retry_failed=args.retry_failed,
            ),  # fmt: skip
            progress=not args.as_json and sys.stderr.isatty(),
            lines=not args.as_json,
            label=f"live {run_dir.name}",
            signals=signals,
            stop=stop,
            clock=lambda: "  ".join(filter(None, (clock(), outage()))),
        )
    finally:
        signals.ending()  # before this thread sets `stop` itself (see StopSignals)
        stop.set()
        wait_for(sim_done)
    if failure:
        raise failure[0]
    return summary


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
