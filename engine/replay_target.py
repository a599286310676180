"""What a replay target is: the `Target` protocol, and the outcomes it raises for an event it
does not apply (`engine.replay` decides when each event goes; a target decides how)."""

from __future__ import annotations

from typing import Protocol

from engine import events as ev
from engine.errors import BusyworkError
from engine.replay_ids import IdMap


class Skip(BusyworkError):
    """The target will not apply this event, on purpose (e.g. its person has no token).
    ``retry_later``: not recorded, so a later run tries again (e.g. a token was revoked)."""

    def __init__(self, message: str, *, retry_later: bool = False):
        super().__init__(message)
        self.retry_later = retry_later


class Rejected(BusyworkError):
    """The target refused the event (e.g. HTTP 400); retrying would not help."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class Parked(BusyworkError):
    """The target could not apply the event for now (outages, timeouts); the next run retries."""


class ReplayAborted(BusyworkError):
    """Too many events failed: something is wrong with the target or the credentials."""


class Target(Protocol):
    name: str

    def observe(self, event: ev.Event) -> None:
        """Every event in log order, before dispatch, including ones applied earlier."""

    def lane(self, event: ev.Event) -> str:
        """The queue the event waits in (events of one lane share one rate limit)."""
        ...

    def apply(self, event: ev.Event, ids: IdMap, *, uncertain: bool) -> dict[str, str]:
        """Apply the event; return the ids it created. ``uncertain``: an earlier attempt may
        have created the object already; look for it before creating it again."""
        ...

    def counters(self) -> dict[str, float]:
        """At least requests, retries and rate_limited so far; plus invalid_tokens and notes
        (lists: notes say, once each, what the target lacks, e.g. a feature of its plan), and
        answered: the requests it answered (an error that says it cannot now, such as a 5xx,
        aside). A replay that parks events while that stands still may give up (see
        `engine.replay_outcomes.TargetSilence`); a target without it counts as silent then."""
        ...
