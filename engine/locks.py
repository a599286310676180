"""One writer at a time: an exclusive, non-blocking lock on an open folder."""

from __future__ import annotations

from engine.errors import Busy

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locking, one writer by convention
    fcntl = None  # type: ignore[assignment]


def lock_exclusively(fd: int, busy_message: str) -> None:
    """Lock `fd` for this process, or raise Busy(busy_message) if another holds it."""
    if fcntl is None:  # pragma: no cover
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise Busy(busy_message) from None
