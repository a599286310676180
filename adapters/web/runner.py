"""The jobs: create, list, start, pause, resume, stop, delete; resumed after a restart.

The runner imports no web library. The web layer calls these methods and reads `JobView`s
(Locust style: the runner owns the state; the dashboard and API only look at it). A job's id
is its run folder's name under the data directory.
"""

from __future__ import annotations

import builtins
import logging
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from adapters.web import store
from adapters.web.figures import JobView, job_view
from adapters.web.job import Job, JobContext
from adapters.web.job_scenario import resolve_scenario
from adapters.web.llm import open_for_new_job
from adapters.web.scheduler import Scheduler
from adapters.web.spec import FieldError, JobSpec, check, check_asana
from adapters.web.spec_text import check_text
from adapters.web.store import FINAL, JobState
from engine import run as runs
from engine.backfill import backfill_scenario
from engine.content.templates import TemplateSource
from engine.errors import BusyworkError
from engine.replay_outcomes import TargetSilence

log = logging.getLogger("busywork.web")


# What else a job can be resumed from (see `JobRunner.resume`), as a 409 says.
RESUMABLE_TOO = ", or failed because its target stopped answering (a backfill)"


class NotFound(BusyworkError):
    """No job with this id."""


class Conflict(BusyworkError):
    """The job's status does not allow this (e.g. resuming a stopped job, or a failed one that
    its target's silence did not fail)."""


@dataclass(frozen=True)
class RunnerConfig:
    data_dir: Path
    tokens_file: Path | None = None
    base_dir: Path = Path(".")  # scenario files are read from under here only
    # APIs besides Asana's and loopback hosts that the tokens file's tokens may be sent to.
    token_urls: tuple[str, ...] = ()
    # adapters.anthropic.session.LlmOptions for Claude-written jobs (None: the defaults).
    llm_options: object | None = None
    # Runs whose in-process sandbox runs in another process (the demo's): their browse link
    # stays. Every other sandbox ended with the server that started it.
    live_sandbox_runs: frozenset[str] = frozenset()
    # When a backfill's replay gives up on a target that stopped answering (the job fails,
    # resumable), as `busywork backfill` does. Continuous jobs wait outages out instead.
    target_silence: TargetSilence = TargetSilence()
    # How calls to a target are retried (an adapters.asana.client.Backoff; None: as
    # `busywork replay` does, a continuous job trying each for about an hour).
    backoff: object | None = None


class JobRunner:
    def __init__(self, config: RunnerConfig) -> None:
        self.config = config
        self._jobs: dict[str, Job] = {}
        self._lock = threading.RLock()
        self._opener = ThreadPoolExecutor(max_workers=2, thread_name_prefix="job-open")
        self._scheduler = Scheduler(on_error=self._step_failed)
        self._ctx = JobContext(self._scheduler, config.tokens_file, self._opener,
                               config.llm_options, config.token_urls,
                               config.target_silence, config.backoff)  # fmt: skip
        self.closed = False
        # The server is shutting down: live streams end now, before the jobs are released.
        self.draining = False

    # -- lifecycle -----------------------------------------------------------------------------

    def open(self) -> None:
        """Load the jobs under the data directory; carry on with those that were running.

        A job whose files cannot be read is left out, with a warning in the server's log: its
        job.json is the only record of what it was asked to do, so showing it would mean making
        that up. Fixed (or removed), it is back at the next start (a running one carries on).
        A running job this server lacks a setting for (its tokens file) waits, paused, and
        carries on at the start of a server that has it."""
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        for run_dir in store.find_jobs(self.config.data_dir):
            try:
                job = Job(run_dir, store.load(run_dir), self._ctx)
            except (BusyworkError, OSError) as exc:
                log.warning("job %s not loaded (its folder is left as it is): %s",
                            run_dir.name, exc)  # fmt: skip
                continue
            if job.id not in self.config.live_sandbox_runs:
                job.forget_sandbox_link()
            with self._lock:
                self._jobs[job.id] = job
            lacking = self._lacking(job)
            if job.state.status == "running" and lacking:
                log.warning("job %s waits, paused: %s", job.id, lacking)
            job.wait_for_server(lacking)
            if job.state.status == "running":
                job.start()

    def begin_shutdown(self) -> None:
        self.draining = True

    def close(self) -> None:
        """Release every job (running ones stay "running" on disk, to resume next time)."""
        self.closed = True
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.stop(final="")
            job.close_sandbox()
        self._opener.shutdown(wait=True)
        self._scheduler.close()

    # -- jobs ----------------------------------------------------------------------------------

    def token_keys(self) -> set[str] | None:
        if self.config.tokens_file is None:
            return None
        from adapters.web.targets import server_tokens

        return set(server_tokens(self.config.tokens_file).people)

    def create(self, spec: JobSpec) -> JobView:
        config = self.config
        check_text(spec)  # first: a file name or URL holding a newline is not looked up
        scenario = resolve_scenario(spec, config.base_dir, config.tokens_file)
        keys = self.token_keys() if spec.target.kind == "asana" else None
        check(spec, scenario, keys, config.token_urls)
        if spec.target.kind == "asana":
            from adapters.web.targets import check_target

            check_target(spec.target.asana(), config.tokens_file, config.token_urls)
        if spec.mode == "backfill":
            scenario = backfill_scenario(scenario, scenario.days, datetime.now(UTC).date())
        warnings: list[str] = []
        scenario, session = open_for_new_job(scenario, self.config.llm_options, warnings)
        try:
            with self._lock:
                run_dir = runs.new_run_dir(scenario, self.config.data_dir)
                runs.create_run(run_dir, scenario, session.source if session else TemplateSource())
                now = datetime.now(UTC).replace(microsecond=0)
                name = spec.name.strip() or scenario.name
                state = JobState(id=run_dir.name, name=name, spec=spec, created_at=now,
                                 warnings=warnings)  # fmt: skip
                store.save(run_dir, state)
                job = Job(run_dir, state, self._ctx, llm=session)
                self._jobs[job.id] = job
        except BaseException:
            if session is not None:
                session.close()
            raise
        if spec.start:
            job.start()
        return self.view(job.id)

    def list(self) -> list[JobView]:
        with self._lock:
            ids = list(self._jobs)
        views = []
        for job_id in ids:
            try:
                views.append(self.view(job_id))
            except NotFound:  # deleted meanwhile: the list leaves it out, it never fails for it
                continue
        return views

    def job(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id!r}: no such job")
        return job

    def start(self, job_id: str) -> JobView:
        job = self._need(job_id, ("pending",), "start")
        self._refuse_lacking(job, "start")
        job.start()
        return self.view(job_id)

    def pause(self, job_id: str) -> JobView:
        self._need(job_id, ("running",), "pause").pause()
        return self.view(job_id)

    def resume(self, job_id: str) -> JobView:
        """Resume a paused job, or a failed backfill whose target stopped answering."""
        job = self.job(job_id)
        if not (job.state.status == "failed" and job.state.resumable):
            self._need(job_id, ("paused",), "resume", RESUMABLE_TOO)
        self._refuse_lacking(job, "resume")
        if not job.resume():
            raise _still_ending(job_id, "resume")
        return self.view(job_id)

    def stop(self, job_id: str) -> JobView:
        job = self._need(job_id, ("pending", "running", "paused"), "stop")
        job.stop(final="stopped")
        return self.view(job_id)

    def delete(self, job_id: str, *, remove_run: bool = False, clean_target: bool = False) -> None:
        """Stop the job, clean its target if asked (a failure there leaves the job stopped but
        listed, so the call can be repeated), then forget it."""
        job = self.job(job_id)
        if job.state.status not in FINAL:
            job.stop(final="stopped")  # first: its replay holds the target's checkpoint
        if not job.wait_released():  # ending (another request stops it): its sandbox stays
            raise _still_ending(job_id, "delete")
        if clean_target:
            from adapters.web.targets import clean_target as clean

            config = self.config
            clean(job.run_dir, job.state.spec.target, config.tokens_file, config.token_urls)
        job.close_sandbox()
        with self._lock:
            self._jobs.pop(job_id, None)
        if remove_run:
            shutil.rmtree(job.run_dir, ignore_errors=True)
        else:
            store.job_path(job.run_dir).unlink(missing_ok=True)

    def _need(self, job_id: str, statuses: tuple[str, ...], action: str, also: str = "") -> Job:
        job = self.job(job_id)
        if job.state.status not in statuses:
            needs = " or ".join(statuses) + also
            raise Conflict(f"job {job_id!r} is {job.state.status}; {action} needs {needs}")
        return job

    def _lacking(self, job: Job) -> str:
        """What this server lacks to run the job ("" when nothing): its target is Asana and the
        server was started without the tokens file, or one without a person or an --allow-url
        the job needs. A server started with them runs it."""
        spec = job.state.spec
        ended = job.state.status in FINAL and not job.state.resumable
        if spec.target.kind != "asana" or ended:
            return ""
        try:
            check_asana(spec.target.asana(), job.manifest.scenario, self.token_keys(),
                        self.config.token_urls)  # fmt: skip
        except BusyworkError as exc:  # a FieldError, or a tokens file it cannot read
            return str(exc)
        return ""

    def _refuse_lacking(self, job: Job, action: str) -> None:
        if lacking := self._lacking(job):
            raise Conflict(f"job {job.id!r} cannot {action} on this server: {lacking}")

    def _step_failed(self, key: str, exc: BaseException) -> None:
        with self._lock:
            job = self._jobs.get(key)
        if job is not None:
            job.fail(exc, join=False)

    # -- views ---------------------------------------------------------------------------------

    def view(self, job_id: str) -> JobView:
        job = self.job(job_id)
        job.check_folder()  # a deleted run folder fails the job when it is looked at
        return job_view(job)

    def lateness(self) -> builtins.list[float]:  # `list` here is the method above
        """Every paced job's recent event lateness (seconds), for the benchmark."""
        with self._lock:
            jobs = list(self._jobs.values())
        return [x for job in jobs for x in list(job.live.lateness)]

    def delivery_lateness(self) -> builtins.list[float]:
        """Paced jobs with a target: seconds from each event's due time to its being applied."""
        with self._lock:
            jobs = list(self._jobs.values())
        return [x for job in jobs for x in list(job.live.delivery)]


def _still_ending(job_id: str, action: str) -> Conflict:
    return Conflict(
        f"job {job_id!r} is still ending (its threads and its target's connection are "
        f"closing); try the {action} again in a few seconds"
    )


__all__ = ["Conflict", "FieldError", "JobRunner", "JobView", "NotFound", "RunnerConfig"]
