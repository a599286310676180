"""The simulated time a job's run covers, and how a continuous job's run is planned.

A continuous job starts now, as ``busywork live`` does, and with its code
(`engine.live_plan.prepare_live`): the scenario's first day becomes today in its time zone, nobody
acts before now (a quiet window in ``live.json``) and its days run from now. It is planned when
it first starts, not when it is created: a job created pending starts when it is started. Other
jobs cover the scenario's days from its start date.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import msgspec

from engine.calendar import end_of
from engine.content.templates import TemplateSource
from engine.run import Manifest, write_manifest


@dataclass(frozen=True)
class Span:
    """Simulated seconds since the scenario's origin: the run covers `start` to `end` (inf:
    forever); nobody acts in the `quiet` windows (before a continuous job's start)."""

    start: float
    end: float
    quiet: tuple[tuple[float, float], ...] = ()

    def progress(self, sim_seconds: float) -> float:
        """Share of the span simulated by `sim_seconds` (0 for a span without end)."""
        if math.isinf(self.end) or self.end <= self.start:
            return 0.0
        return min(1.0, max(0.0, (sim_seconds - self.start) / (self.end - self.start)))


def run_span(run_dir: Path, manifest: Manifest, *, forever: bool) -> Span:
    """The span of the run in `run_dir`: a planned continuous one's from its ``live.json``."""
    from engine.live import live_horizon, load_state

    live = load_state(Path(run_dir))  # errors name the file
    if live is None:
        return Span(0.0, math.inf if forever else end_of(manifest.scenario))
    quiet = tuple((a, b) for a, b in live.quiet)
    start = next((b for a, b in quiet if a == 0.0), 0.0)  # the quiet window up to its start
    # N days from the plan's moment end past the scenario's last day; a run for ever on the
    # last day it can simulate, as busywork live
    return Span(start, live_horizon(manifest.scenario, live), quiet)


def plan_continuous(run_dir: Path, manifest: Manifest, *, speed: float, forever: bool) -> Manifest:
    """Plan the run of a continuous job that has not started yet to start now; the manifest
    with the planned scenario (its start and days), everything else kept. Planned once: a run
    that has its ``live.json`` is returned as it is."""
    from engine.live import LIVE
    from engine.live_plan import prepare_live

    run_dir = Path(run_dir)
    if (run_dir / LIVE).exists():
        return manifest
    days = None if forever else manifest.scenario.days
    # prepare_live creates a new run: it plans one in a folder of the same name (the manifest's
    # run_id), whose live.json and scenario then go to the job's run. Its content source only
    # names the content in that folder's manifest, which is dropped.
    with tempfile.TemporaryDirectory(prefix=".plan-", dir=run_dir.parent) as tmp:
        planned_dir = Path(tmp) / run_dir.name
        planned, _state, _note = prepare_live(planned_dir, manifest.scenario, TemplateSource(),
                                              days=days, forever=forever, speed=speed)  # fmt: skip
        replanned = msgspec.structs.replace(manifest, scenario=planned.scenario)
        write_manifest(run_dir, replanned)
        os.replace(planned_dir / LIVE, run_dir / LIVE)  # last: its presence means "planned"
    return replanned
