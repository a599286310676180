"""The busywork command line.

Each command does one thing and wires the engine to adapters. Library code raises
``BusyworkError``; ``BusyworkGroup`` runs every command in ``adapters.command_errors``, which
turns it into one line on stderr and an exit code (0 ok, 1 failure, 2 bad input) in this one
place. The commands that belong to one adapter
are declared in its ``commands`` module (``adapters.asana``, ``adapters.analytics``,
``adapters.web``) and added to the group here. What the commands show at the terminal
(progress bars, summaries, tables, the feed, the demo) lives in ``adapters.console``. Heavy
libraries, and that module, are imported inside the commands that use them, so
``busywork --help`` stays fast.
"""

from __future__ import annotations

import os
import signal
import sys
import warnings


def _warning_line(message, category, filename, lineno, line=None) -> str:
    # A warning busywork gives (a stale compiled build) is a line for its user, not Python's
    # `file:line: RuntimeWarning:` and a line of source.
    return f"Warning: {message}\n"


warnings.formatwarning = _warning_line


def _interrupted_while_loading(signum, frame) -> None:
    # A Ctrl-C while the commands are still being imported ends as one in a command does, not
    # with a traceback out of whichever import it landed in.
    os.write(2, b"Interrupted.\n")
    os._exit(130)


# For the imports below only (restored at the end of this module); only where Ctrl-C would
# raise KeyboardInterrupt: an ignored SIGINT (a background job) stays ignored.
_guarding_the_imports = signal.getsignal(signal.SIGINT) is signal.default_int_handler
try:
    if _guarding_the_imports:
        signal.signal(signal.SIGINT, _interrupted_while_loading)
except ValueError:  # imported from a thread other than the main one: nothing to guard
    _guarding_the_imports = False

from pathlib import Path

import click

from adapters.analytics.commands import export_command, query_command, report_command, stats_command
from adapters.asana.commands import backfill, clean, live, replay, sandbox
from adapters.command_errors import ending_errors
from adapters.help_examples import add_examples
from adapters.number_options import DAYS, PORT, SECONDS, WholeNumber
from adapters.path_options import RUN_FOLDER, PathOf
from adapters.simulate_command import simulate
from adapters.web.commands import serve_command


class BusyworkGroup(click.Group):
    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        with ending_errors():  # the group's own options (`busywork --bogus`, `--help`)
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context):
        with ending_errors():
            return super().invoke(ctx)


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
main.add_command(simulate)
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


@main.command(short_help="Write an annotated example scenario (default: scenario.toml).")
@click.argument(
    "path",
    default="scenario.toml",
    type=PathOf(dir_okay=False, writes=True, what="a file to write the scenario to"),
)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: str, force: bool) -> None:
    """Write an annotated example scenario to PATH (default: scenario.toml).

    The file describes the built-in 12-person product team; edit it and pass it to
    `busywork simulate`.
    """
    from adapters.stdout_watch import is_stdout
    from engine.errors import InvalidInput, command_line
    from engine.files import write_bytes_to
    from engine.scenario import example_toml

    file = Path(path)
    # `busywork init /dev/stdout > my.toml`: stdout gets the scenario alone, its file has no
    # name to repeat, and the shell made it (not a file of the user's to protect with --force).
    to_stdout = is_stdout(file)
    if file.exists() and not force and not to_stdout:
        raise InvalidInput(f"{file}: already exists; use --force to overwrite it")
    # Written aside and renamed into place: a full disk leaves no empty or cut-off file behind
    # (nor a user's file cut off by --force), and the error names the path. A link keeps
    # pointing where it did, and a device or pipe (/dev/stdout) is written in place.
    run_it = command_line("simulate", "THIS-FILE.toml" if to_stdout else file)
    write_bytes_to(file, example_toml(run_it).encode("utf-8"))
    if not to_stdout:
        click.echo(f"Wrote {file}. Next: {run_it}")


# -- show ------------------------------------------------------------------------------------


@main.command(short_help="Print a run as a readable feed, in each person's local time.")
@click.argument("run", type=RUN_FOLDER)
@click.option("--tail", type=WholeNumber(min=0, what="a number of lines"), metavar="N",
              help="Only the last N lines.")  # fmt: skip
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
    from engine.run import check_whole, read_manifest
    from engine.suggest import suggest

    manifest = read_manifest(run)
    for t in types:
        if t not in EVENT_TYPES:
            raise InvalidInput(
                f"--type: {t!r} is not an event type{suggest(t, tuple(EVENT_TYPES))}; expected one of "
                f"{', '.join(EVENT_TYPES)}"
            )
    check_whole(run, manifest)  # a complete run missing events is damaged, not a shorter feed
    known = [(p.name, p.email) for p in manifest.scenario.people]
    # Any N at least the run's length shows it all; deque's maxlen stops at sys.maxsize.
    tail = min(tail, sys.maxsize) if tail is not None else None
    print_feed(run, types=types, person=person, tail=tail, known=known)
    from adapters.console import say_how_far

    say_how_far(run, manifest.status)  # not finished, or a torn line left out of the feed


# -- demo ------------------------------------------------------------------------------------


@main.command(short_help="Simulate the built-in team and replay it into a local Asana.")
@click.option("--days", type=DAYS, default=30, show_default=True, help="Simulated days.")
@click.option("--no-serve", is_flag=True, help="Stop the sandbox after the replay.")
@click.option("--port", type=PORT, default=8000, show_default=True,
              help="Dashboard port (any free port when it is taken).")  # fmt: skip
@click.option("--serve-seconds", type=SECONDS, hidden=True,
              help="Serve this long even without a terminal, then stop (tests).")  # fmt: skip
def demo(days: int, no_serve: bool, port: int, serve_seconds: float | None) -> None:
    """Simulate the built-in 12-person team, replay it into a local Asana sandbox at max
    pace, and print the summary; then serve the dashboard (the demo run as a job) and the
    sandbox's browse page until Ctrl-C.

    Needs no Asana account and no API key.
    """
    from adapters.interrupts import StopSignals

    signals = StopSignals()  # first: no Ctrl-C or SIGTERM from here on finds the default action
    from adapters.console import run_demo
    from adapters.run_setup import DEFAULT_REPLAYS, content_source, load_scenario
    from engine import run as runs

    sc = load_scenario(None, days, None, None)
    run_dir = runs.new_run_dir(sc, DEFAULT_REPLAYS)
    manifest = runs.create_run(run_dir, sc, content_source(sc))
    code = run_demo(run_dir, manifest, content_source(sc), DEFAULT_REPLAYS,
                    no_serve=no_serve, port=port, serve_seconds=serve_seconds,
                    signals=signals)  # fmt: skip
    if code:
        sys.exit(code)


add_examples(main)

# The commands are loaded: from here a Ctrl-C is a KeyboardInterrupt, which a command ends with
# "Interrupted." (BusyworkGroup.invoke) or turns into a clean stop (adapters.interrupts).
if _guarding_the_imports:
    signal.signal(signal.SIGINT, signal.default_int_handler)


if __name__ == "__main__":
    main()
