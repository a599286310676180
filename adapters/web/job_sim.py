"""A job's simulation (mixed into `Job`): opening it (with Claude content when the run's
scenario asks for it), counting what it writes (`Live`), and releasing it with what it holds."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from adapters.web.job_host import JobHost
from adapters.web.sim import SteppedSim
from adapters.web.store import FINAL
from engine import events as ev

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


class SimMixin(JobHost):
    """`Job` provides run_dir, manifest, state, ctx, span, live, llm, sim, paced, delivery,
    _closing and _warn."""

    def _open_sim(self) -> SteppedSim:
        content = None
        if self.manifest.scenario.content == "anthropic":
            from adapters.web.llm import open_for_run

            if self.llm is None:
                warnings = self.state.warnings  # the session's warnings, each once
                self.llm = open_for_run(self.manifest.scenario, self.ctx.llm_options, warnings)
            self.llm.start(self.run_dir)  # usage to the run's ledger; blueprints fetched ahead
            content = self.llm.source
        sim = SteppedSim(self.run_dir, self.manifest, forever=self.state.spec.forever,
                         content=content, span=self.span)  # fmt: skip
        if sim.log.repaired is not None:  # reopened after a crash: what the log cut, once
            self._warn(sim.log.repaired)
        sim.on_event = self._on_event
        sim.on_written = self._written
        self.live.events = sim.world.seq
        return sim

    def _on_event(self, event: ev.Event, late: float) -> None:
        # Not counted in `live.events` yet: the event is in the log's buffer until the step
        # ends (`_written`). A count ahead of the log would have the view promise events that
        # the activity and stats cannot read yet (the dashboard's charts got a 409).
        live = self.live
        if self.paced:
            live.lateness.append(late)
            if self.state.spec.target.kind != "none":
                if len(live.due) > DUE_KEPT:  # the target fell far behind: stop timing it
                    live.due.clear()
                live.due[event.seq] = time.monotonic() - late

    def _written(self, seq: int) -> None:
        self.live.events = max(self.live.events, seq)

    def _release_sim(self) -> None:
        if self.sim is not None:
            self.state.events = self.live.events = max(self.live.events, self.sim.world.seq)
            self.sim.close()
            self.sim = None
        if self.llm is not None and (self.state.status in FINAL or self._closing):
            # A finished run waits for nothing; a stopped or failed one must not wait for a
            # call in flight (up to a read timeout).
            self.llm.close(wait=self.state.status == "completed")
            self.llm = None
        if self.state.status in FINAL or self._closing:
            self.delivery.release(self.state)
