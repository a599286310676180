"""Events → Asana calls for tasks (mixed into `AsanaTarget`): creating tasks and subtasks,
assigning, moving between the board's sections, completing and reopening, due dates,
comments, likes and followers.

A state change moves the task to its section (a subtask stays out of the sections: it would
join the project's list); TaskCompleted/-Reopened set ``completed``; a due date change keeps
the task's start date when it still comes first. Comments and likes use the actor's token.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from adapters.asana.client import ApiRejected
from adapters.asana.target_adopt import Look
from adapters.asana.target_fields import FIELD
from adapters.asana.target_host import TargetHost
from adapters.asana.target_workspace import refused_for_plan
from engine import events as ev
from engine.replay_ids import IdMap
from engine.replay_target import Skip


def _fields_refused(exc: ApiRejected) -> bool:
    """A plan's refusal that names custom fields (any other would fail the task again)."""
    return refused_for_plan(exc) and "custom field" in str(exc).lower()


class TasksMixin(TargetHost):
    """Task handlers; `AsanaTarget` provides client, _email, _key, _user, _gid, _day, _create,
    _window, creators and _adopt, `WorkspaceMixin` provides _task_fields, _refuse and
    _already_complete."""

    def _init_tasks(self) -> None:
        self._start_on: dict[str, date] = {}  # task id → start date (simulated)
        self._subtasks: set[str] = set()

    def _task_handlers(self) -> dict[type, Any]:
        return {
            ev.TaskCreated: self._task_created,
            ev.TaskAssigned: self._task_assigned,
            ev.TaskStateChanged: self._task_state_changed,
            ev.TaskCompleted: lambda e, ids, _: self._complete(e, ids, True),
            ev.TaskReopened: lambda e, ids, _: self._complete(e, ids, False),
            ev.DueDateChanged: self._due_date_changed,
            ev.CommentAdded: self._comment_added,
            ev.TaskLiked: self._task_liked,
            ev.FollowerAdded: self._follower_added,
        }

    def _observe_task(self, event: ev.TaskCreated) -> None:
        if event.start_on and event.due_on:
            self._start_on[event.task] = event.start_on
        if event.parent is not None:
            self._subtasks.add(event.task)

    def _task_created(self, e: ev.TaskCreated, ids: IdMap, uncertain: bool) -> dict[str, str]:
        key = self._key(e.actor)
        data: dict[str, Any] = {"name": e.name, "notes": e.notes, **self._task_fields(e, ids)}
        if assignee := self._user(ids, e.assignee):
            data["assignee"] = assignee
        if e.due_on:
            data["due_on"] = self._day(e.due_on)
            if e.start_on and e.start_on <= e.due_on and e.subtype != "milestone":
                data["start_on"] = self._day(e.start_on)  # a milestone is a moment: no start
        followers = [g for g in (self._user(ids, f) for f in e.followers) if g]
        if followers:
            data["followers"] = followers
        if e.parent is not None:
            parent = self._gid(ids, e.parent)
            path, listing = f"/tasks/{parent}/subtasks", f"/tasks/{parent}/subtasks"
        else:
            project = self._gid(ids, e.project)
            section = ids.get(e.section) if e.section else None
            if section:
                data["memberships"] = [{"project": project, "section": section}]
            else:
                data["projects"] = [project]
            path, listing = "/tasks", f"/projects/{project}/tasks"
        window = self._window(ids, e.seq)

        def same(task: dict[str, Any]) -> bool:
            # The due date tells apart look-alikes of one person in one project (names repeat);
            # nothing changes it while the create is in doubt (its changes wait for the create).
            return task.get("name") == e.name and task.get("due_on") == data.get("due_on")

        def find(look: Look) -> str | None:
            fields = "name,due_on,created_at,created_by"
            items = self.client.pages(key, listing, {"opt_fields": fields})
            return self._adopt(ids, items, same, look, self.creators(key, ids, e.actor))

        def create() -> str:
            return self._create(key, path, data, find, window, uncertain, ids=ids, seq=e.seq)

        try:
            return {e.task: create()}
        except ApiRejected as exc:
            # Values of fields the plan no longer has (a downgraded workspace): nothing was
            # created, so the task goes again without them, and the note says why.
            if "custom_fields" not in data or not _fields_refused(exc):
                raise
            self._refuse(FIELD, exc)
            del data["custom_fields"]
            return {e.task: create()}

    def _put_task(self, key: str, ids: IdMap, task: str, data: dict[str, Any]) -> dict[str, str]:
        # A short answer: the spec's opt_fields enum has no "gid" (always sent), so ask for name.
        self.client.call(key, "PUT", f"/tasks/{self._gid(ids, task)}", data=data,
                         params={"opt_fields": "name"})  # fmt: skip
        return {}

    def _task_assigned(self, e: ev.TaskAssigned, ids: IdMap, _: bool) -> dict[str, str]:
        assignee = self._user(ids, e.assignee)
        if assignee is None:
            raise Skip(f"{self._email.get(e.assignee, e.assignee)} is not a user of the workspace")
        return self._put_task(self._key(e.actor), ids, e.task, {"assignee": assignee})

    def _task_state_changed(self, e: ev.TaskStateChanged, ids: IdMap, _: bool):
        section = ids.get(e.section) if e.section else None
        if not section or e.task in self._subtasks:
            # A subtask added to a section would join the project's list: its state shows in
            # its comments and completion only.
            return {}
        key = self._key(e.actor)
        self.client.call(key, "POST", f"/sections/{section}/addTask",
                         data={"task": self._gid(ids, e.task)})  # fmt: skip
        return {}

    def _complete(self, e: ev.Event, ids: IdMap, completed: bool) -> dict[str, str]:
        if e.seq in self._already_complete:
            return {}
        return self._put_task(self._key(e.actor), ids, e.task, {"completed": completed})  # type: ignore[attr-defined]

    def _due_date_changed(self, e: ev.DueDateChanged, ids: IdMap, _: bool) -> dict[str, str]:
        data: dict[str, Any] = {"due_on": self._day(e.due_on)}
        start = self._start_on.get(e.task)
        if start is not None:  # Asana wants start_on with due_on, and not after it
            data["start_on"] = self._day(start) if start <= e.due_on else None
        return self._put_task(self._key(e.actor), ids, e.task, data)

    def _comment_added(self, e: ev.CommentAdded, ids: IdMap, uncertain: bool):
        key = self._key(e.actor)
        task = self._gid(ids, e.task)
        path = f"/tasks/{task}/stories"

        def same(story: dict[str, Any]) -> bool:
            return story.get("resource_subtype") == "comment_added" and story.get("text") == e.text

        def find(look: Look) -> str | None:
            params = {"opt_fields": "text,resource_subtype,created_at,created_by"}
            items = self.client.pages(key, path, params)
            return self._adopt(ids, items, same, look, self.creators(key, ids, e.actor))

        window = self._window(ids, e.seq)
        made = self._create(key, path, {"text": e.text}, find, window, uncertain, ids=ids,
                            seq=e.seq)  # fmt: skip
        return {e.comment: made}

    def _task_liked(self, e: ev.TaskLiked, ids: IdMap, _: bool) -> dict[str, str]:
        return self._put_task(self._key(e.actor), ids, e.task, {"liked": True})

    def _follower_added(self, e: ev.FollowerAdded, ids: IdMap, _: bool) -> dict[str, str]:
        follower = self._user(ids, e.follower)
        if follower is None:
            raise Skip(f"{self._email.get(e.follower, e.follower)} is not a user of the workspace")
        key = self._key(e.actor)
        self.client.call(key, "POST", f"/tasks/{self._gid(ids, e.task)}/addFollowers",
                         data={"followers": [follower]}, params={"opt_fields": "name"})  # fmt: skip
        return {}
