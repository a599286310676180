"""What the commands show at the terminal: the simulation progress bar and summary, the
activity feed, JSON results, query tables and the demo's run of output.

Only the command modules (``cli.py``, ``adapters/*/commands.py``, ``adapters/run_setup.py``)
import this module, and only inside the commands that use it. rich and the
replay machinery are imported inside the functions that need them, so a command loads no
more than before (``busywork show`` never loads rich).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from adapters.interrupts import StopSignals
from engine.errors import command_line


def print_json(value) -> None:
    """One JSON object on stdout (the --json output of simulate, stats and report)."""
    import msgspec

    click.echo(msgspec.json.encode(value).decode())


def simulate_with_progress(run_dir: Path, manifest, content, *, quiet: bool, workers: int = 1):
    """Simulate the run; on a terminal (and unless quiet) with a transient progress bar on
    stderr. Returns the run summary."""
    from engine import run as runs

    if quiet or not sys.stderr.isatty():
        return runs.simulate_run(run_dir, manifest, content, workers=workers, on_note=print_note)
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    days = manifest.scenario.days
    columns = (
        TextColumn("[bold]simulating[/] {task.fields[name]}"),
        BarColumn(),
        TextColumn("day {task.completed:.0f}/{task.total:.0f}"),
        TextColumn("{task.fields[events]:,} events  {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
    )
    import time

    started = time.perf_counter()
    with Progress(*columns, transient=True) as progress:
        # The column is markup: a run named "x [/y]" is shown as it is, not read as a tag.
        name = escape(manifest.run_id)
        bar = progress.add_task("sim", total=days, name=name, events=0, rate=0)

        def on_progress(sim_seconds: float, events: int) -> None:
            elapsed = max(1e-9, time.perf_counter() - started)
            progress.update(
                bar, completed=sim_seconds / 86400, events=events, rate=events / elapsed
            )

        return runs.simulate_run(
            run_dir, manifest, content, on_progress=on_progress, workers=workers,
            on_note=lambda text: progress.console.print(Text(f"Note: {text}"), soft_wrap=True),
        )  # fmt: skip


def print_note(text: str) -> None:
    """A note about what a command did on the way (a torn last line it cut), on stderr."""
    click.echo(f"Note: {text}", err=True)


def say_how_far(run: Path, status: object) -> None:
    """After what a reader (show, stats, report) printed of RUN, a note on stderr when it covers
    less than a finished run (it is not finished, so a total or a pass may change) or its log
    ends in a torn line. `status`: the run's manifest's."""
    from engine.run_state import torn_tail_note, unfinished_note

    for note in (unfinished_note(run, status), torn_tail_note(run, status)):
        if note is not None:
            print_note(note)


def interrupted_simulation(run_dir: Path) -> int:
    """Say how to finish a simulation Ctrl-C stopped (what is on disk stays); its exit code."""
    finish = command_line("simulate", "--resume", run_dir)
    click.echo(f"Interrupted. Finish it with: {finish}", err=True)
    return 130


def busywork_command() -> str:
    """How to type busywork here: its name when it is on PATH, else the path it was run by
    (after `make demo`, `.venv/bin/busywork` until the virtual environment is activated)."""
    import os
    import shutil

    if shutil.which("busywork") or not sys.argv[0].endswith("busywork"):
        return "busywork"
    path = os.path.abspath(sys.argv[0])
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative


def print_summary(summary, *, next_hint: bool = True, note: str = "") -> None:
    """The run folder, event count, simulated span and speed, a `note` (why a run has no
    events), and a table of counts by type."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    # Text, not markup: a folder may be named "runs [old]".
    console.print(Text.assemble(("Run", "bold"), f" {summary.run_dir}"), soft_wrap=True)
    from engine.run import events_and_span

    resumed = f" (resumed after event {summary.resumed_from:,})" if summary.resumed_from else ""
    counted = events_and_span(summary.events, summary.first_at, summary.last_at, aside=resumed)
    console.print(  # one line however narrow: a pipe or a log file gets it whole
        Text(
            f"{counted}; {summary.wall_seconds:.2f} s wall, "
            f"{summary.events_per_second:,.0f} events/s"
        ),
        soft_wrap=True,
    )
    if note:
        console.print(Text(f"Note: {note}"), soft_wrap=True)
    table = Table(show_header=True, header_style="bold")
    table.add_column("event")
    table.add_column("count", justify="right")
    for name, count in sorted(summary.counts.items(), key=lambda kv: -kv[1]):
        table.add_row(Text(name), f"{count:,}")
    console.print(table)
    if next_hint:
        show = shlex.join([busywork_command(), "show", summary.run_dir, "--tail", "20"])
        console.print(Text(f"Next: {show}"), soft_wrap=True)


def print_feed(
    run_dir: Path,
    *,
    types: Iterable[str] = (),
    person: str | None = None,
    tail: int | None = None,
    indent: str = "",
    known: Iterable[tuple[str, str]] = (),
) -> None:
    """The run as a readable activity feed, one line per event (only the last `tail`).
    `known`: the (name, email) of the scenario's people, for --person (engine.feed.feed)."""
    from collections import deque

    from engine.feed import feed
    from engine.log import FileLog

    log = FileLog.open_readonly(run_dir)
    lines: Iterable[str] = feed(log.read(), types=set(types) or None, person=person,
                                known=known, locate=log.where)  # fmt: skip
    if tail is not None:
        lines = deque(lines, maxlen=tail)
    shown = 0
    for text in lines:
        click.echo(f"{indent}{text}")
        shown += 1
    if person is not None and not shown and tail != 0:
        of_types = " of those types" if types else ""
        print_note(f"nothing by {person!r}{of_types} in this run yet")


def print_query_table(result, out: Path | None) -> None:
    """A query result as a table: to the terminal, or as plain text (200 wide) to `out`."""
    from rich.console import Console

    from adapters.analytics.query_table import query_table

    if out is None:
        console = Console()
        console.print(query_table(result, console.width))
        return
    try:
        with open(out, "w", encoding="utf-8") as fh:
            console = Console(file=fh, width=200, color_system=None)
            console.print(query_table(result, console.width))
    except OSError as exc:
        from engine.files import write_error

        raise write_error("--out", out, exc.errno, exc.strerror or str(exc)) from None


def run_demo(
    run_dir: Path,
    manifest,
    content,
    data_dir: Path,
    *,
    no_serve: bool,
    port: int,
    serve_seconds: float | None,
    signals: StopSignals | None = None,
) -> int:
    """`busywork demo` after the run is created: simulate it with progress, print the summary
    and the latest activity, replay into an in-process sandbox, then (with someone at the
    terminal) serve the dashboard beside it. Returns the replay's exit code."""
    try:
        summary = simulate_with_progress(run_dir, manifest, content, quiet=False)
    except KeyboardInterrupt:  # what is on disk stays: say how to finish it
        return interrupted_simulation(run_dir)
    print_summary(summary, next_hint=False)
    click.echo("\nLatest activity:")
    print_feed(run_dir, tail=12, indent="  ")
    from adapters.asana.replay_cli import ReplayArgs, replay_command
    from adapters.asana.replay_outcome import exit_code

    click.echo("\nReplaying into a local Asana sandbox...")
    # Serve only when someone is there to press Ctrl-C (a script or test gets the summary).
    serve = not no_serve and (sys.stdin.isatty() or serve_seconds is not None)

    def serving(sandbox, replayed) -> None:
        from adapters.web.demo import demo_dashboard

        demo_dashboard(run_dir, data_dir, sandbox, replayed, port=port, echo=click.echo,
                       seconds=serve_seconds)  # fmt: skip

    replayed = replay_command(run_dir, ReplayArgs(serve=serve), echo=click.echo, serving=serving,
                              signals=signals)  # fmt: skip
    if not serve and not no_serve:
        click.echo("\nNot serving the dashboard: there is no terminal to stop it from "
                   "(`busywork serve` serves it).")  # fmt: skip
    _print_next_steps(run_dir)
    return exit_code(replayed)


def _print_next_steps(run_dir: Path) -> None:
    busywork = busywork_command()
    click.echo("\nNext:")
    if busywork != "busywork":
        activate = shlex.quote(str(Path(busywork).parent / "activate"))
        click.echo(f"  source {activate}   # puts busywork on PATH")
        busywork = "busywork"
    run = shlex.quote(str(run_dir))
    steps = [(f"show {run} --tail 20", "the latest activity"),
             (f"stats {run}", "totals, heatmap, cycle times"),
             (f"report {run}", "realism checks"),
             ("serve", "the dashboard: start, pause and stop jobs")]  # fmt: skip
    width = max(len(command) for command, _ in steps)
    for command, what in steps:
        click.echo(f"  {busywork} {command.ljust(width)}  # {what}")
