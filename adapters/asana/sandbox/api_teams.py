"""Teams and their users, and project members (``GET`` of teams lives in ``api_people``, of
team memberships in ``api_memberships``).

Asana: "The user making this call must be a member of the team in order to add others." The
sandbox applies it to teams that are not public (``secret``, ``request_to_join``): a non-member
adding anyone to one, themself included, gets 403. Anyone may add people to a public team.
"""

from __future__ import annotations

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.api_memberships import membership
from adapters.asana.sandbox.apierror import ApiError, bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Project, Team

TEAM_SPEC: dict[str, v.Checker] = {
    "name": v.name,
    "organization": v.ref("workspace"),
    "description": v.text,
    "visibility": v.one_of("secret", "request_to_join", "public"),
}


def create_team(call: Call) -> Answer:
    call.allow_query()
    data = call.data(TEAM_SPEC, required=("name", "organization"))
    if not call.store.is_organization(data["organization"]):
        raise bad_request(f"data.organization: {data['organization']} is a workspace, not an "
                          "organization: only organizations have teams")  # fmt: skip
    taken = {t.name.lower() for t in call.store.all("team") if isinstance(t, Team)}
    if data["name"].lower() in taken:
        raise bad_request(f"data.name: a team named {data['name']!r} already exists")
    team = Team(gid=call.store.new_gid(), name=data["name"], workspace=data["organization"],
                description=data.get("description", ""),
                visibility=data.get("visibility", "public"),
                members=[call.user_gid])  # fmt: skip
    call.store.put("team", team)
    return call.one("team", team, status=201)


def add_user(call: Call, team_gid: str) -> Answer:
    call.allow_query()
    team = call.store.require("team", team_gid, Team)
    user = call.data({"user": v.ref("user")}, required=("user",))["user"]
    if call.user_gid not in team.members and team.visibility != "public":
        raise ApiError(403, f"You must be a member of team {team.name!r} (visibility "
                            f"{team.visibility}) in order to add users to it")  # fmt: skip
    if user not in team.members:
        team.members.append(user)
        call.store.put("team", team)
    return call.one("team_membership", membership(team, user))


def list_team_users(call: Call, team_gid: str) -> Answer:
    call.allow_query(paged=True)
    team = call.store.require("team", team_gid, Team)
    return call.many("user", [call.store.records["user"][g] for g in team.members])


def add_members(call: Call, project_gid: str) -> Answer:
    call.allow_query()
    project = call.store.require("project", project_gid, Project)
    users = call.data({"members": v.user_list}, required=("members",))["members"]
    for gid in users:
        if gid not in project.members:
            project.members.append(gid)
        if gid not in project.followers:  # members follow the project by default in Asana
            project.followers.append(gid)
    project.modified_at = call.now
    call.store.put("project", project)
    return call.one("project", project)
