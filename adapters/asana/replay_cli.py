"""What the replay-family commands do (``replay``, ``backfill``, ``clean``, the demo's replay),
kept out of ``cli.py`` so the command line stays a thin, fast-loading layer.

A replay runs in a worker thread; the main thread shows progress, and Ctrl-C or SIGTERM sets
the stop event: in-flight requests finish, their outcomes are checkpointed, and the same
command resumes later.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
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
from engine.errors import BusyworkError
from engine.replay import Replayer
from engine.replay_report import ReplaySummary
from engine.run import read_manifest

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
    """Run `work(stop, on_start)` in a thread; show progress; turn Ctrl-C/SIGTERM into stop."""
    stop = stop or threading.Event()
    started: list[Replayer] = []
    outcome: dict[str, Any] = {}

    def body() -> None:
        try:
            outcome["value"] = work(stop, started.append)
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc

    thread = threading.Thread(target=body, name="replay", daemon=True)
    previous = _on_sigterm(stop)
    thread.start()
    try:
        _wait(thread, started, progress, label)
    except KeyboardInterrupt:
        stop.set()
        print("Stopping: finishing requests in flight (Ctrl-C again to quit now)...",
              file=sys.stderr)  # fmt: skip
        thread.join()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _on_sigterm(stop: threading.Event):
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda *_: stop.set())


def _wait(thread: threading.Thread, started: list[Replayer], progress: bool, label: str) -> None:
    if not progress:
        while thread.is_alive():
            thread.join(0.2)
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
        while thread.is_alive():
            thread.join(0.25)
            if started:
                bar.update(task, **_progress_fields(started[0].snapshot()))


def _progress_fields(s: dict[str, float]) -> dict[str, Any]:
    done = s["already_done"] + s["applied"] + s["failed"] + s["skipped"] + s["parked"]
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
) -> ReplaySummary:
    """``busywork replay``; returns the summary (the caller sets the exit code). With
    ``args.serve``, `serving(sandbox, summary)` (default: wait for Ctrl-C) runs while the
    in-process sandbox still serves."""
    from engine.backfill import shift_to_today

    manifest = read_manifest(run_dir)
    speed = parse_speed(args.speed)
    dest = args.destination()
    shift = 0
    if args.shift_dates:
        shift = shift_to_today(manifest.scenario, today or datetime.now(UTC).date())
    sandbox = None
    if args.to == "sandbox":
        sandbox, tokens = sandbox_for_run(run_dir, dest.limits())
        base_url = sandbox.base_url
    else:
        base_url, tokens = base_url_for(args.to), tokens_for(dest)
    try:
        target = connect(base_url, tokens, dest, date_shift_days=shift)
        if sandbox is not None:
            target.name = sandbox_target_name()
        journal = open_journal(run_dir, target, "sandbox" if sandbox else args.to)
        progress = not args.as_json and sys.stderr.isatty()
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
                progress=progress,
                label=f"replaying {run_dir.name}",
            )
        finally:
            journal.close()
            target.client.close()
        print_summary(summary, echo, as_json=args.as_json)
        if sandbox is not None and not args.as_json:
            echo(f"Browse:     {sandbox.root_url}/")
        if sandbox is not None and args.serve and not summary.stopped:
            if serving is not None:
                serving(sandbox, summary)
            else:
                echo("Serving the sandbox; press Ctrl-C to stop.")
                _serve_until_interrupted()
        return summary
    finally:
        if sandbox is not None:
            sandbox.stop()


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


def print_summary(summary: ReplaySummary, echo: Echo, *, as_json: bool) -> None:
    if as_json:
        echo(msgspec.json.encode(summary).decode())
        return
    s = summary
    echo(f"Replayed into {s.target}: {s.applied:,} applied, {s.failed:,} failed, "
         f"{s.skipped:,} skipped, {s.parked:,} parked"
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
        echo(f"Stopped early: {s.stopped}. Run the same command again to resume.")


def exit_code(summary: ReplaySummary) -> int:
    if summary.stopped == "interrupted":
        return 130
    return 1 if summary.stopped else 0


def fail_if_stopped(summary: ReplaySummary) -> None:
    if summary.stopped and summary.stopped != "interrupted":
        raise BusyworkError(summary.stopped)
