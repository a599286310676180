"""Errors the library raises; the CLI (and the web API) convert them in one place.

Library code raises these with a message a user can act on: it names the field or file, the
value, and what was expected. It never prints, and never includes a secret.
"""

import shlex
from pathlib import Path


def command_line(*words: str | Path) -> str:
    """A busywork command for a message to suggest, each word quoted as the shell needs it (a
    run folder named "sp ace/it's run" is one word). The engine's messages and the adapters'
    use this one helper."""
    return shlex.join(["busywork", *map(str, words)])


class BusyworkError(Exception):
    """A failure the user can understand; exit code 1."""

    exit_code = 1


class InvalidInput(BusyworkError):
    """Bad input from the user (scenario, arguments, files); exit code 2."""

    exit_code = 2


class Busy(BusyworkError):
    """Another process holds what this one needs to write (a log, a replay's checkpoint)."""


class LogCorrupted(BusyworkError):
    """An event log has a damaged line that is not a torn tail."""
