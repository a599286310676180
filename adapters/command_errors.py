"""How every busywork command ends when something goes wrong: one line on stderr (`Error: …`)
and the exit code (1 failure, 2 bad input, 130 interrupted; 0 after a closed pipe), in this one
place, `ending_errors`, which ``cli.BusyworkGroup`` runs each command (and the group's own
options) in. Library code raises ``BusyworkError``; click raises its usage errors.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from click.exceptions import NoArgsIsHelpError

from adapters.path_options import PathOf
from adapters.stdout_watch import StdoutUnwritable, discard_stdout, watched_stdout
from engine.errors import BusyworkError


@contextmanager
def ending_errors() -> Iterator[None]:
    """Run the body with stdout watched (a failed write to it raises StdoutUnwritable), and end
    whatever it raises as every error ends: one line on stderr and the exit code."""
    try:
        with watched_stdout():
            yield
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
    except StdoutUnwritable as exc:  # `busywork stats RUN > /dev/full`
        discard_stdout()
        say_error(f"stdout: {exc.strerror or exc}")
        sys.exit(1)
    except OSError as exc:  # a folder that cannot be made, a full disk: the path and why
        say_error(os_error_message(exc))
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
        said = exc.message
        if param is not None and isinstance(param.type, click.Path):
            # click's "Directory 'x' is a file." reads as a contradiction: the path is what it is
            said = re.sub(r"\A(?:Directory|File|Path) (?=')", "", said)
        if hint is not None:
            message = f"{hint.strip(chr(39))}: {said}"
        if param is not None and isinstance(param.type, click.Path):
            message = f"{message.rstrip('.')}; expected {_path_kind(param.type)}"
    elif isinstance(exc, click.MissingParameter) and isinstance(exc.param, click.Parameter):
        missing = exc.param.type
        if isinstance(missing, click.Path):  # click says only what is missing: say what it takes
            message = f"{message.rstrip('.')}; expected {_path_kind(missing)}"
    say_error(message.rstrip("."))
    sys.exit(exc.exit_code)


def say_error(message: str) -> None:
    """Every error's one line on stderr. A value shaped like a token (pasted into an option,
    quoted from a scenario file) is not repeated."""
    from adapters.asana.secrecy import redact  # the standard library only: light

    click.echo(f"Error: {redact(message)}", err=True)


def _path_kind(path: click.Path) -> str:
    """What a path option takes, for its error (click's says only what the path was)."""
    if isinstance(path, PathOf) and path.what:
        return path.what
    return "a folder" if not path.file_okay else "a file" if not path.dir_okay else "a path"


def end_quietly_after_closed_pipe() -> NoReturn:
    """Exit 0: output into a pipe whose reader closed early is not a failure."""
    discard_stdout()
    sys.exit(0)


def os_error_message(exc: OSError) -> str:
    """'<path>: <reason>' for a failed file operation, else the error's own text."""
    if exc.filename is None or not exc.strerror:
        return str(exc)
    paths = f"{exc.filename} → {exc.filename2}" if exc.filename2 is not None else exc.filename
    return f"{paths}: {exc.strerror}"
