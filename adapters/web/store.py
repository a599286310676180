"""A job's state file: ``<data>/<run>/job.json``, next to the run it drives.

Small and rewritten atomically at every change of status (not per event): what a restarted
server needs to carry on. It holds token *references* (emails), never token values.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

import msgspec

from adapters.web.spec import JobSpec
from engine.errors import BusyworkError
from engine.files import replace_json

JOB_FILE = "job.json"
FORMAT = 1
Status = Literal["pending", "running", "paused", "stopped", "completed", "failed"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
FINAL = frozenset({"stopped", "completed", "failed"})


class ReplayCounters(msgspec.Struct, kw_only=True):
    """The target side of a job (backfill, continuous): what the replay did so far."""

    target: str = ""
    applied: int = 0
    failed: int = 0
    skipped: int = 0
    # The target failed for now (sent again by the next replay): the latest replay's figure.
    parked: int = 0
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    invalid_tokens: list[str] = []
    browse_url: str = ""  # the in-process sandbox's browse page, while it runs
    # Not sent yet (the replay was stopped, or the actor has no usable token): the next replay
    # sends them. The latest replay's figure, not a sum: deferred events are sent again.
    deferred: int = 0
    # The rest of the log: events no replay has sent yet (written since the latest replay read,
    # or past where it stopped). applied + failed + skipped + parked + deferred + not_read is
    # the job's events.
    not_read: int = 0
    # Events the target has dealt with for good (applied, failed or skipped), those its
    # checkpoint had from earlier replays included: the replay's progress through the log.
    settled: int = 0
    # Why the first event was skipped, failed or parked ("seq N (Type): reason"), if any.
    first_problem: str = ""
    # What the target noted, as `busywork replay`'s summary does ("Note: …"): paid features
    # the plan refused, teams it could not make, people it could not add; each once.
    notes: list[str] = []


class JobState(msgspec.Struct, kw_only=True):
    format: int = FORMAT
    id: str
    name: str
    spec: JobSpec
    status: Status = "pending"
    created_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
    # Seconds spent running, up to the last save (the runner adds the current stretch).
    uptime_seconds: float = 0.0
    # Where the simulated clock stood at the last save (seconds since the scenario's origin).
    sim_seconds: float = 0.0
    events: int = 0
    error: str = ""
    warnings: list[str] = []
    replay: ReplayCounters | None = None
    # Why a job that was running waits, paused: the server was started without a setting it
    # needs (its tokens file). A server started with it carries on with the job.
    waiting: str = ""
    # A failed backfill that failed because its target stopped answering (or could not be
    # reached): resuming it replays what was not sent from the checkpoint, each event once.
    resumable: bool = False


_decoder = msgspec.json.Decoder(JobState)


class RunFolderGone(BusyworkError):
    """A job's run folder was deleted while the server had the job: its log went with it."""

    def __init__(self, run_dir: Path) -> None:
        super().__init__(f"the run folder {run_dir} was deleted: the job's event log and state "
                         "went with it, so it cannot go on")  # fmt: skip


def check_run_folder(run_dir: Path) -> None:
    """`RunFolderGone` when the job's run folder no longer exists."""
    if not Path(run_dir).is_dir():
        raise RunFolderGone(run_dir)


def job_path(run_dir: Path) -> Path:
    return Path(run_dir) / JOB_FILE


def save(run_dir: Path, state: JobState) -> None:
    replace_json(job_path(run_dir), state)


def load(run_dir: Path) -> JobState:
    path = job_path(run_dir)
    try:
        state = _decoder.decode(path.read_bytes())
    except OSError as exc:
        raise BusyworkError(f"{path}: cannot read the job file: {exc.strerror or exc}") from None
    except msgspec.DecodeError as exc:  # not JSON, or JSON of the wrong shape
        raise BusyworkError(
            f"{path}: damaged job file: {exc}; expected the JSON busywork serve writes"
        ) from None
    # Written before a target of another kind was refused an asana target's fields: they go.
    state.spec.target = state.spec.target.applicable()
    return state


def find_jobs(data_dir: Path) -> list[Path]:
    """Run folders under `data_dir` that hold a job file, oldest name first."""
    if not data_dir.is_dir():
        return []
    return sorted(p.parent for p in data_dir.glob(f"*/{JOB_FILE}"))
