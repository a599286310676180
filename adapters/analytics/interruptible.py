"""Ctrl-C during a DuckDB call. DuckDB looks for Python's signals while it works and stops,
raising ``RuntimeError: Query interrupted`` (or its InterruptException): that came out of
`stats`, `report`, `query` and `export` as a traceback and exit 1. Inside `ctrl_c_stops()` it
is the KeyboardInterrupt it stands for, which the CLI turns into "Interrupted." and exit 130.

DuckDB (2.0) runs the handler as soon as Ctrl-C comes, but often lets its worker threads carry
the query on to its end before it raises: a press in a query's first seconds did nothing for
as long as the query ran. So the handler of `ctrl_c_stops()` also interrupts the connections
`interruptible()` was told of, which stops their queries at once; and a press whose
KeyboardInterrupt was caught on the way (as a failed query, say) still ends the command as
interrupted."""

from __future__ import annotations

import contextlib
import signal
import threading
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a command runs: `busywork --help` stays fast
    import duckdb

INTERRUPTED = "Query interrupted"  # DuckDB's message when it saw Ctrl-C

_connections: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


def interruptible(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """`con`, which Ctrl-C inside `ctrl_c_stops()` interrupts from now on."""
    _connections.add(con)
    return con


@contextlib.contextmanager
def ctrl_c_stops() -> Iterator[None]:
    import duckdb

    with _interrupting_connections() as pressed:
        try:
            yield
        except duckdb.InterruptException:
            raise KeyboardInterrupt from None
        except RuntimeError as exc:
            if str(exc) != INTERRUPTED:
                raise
            raise KeyboardInterrupt from None
        except Exception:
            if pressed:  # an interrupted query that came out as another error
                raise KeyboardInterrupt from None
            raise
        if pressed:
            raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupting_connections() -> Iterator[list[int]]:
    """While inside: Ctrl-C interrupts the known connections, then does what it did before
    (Python's handler raises KeyboardInterrupt). Yields the presses seen (a list, so that it
    is true once one came). Only the main thread handles signals; elsewhere nothing changes,
    and the ignored SIGINT of a background job stays ignored."""
    pressed: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):  # SIG_IGN, SIG_DFL, or a handler set outside Python
        yield pressed
        return

    import duckdb

    def on_ctrl_c(signum, frame) -> None:
        pressed.append(signum)
        for con in list(_connections):
            with contextlib.suppress(duckdb.Error):  # closed already
                con.interrupt()
        previous(signum, frame)

    signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)
