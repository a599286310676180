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
- it was not listed by the look before a send of the create (a `Look`): a create in doubt is
  sent again only after a look, and announced then with an intent of its own (the window of
  that send starts at the send, less the clock skew); what the look listed existed before the
  send, so it is not the send's, even when made within that skew of it;
- by a user this run acts as for the event, where Asana says who made it (tasks, comments,
  status updates, portfolios, out-of-office entries; projects and sections do not say).

The earliest of several is adopted. When none qualifies the object is made again: at worst a
duplicate, never another run's object. A board's first column is no create but a rename of
the "Untitled section" Asana made with this run's project, before any window of the event: in
doubt, the event takes back its project's first made section when it bears its name and is
nobody's (`renamed_first`). Intents of older checkpoints hold no time, so nothing a dead
replay of an older version made is adopted. Out-of-office entries hold no creation time in
Asana: the same person's entry for the same days made by the same user is adopted. Tags,
custom fields and teams are not adopted but shared on purpose (reused by name, never deleted
by ``clean``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from adapters.asana.client import AsanaClient
from engine.replay_ids import IdMap

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
    intent, or from `since` on (when this process began the event; None: not counted); never
    one of `seen` (listed before a send: not made by it)."""

    spans: tuple[tuple[datetime, datetime], ...]
    since: datetime | None = None
    seen: frozenset[str] = frozenset()

    @classmethod
    def of(cls, ids: IdMap, seq: int, span: timedelta, since: datetime | None) -> Window:
        """From each intent of `seq` until `span` after it, and from `since` on."""
        intents = ids.intended(seq)
        spans = tuple((i.at - CLOCK_SKEW, i.at + span + CLOCK_SKEW) for i in intents)
        return cls(spans, since, frozenset().union(*(i.seen for i in intents)))

    def before_sending(self) -> Window:
        """The window for a look before this process sent anything: a look-alike made since it
        began the event (within the clock skew) is another's, not its own."""
        return Window(self.spans, seen=self.seen)

    def holds(self, moment: datetime) -> bool:
        if self.since is not None and moment >= self.since - CLOCK_SKEW:
            return True
        return any(start <= moment <= end for start, end in self.spans)


@dataclass(frozen=True)
class Look:
    """One look for an event's object in `window`; `alikes` collects the look-alikes it listed
    and did not adopt (its kind, place and name, its maker, nobody's yet), which a send that
    follows announces as `seen` (see `IdMap.resending`)."""

    window: Window
    alikes: set[str] = field(default_factory=set)


def look_alikes(
    items: Iterable[dict[str, Any]],
    same: Callable[[dict[str, Any]], bool],
    *,
    taken: Callable[[str], bool],
    creators: frozenset[str] | None,
) -> list[dict[str, Any]]:
    """The `items` that are `same`, not `taken`, made by one of `creators` (None: Asana does not
    say who made this kind): what a create in doubt may have made, if made in its window."""
    return [item for item in items
            if same(item) and not taken(item["gid"]) and (creators is None or
                (item.get("created_by") or {}).get("gid") in creators)]  # fmt: skip


def adoptable(
    items: Iterable[dict[str, Any]],
    same: Callable[[dict[str, Any]], bool],
    *,
    taken: Callable[[str], bool],
    window: Window | None,
    creators: frozenset[str] | None,
) -> str | None:
    """The gid of the earliest `look_alikes` of `items` made inside `window` and not among its
    `seen` (None: Asana keeps no creation time for this kind; the first look-alike then).
    None when none qualifies."""
    best: tuple[datetime, str] | None = None
    for item in look_alikes(items, same, taken=taken, creators=creators):
        gid = item["gid"]
        if window is None:
            return gid
        if gid in window.seen:
            continue
        made = _moment(item.get("created_at"))
        if made is not None and window.holds(made) and (best is None or made < best[0]):
            best = (made, gid)
    return None if best is None else best[1]


def renamed_first(
    items: Iterable[dict[str, Any]],
    same: Callable[[dict[str, Any]], bool],
    *,
    taken: Callable[[str], bool],
) -> str | None:
    """The gid of the first made of `items` (a project's sections) when it is `same` and not
    `taken`: the section Asana made with the project, renamed by an earlier try of the event
    whose answer was lost. Made with its project, it is older than any window of the event."""
    dated = [(made, item) for item in items if (made := _moment(item.get("created_at")))]
    if not dated:
        return None
    first = min(dated, key=lambda pair: pair[0])[1]
    return first["gid"] if same(first) and not taken(first["gid"]) else None


def _moment(value: object) -> datetime | None:
    """Asana's ``created_at`` (ISO 8601, UTC), or None when missing or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
