"""A command's stdout, watched, so that a failure to write to it says so by its type.

`busywork stats RUN > /dev/full` fails inside whatever was printing (click.echo, a rich Console,
csv.writer) with an OSError that names no file: nothing in it says that stdout was the file.
While a command runs, ``sys.stdout`` is a `WatchedStream`, which raises such an error again as
`StdoutUnwritable`; the CLI's one error handler (``adapters.command_errors``) names stdout for
it. A closed pipe (BrokenPipeError) stays what it is: it ends quietly (`busywork stats RUN |
head`). Standard library only: imported by ``cli.py`` before any command runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TextIO, cast


class StdoutUnwritable(OSError):
    """Writing to stdout failed (a full disk, an I/O error); not a closed pipe."""


class WatchedStream:
    """`stream` (stdout, or its bytes beneath: ``buffer``, which click writes bytes to) with
    its failed writes and flushes raised as `StdoutUnwritable`; anything else is the stream's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    # try/except in each method rather than a shared context manager: `query --format csv`
    # writes a row at a time, and this is on its path.
    def write(self, data: Any) -> int:
        try:
            return self._stream.write(data)
        except OSError as exc:
            raise_unwritable(exc)

    def writelines(self, lines: Iterable[Any]) -> None:
        try:
            self._stream.writelines(lines)
        except OSError as exc:
            raise_unwritable(exc)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise_unwritable(exc)

    @property
    def buffer(self) -> WatchedStream:
        return WatchedStream(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def raise_unwritable(exc: OSError) -> NoReturn:
    """Raise `exc` as `StdoutUnwritable`; a closed pipe as it is (it ends quietly)."""
    if isinstance(exc, BrokenPipeError | StdoutUnwritable):
        raise exc
    raise StdoutUnwritable(exc.errno, exc.strerror or str(exc)) from exc


@contextmanager
def watched_stdout() -> Iterator[None]:
    """Run the body with ``sys.stdout`` watched (see the module's note); restored after."""
    original = sys.stdout
    if original is not None:  # None: no stdout at all (pythonw), nothing to watch
        sys.stdout = cast(TextIO, WatchedStream(original))
    try:
        yield
    finally:
        sys.stdout = original


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is the file, pipe or terminal this process's stdout writes to
    (`busywork init /dev/stdout`, `busywork sandbox … --write-tokens /dev/stdout`): its command
    then writes that alone to stdout, in place, and says the rest on stderr."""
    try:
        return os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError):  # no such path; a stdout without a descriptor (tests)
        return False


def discard_stdout() -> None:
    """Point stdout at /dev/null after it failed, so that the flush at exit does not fail
    again (and print a second error)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
