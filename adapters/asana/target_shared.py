"""What the handler groups of an `AsanaTarget` share: where events go (`Place`: the client,
the workspace, the options), an event's objects' gids and people's users, the notes for the
summary (`Notes`), and the paid features the workspace's plan refused (`Plan`).

Portfolios, task dependencies and custom fields are paid features: the plan's first refusal
(402 Payment Required, or a 403 that says premium or payment) becomes one note (summary and
journal), then every later event of that feature is skipped without another request and the
replay goes on. Custom fields are not skipped but mapped to "" (see `target_fields`): projects
and tasks need them, and go on without them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from adapters.asana.client import ApiRejected, AsanaClient
from engine.replay_ids import IdMap
from engine.replay_target import Rejected, Skip

if TYPE_CHECKING:
    from adapters.asana.target import TargetOptions

# An event's handler: (event, id map, uncertain) → the sim ids it made, with their gids.
Handler = Callable[[Any, IdMap, bool], dict[str, str]]


@dataclass
class Place:
    client: AsanaClient
    workspace: str
    options: TargetOptions  # replaced when a resumed replay keeps its first run's date shift

    def day(self, day: date | None) -> str | None:
        if day is None:
            return None
        return (day + timedelta(days=self.options.date_shift_days)).isoformat()

    def put_task(self, key: str, ids: IdMap, task: str, data: dict[str, Any]) -> dict[str, str]:
        # A short answer: the spec's opt_fields enum has no "gid" (always sent), so ask for name.
        self.client.call(key, "PUT", f"/tasks/{gid_of(ids, task)}", data=data,
                         params={"opt_fields": "name"})  # fmt: skip
        return {}


def user_gid(ids: IdMap, person: str | None) -> str | None:
    """`person`'s user in the workspace; None when they are not one ("" in the id map)."""
    return ids.get(person) or None


def gid_of(ids: IdMap, sim_id: str) -> str:
    gid = ids.get(sim_id)
    if not gid:
        raise Rejected(f"{sim_id} was never created in this target")
    return gid


# Words of a 403 that refuses for the plan rather than for the user's rights.
PLAN_WORDS = ("premium", "payment", "paid plan", "paid feature", "upgrade", "free user",
              "free plan", "free workspace", "free tier")  # fmt: skip
# Paid features: what a refusal note and the skips call them.
FEATURES = {"portfolio": "portfolios", "dependency": "task dependencies",
            "custom field": "custom fields"}  # fmt: skip


def refused_for_plan(exc: ApiRejected) -> bool:
    """Whether Asana refused because the workspace's plan lacks the feature."""
    if exc.status == 402:
        return True
    text = str(exc).lower()
    return exc.status == 403 and any(word in text for word in PLAN_WORDS)


MAX_NAMED = 10  # people named in one note


def named_people(emails: list[str]) -> str:
    """The first MAX_NAMED of `emails`, and how many more, for a note."""
    more = f" and {len(emails) - MAX_NAMED} more" if len(emails) > MAX_NAMED else ""
    return ", ".join(emails[:MAX_NAMED]) + more


class Notes:
    """Notes for the summary, each once, in the order they came."""

    def __init__(self) -> None:
        self._notes: list[str] = []
        self._lock = threading.Lock()

    def note(self, text: str) -> bool:
        """Remember `text` for the summary; False when it was already noted."""
        with self._lock:
            if text in self._notes:
                return False
            self._notes.append(text)
            return True

    def all(self) -> list[str]:
        with self._lock:
            return list(self._notes)


class Plan:
    """The paid features the plan refused, each noted once in `notes`."""

    def __init__(self, notes: Notes) -> None:
        self._notes = notes
        self._refusals: dict[str, str] = {}  # paid feature → its note, once refused
        self._lock = threading.Lock()

    def refused(self, feature: str) -> bool:
        return feature in self._refusals

    def skip_if_refused(self, feature: str) -> None:
        """`Skip` (final) once the plan refused `feature`."""
        note = self._refusals.get(feature)
        if note:
            raise Skip(f"{feature} events are skipped: {note}")

    def refuse(self, feature: str, exc: ApiRejected) -> tuple[str, bool]:
        """Record the plan's refusal of `feature`: its note, and whether this was the first."""
        with self._lock:
            first = feature not in self._refusals
            if first:
                self._refusals[feature] = (f"{FEATURES[feature]} are not available on "
                                           f"this plan ({exc})")  # fmt: skip
            note = self._refusals[feature]
        return note, self._notes.note(note) and first

    def call(self, feature: str, call: Callable[[], Any]) -> Any:
        """Run a call of a paid feature; the plan's refusal turns this and every later event
        of the feature into a skip."""
        self.skip_if_refused(feature)
        try:
            return call()
        except ApiRejected as exc:
            if not refused_for_plan(exc):
                raise
            note, first = self.refuse(feature, exc)
            if first:
                raise Skip(f"{note}; this and every later {feature} event are skipped") from None
            raise Skip(f"{feature} events are skipped: {note}") from None
