"""Events → Asana calls for tasks (`Tasks`): creating tasks and subtasks (with their subtype,
tags and custom field values), assigning, moving between the board's sections, completing and
reopening, due dates, comments, likes and followers.

A state change moves the task to its section (a subtask stays out of the sections: it would
join the project's list); TaskCompleted/-Reopened set ``completed``; a due date change keeps
the task's start date when it still comes first. Comments and likes use the actor's token.
An approval is completed by its decision: a TaskCompleted after it sends nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from adapters.asana.client import ApiRejected
from adapters.asana.target_adopt import Look
from adapters.asana.target_create import Creator
from adapters.asana.target_fields import FIELD, Fields
from adapters.asana.target_people import Actors
from adapters.asana.target_shared import Handler, Place, Plan, gid_of, refused_for_plan, user_gid
from engine import events as ev
from engine.replay_ids import IdMap
from engine.replay_target import Skip


def _fields_refused(exc: ApiRejected) -> bool:
    """A plan's refusal that names custom fields (any other would fail the task again)."""
    return refused_for_plan(exc) and "custom field" in str(exc).lower()


class Tasks:
    def __init__(self, place: Place, actors: Actors, creator: Creator, fields: Fields,
                 plan: Plan) -> None:  # fmt: skip
        self.place, self.client = place, place.client
        self.actors, self.creator, self.fields, self.plan = actors, creator, fields, plan
        self._start_on: dict[str, date] = {}  # task id → start date (simulated)
        self._subtasks: set[str] = set()
        self._decided: set[str] = set()  # approvals decided (so complete) as of the log so far
        self._already_complete: set[int] = set()  # seqs of TaskCompleted with nothing to do

    def handlers(self) -> dict[type, Handler]:
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

    def observe(self, event: ev.Event) -> None:
        match event:
            case ev.TaskCreated():
                if event.start_on and event.due_on:
                    self._start_on[event.task] = event.start_on
                if event.parent is not None:
                    self._subtasks.add(event.task)
            case ev.ApprovalDecided():
                self._decided.add(event.task)
            case ev.TaskReopened():
                self._decided.discard(event.task)
            case ev.TaskCompleted() if event.task in self._decided:
                # Asana completes an approval with its decision, and completing it again
                # would turn a rejection into "approved": nothing to send.
                self._already_complete.add(event.seq)

    def _task_created(self, e: ev.TaskCreated, ids: IdMap, uncertain: bool) -> dict[str, str]:
        key = self.actors.key(e.actor)
        data: dict[str, Any] = {"name": e.name, "notes": e.notes,
                                **self._subtype_tags_values(e, ids)}  # fmt: skip
        if assignee := user_gid(ids, e.assignee):
            data["assignee"] = assignee
        if e.due_on:
            data["due_on"] = self.place.day(e.due_on)
            if e.start_on and e.start_on <= e.due_on and e.subtype != "milestone":
                data["start_on"] = self.place.day(e.start_on)  # a milestone is a moment: no start
        followers = [g for g in (user_gid(ids, f) for f in e.followers) if g]
        if followers:
            data["followers"] = followers
        if e.parent is not None:
            parent = gid_of(ids, e.parent)
            path, listing = f"/tasks/{parent}/subtasks", f"/tasks/{parent}/subtasks"
        else:
            project = gid_of(ids, e.project)
            section = ids.get(e.section) if e.section else None
            if section:
                data["memberships"] = [{"project": project, "section": section}]
            else:
                data["projects"] = [project]
            path, listing = "/tasks", f"/projects/{project}/tasks"
        window = self.creator.window(ids, e.seq)

        def same(task: dict[str, Any]) -> bool:
            # The due date tells apart look-alikes of one person in one project (names repeat);
            # nothing changes it while the create is in doubt (its changes wait for the create).
            return task.get("name") == e.name and task.get("due_on") == data.get("due_on")

        def find(look: Look) -> str | None:
            fields = "name,due_on,created_at,created_by"
            items = self.client.pages(key, listing, {"opt_fields": fields})
            creators = self.creator.creators(key, ids, e.actor)
            return self.creator.adopt(ids, items, same, look, creators)

        def create() -> str:
            return self.creator.create(key, path, data, find, window, uncertain, ids=ids,
                                       seq=e.seq)  # fmt: skip

        try:
            return {e.task: create()}
        except ApiRejected as exc:
            # Values of fields the plan no longer has (a downgraded workspace): nothing was
            # created, so the task goes again without them, and the note says why.
            if "custom_fields" not in data or not _fields_refused(exc):
                raise
            self.plan.refuse(FIELD, exc)
            del data["custom_fields"]
            return {e.task: create()}

    def _subtype_tags_values(self, e: ev.TaskCreated, ids: IdMap) -> dict[str, Any]:
        """Subtype, tags and custom field values of a new task."""
        data: dict[str, Any] = {}
        if e.subtype != "default_task":
            data["resource_subtype"] = e.subtype
        if e.subtype == "approval":
            data["approval_status"] = "pending"
        if e.tags:
            data["tags"] = [gid_of(ids, t) for t in e.tags]
        values = self.fields.values(ids, e.custom_fields) if e.custom_fields else {}
        if values:  # none when the plan has no custom fields
            data["custom_fields"] = values
        return data

    def _task_assigned(self, e: ev.TaskAssigned, ids: IdMap, _: bool) -> dict[str, str]:
        assignee = user_gid(ids, e.assignee)
        if assignee is None:
            raise Skip(f"{self.actors.email_of(e.assignee)} is not a user of the workspace")
        key = self.actors.key(e.actor)
        return self.place.put_task(key, ids, e.task, {"assignee": assignee})

    def _task_state_changed(self, e: ev.TaskStateChanged, ids: IdMap, _: bool):
        section = ids.get(e.section) if e.section else None
        if not section or e.task in self._subtasks:
            # A subtask added to a section would join the project's list: its state shows in
            # its comments and completion only.
            return {}
        key = self.actors.key(e.actor)
        self.client.call(key, "POST", f"/sections/{section}/addTask",
                         data={"task": gid_of(ids, e.task)})  # fmt: skip
        return {}

    def _complete(self, e: ev.TaskCompleted | ev.TaskReopened, ids: IdMap, completed: bool):
        if e.seq in self._already_complete:
            return {}
        key = self.actors.key(e.actor)
        return self.place.put_task(key, ids, e.task, {"completed": completed})

    def _due_date_changed(self, e: ev.DueDateChanged, ids: IdMap, _: bool) -> dict[str, str]:
        data: dict[str, Any] = {"due_on": self.place.day(e.due_on)}
        start = self._start_on.get(e.task)
        if start is not None:  # Asana wants start_on with due_on, and not after it
            data["start_on"] = self.place.day(start) if start <= e.due_on else None
        return self.place.put_task(self.actors.key(e.actor), ids, e.task, data)

    def _comment_added(self, e: ev.CommentAdded, ids: IdMap, uncertain: bool):
        key = self.actors.key(e.actor)
        task = gid_of(ids, e.task)
        path = f"/tasks/{task}/stories"

        def same(story: dict[str, Any]) -> bool:
            return story.get("resource_subtype") == "comment_added" and story.get("text") == e.text

        def find(look: Look) -> str | None:
            params = {"opt_fields": "text,resource_subtype,created_at,created_by"}
            items = self.client.pages(key, path, params)
            creators = self.creator.creators(key, ids, e.actor)
            return self.creator.adopt(ids, items, same, look, creators)

        window = self.creator.window(ids, e.seq)
        made = self.creator.create(key, path, {"text": e.text}, find, window, uncertain,
                                   ids=ids, seq=e.seq)  # fmt: skip
        return {e.comment: made}

    def _task_liked(self, e: ev.TaskLiked, ids: IdMap, _: bool) -> dict[str, str]:
        return self.place.put_task(self.actors.key(e.actor), ids, e.task, {"liked": True})

    def _follower_added(self, e: ev.FollowerAdded, ids: IdMap, _: bool) -> dict[str, str]:
        follower = user_gid(ids, e.follower)
        if follower is None:
            raise Skip(f"{self.actors.email_of(e.follower)} is not a user of the workspace")
        key = self.actors.key(e.actor)
        self.client.call(key, "POST", f"/tasks/{gid_of(ids, e.task)}/addFollowers",
                         data={"followers": [follower]}, params={"opt_fields": "name"})  # fmt: skip
        return {}
