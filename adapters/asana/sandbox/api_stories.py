"""Stories of a task: comments (``POST``), and the system stories Asana adds as tasks change."""

from __future__ import annotations

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Story, Task
from adapters.asana.sandbox.ops import add_story


def create_story(call: Call, task_gid: str) -> Answer:
    call.allow_query()
    task = call.store.require("task", task_gid, Task)
    data = call.data({"text": v.name}, required=("text",))
    story = add_story(call, task, "comment_added", data["text"], kind="comment")
    if call.user_gid not in task.followers:  # commenting makes you a collaborator in Asana
        task.followers.append(call.user_gid)
    return call.one("story", story, status=201)


def list_stories(call: Call, task_gid: str) -> Answer:
    call.allow_query(paged=True)
    task = call.store.require("task", task_gid, Task)
    return call.many("story", [call.store.records["story"][g] for g in task.stories])


def get_story(call: Call, story_gid: str) -> Answer:
    call.allow_query()
    return call.one("story", call.store.require("story", story_gid, Story))
