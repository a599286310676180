"""One job at run time: its state, its simulation and (with a target) its replay.

A `Job` is its shared state (`job_core.JobCore`: folder, state, lock, saving) and its parts,
each given that and the other parts it uses: its simulation (`job_sim.JobSimulation`); how it
runs, by its pacing (paced by the shared `Scheduler`, or flat out in a worker thread):
`job_drive.JobDriver`; how it ends (stopped, completed, failed, or released at the server's
shutdown): `job_end.JobEnding`. Where its events go: `adapters.web.job_delivery`.

Pausing a paced job cancels its schedule and remembers where the simulated clock stood;
resuming re-anchors the clock there (paused time is not simulated). Pausing any job cuts its
replay (its connect and requests in flight); resuming replays from its checkpoint. A backfill
whose target stopped answering fails "resumable" (as ``busywork backfill`` stops, to be run
again): resuming it replays what its checkpoint does not hold as sent. Every change of status
is saved to ``job.json``; a restarted server resumes running jobs from their logs (the
simulation re-checks the log) and checkpoints (the replay journal).
"""

from __future__ import annotations

import time
from pathlib import Path

import msgspec

from adapters.web.activity import RunIndex
from adapters.web.job_core import JobContext, JobCore
from adapters.web.job_drive import JobDriver
from adapters.web.job_end import JobEnding, utc_now
from adapters.web.job_sim import JobSimulation
from adapters.web.span import plan_continuous, run_span
from adapters.web.store import JobState
from adapters.web.today import TodayCount
from engine.errors import BusyworkError

__all__ = ["Job", "JobContext"]


class Job(JobCore):
    def __init__(self, run_dir: Path, state: JobState, ctx: JobContext, llm=None) -> None:
        super().__init__(run_dir, state, ctx)
        self.simulation = JobSimulation(self, llm)  # llm: an LlmSession (Claude-written runs)
        self.ending = JobEnding(self, self.simulation)
        self.driver = JobDriver(self, self.simulation, self.ending)
        self.activity = RunIndex(run_dir)  # names for the feed, learnt once (see activity)
        self.today = TodayCount(run_dir, self.manifest.scenario.timezone)
        # (the log's last seq, the stats body) of the latest stats request: a run that has not
        # moved since (a finished one) is not analysed again.
        self.stats_cache: tuple[int, dict] | None = None
        # How the job ends, and what the runner and the web layer ask of that.
        self.stop = self.ending.stop
        self.fail = self.ending.fail
        self.wait_released = self.ending.wait_released
        self.check_folder = self.ending.check_folder

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
            self.set_status("running")
            if self.state.started_at is None:
                self.state.started_at = utc_now()
            self.running_since = time.monotonic()
            self.save()
            self.driver.launch()

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
            sim = self.simulation.sim
            if sim is not None and self.paced:
                self.state.sim_seconds = sim.unpace()
            self.bank_uptime()
            self.set_status("paused")
            self.save()
            self.changed.notify_all()
            if not self.paced or not (sim is not None and sim.done):
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
            self.set_status("running")
            self.running_since = time.monotonic()
            self.save()
            self.changed.notify_all()
            self.driver.relaunch()
        return True

    def _resume_failed(self) -> None:
        """Run a failed backfill again (holding the lock): its target stopped answering. Its
        worker and replay ended with the failure; a new worker replays what the checkpoint does
        not hold as sent, each event once."""
        self.state.error, self.state.ended_at, self.state.resumable = "", None, False
        self.set_status("running")
        self.running_since = time.monotonic()
        self.save()
        self.changed.notify_all()
        self.driver.start_worker()

    def wait_for_server(self, lacking: str) -> None:
        """At server start, with what this server lacks to run the job ("" when nothing): a
        running job waits, paused, saying why; one that waited runs again once nothing lacks."""
        with self.lock:
            if self.state.status == "running" and lacking:
                self.set_status("paused")
                self.state.waiting = lacking
            elif self.state.status == "paused" and self.state.waiting:
                if lacking:
                    self.state.waiting = lacking
                else:
                    self.set_status("running")
            else:
                return
            self.save()

    def close_sandbox(self) -> None:
        self.delivery.close_sandbox()

    def forget_sandbox_link(self) -> None:
        """At startup: an in-process sandbox ended with the server that ran it; its link goes."""
        replay = self.state.replay
        if replay is not None and replay.browse_url:
            replay.browse_url = ""
            self.save()

    # -- for the web layer --------------------------------------------------------------------

    def snapshot(self) -> JobState:
        """A copy of the state with live figures folded in (for the web layer)."""
        with self.lock:
            state = msgspec.structs.replace(self.state)
            if self.delivery.connection is not None:
                self.delivery.record(self.state)
                state.replay = self.state.replay
            sim = self.simulation.sim
            if sim is not None and self.paced and state.status == "running":
                state.sim_seconds = sim.position()
            elif sim is not None:  # where the clock was stopped: past the last event, if any
                state.sim_seconds = max(sim.now, state.sim_seconds)
        state.events = max(state.events, self.live.events)
        state.uptime_seconds = round(self.uptime(), 3)
        return state
