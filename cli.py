"""The busywork command line.

Each command does one thing and wires the engine to adapters. Library code raises
``BusyworkError``; ``BusyworkGroup.invoke`` turns it into one line on stderr and an exit code
(0 ok, 1 failure, 2 bad input) in this one place. What the commands show at the terminal
(progress bars, summaries, tables, the feed, the demo) lives in ``adapters.console``. Heavy
libraries, and that module, are imported inside the commands that use them, so
``busywork --help`` stays fast.
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
@click.option(
    "--content",
    "content_kind",
    type=click.Choice(["templates", "anthropic"]),
    help="Where text comes from (overrides the scenario): offline templates, or Claude "
    "(reads ANTHROPIC_API_KEY; templates when it is not set).",
)
@click.option("--model", help="Claude model for --content anthropic (default: claude-haiku-5-5).")
@click.option(
    "--content-cache",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Cache of Claude-written blueprints (default: ~/.cache/busywork/anthropic).",
)
@click.option(
    "--llm-budget-usd",
    type=click.FloatRange(min=0),
    metavar="USD",
    help="Stop calling Claude once this much (estimated) is spent; templates write the rest.",
)
@click.option(
    "--llm-batch-min",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Use the Message Batches API (half price) when this many blueprints are needed.",
)
@click.option("--llm-poll-seconds", type=click.FloatRange(min=0), default=10.0, hidden=True)
def simulate(scenario: Path | None, days, seed, start, out, resume, as_json, **llm) -> None:
    """Simulate SCENARIO (default: the built-in team) into a new run under replays/.

    The clock is accelerated: a month of a 12-person team takes about a second. The run
    folder holds manifest.json and events/*.jsonl; `busywork show RUN` reads it back.
    With --content anthropic, Claude writes projects, tasks and comment threads (one call
    per project, cached; usage and estimated cost go to the run's llm_usage.jsonl).
    """
    from engine import run as runs
    from engine.errors import InvalidInput

    if resume is not None:
        if scenario or days or seed is not None or start or out or llm["content_kind"]:
            raise InvalidInput("--resume takes its scenario from the run; drop the other options")
        if llm["model"]:
            raise InvalidInput("--resume takes its scenario from the run; drop the other options")
        manifest = runs.read_manifest(resume)
        run_dir = resume
        _, session = _open_llm(manifest.scenario, llm)
    else:
        sc = _load_scenario(scenario, days, seed, start)
        sc, session = _open_llm(sc, llm)
        run_dir = out or runs.new_run_dir(sc, DEFAULT_REPLAYS)
        content = session.source if session is not None else _content_source(sc)
        manifest = runs.create_run(run_dir, sc, content)
    try:
        summary = _simulate(run_dir, manifest, quiet=as_json, session=session)
    finally:
        if session is not None:
            from adapters.anthropic.session import describe

            click.echo(describe(session.close()), err=True)
    from adapters.console import print_json, print_summary

    if as_json:
        print_json(summary)
    else:
        print_summary(summary)


def _content_source(scenario):
    from engine.content.templates import TemplateSource

    return TemplateSource()


def _open_llm(scenario, llm: dict):
    """Apply --content/--model; when the scenario then asks for Claude, open a session (its
    key checked with one call). Returns (scenario, session or None); without a key the
    scenario falls back to templates, with a one-line notice."""
    import msgspec

    from engine import scenario as sc

    changes = {}
    if llm["content_kind"]:
        changes["content"] = llm["content_kind"]
    if llm["model"]:
        changes["content_model"] = llm["model"]
    if changes:
        scenario = sc.resolve(msgspec.structs.replace(scenario, **changes))
    if scenario.content != "anthropic":
        return scenario, None
    from adapters.anthropic.session import LlmOptions, open_session

    options = LlmOptions(
        cache_dir=llm["content_cache"],
        budget_usd=llm["llm_budget_usd"],
        batch_min=llm["llm_batch_min"],
        poll_seconds=llm["llm_poll_seconds"],
    )
    session = open_session(scenario, options, notice=lambda text: click.echo(text, err=True))
    if session is None:
        scenario = msgspec.structs.replace(scenario, content="templates")
    return scenario, session


def _simulate(run_dir: Path, manifest, *, quiet: bool, session=None):
    from adapters.console import simulate_with_progress

    content = _content_source(manifest.scenario)
    if session is not None:
        session.start(run_dir)  # fetches the blueprints ahead of the simulated clock
        content = session.source
    return simulate_with_progress(run_dir, manifest, content, quiet=quiet)


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
    from adapters.console import print_feed
    from engine.errors import InvalidInput
    from engine.events import EVENT_TYPES
    from engine.run import read_manifest

    read_manifest(run)
    for t in types:
        if t not in EVENT_TYPES:
            raise InvalidInput(
                f"--type: {t!r} is not an event type; expected one of {', '.join(EVENT_TYPES)}"
            )
    print_feed(run, types=types, person=person, tail=tail)


# -- demo ------------------------------------------------------------------------------------


@main.command()
@click.option(
    "--days", type=click.IntRange(1, 3660), default=30, show_default=True, help="Simulated days."
)
@click.option("--no-serve", is_flag=True, help="Stop the sandbox after the replay.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Dashboard port (any free port when it is taken).")  # fmt: skip
@click.option("--serve-seconds", type=click.FloatRange(min=0), hidden=True,
              help="Serve this long even without a terminal, then stop (tests).")  # fmt: skip
def demo(days: int, no_serve: bool, port: int, serve_seconds: float | None) -> None:
    """Simulate the built-in 12-person team, replay it into a local Asana sandbox at max
    pace, and print the summary; then serve the dashboard (the demo run as a job) and the
    sandbox's browse page until Ctrl-C.

    Needs no Asana account and no API key.
    """
    from adapters.console import run_demo
    from engine import run as runs

    sc = _load_scenario(None, days, None, None)
    run_dir = runs.new_run_dir(sc, DEFAULT_REPLAYS)
    manifest = runs.create_run(run_dir, sc, _content_source(sc))
    code = run_demo(run_dir, manifest, _content_source(sc), DEFAULT_REPLAYS,
                    no_serve=no_serve, port=port, serve_seconds=serve_seconds)  # fmt: skip
    if code:
        sys.exit(code)


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


# -- replay into Asana (requests; imported only by these commands) ---------------------------


def _destination_options(func):
    """--to, --tokens, --workspace, --team, limits and who-acts options, shared by the replay
    family of commands."""
    options = [
        click.option("--to", default="sandbox", show_default=True, metavar="sandbox|asana|URL",
                     help="In-process sandbox, app.asana.com, or an API base URL."),
        click.option("--tokens", "tokens_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Tokens file (TOML): default = token, [people] email = token."),
        click.option("--workspace", metavar="GID", help="Workspace (default: the only one)."),
        click.option("--team", metavar="GID", help="Team for new projects (default: first)."),
        click.option("--plan", type=click.Choice(["paid", "free"]), default="paid",
                     show_default=True, help="Asana plan: 1,500 or 150 requests/min per token."),
        click.option("--rate-limit", type=click.IntRange(min=1), metavar="N",
                     help="Requests per minute per token (overrides --plan)."),
        click.option("--unmapped", type=click.Choice(["default", "skip"]), default="default",
                     show_default=True, help="People without a token: act via default, or skip."),
        click.option("--on-invalid-token", type=click.Choice(["skip", "default"]),
                     default="skip", show_default=True,
                     help="After a 401: skip that person's events, or use the default token."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


@main.command()
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@_destination_options
@click.option("--speed", default="max", show_default=True, metavar="realtime|N|max",
              help="realtime (=1), N times faster, or as fast as rate limits allow.")  # fmt: skip
@click.option("--shift-dates", is_flag=True, help="Shift due/start dates so the run ends today.")
@click.option("--follow", is_flag=True, help="Follow a run that is still being written.")
@click.option("--serve", is_flag=True, help="With --to sandbox: keep serving until Ctrl-C.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary.")
def replay(run: Path, **options) -> None:
    """Replay RUN into Asana or a sandbox, exactly once; run it again to resume.

    Progress is checkpointed in RUN/targets/<target>/. Tokens are never printed.
    """
    from adapters.asana.replay_cli import ReplayArgs, exit_code, replay_command

    summary = replay_command(run, ReplayArgs(**options), echo=click.echo)
    sys.exit(exit_code(summary))


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--days", type=click.IntRange(1, 3660), default=14, show_default=True,
              help="Simulate this many days before now.")  # fmt: skip
@click.option("--seed", type=int, help="Random seed (overrides the scenario).")
@_destination_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary.")
def backfill(scenario: Path | None, days: int, seed: int | None, **options) -> None:
    """Simulate the DAYS before now and replay them at max pace (point-in-time backfill).

    Asana cannot back-date created_at, so history is compressed into now; due and start
    dates are shifted so that simulated now is real now.
    """
    from adapters.asana.replay_cli import ReplayArgs, exit_code, replay_command
    from engine import run as runs
    from engine.backfill import backfill_scenario

    as_json = options.pop("as_json")
    today = _utc_today()
    sc = backfill_scenario(_load_scenario(scenario, None, seed, None), days, today)
    run_dir = runs.new_run_dir(sc, DEFAULT_REPLAYS)
    manifest = runs.create_run(run_dir, sc, _content_source(sc))
    _simulate(run_dir, manifest, quiet=as_json)
    if not as_json:
        click.echo(f"Simulated {days} days into {run_dir}")
    args = ReplayArgs(**options, shift_dates=True, as_json=as_json)
    sys.exit(exit_code(replay_command(run_dir, args, echo=click.echo, today=today)))


def _utc_today():
    from datetime import UTC, datetime

    return datetime.now(UTC).date()


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_destination_options
@click.option("--days", type=click.IntRange(1, 3660), help="Run this many simulated days.")
@click.option("--forever", is_flag=True, help="Run until stopped (Ctrl-C or SIGTERM).")
@click.option("--speed", type=click.FloatRange(min=0, min_open=True), default=1.0,
              show_default=True, help="Simulated seconds per real second.")  # fmt: skip
@click.option("--run", "run_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Run folder (default: replays/<scenario>-live); resumed if it exists.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary at the end.")
def live(scenario: Path | None, days, forever, speed, run_dir, **options) -> None:
    """Simulate in real time (or N× faster) while replaying each event as it happens.

    Stop with Ctrl-C or SIGTERM; the same command resumes, and a long gap shows in the
    story (people apologise for the delay).
    """
    from adapters.asana.live_cli import LiveArgs, live_command
    from adapters.asana.replay_cli import ReplayArgs, exit_code

    as_json = options.pop("as_json")
    sc = _load_scenario(scenario, None, None, None)
    replay_args = ReplayArgs(**options, as_json=as_json)
    live_args = LiveArgs(days=days, forever=forever, speed=speed, run_dir=run_dir)
    summary = live_command(sc, live_args, replay_args, DEFAULT_REPLAYS, echo=click.echo)
    sys.exit(exit_code(summary))


@main.command()
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@_destination_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def clean(run: Path, yes: bool, **options) -> None:
    """Delete from the target everything RUN created there, newest first."""
    from adapters.asana.clean import clean_command
    from adapters.asana.replay_cli import ReplayArgs

    clean_command(run, ReplayArgs(**options), echo=click.echo,
                  confirm=None if yes else click.confirm)  # fmt: skip


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
        from adapters.console import print_json

        print_json(result)
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
        from adapters.console import print_query_table

        print_query_table(query(opened, sql), out)


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
        from adapters.console import print_json

        print_json(result)
    else:
        from adapters.analytics.render import print_report

        print_report(result)
    if not result.passed:
        sys.exit(1)


# -- serve: the jobs API and the dashboard (litestar, uvicorn; imported only here) -----------


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_REPLAYS,
    show_default=True,
    help="Where runs and job state live.",
)
@click.option(
    "--tokens",
    "tokens_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tokens file (TOML) that jobs refer to by person; never sent to browsers.",
)
@click.option(
    "--api-token",
    envvar="BUSYWORK_API_TOKEN",
    metavar="TOKEN",
    help="Require 'Authorization: Bearer TOKEN' on every API call (needed off localhost).",
)
@click.option("--cors-origin", metavar="ORIGIN", help="Allow this browser origin (CORS is off).")
def serve_command(host, port, data_dir, tokens_file, api_token, cors_origin) -> None:
    """Serve the dashboard (/) and the jobs API (/api, OpenAPI at /schema) until Ctrl-C.

    Jobs simulate (dry run), backfill or run continuously into a sandbox or Asana; their
    state lives with their runs under --data, and running jobs resume after a restart.
    """
    from adapters.web.app import WebConfig
    from adapters.web.serve import serve

    if tokens_file is not None:
        from adapters.asana.tokens import load_tokens

        load_tokens(tokens_file)  # a broken file fails now, not at the first job
    web = WebConfig(api_token=api_token, cors_origin=cors_origin)
    serve(host, port, data_dir, tokens_file, web, echo=click.echo)


if __name__ == "__main__":
    main()
