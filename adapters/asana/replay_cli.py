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
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from rich.progress import ProgressColumn
from rich.text import Text

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
from engine.replay_report import ReplaySummary, StatusLine
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
    retry_failed: bool = False

    def destination(self) -> Destination:
        return Destination(
            to=self.to, tokens_file=self.tokens_file, workspace=self.workspace, team=self.team,
            plan=self.plan, rate_limit=self.rate_limit, unmapped=self.unmapped,
            on_invalid_token=self.on_invalid_token,
        )  # fmt: skip


PROGRESS_LINE_SECONDS = 60.0  # without a terminal: one progress line on stderr this often


def in_background(
    work: Callable[[threading.Event, Callable[[Replayer], None]], T],
    *,
    progress: bool,
    label: str,
    stop: threading.Event | None = None,
    lines: bool = False,
    clock: Callable[[], str] | None = None,
    every: float = PROGRESS_LINE_SECONDS,
) -> T:
    """Run `work(stop, on_start)` in a thread; show progress (`progress`: a status line on the
    terminal; else with `lines`, a line on stderr `every` seconds; `clock()`: e.g. a live run's
    simulated time, shown in both); turn Ctrl-C/SIGTERM into stop and wait for the work to
    finish what is in flight (a second Ctrl-C quits at once: the journal already holds every
    finished event, as after `kill -9`)."""
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
    status = StatusLine(label, clock)
    thread.start()
    try:
        if progress:
            _show_status(finished, started, status)
        elif lines:
            _print_status(finished, started, status, every)
        else:
            wait_for(finished)
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


def _print_status(
    finished: threading.Event, started: list[Replayer], status: StatusLine, every: float
) -> None:
    """No terminal (a log file, a service): a plain status line on stderr now and then, so a
    long quiet spell still shows that the command is alive and where it is."""
    next_line = time.monotonic() + every
    while not finished.wait(min(0.2, every)):
        if started and time.monotonic() >= next_line:
            next_line += every
            print(status.plain(started[0].snapshot()), file=sys.stderr, flush=True)


def _show_status(finished: threading.Event, started: list[Replayer], status: StatusLine) -> None:
    from rich.progress import Progress

    with Progress(StatusColumn(), transient=True) as bar:
        task = bar.add_task(status.label, total=None, line=Text(status.label))
        while not finished.wait(0.25):
            if started:
                line = status_text(status, started[0].snapshot(), bar.console.width)
                bar.update(task, line=line)


BAR_WIDTH = 12


def status_text(status: StatusLine, snapshot: dict[str, float], width: int) -> Text:
    """The status line for a terminal `width` columns wide: cut at the end, never dropping
    the count, share and ETA that come first."""
    head, fraction, tail = status.parts(snapshot)
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(status.label, style="bold")
    line.append(f"  {head}  ")
    if fraction is not None:
        filled = round(fraction * BAR_WIDTH)
        line.append("━" * filled, style="bar.complete")
        line.append("━" * (BAR_WIDTH - filled), style="bar.back")
        line.append("  ")
    line.append(tail)
    line.truncate(max(1, width - 1), overflow="ellipsis")
    return line


class StatusColumn(ProgressColumn):
    """The whole status line (see `status_text`), one column: rich shrinks several columns
    that do not fit by dropping whole ones, the count and ETA among them."""

    def render(self, task) -> Text:
        return task.fields["line"]


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
            sandbox, tokens = sandbox_for_run(run_dir, dest.limits(), plan=dest.plan)
            target = connect(sandbox.base_url, tokens, dest, date_shift_days=shift)
            target.name = sandbox_target_name()
            again = f"`busywork replay {shlex.quote(str(run_dir))}`"
            resume = (f"The in-process sandbox stopped with this command: {again} starts over "
                      "in a new one.")  # fmt: skip
            retry = Retry(again, whole_run=True)
        else:
            retry = Retry(f"`{resume_command(run_dir, args, target)} --retry-failed`")
        summary = _replay(run_dir, target, args, speed, "sandbox" if sandbox else args.to)
        print_summary(summary, echo, as_json=args.as_json, resume=resume, retry=retry)
        if sandbox is None:
            return summary
        if args.serve and not summary.stopped:
            if serving is not None:  # it says where to browse (the demo: beside its dashboard)
                serving(sandbox, summary)
            else:
                if not args.as_json:
                    echo(f"Browse:     {sandbox.root_url}/")
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
                retry_failed=args.retry_failed,
                on_waiting=lambda text: print(text, file=sys.stderr, flush=True),
            ),  # fmt: skip
            progress=not args.as_json and sys.stderr.isatty(),
            lines=not args.as_json,
            label=f"replay {run_dir.name}",
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
    destination, workspace and team (as found), pace, limits and who-acts options, and the
    same date shift."""
    words = ["busywork", "replay", str(run_dir), "--to", args.to]
    if args.tokens_file is not None:
        words += ["--tokens", str(args.tokens_file)]
    words += ["--workspace", target.workspace]
    if target.team:
        words += ["--team", target.team]
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
    summary: ReplaySummary,
    echo: Echo,
    *,
    as_json: bool,
    resume: str | None = None,
    retry: Retry | None = None,
) -> None:
    """The summary; when stopped early, `resume` (default: run the same command again) says
    how to carry on; when events failed, `retry` says what sends them again once the cause is
    fixed. With --json these lines go to stderr, so stdout stays one JSON document."""
    ending = [line for line in (_stopped_line(summary, resume), incomplete_line(summary, retry))
              if line]  # fmt: skip
    if as_json:
        echo(msgspec.json.encode(summary).decode())
        for line in ending:
            print(line, file=sys.stderr)
        return
    s = summary
    after = s.skipped_after_failure
    earlier = s.failed_earlier + s.skipped_after_failure_earlier
    echo(f"Replayed into {s.target}: {s.applied:,} applied, {s.failed:,} failed, "
         + (f"{after:,} not sent (they depend on a failed event), " if after else "")
         + f"{s.skipped - after:,} skipped, {s.parked:,} parked"
         + (f", {s.deferred:,} left for the next run" if s.deferred else "")
         + (f"; {s.retried:,} of these sent again (--retry-failed)" if s.retried else "")
         + (f" ({s.already_done:,} done earlier"
            + (f", {earlier:,} of them failed or depend on a failure" if earlier else "")
            + ")" if s.already_done else ""))  # fmt: skip
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
    for line in ending:
        echo(line)


def _stopped_line(summary: ReplaySummary, resume: str | None) -> str | None:
    if not summary.stopped:
        return None
    if summary.stopped != "interrupted":  # too many failures: the next line says what to do
        return f"Stopped early: {summary.stopped}."
    return f"Stopped early: interrupted. {resume or 'Run the same command again to resume.'}"


@dataclass(frozen=True)
class Retry:
    """What sends failed events again once their cause is fixed: `command` (as shown), or
    with `whole_run`, what replays the whole run again (an in-process sandbox is gone)."""

    command: str = "the same command with `--retry-failed`"
    whole_run: bool = False

    def phrase(self, stopped: bool) -> str:
        if self.whole_run:
            return f"{self.command} replays the whole run into a new in-process sandbox"
        return f"{self.command} sends them again" + (
            ", and whatever the stop left unsent" if stopped else ""
        )


def incomplete_line(summary: ReplaySummary, retry: Retry | None = None) -> str | None:
    """One line on what failed in this run or an earlier one (and was not sent again) and
    what to do about it; None when nothing did. Deliberate skips are not failures."""
    s = summary
    failed = s.failed + s.failed_earlier
    after = s.skipped_after_failure + s.skipped_after_failure_earlier
    parts: list[str] = []
    if failed or after:
        what = f"{_events(failed)} failed"
        if after:
            verb = "depends" if after == 1 else "depend"
            what += f" and {after:,} {verb} on {'it' if failed == 1 else 'them'}"
        earlier = s.failed_earlier + s.skipped_after_failure_earlier
        if earlier == failed + after:
            what += " (in an earlier run; not sent again)"
        elif earlier:
            what += f" ({earlier:,} of them in an earlier run; not sent again)"
        see = "see the errors above; " if s.errors else ""
        how = (retry or Retry()).phrase(bool(s.stopped))
        parts.append(f"{what}; {see}once the cause is fixed, {how}")
    if s.parked:
        parts.append(f"{_events(s.parked)} parked (the target failed for now); the next run "
                     "sends them")  # fmt: skip
    return f"Incomplete: {'; '.join(parts)}." if parts else None


def _events(n: int) -> str:
    return f"{n:,} event{'' if n == 1 else 's'}"


def exit_code(summary: ReplaySummary) -> int:
    """0: every event was applied or skipped on purpose; 1: stopped for failures, or events
    failed, depend on a failure (this run or an earlier one) or were parked; 130: interrupted."""
    if summary.stopped == "interrupted":
        return 130
    return 1 if summary.stopped or incomplete_line(summary) else 0


def fail_if_stopped(summary: ReplaySummary) -> None:
    if summary.stopped and summary.stopped != "interrupted":
        raise BusyworkError(summary.stopped)
