"""What the replay-family commands do (``replay``, ``backfill``, ``clean``, the demo's replay),
kept out of ``cli.py`` so the command line stays a thin, fast-loading layer.

A replay runs in a worker thread; the main thread shows progress, and Ctrl-C or SIGTERM sets
the stop event: in-flight requests finish, their outcomes are checkpointed, and the same
command resumes later.
"""

from __future__ import annotations

import shlex
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from adapters.asana.replay_job import (
    Destination,
    base_url_for,
    connect,
    open_journal,
    parse_speed,
    run_replay,
    sandbox_for_run,
    sandbox_target_name,
    tokens_for,
)
from adapters.asana.target import AsanaTarget
from engine.errors import BusyworkError
from engine.replay import Replayer
from engine.replay_report import ReplaySummary
from engine.run import read_manifest
from engine.scenario import Scenario

T = TypeVar("T")
Echo = Callable[[str], None]


@dataclass(frozen=True)
class ReplayArgs:
    to: str = "sandbox"
    tokens_file: Path | None = None
    workspace: str | None = None
    team: str | None = None
    speed: str = "max"
    plan: str = "paid"
    rate_limit: int | None = None
    unmapped: str = "default"
    on_invalid_token: str = "skip"
    shift_dates: bool = False
    follow: bool = False
    serve: bool = False
    as_json: bool = False

    def destination(self) -> Destination:
        return Destination(
            to=self.to, tokens_file=self.tokens_file, workspace=self.workspace, team=self.team,
            plan=self.plan, rate_limit=self.rate_limit, unmapped=self.unmapped,
            on_invalid_token=self.on_invalid_token,
        )  # fmt: skip


def in_background(
    work: Callable[[threading.Event, Callable[[Replayer], None]], T],
    *,
    progress: bool,
    label: str,
    stop: threading.Event | None = None,
) -> T:
    """Run `work(stop, on_start)` in a thread; show progress; turn Ctrl-C/SIGTERM into stop
    and wait for the work to finish what is in flight (a second Ctrl-C quits at once: the
    journal already holds every finished event, as after `kill -9`)."""
    stop = stop or threading.Event()
    started: list[Replayer] = []
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def body() -> None:
        try:
            outcome["value"] = work(stop, started.append)
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc
        finally:
            finished.set()

    # Waited for through `finished`, never thread.join(): on Python 3.11 a join that Ctrl-C
    # interrupts marks the thread as ended while it still runs.
    thread = threading.Thread(target=body, name="replay", daemon=True)
    previous = _on_sigterm(stop)
    thread.start()
    try:
        _wait(finished, started, progress, label)
    except KeyboardInterrupt:
        stop.set()
        print("Stopping: finishing requests in flight (Ctrl-C again to quit now)...",
              file=sys.stderr)  # fmt: skip
        wait_for(finished)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def wait_for(event: threading.Event) -> None:
    """Wait in slices, so Ctrl-C is seen promptly."""
    while not event.wait(0.2):
        pass


def _on_sigterm(stop: threading.Event):
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda *_: stop.set())


def _wait(finished: threading.Event, started: list[Replayer], progress: bool, label: str) -> None:
    if not progress:
        wait_for(finished)
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn(f"[bold]{label}[/]"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.fields[of]}"),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=None, of="?", info="")
        while not finished.wait(0.25):
            if started:
                bar.update(task, **_progress_fields(started[0].snapshot()))


def _progress_fields(s: dict[str, float]) -> dict[str, Any]:
    done = sum(s[k] for k in ("already_done", "applied", "failed", "skipped", "parked", "deferred"))
    total = int(s["total"]) or None
    rate = s["applied"] / s["elapsed"] if s["elapsed"] > 0 else 0.0
    eta = f"  ETA {((total - done) / rate):.0f}s" if total and rate > 0 else ""
    info = (f"{s['requests_per_second']:.0f} req/s  429s {s['rate_limited']:.0f}  "
            f"retries {s['retries']:.0f}  failed {s['failed']:.0f}  "
            f"late {s['lateness']:.1f}s{eta}")  # fmt: skip
    return {"completed": done, "total": total, "of": f"{total:,}" if total else "?", "info": info}


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
) -> ReplaySummary:
    """``busywork replay``; returns the summary (the caller sets the exit code). With
    ``args.serve``, `serving(sandbox, summary)` (default: wait for Ctrl-C) runs while the
    in-process sandbox still serves. `target`: already connected (``backfill`` reaches it
    before simulating); closed here. `resume`: how to resume, when stopped early."""
    from engine.backfill import shift_to_today

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
            sandbox, tokens = sandbox_for_run(run_dir, dest.limits())
            target = connect(sandbox.base_url, tokens, dest, date_shift_days=shift)
            target.name = sandbox_target_name()
            resume = (
                "The in-process sandbox stopped with this command: "
                f"`busywork replay {shlex.quote(str(run_dir))}` starts over in a new one."
            )
        summary = _replay(run_dir, target, args, speed, "sandbox" if sandbox else args.to)
        print_summary(summary, echo, as_json=args.as_json, resume=resume)
        if sandbox is None:
            return summary
        if args.serve and not summary.stopped:
            if not args.as_json:
                echo(f"Browse:     {sandbox.root_url}/")
            if serving is not None:
                serving(sandbox, summary)
            else:
                echo("Serving the sandbox; press Ctrl-C to stop.")
                _serve_until_interrupted()
        elif not args.as_json and not summary.stopped:
            echo("Sandbox:    in-process, stopped with this command (nothing left to browse); "
                 f"`busywork replay {shlex.quote(str(run_dir))} --serve` keeps one up.")  # fmt: skip
        return summary
    finally:
        if target is not None:
            target.client.close()
        if sandbox is not None:
            sandbox.stop()


def note_unmapped(target: AsanaTarget, people: Iterable[str]) -> None:
    """Say up front, on stderr, whose events will wait for want of a token (`people`: emails)."""
    notice = target.unmapped_notice(people)
    if notice:
        print(f"Note: {notice}", file=sys.stderr)


def _replay(run_dir: Path, target: AsanaTarget, args: ReplayArgs, speed, kind: str):
    note_unmapped(target, (p.email for p in read_manifest(run_dir).scenario.people))
    journal = open_journal(run_dir, target, kind)
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
            ),  # fmt: skip
            progress=not args.as_json and sys.stderr.isatty(),
            label=f"replaying {run_dir.name}",
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
    scenario: Scenario, days: int, args: ReplayArgs, echo: Echo, replays: Path
) -> ReplaySummary:
    """``busywork backfill``: check the destination (and reach it) first, so a wrong option
    leaves no run folder behind; then simulate the `days` before today and replay them."""
    from adapters.run_setup import content_source, simulate_run
    from engine import run as runs
    from engine.backfill import backfill_scenario, shift_to_today

    today = datetime.now(UTC).date()
    sc = backfill_scenario(scenario, days, today)
    dest = args.destination()
    dest.limits()  # checks --plan
    target = None
    if args.to != "sandbox":
        shift = shift_to_today(sc, today)
        target = connect(base_url_for(args.to), tokens_for(dest), dest, date_shift_days=shift)
    try:
        run_dir = runs.new_run_dir(sc, replays)
        manifest = runs.create_run(run_dir, sc, content_source(sc))
        simulate_run(run_dir, manifest, quiet=args.as_json)
    except BaseException:
        if target is not None:
            target.client.close()
        raise
    if not args.as_json:
        echo(f"Simulated {days} days into {run_dir}")
    resume = None
    if target is not None:
        resume = (f"Resume with: {resume_command(run_dir, args, target)}  (not `busywork "
                  "backfill` again: that simulates a new run and replays all of it)")  # fmt: skip
    return replay_command(run_dir, args, echo, today=today, target=target, resume=resume)


def resume_command(run_dir: Path, args: ReplayArgs, target: AsanaTarget) -> str:
    """The ``busywork replay`` command that carries on into the same checkpoint: the same
    destination, workspace and team (as found), limits and who-acts options. Due and start
    dates need no shift: a backfill's run already ends on the day it was made."""
    words = ["busywork", "replay", str(run_dir), "--to", args.to]
    if args.tokens_file is not None:
        words += ["--tokens", str(args.tokens_file)]
    words += ["--workspace", target.workspace]
    if target.team:
        words += ["--team", target.team]
    defaults = ReplayArgs()
    for option, value, default in (
        ("--plan", args.plan, defaults.plan),
        ("--rate-limit", args.rate_limit, defaults.rate_limit),
        ("--unmapped", args.unmapped, defaults.unmapped),
        ("--on-invalid-token", args.on_invalid_token, defaults.on_invalid_token),
    ):
        if value != default:
            words += [option, str(value)]
    if target.options.date_shift_days:
        words.append("--shift-dates")
    return shlex.join(words)


def _serve_until_interrupted() -> None:
    stop = threading.Event()
    previous = _on_sigterm(stop)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def print_summary(
    summary: ReplaySummary, echo: Echo, *, as_json: bool, resume: str | None = None
) -> None:
    """The summary; when stopped early, `resume` (default: run the same command again) says
    how to carry on (on stderr with --json, so stdout stays one JSON document)."""
    resume = resume or "Run the same command again to resume."
    if as_json:
        echo(msgspec.json.encode(summary).decode())
        if summary.stopped:
            print(f"Stopped early: {summary.stopped}. {resume}", file=sys.stderr)
        return
    s = summary
    echo(f"Replayed into {s.target}: {s.applied:,} applied, {s.failed:,} failed, "
         f"{s.skipped:,} skipped, {s.parked:,} parked"
         + (f", {s.deferred:,} left for the next run" if s.deferred else "")
         + (f" ({s.already_done:,} done earlier)" if s.already_done else ""))  # fmt: skip
    echo(f"{s.requests:,} requests in {s.wall_seconds:.1f} s ({s.requests_per_second:,.0f}/s), "
         f"{s.retries:,} retries, {s.rate_limited:,} rate limited")  # fmt: skip
    if s.lateness_max_seconds is not None:
        echo(f"Lateness: mean {s.lateness_mean_seconds:.2f} s, max {s.lateness_max_seconds:.2f} s")
    if s.invalid_tokens:
        echo(f"Invalid tokens (401): {', '.join(s.invalid_tokens)}")
    for note in s.notes:
        echo(f"Note: {note}")
    for error in s.errors[:5]:
        echo(f"  {error}")
    if s.stopped:
        echo(f"Stopped early: {s.stopped}. {resume}")


def exit_code(summary: ReplaySummary) -> int:
    if summary.stopped == "interrupted":
        return 130
    return 1 if summary.stopped else 0


def fail_if_stopped(summary: ReplaySummary) -> None:
    if summary.stopped and summary.stopped != "interrupted":
        raise BusyworkError(summary.stopped)
