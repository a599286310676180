"""What the handler mixins (`target_people`, `target_projects`, `target_create`, `target_tasks`,
`target_fields`, `target_workspace`) use of the `AsanaTarget` they are mixed into, and of each
other: declared once here, for the type checker. At run time this base is empty (annotations
only): the mixins find all of it on the target itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.asana.client import ApiRejected, AsanaClient
    from adapters.asana.target import TargetOptions
    from adapters.asana.target_adopt import Look, Window
    from engine import events as ev
    from engine.replay_ids import IdMap


class TargetHost:
    # set by `AsanaTarget.__init__`
    client: AsanaClient
    workspace: str
    team: str | None
    options: TargetOptions
    # set by `PeopleMixin._init_people`
    _email: dict[str, str]  # person id → email (lower case)
    # set by `WorkspaceMixin._init_workspace`
    _plan_refusals: dict[str, str]  # paid feature → its note, once refused
    _already_complete: set[int]  # seqs of TaskCompleted with nothing to do

    if TYPE_CHECKING:
        # `AsanaTarget`
        @staticmethod
        def _user(ids: IdMap, person: str | None) -> str | None: ...

        @staticmethod
        def _gid(ids: IdMap, sim_id: str) -> str: ...

        def _day(self, day: date | None) -> str | None: ...

        # `PeopleMixin`
        def user_of(self, key: str) -> str: ...

        def _key(self, person: str) -> str: ...

        # `CreateMixin`
        def _create(
            self,
            key: str,
            path: str,
            data: dict[str, Any],
            find: Callable[[Look], str | None],
            window: Window,
            uncertain: bool,
            *,
            ids: IdMap,
            seq: int,
            looked: Look | None = None,
        ) -> str: ...

        def _window(self, ids: IdMap, seq: int) -> Window: ...

        def creators(self, key: str, ids: IdMap, actor: str) -> frozenset[str]: ...

        def _adopt(
            self,
            ids: IdMap,
            items: Iterable[dict[str, Any]],
            same: Callable[[dict[str, Any]], bool],
            look: Look,
            creators: frozenset[str] | None = None,
            *,
            timed: bool = True,
        ) -> str | None: ...

        # `ProjectsMixin`
        def _post_status(
            self,
            key: str,
            ids: IdMap,
            e: ev.StatusUpdatePosted | ev.PortfolioStatusPosted,
            parent_id: str,
            uncertain: bool,
        ) -> str: ...

        # `TasksMixin`
        def _put_task(
            self, key: str, ids: IdMap, task: str, data: dict[str, Any]
        ) -> dict[str, str]: ...

        # `FieldsMixin`
        def _field_values(self, ids: IdMap, values: dict[str, ev.FieldValue]) -> dict[str, Any]: ...

        def _add_field_settings(
            self, key: str, ids: IdMap, project: str, fields: Iterable[str], check: bool
        ) -> None: ...

        # `WorkspaceMixin`
        def _note(self, text: str) -> bool: ...

        def _join_team(self, e: ev.PersonJoined, user: str) -> None: ...

        def _project_team(self, key: str, e: ev.ProjectCreated) -> str | None: ...

        def _project_extras(
            self, key: str, ids: IdMap, e: ev.ProjectCreated, project: str, uncertain: bool
        ) -> None: ...

        def _task_fields(self, e: ev.TaskCreated, ids: IdMap) -> dict[str, Any]: ...

        def _skip_if_refused(self, feature: str) -> None: ...

        def _refuse(self, feature: str, exc: ApiRejected) -> tuple[str, bool]: ...

        def _plan_call(self, feature: str, call: Callable[[], Any]) -> Any: ...
