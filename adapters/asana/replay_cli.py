"""What the replay-family commands do (``replay``, ``backfill``, ``clean``, the demo's replay),
kept out of ``cli.py`` so the command line stays a thin, fast-loading layer.

A replay runs in the background with its status (``replay_status``); how it ended, and the exit
code, is ``replay_outcome``.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.asana.replay_args import ReplayArgs
from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_destination import (
    base_url_for,
    connect,
    sandbox_for_run,
    sandbox_target_name,
    tokens_for,
)
from adapters.asana.replay_job import parse_speed, run_replay
from adapters.asana.replay_outcome import Echo, Retry, exit_code, print_summary
from adapters.asana.replay_status import in_background
from adapters.asana.target import AsanaTarget
from adapters.interrupts import StopSignals, serve_until_interrupted
from engine.errors import command_line
from engine.replay import ReplayOptions
from engine.replay_journal import Journal
from engine.replay_outcomes import TargetSilence
from engine.replay_report import ReplaySummary
from engine.run import read_manifest
from engine.scenario import Scenario

# -- replay ------------------------------------------------------------------------------------


def replay_command(
    run_dir: Path,
    args: ReplayArgs,
    echo: Echo,
    *,
    today=None,
    serving: Callable[[Any, ReplaySummary], None] | None = None,
    target: AsanaTarget | None = None,
    resume: str | None = None,
    signals: StopSignals | None = None,
) -> ReplaySummary:
    """``busywork replay``; returns the summary (the caller sets the exit code). With
    ``args.serve``, `serving(sandbox, summary)` (default: wait for Ctrl-C) runs while the
    in-process sandbox still serves. `target`: already connected (``backfill`` reaches it
    before simulating); closed here. `resume`: how to resume, when stopped early. `signals`:
    the command's, made when it started (see `in_background`)."""
    from engine.backfill import shift_to_today

    args.check_target_options()
    sandbox = None
    try:
        manifest = read_manifest(run_dir)
        speed = parse_speed(args.speed)
        dest = args.destination()
        shift = 0
        if args.shift_dates:
            shift = shift_to_today(manifest.scenario, today or datetime.now(UTC).date())
        if target is None and args.to != "sandbox":
            target = connect(base_url_for(args.to), tokens_for(dest), dest, date_shift_days=shift)
        if target is None:
            sandbox, tokens = sandbox_for_run(run_dir, dest.limits(), plan=dest.plan)
            target = connect(sandbox.base_url, tokens, dest, date_shift_days=shift)
            target.name = sandbox_target_name()
        note_unmapped(target, (p.email for p in manifest.scenario.people))
        kind = "sandbox" if sandbox else args.to
        journal = open_journal(run_dir, target, kind, shift_dates=args.shift_dates,
                               on_note=_note)  # fmt: skip
        # The checkpoint's date shift wins (the first run's): resuming names it.
        args = dataclasses.replace(args, shift_dates=bool(journal.meta["shift_dates"]))
        if sandbox is not None:
            again = f"`{sandbox_replay_command(run_dir, args)}`"
            resume = (f"The in-process sandbox stopped with this command: {again} starts over "
                      "in a new one.")  # fmt: skip
            retry = Retry(again, whole_run=True)
        else:
            retry = Retry(f"`{resume_command(run_dir, args, target)} --retry-failed`")
        summary = _replay(run_dir, target, journal, args, speed, signals)
        print_summary(summary, echo, as_json=args.as_json, resume=resume, retry=retry)
        if sandbox is None:
            return summary
        if args.serve and not summary.stopped:
            if serving is not None:  # it says where to browse (the demo: beside its dashboard)
                serving(sandbox, summary)
            else:
                # With --json, stdout holds only the summary: these lines go to stderr.
                say = _to_stderr if args.as_json else echo

                def announce() -> None:
                    say(f"Browse:     {sandbox.root_url}/")
                    say("Serving the sandbox; press Ctrl-C to stop.")

                serve_until_interrupted(announce, exit_code(summary))
        elif not args.as_json and not summary.stopped:
            echo("Sandbox:    in-process, stopped with this command (nothing left to browse); "
                 f"`{sandbox_replay_command(run_dir, args)} --serve` keeps one up.")  # fmt: skip
        return summary
    finally:
        if target is not None:
            target.client.close()
        if sandbox is not None:
            sandbox.stop()


def note_unmapped(target: AsanaTarget, people: Iterable[str]) -> None:
    """Say up front, on stderr, whose token the target refuses and whose events will wait for
    want of a token (`people`: emails). Checks the tokens first (once: see `Actors.verify_tokens`)."""
    target.actors.verify_tokens()
    emails = list(people)
    for notice in (target.actors.refused_notice(emails), target.actors.unmapped_notice(emails)):
        if notice:
            print(f"Note: {notice}", file=sys.stderr)


def _note(text: str) -> None:
    _to_stderr(f"Note: {text}")


def _to_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _replay(
    run_dir: Path, target: AsanaTarget, journal: Journal, args: ReplayArgs, speed,
    signals: StopSignals | None,
):  # fmt: skip
    """Run the replay in the background with its status; closes `journal`. A replay of a
    finished run stops once its target stopped answering (the rest would be parked one by one);
    a followed one waits, as ``busywork live`` does."""
    options = ReplayOptions(give_up_after=None if args.follow else TargetSilence())
    try:
        summary = in_background(
            lambda stop, on_start: run_replay(
                run_dir,
                target,
                journal,
                speed=speed,
                follow=args.follow,
                stop=stop,
                on_start=on_start,
                options=options,
                retry_failed=args.retry_failed,
                on_waiting=lambda text: print(text, file=sys.stderr, flush=True),
            ),  # fmt: skip
            progress=not args.as_json and sys.stderr.isatty(),
            lines=not args.as_json,
            label=f"replay {run_dir.name}",
            signals=signals,
        )
    except KeyboardInterrupt:
        raise  # quitting now: workers may still write to the journal; the exit closes it
    except BaseException:
        journal.close()
        raise
    journal.close()
    return summary


# -- backfill ----------------------------------------------------------------------------------


def backfill_command(
    scenario: Scenario, days: int, args: ReplayArgs, echo: Echo, replays: Path,
    signals: StopSignals | None = None,
) -> ReplaySummary:  # fmt: skip
    """``busywork backfill``: check the destination (and reach it) first, so a wrong option
    leaves no run folder behind; then simulate the `days` before today and replay them."""
    from adapters.run_setup import content_source, simulate_run
    from engine import run as runs
    from engine.backfill import backfill_scenario, shift_to_today

    args.check_target_options()
    today = datetime.now(UTC).date()
    sc = backfill_scenario(scenario, days, today)
    dest = args.destination()
    dest.limits()  # checks --plan
    target = None
    if args.to != "sandbox":
        shift = shift_to_today(sc, today)
        target = connect(base_url_for(args.to), tokens_for(dest), dest, date_shift_days=shift)
    try:
        if target is not None:
            target.actors.verify_tokens()  # a token of someone else is refused before anything is made
        run_dir = runs.new_run_dir(sc, replays)
        manifest = runs.create_run(run_dir, sc, content_source(sc))
        simulated = simulate_run(run_dir, manifest, quiet=args.as_json)
    except BaseException:
        if target is not None:
            target.client.close()
        raise
    if not args.as_json:
        echo(f"Simulated {days} days into {run_dir}")
        if not simulated.events:  # (--json says it with "events": 0)
            from engine.quiet_run import why_no_events

            if why := why_no_events(manifest.scenario):
                echo(f"Note: {why}")
    resume = None
    if target is not None:
        resume = (f"Resume with: {resume_command(run_dir, args, target)}  (not `busywork "
                  "backfill` again: that simulates a new run and replays all of it)")  # fmt: skip
    return replay_command(run_dir, args, echo, today=today, target=target, resume=resume,
                          signals=signals)  # fmt: skip


def resume_command(run_dir: Path, args: ReplayArgs, target: AsanaTarget) -> str:
    """The ``busywork replay`` command that carries on into the same checkpoint: the same
    destination, workspace and team (as found), and the options of `replayed_options`."""
    words = ["replay", str(run_dir), "--to", args.to]
    if args.tokens_file is not None:
        words += ["--tokens", str(args.tokens_file)]
    words += ["--workspace", target.workspace]
    if target.team:
        words += ["--team", target.team]
    return command_line(*words, *replayed_options(args))


def sandbox_replay_command(run_dir: Path, args: ReplayArgs) -> str:
    """The ``busywork replay`` command that replays the run again into a new in-process sandbox
    as this one did: the workspace and team the user named and the options of
    `replayed_options` (`--to sandbox` is the default; a new sandbox has no earlier failures,
    so no `--retry-failed`)."""
    words = ["replay", str(run_dir)]
    if args.workspace is not None:
        words += ["--workspace", args.workspace]
    if args.team is not None:
        words += ["--team", args.team]
    if args.follow:
        words.append("--follow")
    return command_line(*words, *replayed_options(args))


def replayed_options(args: ReplayArgs) -> list[str]:
    """The options a replay's suggested command repeats: pace, limits and who-acts options that
    differ from their defaults, and `--shift-dates` when the replay shifts dates (a resume keeps
    the first run's shift anyway)."""
    words: list[str] = []
    defaults = ReplayArgs()
    for option, value, default in (
        ("--speed", args.speed, defaults.speed),
        ("--plan", args.plan, defaults.plan),
        ("--rate-limit", args.rate_limit, defaults.rate_limit),
        ("--unmapped", args.unmapped, defaults.unmapped),
        ("--on-invalid-token", args.on_invalid_token, defaults.on_invalid_token),
    ):
        if value != default:
            words += [option, str(value)]
    if args.shift_dates:
        words.append("--shift-dates")
    return words
