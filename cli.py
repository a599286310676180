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
from typing import NoReturn

import click
from click.exceptions import NoArgsIsHelpError

from adapters.analytics.commands import export_command, query_command, report_command, stats_command
from adapters.asana.commands import backfill, clean, live, replay, sandbox
from adapters.number_options import DAYS, PORT, SECONDS, WholeNumber
from adapters.simulate_command import simulate
from adapters.web.commands import serve_command
from engine.errors import BusyworkError


class BusyworkGroup(click.Group):
    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:  # the group's own options (`busywork --bogus`)
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            usage_error(exc)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # a command's options and arguments, a command's name
            usage_error(exc)
        except BusyworkError as exc:
            say_error(str(exc))
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
            say_error(message)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


def usage_error(exc: click.UsageError) -> NoReturn:
    """A usage error click found (`--days 0`, `--tail -1`, an unknown option, a file given as
    RUN) as every error ends: one line on stderr naming the option and the value, exit 2
    (click's own prints the usage, a hint to --help and a blank line first)."""
    if isinstance(exc, NoArgsIsHelpError):  # `busywork` alone: the help, as click shows it
        exc.show()
        sys.exit(exc.exit_code)
    message = exc.format_message()
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
        param = exc.param
        if exc.param_hint is not None:
            hint = exc.param_hint if isinstance(exc.param_hint, str) else exc.param_hint[-1]
        elif isinstance(param, click.Option):
            hint = max(param.opts, key=len)  # --tail rather than -n
        elif param is not None:
            hint = param.human_readable_name
        else:
            hint = None
        if hint is not None:
            message = f"{hint.strip(chr(39))}: {exc.message}"
        if param is not None and isinstance(param.type, click.Path):
            message = f"{message.rstrip('.')}; expected {_path_kind(param.type)}"
    say_error(message.rstrip("."))
    sys.exit(exc.exit_code)


def say_error(message: str) -> None:
    """Every error's one line on stderr. A value shaped like a token (pasted into an option,
    quoted from a scenario file) is not repeated."""
    from adapters.asana.secrecy import redact  # the standard library only: light

    click.echo(f"Error: {redact(message)}", err=True)


def _path_kind(path: click.Path) -> str:
    """What a path option takes, for its error (click's says only what the path was)."""
    return "a folder" if not path.file_okay else "a file" if not path.dir_okay else "a path"


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
@click.argument("path", default="scenario.toml")  # a str: click turns "" into Path("."), here
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: str, force: bool) -> None:
    """Write an annotated example scenario to PATH (default: scenario.toml).

    The file describes the built-in 12-person product team; edit it and pass it to
    `busywork simulate`.
    """
    from engine.errors import InvalidInput, command_line
    from engine.scenario import example_toml

    if not path:
        raise InvalidInput("PATH: empty; expected a file to write the scenario to")
    if os.path.isdir(path):
        raise InvalidInput(
            f"PATH: {path} is a folder; expected a file to write the scenario to, such as "
            f"{Path(path) / 'scenario.toml'}"
        )
    from engine.files import write_bytes_to

    file = Path(path)
    if file.exists() and not force:
        raise InvalidInput(f"{file}: already exists; use --force to overwrite it")
    # Written aside and renamed into place: a full disk leaves no empty or cut-off file behind
    # (nor a user's file cut off by --force), and the error names the path. A link keeps
    # pointing where it did, and a device or pipe (/dev/stdout) is written in place.
    run_it = command_line("simulate", file)
    write_bytes_to(file, example_toml(run_it).encode("utf-8"))
    click.echo(f"Wrote {file}. Next: {run_it}")


# -- show ------------------------------------------------------------------------------------


@main.command(short_help="Print a run as a readable feed, in each person's local time.")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
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

    manifest = read_manifest(run)
    for t in types:
        if t not in EVENT_TYPES:
            raise InvalidInput(
                f"--type: {t!r} is not an event type; expected one of {', '.join(EVENT_TYPES)}"
            )
    check_whole(run, manifest)  # a complete run missing events is damaged, not a shorter feed
    known = [(p.name, p.email) for p in manifest.scenario.people]
    # Any N at least the run's length shows it all; deque's maxlen stops at sys.maxsize.
    tail = min(tail, sys.maxsize) if tail is not None else None
    print_feed(run, types=types, person=person, tail=tail, known=known)


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


# The commands are loaded: from here a Ctrl-C is a KeyboardInterrupt, which a command ends with
# "Interrupted." (BusyworkGroup.invoke) or turns into a clean stop (adapters.interrupts).
if _guarding_the_imports:
    signal.signal(signal.SIGINT, signal.default_int_handler)


if __name__ == "__main__":
    main()
