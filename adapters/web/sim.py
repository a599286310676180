"""One job's simulation, advanced in steps: by the scheduler on a paced clock, or flat out.

A `SteppedSim` owns a `World` on a plain SimPy environment and the run's writable log. It is
opened (or reopened after a restart) by re-simulating deterministically up to the log's end,
checking every durable event byte for byte, exactly like ``engine.run.simulate_run`` resumes.
Time only moves when ``advance_to`` is called, so pausing costs nothing: nobody calls it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

from adapters.web.span import Span, run_span
from engine import events as ev
from engine import live
from engine.content import ContentSource
from engine.content.templates import TemplateSource
from engine.errors import BusyworkError
from engine.log import FileLog
from engine.organisation import Organisation
from engine.run import Manifest, write_manifest
from engine.scenario import resolve

# Called for every new event with its lateness in seconds (0 when unpaced).
OnEvent = Callable[[ev.Event, float], None]
# Called with the log's last seq once the new events are written out (readable by others).
OnWritten = Callable[[int], None]


class SteppedSim:
    def __init__(
        self,
        run_dir: Path,
        manifest: Manifest,
        *,
        forever: bool,
        content: ContentSource | None = None,
        span: Span | None = None,
    ) -> None:
        self.run_dir = Path(run_dir)
        self.manifest = manifest
        self.span = span or run_span(self.run_dir, manifest, forever=forever)  # what to simulate
        self.log = FileLog(self.run_dir)
        self.on_event: OnEvent | None = None  # the event is in the log's buffer only
        self.on_written: OnWritten | None = None
        # Wall time (monotonic) that the event being emitted was due at; None when unpaced.
        self._due_wall: float | None = None
        self._anchor: tuple[float, float] | None = None  # (wall, sim seconds), set by pace()
        self._speed = 1.0
        try:
            self._durable = self.log.last_seq
            self._existing = self.log.read_lines(1) if self._durable else iter(())
            # A planned continuous job ends past its scenario's last day, as busywork live.
            unbounded = forever or live.runs_past_last_day(live.load_state(self.run_dir))
            self.world = Organisation(resolve(manifest.scenario), content or TemplateSource(),
                                      self._sink, forever=unbounded,
                                      quiet=self.span.quiet)  # fmt: skip
            self.world.start()
            self._catch_up()
        except BaseException:
            self.log.close()
            raise

    # -- catching up with the log after a restart ----------------------------------------------

    def _catch_up(self) -> None:
        """Re-simulate until every durable event has been seen again (and checked)."""
        env = self.world.env
        while self.world.seq < self._durable:
            if env.peek() == math.inf:
                raise BusyworkError(
                    f"{self.run_dir}: cannot resume: the log holds {self._durable} events but "
                    f"the scenario makes only {self.world.seq}"
                )
            env.step()
            if env.peek() > env.now:  # the instant is over: its events can be merged
                self.world.flush()

    def _sink(self, event: ev.Event) -> None:
        if event.seq <= self._durable:
            if ev.encode(event) != next(self._existing, None):
                raise BusyworkError(
                    f"{self.run_dir}: cannot resume: event {event.seq} differs from the log "
                    "(the scenario, seed or busywork version changed since it was written)"
                )
            return
        self.log.append((event,))
        if self.on_event is not None:
            late = 0.0
            if self._anchor is not None:
                wall0, sim0 = self._anchor
                due = wall0 + (self.world.env.now - sim0) / self._speed
                late = max(0.0, time.monotonic() - due)
            self.on_event(event, late)

    # -- stepping ------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Simulated seconds since the scenario's origin."""
        return self.world.env.now

    @property
    def done(self) -> bool:
        return self.world.env.peek() >= self.span.end

    def pace(self, speed: float, sim_from: float | None = None) -> None:
        """Tie the simulated clock to the wall clock from now on: `sim_from` is now (never before
        the span's start: nobody acts before it)."""
        start = max(self.now, self.span.start, sim_from or 0.0)
        self._anchor, self._speed = (time.monotonic(), start), speed

    def unpace(self) -> float:
        """Stop the paced clock; returns where it stood (simulated seconds)."""
        position = self.position()
        self._anchor = None
        return position

    def position(self, wall: float | None = None) -> float:
        if self._anchor is None:
            return self.now
        wall0, sim0 = self._anchor
        return max(self.now, sim0 + ((wall or time.monotonic()) - wall0) * self._speed)

    def due_wall(self) -> float:
        """When (monotonic) the next SimPy event is due on the paced clock; inf when done."""
        nxt = self.world.env.peek()
        if nxt >= self.span.end or self._anchor is None:
            return math.inf
        wall0, sim0 = self._anchor
        return wall0 + (nxt - sim0) / self._speed

    def advance_to(self, sim_seconds: float) -> None:
        """Run every SimPy event before `sim_seconds`, then make the new lines visible."""
        env = self.world.env
        until = min(sim_seconds, self.span.end)
        # Step rather than env.run(until=...): run leaves its stop event in the queue, and
        # peek() would then report it as the next thing due.
        step, peek = env.step, env.peek
        while peek() < until:
            step()
        self.world.flush()
        self.log.flush()
        if self.on_written is not None:
            self.on_written(self.world.seq)

    def advance_paced(self) -> None:
        self.advance_to(self.position() + 1e-6)

    # -- ending --------------------------------------------------------------------------------

    def finish(self) -> None:
        """Mark the run complete in its manifest (all of its span was simulated)."""
        self.log.flush()
        m = self.manifest
        m.status, m.events = "complete", self.world.seq
        first = next(self.log.read(1), None) if self.world.seq else None
        m.first_at = first.at if first else None
        m.last_at = self.world.last_at
        write_manifest(self.run_dir, m)

    def close(self) -> None:
        self.log.close()
