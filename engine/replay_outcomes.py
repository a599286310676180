"""What became of the events a replay handled, and when it stops early.

Each outcome is counted in the replay's `ReplayTally`. Dependents of a failure count as failed:
when more than ``max_failure_ratio`` of the events fail (or of the events sent: the target's own
answers), the replay stops (something is wrong with the target or the credentials), and
`stop_reason` words why with the final counts. A parked event (the target did not answer for
now) and what waits for it count neither way: the next run sends them, and a brief outage must
not end a replay, least of all a ``live --forever``. A target that stopped answering stops a
replay given a `TargetSilence` (a finite one: it would park the rest of the log one event after
another), and the stop is set so that every wait for the target ends at once; so does one whose
tries keep failing with no answer (`SilenceWatch`: a hung target parks an event only after
minutes). A bug in the target stops it too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from engine import events as ev
from engine.replay_report import FailureRatio, ReplayTally, exceeded

TARGET_SILENT = "the target stopped answering"  # how `stop_reason` begins after a TargetSilence
SILENCE_LOOK_SECONDS = 1.0  # how often a replay given a TargetSilence looks at its target


@dataclass(frozen=True)
class TargetSilence:
    """When a replay gives up on its target: once `parked` events in a row (at least) were
    parked over `seconds` (at least) while it answered no request (its ``answered`` counter,
    see `Target.counters`, stood still). A brief outage parks a few events and goes on."""

    seconds: float = 60.0
    parked: int = 3


class SilenceWatch:
    """A target's silence judged from its counters, between parks: a target that accepts
    connections and never answers parks an event only once each call's retries and its waits
    for writes in doubt are over (minutes each), so a replay (or a clean) that watches its
    failed tries sees the silence in about `silence.seconds` instead. Silent: `silence.parked`
    tries (at least) failed over `silence.seconds` (at least), counted from the first failure
    after the last answer, with no request answered since (an idle spell is no silence)."""

    def __init__(self, silence: TargetSilence) -> None:
        self.silence = silence
        self._answered = -1
        self._failed_then = 0  # failed tries counted when the target last answered
        self._first_failure: float | None = None  # monotonic, since the last answer

    def observe(self, answered: int, failed_tries: int, now: float) -> str:
        """ "" while the target is not silent; else how its silence looks (for a stop reason).
        `answered`: requests it answered so far; `failed_tries`: tries that failed so far."""
        if answered != self._answered:
            self._answered, self._failed_then, self._first_failure = answered, failed_tries, None
            return ""
        failed = failed_tries - self._failed_then
        if failed <= 0:
            return ""
        if self._first_failure is None:
            self._first_failure = now
        silent_for = now - self._first_failure
        if failed >= self.silence.parked and silent_for >= self.silence.seconds:
            return (f"{failed:,} tries failed over {silent_for:.0f} s with no request answered "
                    "(the target is down, or takes connections and does not answer)")  # fmt: skip
        return ""


def watch_silence(
    silence: TargetSilence,
    counts: Callable[[], tuple[int, int]],
    on_silent: Callable[[str], None],
    halted: Callable[[], bool],
) -> threading.Event:
    """A thread that looks at `counts()` (the target's answered requests and failed tries so
    far) every SILENCE_LOOK_SECONDS until `halted()`, and tells `on_silent` how the silence
    looks once the target is silent (`SilenceWatch`). Set the event returned to end it sooner."""
    done = threading.Event()
    watch = SilenceWatch(silence)

    def look() -> None:
        while not done.wait(SILENCE_LOOK_SECONDS) and not halted():
            answered, failed_tries = counts()
            if silent := watch.observe(answered, failed_tries, time.monotonic()):
                on_silent(silent)
                return

    threading.Thread(target=look, name="target-silence", daemon=True).start()
    return done


class Outcomes:
    """The counts (`counts`, `errors`) and why the replay stops early (`aborted`, "" while it
    goes on). Updated by the workers under the replay's `lock`."""

    def __init__(
        self,
        lock: threading.Lock,
        stop: threading.Event,
        max_failure_ratio: float,
        min_events_for_ratio: int,
        silence: TargetSilence | None = None,
    ) -> None:
        self._lock = lock
        self._stop = stop
        self._silence = silence
        # The target's answered requests when it last parked an event (-1: none parked yet),
        # since when that count stood still (monotonic), the events parked meanwhile, the last.
        self._answered, self._silent_since, self._parked_in_silence = -1, 0.0, 0
        self._silent = ""  # what the target's silence was like, once it stopped the replay
        self._max_failure_ratio = max_failure_ratio
        self._min_events_for_ratio = min_events_for_ratio
        self.tally = ReplayTally()
        self.counts, self.errors = self.tally.counts, self.tally.errors  # the same objects
        self.ratio = FailureRatio(max_failure_ratio, min_events_for_ratio)
        self.aborted = ""
        self.crash: BaseException | None = None  # a bug in the target, raised by the replay
        self.left_by_stop = False  # an event was left unsent (deferred) once stop was set
        self.retrying: set[int] = set()  # failed or not sent for a failure earlier, sent again
        self._too_many = ""  # "sent" or "all" once too many events failed (see stop_reason)

    def settled(self, *keys: str, failed: bool | None) -> None:
        """Count the outcome (`keys`: the counters it adds to) and stop the replay when too many
        events failed. `failed`: None when it counts neither way (skipped on purpose, left for
        the next run, parked)."""
        with self._lock:
            for key in keys:
                self.counts[key] += 1
            if "deferred" in keys and self._stop.is_set():
                self.left_by_stop = True
            if self.ratio.settled(failed) and not self.aborted:
                self._abort_for_failures("all")

    def retried(self, seq: int) -> tuple[str, ...]:
        """The counter a retried event adds to once the target was asked to apply it (not when
        a failure it depends on, or the target itself, kept it from being sent)."""
        return ("retried",) if seq in self.retrying else ()

    def parked(self, event: ev.Event, exc: BaseException, answered: int, *keys: str) -> None:
        """The target parked the event itself; `answered`: the requests it has answered so far
        (stopping the replay when that stood still too long, given a `TargetSilence`)."""
        with self._lock:
            self.tally.failed(event, exc, "parked")
            now = time.monotonic()
            if answered != self._answered:  # it answered since the last park: not silent
                self._answered, self._silent_since, self._parked_in_silence = answered, now, 0
            self._parked_in_silence += 1
            quiet, silent_for = self._silence, now - self._silent_since
            if (quiet is not None and not self.aborted
                    and self._parked_in_silence >= quiet.parked
                    and silent_for >= quiet.seconds):  # fmt: skip
                self._silent = (
                    f"{self._parked_in_silence:,} events in a row were parked over "
                    f"{silent_for:.0f} s with no request answered (the last: {exc})"
                )
                self.aborted = TARGET_SILENT  # worded with the final counts: stop_reason
                self._stop.set()  # waits for the target (backoff, landings) end now
        self.settled(*keys, failed=None)

    def watching(
        self, counters: Callable[[], dict], halted: Callable[[], bool]
    ) -> threading.Event | None:
        """Given a `TargetSilence`, `watch_silence` on the target's `counters()` until
        `halted()`: a silent target stops the replay. Set the event returned to end it sooner."""
        if self._silence is None:
            return None

        def counts() -> tuple[int, int]:
            c = counters()
            return int(c.get("answered", 0)), int(c.get("retries", 0))

        return watch_silence(self._silence, counts, self._silenced, halted)

    def _silenced(self, how: str) -> None:
        with self._lock:
            if self.aborted:
                return
            self._silent = how
            self.aborted = TARGET_SILENT  # worded with the final counts: stop_reason
            self._stop.set()  # waits for the target (backoff, landings) end now

    def failed(self, event: ev.Event, exc: BaseException, *keys: str) -> None:
        """The target rejected the event itself."""
        with self._lock:
            self.tally.failed(event, exc, "failed")
        self.settled(*keys, failed=True)
        with self._lock:
            # The target's own answers, wherever they are in the log: a run of refusals stops
            # the replay even while an event ahead of them is slow.
            bad = self.counts["failed"]
            done = self.counts["applied"] + bad
            limit, least = self._max_failure_ratio, self._min_events_for_ratio
            if exceeded(bad, done, limit, least) and not self.aborted:
                self._abort_for_failures("sent")

    def crashed(self, seq: int, exc: BaseException) -> None:
        """A bug: stop, and keep the first one for the replay to raise."""
        with self._lock:
            if self.crash is None:
                self.crash = exc
            self.aborted = f"internal error at seq {seq}: {type(exc).__name__}"

    def _abort_for_failures(self, which: str) -> None:
        """Stop: more than the allowed share of the events failed (holding the lock)."""
        self._too_many = which
        self.aborted = "too many failures"  # worded with the final counts: stop_reason

    def stop_reason(self, not_sent: int = 0) -> str:
        """Why the replay stopped early ("" when it did not stop on its own); `not_sent`: the
        events it leaves for the next run (said after a `TargetSilence`)."""
        if self.aborted == TARGET_SILENT:
            return f"{TARGET_SILENT}: {self._silent}; {not_sent:,} events were not sent"
        if not self._too_many:
            return self.aborted
        if self._too_many == "sent":
            bad = self.counts["failed"]
            done, what = self.counts["applied"] + bad, "of the events sent failed"
        else:
            bad, done = self.ratio.bad, self.ratio.counted
            what = "of the events failed or depend on one that failed"
        first = f"; first error: {self.errors[0]}" if self.errors else ""
        return f"more than {self._max_failure_ratio:.0%} {what} ({bad:,} of {done:,}){first}"
