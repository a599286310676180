"""Users, workspaces, teams and out-of-office entries.

Outsiders (users of another workspace only) are found by ``/users/{user_gid}``, as Asana finds
anyone the caller shares a workspace with; the workspace's own lists and
``/workspaces/{workspace_gid}/users/{user_gid}`` know only its members (404 for the others).
"""

from __future__ import annotations

from urllib.parse import unquote

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import ApiError, bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import OooEntry, Team, User, Workspace


def find_user(call: Call, user_gid: str) -> User:
    """A user by gid, email or "me" (as Asana's user paths allow)."""
    user_gid = unquote(user_gid)  # an email may come percent-encoded
    if user_gid == "me":
        user_gid = call.user_gid
    user = call.store.users_by_email.get(user_gid.lower()) or call.store.get("user", user_gid)
    if not isinstance(user, User):
        raise ApiError(404, f"user: unknown gid '{user_gid}'")
    return user


def _members(call: Call) -> list[User]:
    return [u for u in call.store.all("user") if isinstance(u, User) and not u.outside]


def get_user(call: Call, user_gid: str) -> Answer:
    call.allow_query("workspace")
    return call.one("user", find_user(call, user_gid))


def get_workspace_user(call: Call, workspace_gid: str, user_gid: str) -> Answer:
    """A member of the workspace by gid, email or "me"; 404 for anyone else."""
    call.allow_query()
    call.store.require("workspace", workspace_gid, Workspace)
    return call.one("user", workspace_member(call, user_gid))


def workspace_member(call: Call, user_gid: str) -> User:
    """A member of the workspace by gid, email or "me" (404 for anyone else)."""
    try:
        user = find_user(call, user_gid)
    except ApiError:
        user = None
    if user is None or user.outside:
        raise ApiError(404, f"user: '{unquote(user_gid)}' is not a user of this workspace")
    return user


def list_users(call: Call) -> Answer:
    call.allow_query("workspace", "team", paged=True)
    call.query_ref("workspace", "workspace", required="team" not in call.query)
    call.query_ref("team", "team", required=False)
    return call.many("user", _members(call))


def list_workspace_users(call: Call, workspace_gid: str) -> Answer:
    call.allow_query(paged=True)
    call.store.require("workspace", workspace_gid, Workspace)
    return call.many("user", _members(call))


def list_workspaces(call: Call) -> Answer:
    call.allow_query(paged=True)
    return call.many("workspace", call.store.all("workspace"))


def get_workspace(call: Call, workspace_gid: str) -> Answer:
    call.allow_query()
    return call.one("workspace", call.store.require("workspace", workspace_gid, Workspace))


def list_teams(call: Call, workspace_gid: str) -> Answer:
    call.allow_query(paged=True)
    call.store.require("workspace", workspace_gid, Workspace)
    return call.many("team", call.store.all("team"))


def get_team(call: Call, team_gid: str) -> Answer:
    call.allow_query()
    return call.one("team", call.store.require("team", team_gid, Team))


OOO_SPEC = {
    "user": v.ref("user"),
    "workspace": v.ref("workspace"),
    "start_date": v.day,
    "end_date": v.day,
}


def create_ooo_entry(call: Call) -> Answer:
    call.allow_query()
    data = call.data(OOO_SPEC, required=("user", "workspace", "start_date", "end_date"))
    if data["end_date"] < data["start_date"]:
        raise bad_request("data.end_date: must not be before data.start_date")
    entry = OooEntry(gid=call.store.new_gid(), created_by=call.user_gid, **data)
    call.store.put("ooo_entry", entry)
    return call.one("ooo_entry", entry, status=201)


def list_ooo_entries(call: Call) -> Answer:
    call.allow_query("user", "workspace", "start_date", "end_date", paged=True)
    user = call.query_ref("user", "user")
    workspace = call.query_ref("workspace", "workspace")
    start = (
        v.day("start_date", call.query["start_date"], call) if "start_date" in call.query else ""
    )
    end = v.day("end_date", call.query["end_date"], call) if "end_date" in call.query else "9999"
    entries = [
        e
        for e in call.store.all("ooo_entry")
        if isinstance(e, OooEntry)
        and e.user == user
        and e.workspace == workspace
        and e.end_date >= start
        and e.start_date <= end
    ]
    return call.many("ooo_entry", entries)


def get_ooo_entry(call: Call, ooo_entry_gid: str) -> Answer:
    call.allow_query()
    return call.one("ooo_entry", call.store.require("ooo_entry", ooo_entry_gid, OooEntry))


def delete_ooo_entry(call: Call, ooo_entry_gid: str) -> Answer:
    call.allow_query()
    call.store.require("ooo_entry", ooo_entry_gid, OooEntry)
    call.store.delete("ooo_entry", ooo_entry_gid)
    return call.empty()
