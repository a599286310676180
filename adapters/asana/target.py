"""Events → Asana API calls (the replay `Target` for Asana and the sandbox).

`AsanaTarget` sends each event through its handler and turns the client's failures into the
replay's outcomes: a 401 is tried once more through ``default`` where the options allow it, a
refusal fails the event, an outage parks it, a stop leaves it for the next run. What a failed
try claimed is given back for its retry (`IdMap.attempt`). Where the plan or the team refuses
(paid features, a team only its members may add to), the replay notes it once and goes on; the
counters carry those notes to the summary.

The handlers, in groups by what they make, each given the services it uses:
- people joining and their time off: `People` (`target_people`)
- projects, their board's sections and status updates: `Projects` (`target_projects`)
- tasks, their comments, likes and followers: `Tasks` (`target_tasks`)
- custom fields and their values: `Fields` (`target_fields`)
- tags, dependencies, approvals and portfolios: `Workspace` (`target_workspace`)

The services they share: where events go, ids and dates, the notes, and the plan's refusals
of paid features (`Place`, `Notes`, `Plan`: `target_shared`); who acts and people's users
(`Actors`, `target_people`); teams (`Teams`, `target_teams`). Every create goes through
`Creator` (`target_create`): after an unknown outcome it looks for its object first, and
adopts only one this run made (`target_adopt`).
"""

from __future__ import annotations

from dataclasses import dataclass
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
from adapters.asana.target_create import Creator
from adapters.asana.target_fields import Fields
from adapters.asana.target_people import Actors, People
from adapters.asana.target_projects import Projects
from adapters.asana.target_shared import Handler, Notes, Place, Plan
from adapters.asana.target_tasks import Tasks
from adapters.asana.target_teams import Teams
from adapters.asana.target_workspace import Workspace
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


class AsanaTarget:
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
        self.name = target_id(client.base_url, workspace)
        self.place = Place(client, workspace, options or TargetOptions())
        self.actors = Actors(self.place)
        self.creator = Creator(client, self.actors)
        self.notes = Notes()
        plan = Plan(self.notes)
        self.teams = Teams(self.place, self.actors, self.notes, default=team)
        self.fields = Fields(self.place, self.actors, plan, self.notes)
        self.tasks = Tasks(self.place, self.actors, self.creator, self.fields, plan)
        projects = Projects(self.place, self.actors, self.creator, self.teams, self.fields)
        self._handlers: dict[type, Handler] = {
            **People(self.place, self.actors, self.teams, self.creator).handlers(),
            **projects.handlers(),
            **self.tasks.handlers(),
            **self.fields.handlers(),
            **Workspace(self.place, self.actors, self.creator, plan, projects).handlers(),
        }

    @property
    def options(self) -> TargetOptions:
        return self.place.options

    @options.setter
    def options(self, options: TargetOptions) -> None:  # a resumed replay keeps its date shift
        self.place.options = options

    # -- the Target protocol -------------------------------------------------------------------

    def observe(self, event: ev.Event) -> None:
        if isinstance(event, ev.PersonJoined):
            self.actors.observe(event)
        elif isinstance(event, ev.CustomFieldCreated):
            self.fields.observe(event)
        else:
            self.tasks.observe(event)

    def lane(self, event: ev.Event) -> str:
        try:
            return self.client.lane_of(self.actors.key(event.actor))
        except Skip:
            return NO_LANE

    def apply(self, event: ev.Event, ids: IdMap, *, uncertain: bool) -> dict[str, str]:
        handler = self._handlers[type(event)]
        for attempt in (1, 2):
            try:
                self.actors.verify_tokens()
                with ids.attempt():  # a failed try's claims are undone: its retry looks again
                    return handler(event, ids, uncertain)
            except TokenInvalid as exc:
                # The person's key is now invalid; a second try goes through `default` when
                # the options allow it (`Actors.key` decides), else the event is skipped.
                if attempt == 2 or exc.key == DEFAULT or not self.actors.fallback_allowed():
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
                *self.notes.all(),
                *self.teams.notes_outside(),
                *self.actors.outsider_notes(),
                *self.actors.tokenless_notes(),
                *self.client.change_notes(),  # each change Asana announced (Asana-Change), once
            ],
        }
