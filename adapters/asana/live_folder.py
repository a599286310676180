"""The folder a ``busywork live`` run lives in: which one (`live_run_dir`), whether live may
use it (`check_live_folder`) and its lock (`RunLock`), all before anything is written."""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

from adapters.asana.replay_job import flock_holder
from engine.errors import Busy, InvalidInput
from engine.locks import lock_exclusively
from engine.scenario import Scenario

LOCK_TRIES = 20  # a `replay --follow` may hold the lock for an instant while it looks
LOCK_RETRY_SECONDS = 0.05


# A file name holds at most 255 bytes. The cap cuts only names no live run could have had, so
# every live run made before it is still found, and resumed, under its name.
LIVE_SLUG_MAX = 255 - len("-live")


def live_run_dir(scenario: Scenario, replays: Path) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", scenario.name.lower()).strip("-")
    slug = slug[:LIVE_SLUG_MAX].rstrip("-") or "run"
    return replays / f"{slug}-live"


def check_live_folder(run_dir: Path, *, given: bool) -> None:
    """A live run resumes in its own folder; any other non-empty folder is refused, naming
    the option that chose it."""
    from engine.live import LIVE

    if not run_dir.is_dir() or not any(run_dir.iterdir()) or (run_dir / LIVE).is_file():
        return
    what = "a run, but not a live one" if (run_dir / "manifest.json").is_file() else "not a run"
    choose = "pick another --run" if given else "choose a folder with --run"
    raise InvalidInput(f"--run {run_dir}: {what} (no {LIVE}), so live cannot resume it; {choose}")


class RunLock:
    """An exclusive flock on the run folder, held while ``busywork live`` runs it: taken before
    anything is written, so a second ``live`` on the run is refused before it changes
    anything, and ``replay --follow`` can tell whether anyone still writes the run
    (`adapters.asana.replay_job.live_writer`). A folder made here and left empty is removed."""

    def __init__(self, run_dir: Path, *, given: bool) -> None:
        self.run_dir = Path(run_dir)
        self.given = given
        self.made = False
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        try:
            self.run_dir.mkdir(parents=True)
            self.made = True
        except FileExistsError:
            pass
        except OSError as exc:
            raise InvalidInput(f"{self._where()}: cannot create the run folder: "
                               f"{exc.strerror or exc}") from None  # fmt: skip
        try:
            self._fd = os.open(self.run_dir, os.O_RDONLY)
            self._lock()
        except BaseException:  # refused, or interrupted (SIGTERM): the folder made goes too
            self.__exit__()
            raise
        return self

    def _lock(self) -> None:
        assert self._fd is not None
        for attempt in range(LOCK_TRIES):
            try:
                lock_exclusively(self._fd, "")
                return
            except Busy:
                if attempt + 1 < LOCK_TRIES:
                    time.sleep(LOCK_RETRY_SECONDS)
        holder = flock_holder(self._fd)
        who = f" (pid {holder})" if holder else ""
        stop = f"kill -TERM {holder}" if holder else "Ctrl-C where it runs"
        raise Busy(f"{self._where()}: another busywork live is running this run{who}; stop it "
                   f"first ({stop}) or wait for it to end")  # fmt: skip

    def __exit__(self, *_exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # drops the lock
            self._fd = None
        if self.made:
            with contextlib.suppress(OSError):
                self.run_dir.rmdir()  # only while empty: nothing was started in it

    def _where(self) -> str:
        return f"--run {self.run_dir}" if self.given else str(self.run_dir)
