"""How a job runs, by its pacing:

- paced (a speed): the simulation is stepped by the shared `Scheduler` (no thread of its own);
  a continuous job with a target also has a replay thread following the log;
- flat out ("max": dry runs, backfills): a worker thread simulates in chunks, then a backfill
  replays the finished run into its target.

The replays themselves (connection, follower, figures) are `adapters.web.job_delivery`'s.
"""

from __future__ import annotations

import math
import threading
from types import SimpleNamespace
from typing import TYPE_CHECKING

from adapters.asana.client_errors import Unavailable
from adapters.web.store import check_run_folder
from engine.calendar import end_of
from engine.errors import BusyworkError
from engine.replay_outcomes import TARGET_SILENT

if TYPE_CHECKING:
    from adapters.web.job_core import JobCore
    from adapters.web.job_end import JobEnding
    from adapters.web.job_sim import JobSimulation

CHUNK_SECONDS = 6 * 3600.0  # simulated time per step of a flat-out job
SANDBOX_RESTARTED = (
    "the in-process sandbox does not outlive the server: it was started again, empty, and the "
    "run is replayed into it again from the start"
)
# What `_replay` returns for a connect that a pause ended (nothing was replayed).
INTERRUPTED = SimpleNamespace(stopped="interrupted")


class JobDriver:
    """Runs the job `job`: steps its `simulation` (or has a worker thread run it) and replays
    it into the target; `ending` ends the job when it is done or fails."""

    def __init__(self, job: JobCore, simulation: JobSimulation, ending: JobEnding) -> None:
        self.job = job
        self.simulation = simulation
        self.ending = ending

    # -- setting it going (holding the lock, the job just set running) ------------------------

    def launch(self) -> None:
        """Start the job: a paced one's simulation is opened off the caller's thread, then
        stepped by the scheduler; a flat-out one gets its worker. Under the lock: a stop coming
        now finds the worker it must join, or none at all."""
        if self.job.paced:
            self.job.ctx.opener.submit(self._open_paced)
        else:
            self.start_worker()

    def relaunch(self) -> None:
        """Resume a paused job: a paced one's clock is re-anchored where it was paused (paused
        time is not simulated); a flat-out one's worker, waiting, goes on by itself."""
        job, sim = self.job, self.simulation.sim
        if job.paced and sim is not None:
            assert job.speed is not None  # paced
            sim.pace(job.speed, job.state.sim_seconds)
            job.ctx.scheduler.schedule(job.id, self._step, sim.due_wall())
        elif job.paced:
            job.ctx.opener.submit(self._open_paced)
        elif job.worker is None:  # paused before the server restarted: nothing runs it
            self.start_worker()

    def start_worker(self) -> None:
        """Set once started: `stop` joins the worker it finds."""
        worker = threading.Thread(target=self._flat_out, name=f"job-{self.job.id[:20]}",
                                  daemon=True)  # fmt: skip
        worker.start()
        self.job.worker = worker

    # -- paced jobs ----------------------------------------------------------------------------

    def _open_paced(self) -> None:
        job = self.job
        try:
            with job.lock:
                if job.state.status != "running" or job.closing:
                    return
                if self.simulation.sim is None:
                    self.simulation.sim = self.simulation.open()
                sim = self.simulation.sim
                assert job.speed is not None  # paced
                sim.pace(job.speed, job.state.sim_seconds)
                job.ctx.scheduler.schedule(job.id, self._step, sim.due_wall())
                # Started under the lock and set once started: a stop joins what it finds.
                if job.state.spec.target.kind != "none" and job.replay_thread is None:
                    name = f"replay-{job.id[:20]}"
                    thread = threading.Thread(target=self._follow_log, name=name, daemon=True)
                    thread.start()
                    job.replay_thread = thread
        except BaseException as exc:
            self.ending.fail(exc)

    def _step(self) -> float:
        sim = self.simulation.sim
        if sim is None:
            return math.inf
        check_run_folder(self.job.run_dir)  # deleted: the scheduler fails the job (not others)
        written = sim.world.seq
        sim.advance_paced()
        if sim.world.seq != written and self.job.replay_thread is not None:
            self.job.replay_stop.poke()  # the follower reads the new lines now
        if not sim.done:
            return sim.due_wall()
        threading.Thread(target=self._finish_paced, name=f"finish-{self.job.id[:20]}",
                         daemon=True).start()  # fmt: skip
        return math.inf

    def _finish_paced(self) -> None:
        job = self.job
        try:
            with job.lock:
                sim = self.simulation.sim
                if sim is None or job.state.status != "running":
                    return
                sim.finish()
                job.state.sim_seconds = sim.now
            if job.replay_thread is not None:  # drain: replay what is left, then stop
                job.replay_stop.set(halt=False)
                job.replay_thread.join()
                if job.ended():  # stopped meanwhile: no drain (it would connect again)
                    return
                job.replay_stop.clear()
                if _failed(self._replay(False)):
                    return  # the replay fails the job
            self.ending.stop(final="completed")
        except BaseException as exc:
            self.ending.fail(exc)

    # -- flat-out jobs -------------------------------------------------------------------------

    def _flat_out(self) -> None:
        job = self.job
        try:
            if job.manifest.status != "complete":
                sim = self.simulation.open()
                with job.lock:
                    self.simulation.sim = sim
                clock = sim.now
                while not sim.done:
                    if not self._wait_while_paused():
                        return
                    check_run_folder(job.run_dir)
                    clock = max(clock, sim.now) + CHUNK_SECONDS  # quiet spells move on too
                    sim.advance_to(clock)
                    job.state.sim_seconds = min(clock, sim.span.end)
                sim.finish()
                with job.lock:
                    self.simulation.release()
            else:  # simulated before a restart (the replay was cut short): figures from the run
                self._restore_finished_run()
            if job.state.spec.mode == "backfill":
                while True:
                    if not self._ready_for_a_pass():
                        return
                    summary = self._replay(False)
                    if _failed(summary):
                        return  # the replay fails the job (completing it too would race that)
                    if summary.stopped != "interrupted":
                        break
                    if job.closing:
                        return
            threading.Thread(target=self.ending.stop, kwargs={"final": "completed"},
                             daemon=True).start()  # fmt: skip
        except BaseException as exc:
            self.ending.fail(exc, join=False)

    def _restore_finished_run(self) -> None:
        from engine.log import FileLog

        job = self.job
        written = max(job.manifest.events, FileLog.open_readonly(job.run_dir).last_seq)
        with job.lock:
            job.live.events = job.state.events = max(job.state.events, written)
            job.state.sim_seconds = end_of(job.manifest.scenario)

    def _wait_while_paused(self) -> bool:
        """False when the job was stopped (or the server is closing)."""
        job = self.job
        with job.lock:
            while job.state.status == "paused" and not job.closing:
                job.changed.wait()
            return job.state.status == "running" and not job.closing

    def _ready_for_a_pass(self) -> bool:
        """Wait while paused, then ready the next replay pass; False when the job was stopped.
        Under one hold of the lock: a pause coming after the wait finds the pass's stop cleared
        and cuts it (were it cleared later, that pause would be lost, and the pass, its connect
        too, would run on while the job is paused)."""
        job = self.job
        with job.lock:
            if not self._wait_while_paused():
                return False
            # A pause cut the connection of the last pass: this one connects again. First: a
            # follower's client waits on the stop's `halted`, which closing it sets.
            job.delivery.drop_if_cut(job.state)
            job.replay_stop.clear()
            return True

    # -- replay --------------------------------------------------------------------------------

    def _follow_log(self) -> None:
        """The replay thread of a paced job with a target: follow the log as it is written. A
        pause cuts the pass (its calls in flight too, `Job.pause`); once resumed, the next pass
        connects again and carries on from the checkpoint, a cut write looked for (in doubt)
        before it is sent again. It ends with the job, or when the simulation has ended and
        the drain (`_finish_paced`) replays what is left."""
        while True:
            summary = self._replay(True)
            if summary is None or summary.stopped != "interrupted" or self.job.ended():
                return
            if not self.job.replay_stop.halted.is_set():  # the drain's turn: not a pause
                return
            if not self._ready_for_a_pass():
                return
            sim = self.simulation.sim
            if sim is not None and sim.done:  # the drain replays what is left
                return

    def _replay(self, follow: bool):
        """Replay into the target (following the log, or in one pass); the summary, or None
        when connecting failed. A replay that stopped on its own (not "interrupted") fails the
        job. A backfill also fails when its pass left events parked (the target failed for
        now): it completes only once everything was sent. One whose target stopped answering,
        could not be reached or parked events is left resumable, as ``busywork backfill`` can
        be run again."""
        job, delivery, ctx = self.job, self.job.delivery, self.job.ctx
        backfill = job.state.spec.mode == "backfill" and not follow
        try:  # connecting fails too (unreachable, a URL no longer allowed): the job fails
            restarted = delivery.connect(job.manifest.scenario, job.state.spec, ctx.tokens_file,
                                         ctx.token_urls, ctx.backoff)  # fmt: skip
            if restarted:
                job.warn(SANDBOX_RESTARTED)
            # A live replay (and the drain of one) waits an outage out, as busywork live does.
            summary = delivery.replay(follow, ctx.target_silence if backfill else None)
        except BaseException as exc:
            if self._paused():  # a pause ended the connect (or a call): the resume connects
                return INTERRUPTED
            if not job.ended():  # else stopped while connecting: it gave up because of that
                self.ending.fail(exc, join=False,
                                 resumable=backfill and isinstance(exc, Unavailable))  # fmt: skip
            return None
        with job.lock:
            delivery.ended(job.state, summary)
        resumable = backfill and summary.stopped.startswith(TARGET_SILENT)
        if backfill and not summary.stopped and summary.parked:
            summary.stopped, resumable = _parked(summary), True
        if _failed(summary):
            threading.Thread(target=self.ending.fail, args=(BusyworkError(summary.stopped),),
                             kwargs={"resumable": resumable}, daemon=True).start()  # fmt: skip
        return summary

    def _paused(self) -> bool:
        job = self.job
        with job.lock:
            return job.state.status == "paused" and not job.closing


def _failed(summary) -> bool:
    """The replay failed the job (`_replay` is ending it): it stopped on its own, or never ran."""
    return summary is None or summary.stopped not in ("", "interrupted")


def _parked(summary) -> str:
    """Why a backfill whose pass ended with events parked fails (`engine.replay_outcomes`
    words a stop for a target's silence alike)."""
    not_sent = summary.parked + summary.deferred + summary.not_read
    first = f" (the first: {summary.errors[0]})" if summary.errors else ""
    return (f"the target failed for now: {summary.parked:,} events were parked{first}; "
            f"{not_sent:,} events were not sent")  # fmt: skip
