"""Which existing object a create in doubt may adopt (for `AsanaTarget` and ``clean``).

A create whose outcome is unknown (a dropped connection or a timeout, or ``kill -9`` after its
intent was checkpointed) looks for its object before it is sent again. Asana gives personal
tokens no idempotency key (``external`` ids need OAuth) and busywork marks nothing it makes (it
must look like a team's own work), so the object is recognised by what Asana says of it: where
it is and its name (or text), when it was made (``created_at``) and by whom (``created_by``).
Same-named objects are common (a scenario replayed twice, names that repeat across seeds), so
a candidate is adopted only when

- no other event of this run owns it (the id map's ``taken``);
- it was made inside the create's `Window`: from an intent of the event (the time its
  checkpoint record holds) until one call of the client could no longer make it land
  (`call_span`), or, once this process has sent the create, since it began the event; both
  widened by `CLOCK_SKEW`;
- by a user this run acts as for the event, where Asana says who made it (tasks, comments,
  status updates, portfolios, out-of-office entries; projects and sections do not say).

The earliest of several is adopted. When none qualifies the object is made again: at worst a
duplicate, never another run's object. Intents of older checkpoints hold no time, so nothing a
dead replay of an older version made is adopted. Out-of-office entries hold no creation time in
Asana: the same person's entry for the same days made by the same user is adopted. Tags,
custom fields and teams are not adopted but shared on purpose (reused by name, never deleted
by ``clean``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from adapters.asana.client import AsanaClient
from engine.replay_journal import IdMap

# How far this machine's clock and Asana's may disagree (created_at is Asana's clock).
CLOCK_SKEW = timedelta(seconds=5)


def call_span(client: AsanaClient) -> timedelta:
    """How long after its intent a create can still take effect: a turn in the rate limit's
    window, every try with its timeouts and backoff, and a landing wait after each send in
    doubt and after the last. (Waits after a 429 are not counted: they could be unbounded.)"""
    b = client.backoff
    seconds = (client.limits.window + b.attempts * (sum(b.timeout) + b.cap)
               + (b.max_landings + 1) * b.landing)  # fmt: skip
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class Window:
    """When an event's object can have been made: in one of `spans` (start, end), one per
    intent, or from `since` on (when this process began the event; None: not counted)."""

    spans: tuple[tuple[datetime, datetime], ...]
    since: datetime | None = None

    @classmethod
    def of(cls, ids: IdMap, seq: int, span: timedelta, since: datetime | None) -> Window:
        """From each intent of `seq` until `span` after it, and from `since` on."""
        spans = tuple((at - CLOCK_SKEW, at + span + CLOCK_SKEW) for at in ids.intended(seq))
        return cls(spans, since)

    def before_sending(self) -> Window:
        """The window for a look before this process sent anything: a look-alike made since it
        began the event (within the clock skew) is another's, not its own."""
        return Window(self.spans)

    def holds(self, moment: datetime) -> bool:
        if self.since is not None and moment >= self.since - CLOCK_SKEW:
            return True
        return any(start <= moment <= end for start, end in self.spans)


def adoptable(
    items: Iterable[dict[str, Any]],
    same: Callable[[dict[str, Any]], bool],
    *,
    taken: Callable[[str], bool],
    window: Window | None,
    creators: frozenset[str] | None,
) -> str | None:
    """The gid of the earliest of `items` that is `same`, not `taken`, made by one of
    `creators` (None: Asana does not say who made this kind) inside `window` (None: Asana
    keeps no creation time for this kind; the first match then). None when none qualifies."""
    best: tuple[datetime, str] | None = None
    for item in items:
        gid = item["gid"]
        if not same(item) or taken(gid):
            continue
        if creators is not None and (item.get("created_by") or {}).get("gid") not in creators:
            continue
        if window is None:
            return gid
        made = _moment(item.get("created_at"))
        if made is not None and window.holds(made) and (best is None or made < best[0]):
            best = (made, gid)
    return None if best is None else best[1]


def _moment(value: object) -> datetime | None:
    """Asana's ``created_at`` (ISO 8601, UTC), or None when missing or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
