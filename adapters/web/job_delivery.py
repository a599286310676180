"""Where a job's events go: its connection to the target (and the in-process sandbox it may
start) and the replays that send the run's log there; the figures they add up to in the job's
state are `adapters.web.job_tally`'s.

A live job's replay follows the log as the scheduler writes it, woken by a `Wakeup` after each
write instead of polling, and times each event from its paced due time to the target having
applied it (`TimedTarget`); a backfill, or the drain of a live job, replays the log in one pass
from the target's checkpoint. A backfill's pass gives up on a target that stopped answering
(a `TargetSilence`, as ``busywork backfill``'s does); a live one waits outages out, as
``busywork live`` does. The `Job` decides when; this module does it.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.web.job_tally import ReplayTally
from adapters.web.store import JobState, ReplayCounters
from engine import events as ev

if TYPE_CHECKING:
    from adapters.asana.live_cli import OutageNote
    from adapters.asana.tokens import Tokens
    from adapters.web.job_sim import Live
    from adapters.web.spec import JobSpec
    from adapters.web.targets import Connection
    from engine.replay_outcomes import TargetSilence
    from engine.scenario import Scenario

FOLLOW_SAFETY_SECONDS = 5.0  # a live replay re-reads its log this often even if never poked


class JobDelivery:
    """One job's target side. The job calls `record` and `release` holding its lock."""

    def __init__(
        self, run_dir: Path, live: Live, stop: Wakeup, base: ReplayCounters | None
    ) -> None:
        self.run_dir = run_dir
        self.live = live
        self.stop = stop
        self.connection: Connection | None = None
        self.sandbox = None
        self.sandbox_tokens: Tokens | None = None
        self.replayer = None  # the replay running now, if any
        self._connecting = None  # the client of a connect under way (closed by `abort`)
        self._aborted = False  # `abort` was called since the connect began
        self.tally = ReplayTally(base)
        self._outage: OutageNote | None = None  # on the connection's calls (continuous jobs)

    def connect(
        self,
        scenario: Scenario,
        spec: JobSpec,
        tokens_file: Path | None,
        token_urls: tuple[str, ...] = (),
        backoff=None,
    ) -> bool:
        """Connect to the target once (starting the sandbox first if the job replays into one).
        True when that sandbox replaces one that an earlier replay of this run filled (a server
        restart ended it): the replay starts again from the first event, and so do the figures.
        """
        from adapters.web.targets import connect_target, sandbox_folders
        from engine.backfill import shift_to_today

        shift = 0
        if spec.mode == "backfill":
            shift = shift_to_today(scenario, datetime.now(UTC).date())
        restarted = False
        if self.sandbox is None and spec.target.kind == "sandbox":
            from adapters.web.targets import start_sandbox

            restarted = self.tally.base != ReplayCounters() or bool(sandbox_folders(self.run_dir))
            self.sandbox, self.sandbox_tokens = start_sandbox(scenario, spec.target.plan or "paid")
            self.tally.start_over()
        if self.connection is None:
            from adapters.asana.live_cli import OutageNote

            self._aborted = False
            patient = spec.mode == "continuous"  # waits out an outage, as busywork live does
            try:
                self.connection = connect_target(
                    self.run_dir, scenario, spec.target, tokens_file, token_urls=token_urls,
                    date_shift_days=shift, sandbox=self.sandbox,
                    sandbox_tokens=self.sandbox_tokens, patient=patient, backoff=backoff,
                    on_client=self._connecting_with,
                )  # fmt: skip
            finally:
                self._connecting = None
            self.tally.connected(self.connection.journal)
            counters = self.connection.target.client.counters
            self._outage = OutageNote(counters) if patient else None
        return restarted

    def _connecting_with(self, client) -> None:
        self._connecting = client
        # The job stopped or paused before the client was made (even before the connect began,
        # which clears `_aborted`; not its `stop`, set until the next pass): end the connect now.
        if self._aborted or self.stop.halted.is_set():
            client.close()

    def abort(self) -> None:
        """End what goes on at the target (the job stops): a connect under way, which to a
        silent target would go on for minutes, and the replay's calls. Their waits and calls in
        flight end at once (a target that took a request and never answers would otherwise hold
        the replay's thread, and the job, until the read timeout); a write whose answer was cut
        is in doubt, and the next replay looks for it before sending it again."""
        self._aborted = True
        connection = self.connection
        for client in (self._connecting, connection and connection.target.client):
            if client is not None:
                client.close()

    def outage(self) -> str:
        """``target unavailable: retrying`` while a patient replay waits out an outage, else ""."""
        note = self._outage if self.connection is not None else None
        return note() if note is not None else ""

    def replay(self, follow: bool, silence: TargetSilence | None = None):
        """Replay into the connected target (following the log, or in one pass); the summary.
        `silence` (a backfill's, never a live one's): when the replay gives up on a target that
        stopped answering, as ``busywork backfill`` does, rather than parking the rest of the
        log one event after another; its ``stopped`` then begins with
        `engine.replay_outcomes.TARGET_SILENT` and says how many events were not sent."""
        from adapters.asana.replay_job import run_replay
        from engine.replay import ReplayOptions

        conn = self.connection
        assert conn is not None  # connected first (`connect`)
        workers = 2 if follow else 8  # a live job trickles; a backfill wants throughput
        if follow:
            return self._follow(conn, workers)
        return run_replay(
            self.run_dir, conn.target, conn.journal, speed=None, follow=False,
            stop=self.stop, on_start=self._started,
            options=ReplayOptions(workers_per_lane=workers, give_up_after=silence),
        )  # fmt: skip

    def _follow(self, conn, workers: int):
        """Replay the log as the scheduler writes it. The follower sleeps until the job pokes
        `stop` after writing (a timer only as a safety net), so idle jobs cost nothing."""
        from engine.log import FileLog
        from engine.replay import Replayer, ReplayOptions

        options = ReplayOptions(speed=None, workers_per_lane=workers)
        # Backoff waits end when the job stops (a patient call may otherwise wait for an hour);
        # not when it is poked, which would retry at the pace of the simulation.
        conn.target.client.stop = self.stop.halted
        replayer = Replayer(TimedTarget(conn.target, self.live), conn.journal, options,
                            self.stop)  # fmt: skip
        self._started(replayer)
        events = FileLog.open_readonly(self.run_dir).follow(
            1, stop=self.stop, poll_interval=FOLLOW_SAFETY_SECONDS
        )
        return replayer.run(events)

    def _started(self, replayer) -> None:
        self.replayer = replayer

    def ended(self, state: JobState, summary) -> None:
        """A replay ended: fold its `summary` into the state."""
        self.replayer = None
        self.tally.pass_ended(summary)
        self.record(state, summary)

    def record(self, state: JobState, summary=None) -> None:
        """Fold the replay's figures into the state: totals from before this connection, plus
        finished replays (`summary`) and the one running now."""
        conn = self.connection
        if conn is None:
            return
        browse_url = self.sandbox.root_url + "/" if self.sandbox is not None else ""
        self.tally.fold(state, conn, self.replayer, self.live.events, browse_url, summary)

    def release(self, state: JobState) -> None:
        """Close the connection, its figures kept in the state (the base of the next one)."""
        if self.connection is None:
            return
        self.record(state)
        self.connection.close()
        self.connection = None
        self.tally.rebase(state.replay)

    def drop_if_cut(self, state: JobState) -> None:
        """Before a replay (the job's lock held): release the connection if `abort` cut it (a
        pause), so the replay connects again instead of using a client that makes none."""
        if self._aborted and self.connection is not None:
            self.release(state)

    def close_sandbox(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None


class Wakeup(threading.Event):
    """A stop event whose `wait` also returns (False) when poked: a live replay's log follower
    waits on it, and the job pokes it after writing events, instead of the follower polling."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()
        self._news = False
        self.halted = threading.Event()  # set and cleared with this one, never poked

    def set(self, halt: bool = True) -> None:
        """Stop; `halt=False` (a live job's simulation ended) only ends the log's follower: its
        calls under way still wait out an outage, as ``busywork live``'s do."""
        super().set()
        if halt:
            self.halted.set()
        with self._changed:
            self._changed.notify_all()

    def clear(self) -> None:
        super().clear()
        self.halted.clear()

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
