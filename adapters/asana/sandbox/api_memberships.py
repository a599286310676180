"""Who is in which team: a team's memberships, a user's memberships and teams.

Memberships are not stored: each is a member of ``Team.members`` (the first, the team's
creator, is its admin), with a gid made of the team's and the user's.
"""

from __future__ import annotations

from adapters.asana.sandbox.api_people import find_user
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Team, TeamMembership


def membership(team: Team, user_gid: str) -> TeamMembership:
    return TeamMembership(gid=f"{team.gid}-{user_gid}", team=team.gid, user=user_gid,
                          is_admin=user_gid == team.members[0])  # fmt: skip


def _teams_of(call: Call, user_gid: str, workspace_gid: str) -> list[Team]:
    return [t for t in call.store.all("team")
            if isinstance(t, Team) and t.workspace == workspace_gid and user_gid in t.members]  # fmt: skip


def list_team_memberships(call: Call, team_gid: str) -> Answer:
    call.allow_query(paged=True)
    team = call.store.require("team", team_gid, Team)
    return call.many("team_membership", [membership(team, g) for g in team.members])


def list_user_team_memberships(call: Call, user_gid: str) -> Answer:
    call.allow_query("workspace", paged=True)
    workspace = call.query_ref("workspace", "workspace") or ""
    user = find_user(call, user_gid)
    teams = _teams_of(call, user.gid, workspace)
    return call.many("team_membership", [membership(t, user.gid) for t in teams])


def list_user_teams(call: Call, user_gid: str) -> Answer:
    call.allow_query("organization", paged=True)
    organization = call.query_ref("organization", "workspace") or ""
    return call.many("team", _teams_of(call, find_user(call, user_gid).gid, organization))
