"""How a job ends: a stop for good (stopped, completed, or failed, its error said without
tokens) or, at the server's shutdown, a release that leaves its status as it is. The stop cuts
what goes on at the target and waits a little (`STOP_WAIT`) for the job's threads; the job is
*released* (its simulation and connection closed) once they have ended, and a resume or delete
waits (up to `RELEASE_WAIT`) for that.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adapters.asana.secrecy import redact
from adapters.web.store import FINAL, RunFolderGone
from engine.errors import BusyworkError

if TYPE_CHECKING:
    from adapters.web.job_core import JobCore
    from adapters.web.job_sim import JobSimulation

log = logging.getLogger("busywork.web")

# Seconds a resume or delete waits for an ending job to be released (its threads ended, its
# connection closed) before answering that it is still ending: a request must not hang on it.
RELEASE_WAIT = 10.0
# Seconds a stop waits for the job's threads to end before answering (the job's status is then
# saved, and its release left to them): a target that never answers must not hold the stop.
STOP_WAIT = 2.0
# Said after the error of a backfill that failed because its target stopped answering.
RESUMABLE = (
    "resume the job once the target answers again: it sends what was not sent, each event once"
)


class JobEnding:
    """Ends the job `job`, closing its `simulation` once its threads have ended."""

    def __init__(self, job: JobCore, simulation: JobSimulation) -> None:
        self.job = job
        self.simulation = simulation
        self.released = True  # no ending job's threads or connection left (see `stop`)
        self._gone = False  # check_folder has failed the job

    def stop(self, *, final: str = "stopped", error: str = "", resumable: bool = False) -> None:
        """End the job for good (or, with ``final=""``, just release it: server shutdown).
        `resumable`: a failed backfill whose target stopped answering. It says so with its
        status (a view never shows it failed and not yet resumable); a resume that comes
        before it is released (its threads ended, its connection closed) waits for that."""
        job = self.job
        job.ctx.scheduler.cancel(job.id)
        if final == "completed" and self._complete():
            return
        with job.lock:
            sim = self.simulation.sim
            if final:
                if job.state.status in FINAL and not error:
                    return
                self._mark_ended(final, error, resumable)
            else:
                job.closing = True
                if sim is not None and job.paced and job.state.status == "running":
                    job.state.sim_seconds = sim.unpace()
                    job.bank_uptime()
            job.changed.notify_all()
        job.replay_stop.set()
        job.delivery.abort()
        threads = self._threads()
        deadline = time.monotonic() + STOP_WAIT
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        lingering = [t for t in threads if t.is_alive()]
        if not lingering:
            self._release()
            return
        # A thread stuck in what the stop cannot cut (a TLS handshake that never ends, until
        # the connect timeout; a call through a SOCKS proxy; a simulation step): the job has
        # ended, and says so now; it is released (its connection closed) once that thread
        # ends on its own.
        with job.lock:
            job.save()
        threading.Thread(target=self._release, args=(lingering,), name=f"end-{job.id[:20]}",
                         daemon=True).start()  # fmt: skip

    def _mark_ended(self, final: str, error: str = "", resumable: bool = False) -> None:
        """Give the job its final status (the job's lock held)."""
        job, sim = self.job, self.simulation.sim
        if sim is not None and job.paced and job.state.status == "running":
            job.state.sim_seconds = sim.unpace()
        job.bank_uptime()
        job.set_status(final)
        job.state.error = error or job.state.error
        job.state.ended_at = utc_now()
        job.state.resumable = resumable and final == "failed"
        self.released = False

    def _complete(self) -> bool:
        """A job that finished its work: its threads end on their own. Once they have, it says
        it completed and closes its connection in one step (False: a thread lingers, and the
        job is stopped as any other). Whoever sees it completed may then replay into or clean
        its target at once: the connection held the target's journal locked."""
        job = self.job
        deadline = time.monotonic() + STOP_WAIT
        for thread in self._threads():
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                return False
        with job.lock:
            if job.state.status not in FINAL:
                self._mark_ended("completed")
                self._close()
        return True

    def _threads(self) -> list[threading.Thread]:
        """The job's threads other than the one asking."""
        job = self.job
        return [t for t in (job.worker, job.replay_thread)
                if t is not None and t is not threading.current_thread()]  # fmt: skip

    def _release(self, lingering: tuple[threading.Thread, ...] | list = ()) -> None:
        """Once the job's threads have ended: close its simulation and connection."""
        job = self.job
        for thread in lingering:
            thread.join()
        with job.lock:
            self._close()

    def _close(self) -> None:
        """Close the job's simulation and connection (the job's lock held)."""
        job = self.job
        self.simulation.release()
        job.delivery.record(job.state)
        self.released = True
        job.save()
        job.changed.notify_all()

    def wait_released(self) -> bool:
        """Wait (up to `RELEASE_WAIT`) for an ending job's threads to end and its connection to
        close; False if they have not."""
        with self.job.lock:
            return self.job.changed.wait_for(lambda: self.released, timeout=RELEASE_WAIT)

    def fail(self, exc: BaseException, join: bool = True, resumable: bool = False) -> None:
        """End the job as failed; `resumable`: a backfill whose target stopped answering (the
        error says how to resume it)."""
        if not self.job.run_dir.is_dir():  # whatever broke, this is why
            exc, resumable = RunFolderGone(self.job.run_dir), False
        message = failure_message(exc, self._known_tokens())
        if resumable:
            message = f"{message}; {RESUMABLE}"
        log.warning("job %s failed: %s", self.job.id, message)
        ending: dict[str, Any] = {"final": "failed", "error": message, "resumable": resumable}
        if join:
            self.stop(**ending)
        else:
            threading.Thread(target=self.stop, kwargs=ending, daemon=True).start()

    def _known_tokens(self) -> list[str]:
        """The tokens this job may have met: its sandbox's and the server's tokens file's."""
        from adapters.web.targets import server_tokens

        found = [self.job.delivery.sandbox_tokens]
        tokens_file = self.job.ctx.tokens_file
        if tokens_file is not None:
            # Gone or broken since: only the tokens' shapes are hidden.
            with contextlib.suppress(BusyworkError, OSError):
                found.append(server_tokens(tokens_file))
        return [t for tokens in found if tokens is not None
                for t in (*tokens.people.values(), tokens.default) if t]  # fmt: skip

    def check_folder(self) -> None:
        """Fail the job (once, and wait for that) if its run folder was deleted: a paced job
        would notice only at its next event, which may be hours away."""
        job = self.job
        with job.lock:
            if job.state.status in FINAL or self._gone or job.run_dir.is_dir():
                return
            self._gone = True
        self.fail(RunFolderGone(job.run_dir))


def failure_message(exc: BaseException, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """What a failed job's state and the server's log say of the exception that failed it: a
    `BusyworkError`'s own words; anything else ``internal error: <type>: <message>``, never its
    repr (which may hold the text it failed on: a header, a token). Either way the known
    `secrets`, and anything shaped like a token, are hidden."""
    if isinstance(exc, BusyworkError):
        text = str(exc)
    else:
        detail = str(exc)
        text = f"internal error: {type(exc).__name__}" + (f": {detail}" if detail else "")
    return redact(text, secrets)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
