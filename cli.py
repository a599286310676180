"""The busywork command line.

Each command does one thing and wires the engine to adapters. Library code raises
``BusyworkError``; ``BusyworkGroup.invoke`` turns it into one line on stderr and an exit code
(0 ok, 1 failure, 2 bad input) in this one place. Heavy libraries are imported inside the
commands that use them, so ``busywork --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.errors import BusyworkError

DEFAULT_REPLAYS = Path("replays")


class BusyworkGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BusyworkError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=BusyworkGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="busywork")
def main() -> None:
    """busywork: make an Asana workspace look like a real team works in it.

    Simulate an organisation into an append-only event log under replays/, then inspect it.
    Start with `busywork demo`, or `busywork init my-team.toml` and
    `busywork simulate my-team.toml`.
    """


# -- scenario --------------------------------------------------------------------------------


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="scenario.toml")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: Path, force: bool) -> None:
    """Write an annotated example scenario to PATH (default: scenario.toml).

    The file describes the built-in 12-person product team; edit it and pass it to
    `busywork simulate`.
    """
    from engine.errors import InvalidInput
    from engine.scenario import example_toml

    if path.exists() and not force:
        raise InvalidInput(f"{path}: already exists; use --force to overwrite it")
    path.write_text(example_toml(), encoding="utf-8")
    click.echo(f"Wrote {path}. Next: busywork simulate {path}")


def _load_scenario(path: Path | None, days: int | None, seed: int | None, start: str | None):
    import msgspec

    from engine import scenario as sc
    from engine.errors import InvalidInput

    scenario = sc.load(path) if path is not None else sc.default_scenario()
    changes: dict = {}
    if days is not None:
        changes["days"] = days
    if seed is not None:
        changes["seed"] = seed
    if start is not None:
        from datetime import date

        try:
            changes["start"] = date.fromisoformat(start)
        except ValueError:
            raise InvalidInput(f"--start: {start!r} is not a date; expected YYYY-MM-DD") from None
    if changes:
        scenario = sc.resolve(msgspec.structs.replace(scenario, **changes))
    return scenario


# -- simulate --------------------------------------------------------------------------------


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--days", type=click.IntRange(1, 3660), help="Simulated days (overrides the scenario)."
)
@click.option("--seed", type=int, help="Random seed (overrides the scenario).")
@click.option(
    "--start", metavar="DATE", help="First simulated day, YYYY-MM-DD (overrides the scenario)."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run folder to create (default: replays/<run-id>).",
)
@click.option(
    "--resume",
    "resume",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="RUN",
    help="Finish an interrupted run folder instead of starting a new one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
def simulate(scenario: Path | None, days, seed, start, out, resume, as_json) -> None:
    """Simulate SCENARIO (default: the built-in team) into a new run under replays/.

    The clock is accelerated: a month of a 12-person team takes about a second. The run
    folder holds manifest.json and events/*.jsonl; `busywork show RUN` reads it back.
    """
    from engine import run as runs
    from engine.errors import InvalidInput

    if resume is not None:
        if scenario or days or seed is not None or start or out:
            raise InvalidInput("--resume takes its scenario from the run; drop the other options")
        manifest = runs.read_manifest(resume)
        run_dir = resume
    else:
        sc = _load_scenario(scenario, days, seed, start)
        run_dir = out or runs.new_run_dir(sc, DEFAULT_REPLAYS)
        manifest = runs.create_run(run_dir, sc, _content_source(sc))
    summary = _simulate_with_progress(run_dir, manifest, quiet=as_json)
    if as_json:
        import msgspec

        click.echo(msgspec.json.encode(summary).decode())
    else:
        _print_summary(summary)


def _content_source(scenario):
    from engine.content.templates import TemplateSource

    return TemplateSource()


def _simulate_with_progress(run_dir: Path, manifest, *, quiet: bool):
    from engine import run as runs

    content = _content_source(manifest.scenario)
    if quiet or not sys.stderr.isatty():
        return runs.simulate_run(run_dir, manifest, content)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

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
        bar = progress.add_task("sim", total=days, name=manifest.run_id, events=0, rate=0)

        def on_progress(sim_seconds: float, events: int) -> None:
            elapsed = max(1e-9, time.perf_counter() - started)
            progress.update(
                bar, completed=sim_seconds / 86400, events=events, rate=events / elapsed
            )

        return runs.simulate_run(run_dir, manifest, content, on_progress=on_progress)


def _print_summary(summary) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    span = ""
    if summary.first_at and summary.last_at:
        span = f"{summary.first_at:%a %d %b %Y %H:%M} → {summary.last_at:%a %d %b %Y %H:%M} UTC"
    console.print(f"[bold]Run[/] {summary.run_dir}")
    resumed = f" (resumed after event {summary.resumed_from:,})" if summary.resumed_from else ""
    console.print(
        f"{summary.events:,} events{resumed}, {span}; "
        f"{summary.wall_seconds:.2f} s wall, {summary.events_per_second:,.0f} events/s"
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("event")
    table.add_column("count", justify="right")
    for name, count in sorted(summary.counts.items(), key=lambda kv: -kv[1]):
        table.add_row(name, f"{count:,}")
    console.print(table)
    console.print(f"Next: busywork show {summary.run_dir} --tail 20")


# -- show ------------------------------------------------------------------------------------


@main.command()
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.option("--tail", type=click.IntRange(min=0), help="Only the last N lines.")
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="T",
    help="Only events of this type (e.g. CommentAdded); repeatable.",
)
@click.option("--person", metavar="P", help="Only what this person did (id, name or email).")
def show(run: Path, tail: int | None, types: tuple[str, ...], person: str | None) -> None:
    """Print a run as a readable activity feed, in each person's local time."""
    from collections import deque

    from engine.errors import InvalidInput
    from engine.events import EVENT_TYPES
    from engine.feed import feed
    from engine.log import FileLog
    from engine.run import read_manifest

    read_manifest(run)
    for t in types:
        if t not in EVENT_TYPES:
            raise InvalidInput(
                f"--type: {t!r} is not an event type; expected one of {', '.join(EVENT_TYPES)}"
            )
    log = FileLog.open_readonly(run)
    lines = feed(log.read(), types=set(types) or None, person=person)
    if tail is not None:
        lines = deque(lines, maxlen=tail)
    for text in lines:
        click.echo(text)


# -- demo ------------------------------------------------------------------------------------


@main.command()
@click.option(
    "--days", type=click.IntRange(1, 3660), default=30, show_default=True, help="Simulated days."
)
def demo(days: int) -> None:
    """Simulate the built-in 12-person team and print a summary and the latest activity.

    Needs no Asana account and no API key.
    """
    from collections import deque

    from engine import run as runs
    from engine.feed import feed
    from engine.log import FileLog

    sc = _load_scenario(None, days, None, None)
    run_dir = runs.new_run_dir(sc, DEFAULT_REPLAYS)
    manifest = runs.create_run(run_dir, sc, _content_source(sc))
    summary = _simulate_with_progress(run_dir, manifest, quiet=False)
    _print_summary(summary)
    click.echo("\nLatest activity:")
    for text in deque(feed(FileLog.open_readonly(run_dir).read()), maxlen=12):
        click.echo(f"  {text}")


# -- sandbox ---------------------------------------------------------------------------------


@main.command("sandbox")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--tokens",
    "tokens_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tokens file (TOML): default = token, [people] email = token.",
)
@click.option(
    "--for",
    "for_run",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="RUN",
    help="Create a user and a token for every person in this run folder.",
)
@click.option(
    "--write-tokens",
    "write_tokens_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With --for: where to write the new tokens file.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the workspace in DIR across restarts (default: in memory).",
)
@click.option("--rate-limit", type=click.IntRange(min=1), help="Requests per minute per token.")
@click.option(
    "--plan",
    type=click.Choice(["paid", "free"]),
    default="paid",
    show_default=True,
    help="Asana plan whose rate limit to apply (1,500 or 150 per minute).",
)
@click.option(
    "--faults", metavar="SPEC|FILE", help='Inject faults, e.g. "500=0.05,reset=0.02,seed=7".'
)
def sandbox(**options) -> None:
    """Serve a local Asana (REST API under /api/1.0, browse page at /).

    Prints the base URL, the workspace gid and the users; never the tokens.
    """
    from adapters.asana.sandbox.run import SandboxOptions, run_sandbox

    run_sandbox(SandboxOptions(**options), echo=click.echo)


# -- analytics (DuckDB; imported only by these commands) -------------------------------------


@main.command("stats")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def stats_command(run: Path, as_json: bool) -> None:
    """Totals by type, person, project and day; a weekday × hour heatmap; cycle times,
    comments per task, weekly completion and blocked rates, overdue tasks."""
    from adapters.analytics.stats import compute_stats

    result = compute_stats(run)
    if as_json:
        import msgspec

        click.echo(msgspec.json.encode(result).decode())
    else:
        from adapters.analytics.render import print_stats

        print_stats(result)


@main.command("query")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.argument("sql")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout."
)
def query_command(run: Path, sql: str, fmt: str, out: Path | None) -> None:
    """Run SQL over a run's views: events, people, projects, tasks, comments.

    Example: busywork query RUN "select type, count(*) from events group by 1".
    Times are UTC; "at" and "to" are SQL keywords, so quote them.
    """
    from adapters.analytics.query import query, write_query
    from adapters.analytics.views import open_run

    with open_run(run) as opened:
        if fmt != "table":
            count = write_query(opened, sql, fmt, out or sys.stdout)
            if out is not None:
                click.echo(f"Wrote {count:,} rows to {out}", err=True)
            return
        from rich.console import Console

        from adapters.analytics.render import query_table

        table = query_table(query(opened, sql))
        if out is None:
            Console().print(table)
            return
        try:
            with open(out, "w", encoding="utf-8") as fh:
                Console(file=fh, width=200, color_system=None).print(table)
        except OSError as exc:
            from engine.errors import InvalidInput

            raise InvalidInput(f"--out: cannot write {out}: {exc.strerror or exc}") from None


@main.command("export")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True
)
@click.option(
    "--out", type=click.Path(file_okay=True, path_type=Path), required=True, help="Folder to write."
)
def export_command(run: Path, fmt: str, out: Path) -> None:
    """Write the views (events, people, projects, tasks, comments) as Parquet or CSV files."""
    from adapters.analytics.query import export

    for path in export(run, out, fmt):
        click.echo(str(path))


@main.command("report")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def report_command(run: Path, as_json: bool) -> None:
    """Realism report: compare a run with its scenario; exit 1 when a check fails."""
    from adapters.analytics.report import realism_report

    result = realism_report(run)
    if as_json:
        import msgspec

        click.echo(msgspec.json.encode(result).decode())
    else:
        from adapters.analytics.render import print_report

        print_report(result)
    if not result.passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
