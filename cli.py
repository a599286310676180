"""The busywork command line.

Each command does one thing and wires the engine to adapters. Library code raises
``BusyworkError``; ``BusyworkGroup.invoke`` turns it into one line on stderr and an exit code
(0 ok, 1 failure, 2 bad input) in this one place. The commands that belong to one adapter
are declared in its ``commands`` module (``adapters.asana``, ``adapters.analytics``,
``adapters.web``) and added to the group here. What the commands show at the terminal
(progress bars, summaries, tables, the feed, the demo) lives in ``adapters.console``. Heavy
libraries, and that module, are imported inside the commands that use them, so
``busywork --help`` stays fast.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import click

from adapters.analytics.commands import export_command, query_command, report_command, stats_command
from adapters.asana.commands import backfill, clean, live, replay, sandbox
from adapters.web.commands import serve_command
from engine.errors import BusyworkError


class BusyworkGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BusyworkError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:  # `busywork show RUN | head`: the reader has what it wanted
            end_quietly_after_closed_pipe()
        except SystemExit as exc:
            # rich's Console exits with 1 when stdout's reader has gone (`busywork stats RUN |
            # head`), raising SystemExit while it handles the BrokenPipeError: end as above.
            if isinstance(exc.__context__, BrokenPipeError):
                end_quietly_after_closed_pipe()
            raise
        except OSError as exc:  # a folder that cannot be made, a full disk: the path and why
            message = os_error_message(exc)
            if exc.filename is None and _writing_stdout(exc):
                message = f"stdout: {exc.strerror or exc}"
                # Point stdout at /dev/null so the flush at exit does not fail again.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            click.echo(f"Error: {message}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


def _writing_stdout(exc: OSError) -> bool:
    """Whether the error came from writing to stdout (`busywork stats RUN > /dev/full`): a
    frame it passed through was writing to stdout, itself (click.echo) or through a rich
    Console whose file it is."""
    streams = (sys.stdout, getattr(sys.stdout, "buffer", None))
    rich_console = sys.modules.get("rich.console")
    tb = exc.__traceback__
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            if any(value is stream for stream in streams):
                return True
            if rich_console and isinstance(value, rich_console.Console):
                return value.file is sys.stdout
        tb = tb.tb_next
    return False


def end_quietly_after_closed_pipe() -> None:
    """Exit 0: output into a pipe whose reader closed early is not a failure."""
    # Point stdout at /dev/null so the flush at exit does not fail again.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)


class FiniteFloatRange(click.FloatRange):
    """A FloatRange that also refuses nan and inf, which FloatRange lets through."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(
                f"{value} is not a finite number; expected one in the range "
                f"{self._describe_range()}.",
                param,
                ctx,
            )
        return number


def os_error_message(exc: OSError) -> str:
    """'<path>: <reason>' for a failed file operation, else the error's own text."""
    if exc.filename is None or not exc.strerror:
        return str(exc)
    paths = f"{exc.filename} → {exc.filename2}" if exc.filename2 is not None else exc.filename
    return f"{paths}: {exc.strerror}"


@click.group(cls=BusyworkGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="busywork")
def main() -> None:
    """busywork: make an Asana workspace look like a real team works in it.

    Simulate an organisation into an append-only event log under replays/, then inspect it.
    Start with `busywork demo`, or `busywork init my-team.toml` and
    `busywork simulate my-team.toml`.
    """


# Each adapter declares its own commands; added here, they still run inside
# BusyworkGroup.invoke, so their errors end the same way as the rest.
main.add_command(sandbox)
main.add_command(replay)
main.add_command(backfill)
main.add_command(live)
main.add_command(clean)
main.add_command(stats_command)
main.add_command(query_command)
main.add_command(export_command)
main.add_command(report_command)
main.add_command(serve_command)


# -- scenario --------------------------------------------------------------------------------


@main.command()
@click.argument("path", default="scenario.toml")  # a str: click turns "" into Path("."), here
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: str, force: bool) -> None:
    """Write an annotated example scenario to PATH (default: scenario.toml).

    The file describes the built-in 12-person product team; edit it and pass it to
    `busywork simulate`.
    """
    from engine.errors import InvalidInput
    from engine.scenario import example_toml

    if not path:
        raise InvalidInput("PATH: empty; expected a file to write the scenario to")
    if os.path.isdir(path):
        raise InvalidInput(
            f"PATH: {path} is a folder; expected a file to write the scenario to, such as "
            f"{Path(path) / 'scenario.toml'}"
        )
    path = Path(path)
    if path.exists() and not force:
        raise InvalidInput(f"{path}: already exists; use --force to overwrite it")
    path.write_text(example_toml(), encoding="utf-8")
    click.echo(f"Wrote {path}. Next: busywork simulate {path}")


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
    type=FiniteFloatRange(min=0),
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
@click.option("--llm-poll-seconds", type=FiniteFloatRange(min=0), default=10.0, hidden=True)
# Tests: a short per-call read timeout, and how often a wait on Claude is said (default 60 s).
@click.option("--llm-timeout-seconds", type=FiniteFloatRange(min=0, min_open=True), hidden=True)
@click.option("--llm-wait-notice-seconds", type=FiniteFloatRange(min=0), hidden=True)
@click.option(
    "--workers",
    default="auto",
    show_default=True,
    metavar="N|auto",
    help="Processes to simulate in: teams run side by side and the log comes out the same. "
    "auto: one per core (at most one per team) for runs of 20,000 person-days or more.",
)
def simulate(
    scenario: Path | None, days, seed, start, out, resume, as_json, workers, **llm
) -> None:
    """Simulate SCENARIO (default: the built-in team) into a new run under replays/.

    The clock is accelerated: a month of a 12-person team takes about a second. The run
    folder holds manifest.json and events/*.jsonl; `busywork show RUN` reads it back.
    With --content anthropic, Claude writes projects, tasks and comment threads (one call
    per project, cached; usage and estimated cost go to the run's llm_usage.jsonl).
    """
    from adapters.interrupts import SigtermStops

    SigtermStops()  # SIGTERM as Ctrl-C: Claude calls in flight get their grace and are counted
    from adapters.run_setup import (
        CLAUDE_FLAGS,
        DEFAULT_REPLAYS,
        claude_options,
        content_source,
        load_scenario,
        simulate_run,
        the_runs_claude_options,
    )
    from engine import run as runs
    from engine.errors import InvalidInput

    if resume is not None:
        if scenario or days or seed is not None or start or out:
            raise InvalidInput(RESUME_TAKES_ALL)
        if llm["content_kind"] or llm["model"]:
            raise InvalidInput(RESUME_TAKES_ALL)
        manifest = runs.read_manifest(resume)
        run_dir = resume
        # The run's budget, batch threshold and cache, so the resume makes the same choices.
        given = {name for name in CLAUDE_FLAGS if _given(name)}
        llm = the_runs_claude_options(manifest.claude, llm, given, RESUME_TAKES_ALL)
        _, session = _open_llm(manifest.scenario, llm, resuming=resume)
    else:
        sc = load_scenario(scenario, days, seed, start)
        sc, session = _open_llm(sc, llm)
        run_dir = out or runs.new_run_dir(sc, DEFAULT_REPLAYS)
        content = session.source if session is not None else content_source(sc)
        claude = claude_options(llm) if session is not None else None
        manifest = runs.create_run(run_dir, sc, content, claude=claude)
    finished = interrupted = False
    try:
        summary = simulate_run(run_dir, manifest, quiet=as_json, session=session, workers=workers)
        finished = True
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if session is not None:  # after Ctrl-C or an error, with a short grace for calls in flight
            from adapters.anthropic.session import describe

            usage = session.close(wait=finished)
            if session.started:  # its run's ledger was read: the totals mean something
                click.echo(describe(usage, session.session_usage()), err=True)
    if interrupted:  # what is on disk stays: the last line says how to finish it
        click.echo(f"Interrupted. Finish it with: busywork simulate --resume {run_dir}", err=True)
        sys.exit(130)
    from adapters.console import print_json, print_summary

    if as_json:
        print_json(summary)
    else:
        print_summary(summary)


RESUME_TAKES_ALL = "--resume takes its scenario from the run; drop the other options"


def _given(name: str) -> bool:
    """Whether the option was given (not left at its default)."""
    from click.core import ParameterSource

    source = click.get_current_context().get_parameter_source(name)
    return source not in (None, ParameterSource.DEFAULT)


def _open_llm(scenario, llm: dict, resuming: Path | None = None):
    """Apply --content/--model; when the scenario then asks for Claude, open a session (its
    key checked with one call). Returns (scenario, session or None); without a key a new run
    falls back to templates, with a one-line notice, and a resumed Claude run stops."""
    import msgspec

    from engine import scenario as sc
    from engine.errors import BusyworkError, InvalidInput

    changes = {}
    if llm["content_kind"]:
        changes["content"] = llm["content_kind"]
    if llm["model"]:
        changes["content_model"] = llm["model"]
    if changes:
        try:
            scenario = sc.resolve(msgspec.structs.replace(scenario, **changes))
        except InvalidInput as exc:  # name the flag the value came from
            text = str(exc)
            if llm["model"] and text.startswith("content_model: "):
                raise InvalidInput("--model: " + text.removeprefix("content_model: ")) from None
            raise
    if scenario.content != "anthropic":
        if llm["model"]:
            raise InvalidInput(
                f"--model: only used with --content anthropic (the scenario's content is "
                f"{scenario.content!r})"
            )
        return scenario, None
    from adapters.anthropic.session import (
        KEY_VARIABLE,
        LlmOptions,
        UnknownModel,
        api_key,
        open_session,
    )

    if resuming is not None and api_key() is None:
        raise BusyworkError(
            f"{resuming}: this run's text was written by Claude; set {KEY_VARIABLE} to resume"
        )
    options = LlmOptions(
        cache_dir=llm["content_cache"],
        budget_usd=llm["llm_budget_usd"],
        batch_min=llm["llm_batch_min"],
        poll_seconds=llm["llm_poll_seconds"],
        timeout_seconds=llm["llm_timeout_seconds"],
    )
    if llm["llm_wait_notice_seconds"] is not None:
        options.wait_notice_seconds = llm["llm_wait_notice_seconds"]

    def say(text: str) -> None:  # progress and warnings alike, on stderr
        click.echo(text, err=True)

    try:
        session = open_session(scenario, options, on_progress=say, on_warning=say)
    except UnknownModel as exc:
        if llm["model"]:
            raise InvalidInput("--model: " + str(exc).removeprefix("content_model: ")) from None
        raise
    if session is None:
        say(f"{KEY_VARIABLE} is not set; using template text instead of Claude.")
        scenario = msgspec.structs.replace(scenario, content="templates")
    return scenario, session


# -- show ------------------------------------------------------------------------------------


@main.command()
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.option("--tail", type=click.IntRange(min=0, max=sys.maxsize), help="Only the last N lines.")
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
    from adapters.run_setup import DEFAULT_REPLAYS, content_source, load_scenario
    from engine import run as runs

    sc = load_scenario(None, days, None, None)
    run_dir = runs.new_run_dir(sc, DEFAULT_REPLAYS)
    manifest = runs.create_run(run_dir, sc, content_source(sc))
    code = run_demo(run_dir, manifest, content_source(sc), DEFAULT_REPLAYS,
                    no_serve=no_serve, port=port, serve_seconds=serve_seconds)  # fmt: skip
    if code:
        sys.exit(code)


if __name__ == "__main__":
    main()
