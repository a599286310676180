"""A job's simulation: opening it (with Claude content when the run's scenario asks for it),
counting what it writes (`Live`), and releasing it with what it holds."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from adapters.web.sim import SteppedSim
from adapters.web.store import FINAL
from engine import events as ev

if TYPE_CHECKING:
    from adapters.anthropic.session import LlmSession
    from adapters.web.job_core import JobCore

DUE_KEPT = 100_000  # events timed on their way to the target, at most
LATENESS_KEPT = 20_000


@dataclass
class Live:
    """Counters the simulation's thread updates as it writes events; read without locks by the
    web layer."""

    events: int = 0  # events written to the log (readable): updated after each step
    lateness: deque = field(default_factory=lambda: deque(maxlen=LATENESS_KEPT))
    # Seconds from an event's paced due time to its target having applied it (with a target).
    delivery: deque = field(default_factory=lambda: deque(maxlen=LATENESS_KEPT))
    # seq -> monotonic due time of events written but not yet applied at the target.
    due: dict = field(default_factory=dict)


class JobSimulation:
    """The job's simulation (`sim`, while open) and the Claude session writing its content
    (`llm`, while a Claude-written simulation runs)."""

    def __init__(self, job: JobCore, llm: LlmSession | None = None) -> None:
        self.job = job
        self.sim: SteppedSim | None = None
        self.llm = llm

    def open(self) -> SteppedSim:
        """A new simulation of the job's run (caught up with its log); the caller keeps it as
        `sim` (under the job's lock)."""
        job = self.job
        content = None
        if job.manifest.scenario.content == "anthropic":
            from adapters.web.llm import open_for_run

            if self.llm is None:
                warnings = job.state.warnings  # the session's warnings, each once
                self.llm = open_for_run(job.manifest.scenario, job.ctx.llm_options, warnings)
            self.llm.start(job.run_dir)  # usage to the run's ledger; blueprints fetched ahead
            content = self.llm.source
        sim = SteppedSim(job.run_dir, job.manifest, forever=job.state.spec.forever,
                         content=content, span=job.span)  # fmt: skip
        if sim.log.repaired is not None:  # reopened after a crash: what the log cut, once
            job.warn(sim.log.repaired)
        sim.on_event = self._on_event
        sim.on_written = self._written
        job.live.events = sim.world.seq
        return sim

    def _on_event(self, event: ev.Event, late: float) -> None:
        # Not counted in `live.events` yet: the event is in the log's buffer until the step
        # ends (`_written`). A count ahead of the log would have the view promise events that
        # the activity and stats cannot read yet (the dashboard's charts got a 409).
        live = self.job.live
        if self.job.paced:
            live.lateness.append(late)
            if self.job.state.spec.target.kind != "none":
                if len(live.due) > DUE_KEPT:  # the target fell far behind: stop timing it
                    live.due.clear()
                live.due[event.seq] = time.monotonic() - late

    def _written(self, seq: int) -> None:
        live = self.job.live
        live.events = max(live.events, seq)

    def release(self) -> None:
        """Close the simulation (holding the job's lock), its events counted; once the job has
        ended (or the server is closing), its Claude session and connection too."""
        job = self.job
        if self.sim is not None:
            job.state.events = job.live.events = max(job.live.events, self.sim.world.seq)
            self.sim.close()
            self.sim = None
        ending = job.state.status in FINAL or job.closing
        if self.llm is not None and ending:
            # A finished run waits for nothing; a stopped or failed one must not wait for a
            # call in flight (up to a read timeout).
            self.llm.close(wait=job.state.status == "completed")
            self.llm = None
        if ending:
            job.delivery.release(job.state)
