"""My Tasks: ``GET /users/{gid}/user_task_list?workspace=…``, ``GET /user_task_lists/{gid}`` and
``GET /user_task_lists/{gid}/tasks``.

A user task list is not stored: it is a workspace member's tasks in one workspace (every task
assigned to them there, subtasks included, oldest first), with a gid made of the user's and the
workspace's, as memberships' are (``api_memberships``). As the spec says of its tasks, "both
complete and incomplete tasks are returned by default": ``completed_since=now`` keeps the
incomplete ones (My Tasks as Asana shows it), a date-time also those completed since.
"""

from __future__ import annotations

from adapters.asana.sandbox.api_people import workspace_member
from adapters.asana.sandbox.api_task_lists import filter_tasks
from adapters.asana.sandbox.apierror import ApiError
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Task, User, UserTaskList, Workspace


def _task_list(call: Call, gid: str) -> UserTaskList:
    user_gid, _, workspace_gid = gid.partition("-")
    user = call.store.get("user", user_gid)
    workspace = call.store.get("workspace", workspace_gid)
    if not isinstance(user, User) or user.outside or not isinstance(workspace, Workspace):
        raise ApiError(404, f"user_task_list: unknown gid '{gid}'")
    return UserTaskList(gid=gid, owner=user.gid, workspace=workspace.gid)


def get_user_task_list_for_user(call: Call, user_gid: str) -> Answer:
    call.allow_query("workspace")
    workspace = call.query_ref("workspace", "workspace") or ""
    user = workspace_member(call, user_gid)
    task_list = UserTaskList(gid=f"{user.gid}-{workspace}", owner=user.gid, workspace=workspace)
    return call.one("user_task_list", task_list)


def get_user_task_list(call: Call, user_task_list_gid: str) -> Answer:
    call.allow_query()
    return call.one("user_task_list", _task_list(call, user_task_list_gid))


def list_user_task_list_tasks(call: Call, user_task_list_gid: str) -> Answer:
    call.allow_query("completed_since", paged=True)
    task_list = _task_list(call, user_task_list_gid)
    tasks = [t for t in call.store.all("task") if isinstance(t, Task)
             and t.assignee == task_list.owner and t.workspace == task_list.workspace]  # fmt: skip
    return call.many("task", filter_tasks(call, tasks))
