"""Ctrl-C during a DuckDB call. DuckDB looks for Python's signals while it works and stops,
raising ``RuntimeError: Query interrupted`` (or its InterruptException): that came out of
`stats`, `report`, `query` and `export` as a traceback and exit 1. Inside `ctrl_c_stops()` it
is the KeyboardInterrupt it stands for, which the CLI turns into "Interrupted." and exit 130."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

INTERRUPTED = "Query interrupted"  # DuckDB's message when it saw Ctrl-C


@contextlib.contextmanager
def ctrl_c_stops() -> Iterator[None]:
    import duckdb

    try:
        yield
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except RuntimeError as exc:
        if str(exc) != INTERRUPTED:
            raise
        raise KeyboardInterrupt from None
