"""One job at run time: its state, its simulation and (with a target) its replay.

How a job runs depends on its pacing (paced by the shared `Scheduler`, or flat out in a worker
thread): see `adapters.web.job_drive`. Where its events go: `adapters.web.job_delivery`. How it
ends (stopped, completed, failed, or released at the server's shutdown): `adapters.web.job_end`.

Pausing a paced job cancels its schedule and remembers where the simulated clock stood;
resuming re-anchors the clock there (paused time is not simulated). Pausing any job cuts its
replay (its connect and requests in flight); resuming replays from its checkpoint. A backfill
whose target stopped answering fails "resumable" (as ``busywork backfill`` stops, to be run
again): resuming it replays what its checkpoint does not hold as sent. Every change of status
is saved to ``job.json``; a restarted server resumes running jobs from their logs (the
simulation re-checks the log) and checkpoints (the replay journal).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import msgspec

from adapters.web import store
from adapters.web.activity import RunIndex
from adapters.web.job_delivery import JobDelivery, Wakeup
from adapters.web.job_drive import DriveMixin
from adapters.web.job_end import EndMixin, utc_now
from adapters.web.job_sim import Live, SimMixin
from adapters.web.scheduler import Scheduler
from adapters.web.sim import SteppedSim
from adapters.web.span import plan_continuous, run_span
from adapters.web.spec import FieldError, parse_speed
from adapters.web.store import JobState
from adapters.web.today import TodayCount
from engine.errors import BusyworkError
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


class Job(DriveMixin, SimMixin, EndMixin):
    def __init__(self, run_dir: Path, state: JobState, ctx: JobContext, llm=None) -> None:
        self.run_dir = run_dir
        self.state = state
        self.ctx = ctx
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        try:
            self.speed = parse_speed(state.spec.speed)
            self.unusable = ""
        except FieldError as exc:  # saved by an older server that accepted it: fails on start
            self.speed, self.unusable = 1.0, str(exc)
        self.manifest = read_manifest(run_dir)
        self.span = run_span(run_dir, self.manifest, forever=state.spec.forever)
        self.live = Live(events=state.events)
        self.sim: SteppedSim | None = None
        self.llm = llm  # an LlmSession while a Claude-written simulation runs
        self.running_since: float | None = None
        self.worker: threading.Thread | None = None
        self.replay_thread: threading.Thread | None = None
        self.replay_stop = Wakeup()
        self.delivery = JobDelivery(run_dir, self.live, self.replay_stop, state.replay)
        self._closing = False  # the server is shutting down: leave the status as it is
        self._released = True  # no ending job's threads or connection left (see `stop`)
        self.activity = RunIndex(run_dir)  # names for the feed, learnt once (see activity)
        self.today = TodayCount(run_dir, self.manifest.scenario.timezone)
        # (the log's last seq, the stats body) of the latest stats request: a run that has not
        # moved since (a finished one) is not analysed again.
        self.stats_cache: tuple[int, dict] | None = None

    @property
    def id(self) -> str:
        return self.state.id

    @property
    def paced(self) -> bool:
        return self.speed is not None

    # -- transitions (called by the runner) ----------------------------------------------------

    def start(self) -> None:
        if self.unusable:
            self.stop(final="failed", error=self.unusable)
            return
        with self.lock:
            if self.state.status not in ("pending", "running", "paused"):
                return
            if self.state.started_at is None and self.state.spec.mode == "continuous":
                try:  # it starts now, like busywork live
                    assert self.speed is not None  # a continuous job is paced (spec.check)
                    self.manifest = plan_continuous(self.run_dir, self.manifest, speed=self.speed,
                                                    forever=self.state.spec.forever)  # fmt: skip
                    self.span = run_span(self.run_dir, self.manifest,
                                         forever=self.state.spec.forever)  # fmt: skip
                except (BusyworkError, OSError) as exc:
                    self.stop(final="failed", error=f"cannot plan the run: {exc}")
                    return
            self._set_status("running")
            if self.state.started_at is None:
                self.state.started_at = utc_now()
            self.running_since = time.monotonic()
            self._save()
            self._launch()

    def pause(self) -> None:
        """Pause the job. Its replay (a backfill's, or a paced job's following its log) ends
        now, its connect or requests in flight cut as a stop cuts them (a target holding one
        would otherwise keep the replay going until the read timeout): the resume connects
        again and replays what the checkpoint does not hold as sent, looking for the cut writes
        (in doubt) before sending them again. A paced job's drain (its simulation ended) is
        not cut: it ends the job."""
        self.ctx.scheduler.cancel(self.id)
        with self.lock:
            if self.state.status != "running":
                return
            if self.sim is not None and self.paced:
                self.state.sim_seconds = self.sim.unpace()
            self._bank_uptime()
            self._set_status("paused")
            self._save()
            self.changed.notify_all()
            if not self.paced or not (self.sim is not None and self.sim.done):
                self.replay_stop.set()
                # Under the lock: a resume finds the connection cut, and its worker drops it.
                self.delivery.abort()

    def resume(self) -> bool:
        """Resume a paused job or a resumable failed one; False when the failed one is still
        ending after `RELEASE_WAIT` (nothing changed: the caller says to try again)."""
        with self.lock:
            if self.state.status == "failed" and self.state.resumable:
                if not self.wait_released():  # its threads and connection go first
                    return False
                if self.state.status == "failed" and self.state.resumable:  # not resumed since
                    self._resume_failed()
                return True
            if self.state.status != "paused":
                return True
            self._set_status("running")
            self.running_since = time.monotonic()
            self._save()
            self.changed.notify_all()
            self._relaunch()
        return True

    def _resume_failed(self) -> None:
        """Run a failed backfill again (holding the lock): its target stopped answering. Its
        worker and replay ended with the failure; a new worker replays what the checkpoint does
        not hold as sent, each event once."""
        self.state.error, self.state.ended_at, self.state.resumable = "", None, False
        self._set_status("running")
        self.running_since = time.monotonic()
        self._save()
        self.changed.notify_all()
        self._start_worker()

    def wait_for_server(self, lacking: str) -> None:
        """At server start, with what this server lacks to run the job ("" when nothing): a
        running job waits, paused, saying why; one that waited runs again once nothing lacks."""
        with self.lock:
            if self.state.status == "running" and lacking:
                self._set_status("paused")
                self.state.waiting = lacking
            elif self.state.status == "paused" and self.state.waiting:
                if lacking:
                    self.state.waiting = lacking
                else:
                    self._set_status("running")
            else:
                return
            self._save()

    def close_sandbox(self) -> None:
        self.delivery.close_sandbox()

    def forget_sandbox_link(self) -> None:
        """At startup: an in-process sandbox ended with the server that ran it; its link goes."""
        replay = self.state.replay
        if replay is not None and replay.browse_url:
            replay.browse_url = ""
            self._save()

    # -- shared --------------------------------------------------------------------------------

    def _bank_uptime(self) -> None:
        if self.running_since is not None:
            self.state.uptime_seconds += time.monotonic() - self.running_since
            self.running_since = None

    def _set_status(self, status: str) -> None:
        self.state.status = status  # type: ignore[assignment]
        if status != "paused":
            self.state.waiting = ""

    def _save(self) -> None:
        self.state.events = max(self.state.events, self.live.events)
        try:
            store.save(self.run_dir, self.state)
        except OSError:
            if self.run_dir.exists():
                raise  # else deleted (with the job, or by hand): nowhere to keep the state

    def uptime(self) -> float:
        extra = time.monotonic() - self.running_since if self.running_since is not None else 0.0
        return self.state.uptime_seconds + extra

    def snapshot(self) -> JobState:
        """A copy of the state with live figures folded in (for the web layer)."""
        with self.lock:
            state = msgspec.structs.replace(self.state)
            if self.delivery.connection is not None:
                self.delivery.record(self.state)
                state.replay = self.state.replay
            sim = self.sim
            if sim is not None and self.paced and state.status == "running":
                state.sim_seconds = sim.position()
            elif sim is not None:  # where the clock was stopped: past the last event, if any
                state.sim_seconds = max(sim.now, state.sim_seconds)
        state.events = max(state.events, self.live.events)
        state.uptime_seconds = round(self.uptime(), 3)
        return state
