"""One job at run time: its state, its simulation and (with a target) its replay.

How a job runs depends on its pacing:

- paced (a speed): the simulation is stepped by the shared `Scheduler` (no thread of its own);
  a continuous job with a target also has a replay thread following the log;
- flat out ("max": dry runs, backfills): a worker thread simulates in chunks, then a backfill
  replays the finished run into its target.

Pausing a paced job cancels its schedule and remembers where the simulated clock stood;
resuming re-anchors the clock there (paused time is not simulated). Every change of status
is saved to ``job.json``; a restarted server resumes running jobs from their logs (the
simulation re-checks the log) and checkpoints (the replay journal).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import msgspec

from adapters.web import store
from adapters.web.scheduler import Scheduler
from adapters.web.sim import SteppedSim
from adapters.web.spec import parse_speed
from adapters.web.store import FINAL, JobState, ReplayCounters
from engine import events as ev
from engine.errors import BusyworkError
from engine.run import read_manifest

CHUNK_SECONDS = 6 * 3600.0  # simulated time per step of a flat-out job
LATENESS_KEPT = 20_000
DUE_KEPT = 100_000
FOLLOW_SAFETY_SECONDS = 5.0  # a live replay re-reads its log this often even if never poked
SETTLED = ("applied", "failed", "skipped", "parked")
SEEN = ("requests", "retries", "rate_limited")


@dataclass
class JobContext:
    scheduler: Scheduler
    tokens_file: Path | None
    opener: object  # concurrent.futures.Executor for (re)opening simulations
    llm_options: object | None = None  # adapters.anthropic.session.LlmOptions


@dataclass
class Live:
    """Counters the scheduler thread updates per event; read without locks by the web layer."""

    events: int = 0
    day: date = field(default_factory=lambda: datetime.now(UTC).date())
    today: int = 0
    lateness: deque = field(default_factory=lambda: deque(maxlen=LATENESS_KEPT))
    # Seconds from an event's paced due time to its target having applied it (with a target).
    delivery: deque = field(default_factory=lambda: deque(maxlen=LATENESS_KEPT))
    # seq -> monotonic due time of events written but not yet applied at the target.
    due: dict = field(default_factory=dict)


class Job:
    def __init__(self, run_dir: Path, state: JobState, ctx: JobContext, llm=None) -> None:
        self.run_dir = run_dir
        self.state = state
        self.ctx = ctx
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.speed = parse_speed(state.spec.speed)
        self.manifest = read_manifest(run_dir)
        self.live = Live(events=state.events)
        self.sim: SteppedSim | None = None
        self.llm = llm  # an LlmSession while a Claude-written simulation runs
        self.running_since: float | None = None
        self.worker: threading.Thread | None = None
        self.replay_thread: threading.Thread | None = None
        self.replay_stop = Wakeup()
        self.replayer = None
        self.connection = None
        self.sandbox = None
        self.sandbox_tokens = None
        self.replay_base = state.replay or ReplayCounters()
        self._settled = dict.fromkeys(SETTLED, 0)
        self._closing = False  # the server is shutting down: leave the status as it is

    @property
    def id(self) -> str:
        return self.state.id

    @property
    def paced(self) -> bool:
        return self.speed is not None

    # -- transitions (called by the runner) ----------------------------------------------------

    def start(self) -> None:
        with self.lock:
            if self.state.status not in ("pending", "running", "paused"):
                return
            self._set_status("running")
            if self.state.started_at is None:
                self.state.started_at = _now()
            self.running_since = time.monotonic()
            self._save()
        if self.paced:
            self.ctx.opener.submit(self._open_paced)
        else:
            self.worker = threading.Thread(target=self._flat_out, name=f"job-{self.id[:20]}",
                                           daemon=True)  # fmt: skip
            self.worker.start()

    def pause(self) -> None:
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
            if not self.paced:
                self.replay_stop.set()  # a backfill's replay resumes from its checkpoint

    def resume(self) -> None:
        with self.lock:
            if self.state.status != "paused":
                return
            self._set_status("running")
            self.running_since = time.monotonic()
            self._save()
            self.changed.notify_all()
            if self.paced and self.sim is not None:
                self.sim.pace(self.speed, self.state.sim_seconds)
                self.ctx.scheduler.schedule(self.id, self._step, self.sim.due_wall())
            elif self.paced:
                self.ctx.opener.submit(self._open_paced)

    def stop(self, *, final: str = "stopped", error: str = "") -> None:
        """End the job for good (or, with ``final=""``, just release it: server shutdown)."""
        self.ctx.scheduler.cancel(self.id)
        with self.lock:
            if final:
                if self.state.status in FINAL and not error:
                    return
                if self.sim is not None and self.paced and self.state.status == "running":
                    self.state.sim_seconds = self.sim.unpace()
                self._bank_uptime()
                self._set_status(final)
                self.state.error = error or self.state.error
                self.state.ended_at = _now()
            else:
                self._closing = True
                if self.sim is not None and self.paced and self.state.status == "running":
                    self.state.sim_seconds = self.sim.unpace()
                    self._bank_uptime()
            self.changed.notify_all()
        self.replay_stop.set()
        for thread in (self.worker, self.replay_thread):
            if thread is not None and thread is not threading.current_thread():
                thread.join()
        with self.lock:
            self._release_sim()
            self._record_replay()
            self._save()

    def close_sandbox(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None

    # -- paced jobs ----------------------------------------------------------------------------

    def _open_paced(self) -> None:
        try:
            with self.lock:
                if self.state.status != "running" or self._closing:
                    return
                if self.sim is None:
                    self.sim = self._open_sim()
                self.sim.pace(self.speed, self.state.sim_seconds)
                self.ctx.scheduler.schedule(self.id, self._step, self.sim.due_wall())
                wants_replay = self.state.spec.target.kind != "none"
            if wants_replay and self.replay_thread is None:
                self.replay_thread = threading.Thread(
                    target=self._replay, args=(True,), name=f"replay-{self.id[:20]}", daemon=True
                )
                self.replay_thread.start()
        except BaseException as exc:
            self.fail(exc)

    def _step(self) -> float:
        sim = self.sim
        if sim is None:
            return math.inf
        written = sim.world.seq
        sim.advance_paced()
        if sim.world.seq != written and self.replay_thread is not None:
            self.replay_stop.poke()  # the follower reads the new lines now
        if not sim.done:
            return sim.due_wall()
        threading.Thread(target=self._finish_paced, name=f"finish-{self.id[:20]}",
                         daemon=True).start()  # fmt: skip
        return math.inf

    def _finish_paced(self) -> None:
        try:
            with self.lock:
                if self.sim is None or self.state.status != "running":
                    return
                self.sim.finish()
                self.state.sim_seconds = self.sim.now
            if self.replay_thread is not None:  # drain: replay what is left, then stop
                self.replay_stop.set()
                self.replay_thread.join()
                self.replay_stop.clear()
                self._replay(False)
            self.stop(final="completed")
        except BaseException as exc:
            self.fail(exc)

    # -- flat-out jobs -------------------------------------------------------------------------

    def _flat_out(self) -> None:
        try:
            if self.manifest.status != "complete":
                sim = self._open_sim()
                with self.lock:
                    self.sim = sim
                clock = sim.now
                while not sim.done:
                    if not self._wait_while_paused():
                        return
                    clock = max(clock, sim.now) + CHUNK_SECONDS  # quiet spells move on too
                    sim.advance_to(clock)
                    self.state.sim_seconds = min(clock, sim.world.horizon)
                sim.finish()
                with self.lock:
                    self._release_sim()
            if self.state.spec.mode == "backfill":
                while True:
                    if not self._wait_while_paused():
                        return
                    self.replay_stop.clear()
                    summary = self._replay(False)
                    if summary is None or summary.stopped != "interrupted":
                        break
                    if self._closing:
                        return
            threading.Thread(target=self.stop, kwargs={"final": "completed"}, daemon=True).start()
        except BaseException as exc:
            self.fail(exc, join=False)

    def _wait_while_paused(self) -> bool:
        """False when the job was stopped (or the server is closing)."""
        with self.lock:
            while self.state.status == "paused" and not self._closing:
                self.changed.wait()
            return self.state.status == "running" and not self._closing

    # -- replay --------------------------------------------------------------------------------

    def _replay(self, follow: bool):
        from adapters.web.targets import connect_target
        from engine.backfill import shift_to_today
        from engine.replay import ReplayOptions

        spec = self.state.spec
        shift = 0
        if spec.mode == "backfill":
            shift = shift_to_today(self.manifest.scenario, datetime.now(UTC).date())
        if self.sandbox is None and spec.target.kind == "sandbox":
            from adapters.web.targets import start_sandbox

            self.sandbox, self.sandbox_tokens = start_sandbox(self.manifest.scenario)
        if self.connection is None:
            self.connection = connect_target(
                self.run_dir, self.manifest.scenario, spec.target, self.ctx.tokens_file,
                date_shift_days=shift, sandbox=self.sandbox, sandbox_tokens=self.sandbox_tokens,
            )  # fmt: skip
        from adapters.asana.replay_job import run_replay

        conn = self.connection
        workers = 2 if follow else 8  # a live job trickles; a backfill wants throughput
        try:
            if follow:
                summary = self._follow_replay(conn, workers)
            else:
                summary = run_replay(
                    self.run_dir, conn.target, conn.journal, speed=None, follow=False,
                    stop=self.replay_stop, on_start=self._replay_started,
                    options=ReplayOptions(workers_per_lane=workers),
                )  # fmt: skip
        except BaseException as exc:
            self.fail(exc, join=False)
            return None
        with self.lock:
            self.replayer = None
            self._record_replay(summary)
        if summary.stopped and summary.stopped != "interrupted":
            threading.Thread(target=self.fail, args=(BusyworkError(summary.stopped),),
                             daemon=True).start()  # fmt: skip
        return summary

    def _follow_replay(self, conn, workers: int):
        """Replay the log as the scheduler writes it. The follower sleeps until `_step` pokes
        `replay_stop` after writing (a timer only as a safety net), so idle jobs cost nothing."""
        from engine.log import FileLog
        from engine.replay import Replayer, ReplayOptions

        options = ReplayOptions(speed=None, workers_per_lane=workers)
        replayer = Replayer(TimedTarget(conn.target, self.live), conn.journal, options,
                            self.replay_stop)  # fmt: skip
        self._replay_started(replayer)
        events = FileLog.open_readonly(self.run_dir).follow(
            1, stop=self.replay_stop, poll_interval=FOLLOW_SAFETY_SECONDS
        )
        return replayer.run(events)

    def _replay_started(self, replayer) -> None:
        self.replayer = replayer

    def _record_replay(self, summary=None) -> None:
        """Fold the replay's figures into the state: totals from before this connection, plus
        finished replays (`summary`) and the one running now."""
        conn = self.connection
        if conn is None:
            return
        if summary is not None:
            for key in SETTLED:
                self._settled[key] += getattr(summary, key)
        base = self.replay_base
        live = dict(self._settled)
        replayer = self.replayer
        if replayer is not None:
            for key in SETTLED:
                live[key] += replayer.counts.get(key, 0)
        seen = conn.target.counters()
        self.state.replay = ReplayCounters(
            target=conn.target.name,
            **{k: getattr(base, k) + live[k] for k in SETTLED},
            **{k: getattr(base, k) + int(seen.get(k, 0)) for k in SEEN},
            invalid_tokens=sorted(set(base.invalid_tokens) | set(seen.get("invalid_tokens", ()))),
            browse_url=self.sandbox.root_url + "/" if self.sandbox is not None else "",
        )

    # -- shared --------------------------------------------------------------------------------

    def _open_sim(self) -> SteppedSim:
        content = None
        if self.manifest.scenario.content == "anthropic":
            from adapters.web.llm import budget_notice, open_for_run

            if self.llm is None:
                notice = budget_notice(self.state.warnings)
                self.llm = open_for_run(self.manifest.scenario, self.ctx.llm_options, notice)
            self.llm.start(self.run_dir)  # usage to the run's ledger; blueprints fetched ahead
            content = self.llm.source
        sim = SteppedSim(self.run_dir, self.manifest, forever=self.state.spec.forever,
                         content=content)  # fmt: skip
        sim.on_event = self._on_event
        self.live.events = sim.world.seq
        return sim

    def _on_event(self, event: ev.Event, late: float) -> None:
        live = self.live
        live.events = event.seq
        today = datetime.now(UTC).date()
        if today != live.day:
            live.day, live.today = today, 0
        live.today += 1
        if self.paced:
            live.lateness.append(late)
            if self.state.spec.target.kind != "none":
                if len(live.due) > DUE_KEPT:  # the target fell far behind: stop timing it
                    live.due.clear()
                live.due[event.seq] = time.monotonic() - late

    def fail(self, exc: BaseException, join: bool = True) -> None:
        message = str(exc) if isinstance(exc, BusyworkError) else f"internal error: {exc!r}"
        if join:
            self.stop(final="failed", error=message)
        else:
            threading.Thread(target=self.stop, kwargs={"final": "failed", "error": message},
                             daemon=True).start()  # fmt: skip

    def _release_sim(self) -> None:
        if self.sim is not None:
            self.state.events = self.live.events = max(self.live.events, self.sim.world.seq)
            self.sim.close()
            self.sim = None
        if self.llm is not None and (self.state.status in FINAL or self._closing):
            self.llm.close()
            self.llm = None
        if self.connection is not None and (self.state.status in FINAL or self._closing):
            self._record_replay()
            self.connection.close()
            self.connection = None
            self.replay_base = self.state.replay or ReplayCounters()
            self._settled = dict.fromkeys(SETTLED, 0)

    def _bank_uptime(self) -> None:
        if self.running_since is not None:
            self.state.uptime_seconds += time.monotonic() - self.running_since
            self.running_since = None

    def _set_status(self, status: str) -> None:
        self.state.status = status  # type: ignore[assignment]

    def _save(self) -> None:
        self.state.events = max(self.state.events, self.live.events)
        if self.run_dir.exists():
            store.save(self.run_dir, self.state)

    def uptime(self) -> float:
        extra = time.monotonic() - self.running_since if self.running_since is not None else 0.0
        return self.state.uptime_seconds + extra

    def snapshot(self) -> JobState:
        """A copy of the state with live figures folded in (for the web layer)."""
        with self.lock:
            state = msgspec.structs.replace(self.state)
            if self.connection is not None:
                self._record_replay()
                state.replay = self.state.replay
            sim = self.sim
            if sim is not None and self.paced and state.status == "running":
                state.sim_seconds = sim.position()
            elif sim is not None:
                state.sim_seconds = sim.now
        state.events = max(state.events, self.live.events)
        state.uptime_seconds = round(self.uptime(), 3)
        return state


class Wakeup(threading.Event):
    """A stop event whose `wait` also returns (False) when poked: a live replay's log follower
    waits on it, and the job pokes it after writing events, instead of the follower polling."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()
        self._news = False

    def set(self) -> None:
        super().set()
        with self._changed:
            self._changed.notify_all()

    def poke(self) -> None:
        with self._changed:
            self._news = True
            self._changed.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        with self._changed:
            if not self.is_set() and not self._news:
                self._changed.wait(timeout)
            self._news = False
        return self.is_set()


class TimedTarget:
    """The job's target, timing when each live event has been applied against its due time."""

    def __init__(self, target, live: Live) -> None:
        self._target = target
        self._live = live

    def __getattr__(self, name: str):
        return getattr(self._target, name)

    def apply(self, event: ev.Event, ids, *, uncertain: bool) -> dict[str, str]:
        created = self._target.apply(event, ids, uncertain=uncertain)
        due = self._live.due.pop(event.seq, None)
        if due is not None:
            self._live.delivery.append(max(0.0, time.monotonic() - due))
        return created


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
