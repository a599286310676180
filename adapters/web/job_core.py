"""What every part of a job shares (`Job` is one, and hands itself to its parts as this): its
folder, state and context, the lock and condition that guard them, saving them, and the
target side and threads that the parts start, cut and join.

The parts, each given this and the other parts it uses: the simulation
(`job_sim.JobSimulation`), how the job runs (`job_drive.JobDriver`) and how it ends
(`job_end.JobEnding`).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from adapters.web import store
from adapters.web.job_delivery import JobDelivery, Wakeup
from adapters.web.job_sim import Live
from adapters.web.scheduler import Scheduler
from adapters.web.span import run_span
from adapters.web.spec import FieldError, parse_speed
from adapters.web.store import FINAL, JobState
from engine.replay_outcomes import TargetSilence
from engine.run import read_manifest


@dataclass
class JobContext:
    scheduler: Scheduler
    tokens_file: Path | None
    opener: Executor  # for (re)opening simulations
    llm_options: object | None = None  # adapters.anthropic.session.LlmOptions
    token_urls: tuple[str, ...] = ()  # see RunnerConfig.token_urls
    target_silence: TargetSilence = TargetSilence()  # see RunnerConfig.target_silence
    backoff: object | None = None  # see RunnerConfig.backoff


class JobCore:
    def __init__(self, run_dir: Path, state: JobState, ctx: JobContext) -> None:
        self.run_dir = run_dir
        self.state = state
        self.ctx = ctx
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        try:
            self.speed = parse_speed(state.spec.speed)  # None: as fast as possible (not paced)
            self.unusable = ""
        except FieldError as exc:  # saved by an older server that accepted it: fails on start
            self.speed, self.unusable = 1.0, str(exc)
        self.manifest = read_manifest(run_dir)  # planned again when a continuous job starts
        self.span = run_span(run_dir, self.manifest, forever=state.spec.forever)
        self.live = Live(events=state.events)
        self.running_since: float | None = None
        # Set once started (`JobDriver`), joined by a stop (`JobEnding`).
        self.worker: threading.Thread | None = None
        self.replay_thread: threading.Thread | None = None
        self.replay_stop = Wakeup()
        self.delivery = JobDelivery(run_dir, self.live, self.replay_stop, state.replay)
        self.closing = False  # the server is shutting down: leave the status as it is

    @property
    def id(self) -> str:
        return self.state.id

    @property
    def paced(self) -> bool:
        return self.speed is not None

    def ended(self) -> bool:
        """Stopped, completed or failed (or the server is closing): what a thread of the job
        finds when a stop came while it was busy, e.g. connecting."""
        with self.lock:
            return self.state.status in FINAL or self.closing

    def set_status(self, status: str) -> None:
        self.state.status = status  # type: ignore[assignment]
        if status != "paused":
            self.state.waiting = ""

    def bank_uptime(self) -> None:
        if self.running_since is not None:
            self.state.uptime_seconds += time.monotonic() - self.running_since
            self.running_since = None

    def uptime(self) -> float:
        extra = time.monotonic() - self.running_since if self.running_since is not None else 0.0
        return self.state.uptime_seconds + extra

    def save(self) -> None:
        self.state.events = max(self.state.events, self.live.events)
        try:
            store.save(self.run_dir, self.state)
        except OSError:
            if self.run_dir.exists():
                raise  # else deleted (with the job, or by hand): nowhere to keep the state

    def warn(self, warning: str) -> None:
        with self.lock:
            if warning not in self.state.warnings:
                self.state.warnings.append(warning)
                self.save()
