"""Events → Asana API calls (the replay `Target` for Asana and the sandbox).

`AsanaTarget` sends each event through its handler and turns the client's failures into the
replay's outcomes: a 401 is tried once more through ``default`` where the options allow it, a
refusal fails the event, an outage parks it, a stop leaves it for the next run. What a failed
try claimed is given back for its retry (`IdMap.attempt`). Where the plan or the team refuses
(paid features, a team only its members may add to), the replay notes it once and goes on; the
counters carry those notes to the summary.

The handlers, by what they make:
- who acts, people's users and their time off: `target_people`
- projects, their board's sections and status updates: `target_projects`
- tasks, their comments, likes and followers: `target_tasks`
- custom fields and their values: `target_fields`
- tags, dependencies, approvals, teams and portfolios: `target_workspace`

Every create goes through `target_create`: after an unknown outcome it looks for its object
first, and adopts only one this run made (`target_adopt`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from adapters.asana.client import (
    DEFAULT,
    ApiRejected,
    AsanaClient,
    Stopped,
    TokenInvalid,
    Unavailable,
)
from adapters.asana.target_create import CreateMixin
from adapters.asana.target_fields import FieldsMixin
from adapters.asana.target_people import PeopleMixin
from adapters.asana.target_projects import ProjectsMixin
from adapters.asana.target_tasks import TasksMixin
from adapters.asana.target_workspace import WorkspaceMixin
from engine import events as ev
from engine.errors import InvalidInput
from engine.replay_ids import IdMap
from engine.replay_target import Parked, Rejected, Skip

NO_LANE = "(skipped)"


@dataclass(frozen=True)
class TargetOptions:
    unmapped: str = "default"  # default | skip
    on_invalid_token: str = "skip"  # skip | default
    date_shift_days: int = 0

    def __post_init__(self) -> None:
        if self.unmapped not in ("default", "skip"):
            raise InvalidInput(f"--unmapped: {self.unmapped!r}; expected default or skip")
        if self.on_invalid_token not in ("default", "skip"):
            raise InvalidInput(
                f"--on-invalid-token: {self.on_invalid_token!r}; expected skip or default"
            )


def target_id(base_url: str, workspace: str) -> str:
    """A folder name for one workspace of one server (no secrets in it)."""
    netloc = urlsplit(base_url).netloc.replace(":", "_")
    return f"{netloc}-{workspace}"


class AsanaTarget(PeopleMixin, ProjectsMixin, CreateMixin, TasksMixin, FieldsMixin, WorkspaceMixin):
    def __init__(
        self,
        client: AsanaClient,
        workspace: str,
        *,
        team: str | None = None,
        options: TargetOptions | None = None,
    ):
        self.client = client
        self.workspace = workspace
        self.team = team
        self.options = options or TargetOptions()
        self.name = target_id(client.base_url, workspace)
        self._init_people()
        self._init_tasks()
        self._init_fields()
        self._init_workspace()
        self._handlers: dict[type, Callable[[Any, IdMap, bool], dict[str, str]]] = {
            **self._people_handlers(),
            **self._project_handlers(),
            **self._task_handlers(),
            **self._field_handlers(),
            **self._workspace_handlers(),
        }

    # -- the Target protocol -------------------------------------------------------------------

    def observe(self, event: ev.Event) -> None:
        if isinstance(event, ev.PersonJoined):
            self._observe_person(event)
        elif isinstance(event, ev.TaskCreated):
            self._observe_task(event)
        elif isinstance(event, ev.CustomFieldCreated):
            self._observe_field(event)
        else:
            self._observe_workspace(event)

    def lane(self, event: ev.Event) -> str:
        try:
            return self.client.lane_of(self._key(event.actor))
        except Skip:
            return NO_LANE

    def apply(self, event: ev.Event, ids: IdMap, *, uncertain: bool) -> dict[str, str]:
        handler = self._handlers[type(event)]
        for attempt in (1, 2):
            try:
                self.verify_tokens()
                with ids.attempt():  # a failed try's claims are undone: its retry looks again
                    return handler(event, ids, uncertain)
            except TokenInvalid as exc:
                # The person's key is now invalid; a second try goes through `default` when
                # the options allow it (`_key` decides), else the event is skipped.
                if attempt == 2 or exc.key == DEFAULT or not self._fallback_allowed():
                    raise Skip(
                        f"{exc}; its events wait for the next run", retry_later=True
                    ) from None
                uncertain = True  # the first try may have got through before the 401
            except ApiRejected as exc:
                raise Rejected(str(exc), exc.status) from None
            except Unavailable as exc:
                raise Parked(str(exc)) from None
            except Stopped as exc:  # not a failure: the next run sends it
                raise Skip(f"{exc}; the next run sends it", retry_later=True) from None
        raise AssertionError("unreachable")

    def counters(self) -> dict[str, Any]:
        c = self.client.counters
        with c.lock:  # answered at all, if only to refuse: 5xx say the target cannot now
            answered = sum(n for status, n in c.by_status.items() if status < 500)
        return {
            "requests": c.requests,
            "answered": answered,
            "retries": c.retries,
            "rate_limited": c.rate_limited,
            "reconciled": c.reconciled,
            "landing": self.client.landings(),  # writes in doubt waited for now (status line)
            "invalid_tokens": sorted(self.client.invalid),
            "notes": [
                *self._notes,
                *self._team_notes(),
                *self._outsider_notes(),
                *self._tokenless_notes(),
                *self.client.change_notes(),  # each change Asana announced (Asana-Change), once
            ],
        }

    # -- ids and dates, for every handler ------------------------------------------------------

    @staticmethod
    def _user(ids: IdMap, person: str | None) -> str | None:
        return ids.get(person) or None  # "" means: not a user of this workspace

    @staticmethod
    def _gid(ids: IdMap, sim_id: str) -> str:
        gid = ids.get(sim_id)
        if not gid:
            raise Rejected(f"{sim_id} was never created in this target")
        return gid

    def _day(self, day: date | None) -> str | None:
        if day is None:
            return None
        return (day + timedelta(days=self.options.date_shift_days)).isoformat()
