"""A job's replay figures: how the counts of its successive replays, and of the connections
they ran on, add up to the `ReplayCounters` in its state.

Events settled for good (applied, failed, skipped) are summed over the replays; parked and
deferred ones are sent again by the next replay, so the job's figures for them are the latest
replay's. What a connection's replays settled is kept apart from the figures from before it
(`base`, which after a ``kill -9`` the checkpoint may know more of than the saved state).
`adapters.web.job_delivery` owns the connection and tells the tally what happened on it.
"""

from __future__ import annotations

import re

import msgspec

from adapters.web.store import JobState, ReplayCounters

# Outcomes for good (each event once, whichever replay settled it): summed over the replays.
SETTLED = ("applied", "failed", "skipped")
SEEN = ("requests", "retries", "rate_limited")
# One replay's counts. Parked and deferred events are sent again by the next replay, so the
# job's figures for them are the latest replay's, never sums.
PASS = ("already_done", "applied", "failed", "skipped", "parked", "deferred")
_ERROR_SEQ = re.compile(r"seq (\d+)\b")


class ReplayTally:
    """One job's replay figures. Its `JobDelivery` calls it holding the job's lock."""

    def __init__(self, base: ReplayCounters | None) -> None:
        self.base = base or ReplayCounters()  # the figures from before this connection
        self._settled = dict.fromkeys(SETTLED, 0)  # finished replays on this connection
        self._last_pass: dict[str, int] | None = None  # the latest finished replay's counts
        self._last_errors: list[str] = []
        self._first_problem = ""

    def start_over(self) -> None:
        """A new sandbox is empty: the old one's figures would be counted twice."""
        self.base = ReplayCounters()
        self._settled = dict.fromkeys(SETTLED, 0)
        self._last_pass, self._last_errors, self._first_problem = None, [], ""

    def connected(self, journal) -> None:
        """A connection was made: `base` holds at least what its checkpoint holds."""
        self.base = _with_checkpoint(self.base, journal)

    def pass_ended(self, summary) -> None:
        """A replay ended: its counts are the latest (its settled ones are added by `fold`)."""
        self._last_pass = {k: getattr(summary, k) for k in PASS}
        self._last_errors = list(summary.errors)

    def rebase(self, replay: ReplayCounters | None) -> None:
        """The connection was closed: its figures, kept in the state, are the next one's base."""
        self.base = replay or ReplayCounters()
        self._settled = dict.fromkeys(SETTLED, 0)
        self._last_pass, self._last_errors = None, []

    def fold(self, state: JobState, conn, replayer, live_events: int, browse_url: str,
             summary=None) -> None:  # fmt: skip
        """Fold the figures into the state: totals from before the connection `conn`, plus
        finished replays (`summary`) and the one running now (`replayer`, if any)."""
        if summary is not None:
            for key in SETTLED:
                self._settled[key] += getattr(summary, key)
        base = self.base
        live = dict(self._settled)
        latest = self._last_pass
        errors = self._last_errors
        if replayer is not None:
            counts = replayer.counts
            for key in SETTLED:
                live[key] += counts.get(key, 0)
            latest = {k: counts.get(k, 0) for k in PASS}
            errors = replayer.errors
        totals = {k: getattr(base, k) + live[k] for k in SETTLED}
        # This connection's sums, or (after a kill -9 left the saved figures behind) what the
        # latest replay found in the checkpoint plus what it settled since.
        settled = sum(totals.values())
        if latest is not None:
            settled = max(settled, latest["already_done"] + sum(latest[k] for k in SETTLED))
        parked = latest["parked"] if latest is not None else base.parked
        deferred = latest["deferred"] if latest is not None else base.deferred
        # The rest of the log: not read by the latest replay (yet), so not sent yet.
        events = max(state.events, live_events)
        not_read = max(0, events - sum(totals.values()) - parked - deferred)
        seen = conn.target.counters()
        state.replay = ReplayCounters(
            target=conn.target.name,
            **totals,
            parked=parked,
            **{k: getattr(base, k) + int(seen.get(k, 0)) for k in SEEN},
            invalid_tokens=sorted(set(base.invalid_tokens) | set(seen.get("invalid_tokens", ()))),
            notes=list(dict.fromkeys([*base.notes, *seen.get("notes", ())])),
            browse_url=browse_url,
            deferred=deferred,
            not_read=not_read,
            settled=max(settled, base.settled),
            first_problem=base.first_problem
            or self._problem({**totals, "parked": parked}, errors, conn.journal),
        )

    def _problem(self, totals: dict[str, int], errors: list[str], journal) -> str:
        """The first reason an event was skipped, failed or parked on this connection: the
        replay's first error (failed, parked) or the checkpoint's first deliberate skip."""
        if self._first_problem or not any(totals[k] for k in ("failed", "skipped", "parked")):
            return self._first_problem
        found: list[tuple[int, str]] = []
        if errors:
            first = errors[0]
            match = _ERROR_SEQ.match(first)
            found.append((int(match.group(1)) if match else 0, first))
        if totals["skipped"]:
            final = dict(journal.final)  # a copy: workers may be adding to it
            skips = [r for r in final.values() if r.k == "S" and not r.cause]
            if skips:
                first_skip = min(skips, key=lambda r: r.seq)
                found.append((first_skip.seq, f"seq {first_skip.seq}: {first_skip.why}"))
        if found:
            self._first_problem = min(found)[1][:500]
        return self._first_problem


def _with_checkpoint(base: ReplayCounters, journal) -> ReplayCounters:
    """`base` with at least what the checkpoint `journal` holds as applied, failed and skipped:
    the saved figures date from the job's last change of status, so after a ``kill -9`` the
    events settled since are known only to the checkpoint (a resumed replay counts them as
    already done, not applied)."""
    kinds = [record.k for record in list(journal.final.values())]
    held = {"applied": len(journal.applied), "failed": kinds.count("F"),
            "skipped": len(kinds) - kinds.count("F")}  # fmt: skip
    return msgspec.structs.replace(base, **{k: max(getattr(base, k), n) for k, n in held.items()})
