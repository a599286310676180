"""One `busywork serve` per data folder: a lock file held for the server's life.

Two servers on one folder would both resume its running jobs; the second then finds their
event logs held by the first and marks them failed in their ``job.json``. So ``serve`` takes
an exclusive ``flock`` on ``<data>/.busywork-serve.lock`` before it loads any job. The kernel
drops the lock when the process ends, however it ends, so a server killed with ``kill -9``
leaves a file behind but no lock: the next server starts.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from engine.errors import Busy, BusyworkError
from engine.locks import lock_exclusively

LOCK_FILE = ".busywork-serve.lock"


class DataLock:
    """Held from `acquire` until `release` (or the process ends)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> DataLock:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise BusyworkError(f"--data {self.data_dir}: cannot create {LOCK_FILE}: "
                                f"{exc.strerror}") from None  # fmt: skip
        try:
            lock_exclusively(fd, "")
        except Busy:
            holder = _read_pid(fd)
            os.close(fd)
            who = f" (pid {holder})" if holder else ""
            raise BusyworkError(
                f"--data {self.data_dir}: another busywork serve{who} uses this folder; "
                "stop it first, or serve another folder with --data"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)  # the pid is no longer true; the file may stay
        os.close(self._fd)  # closing drops the lock
        self._fd = None

    def __enter__(self) -> DataLock:
        return self.acquire()

    def __exit__(self, *_exc) -> None:
        self.release()


def _read_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""
