"""Who is a member of a project: ``GET /projects/{gid}/project_memberships`` and
``GET /project_memberships/{gid}``.

Memberships are not stored: each is a member of ``Project.members`` (its creator and the
followers it was made with, then whoever ``addMembers`` added), with a gid made of the
project's and the user's, as team memberships are (``api_memberships``). The project's creator
(the first member) is its admin, the others are editors: the sandbox keeps no other access
levels. Members are users only; Asana also lists a team a project is shared with with a
membership of its own, which the sandbox does not model.
"""

from __future__ import annotations

from adapters.asana.sandbox.apierror import ApiError
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Project, ProjectMembership


def project_membership(project: Project, user_gid: str) -> ProjectMembership:
    level = "admin" if project.members and user_gid == project.members[0] else "editor"
    return ProjectMembership(gid=f"{project.gid}-{user_gid}", project=project.gid,
                             user=user_gid, access_level=level)  # fmt: skip


def list_project_memberships(call: Call, project_gid: str) -> Answer:
    """The project's members in the order they joined; ``user`` ("me", an email or a gid)
    keeps only that user's membership (none when they are not a member)."""
    call.allow_query("user", paged=True)
    project = call.store.require("project", project_gid, Project)
    user = call.query_ref("user", "user", required=False)
    members = [g for g in project.members if user is None or g == user]
    return call.many("project_membership", [project_membership(project, g) for g in members])


def get_project_membership(call: Call, project_membership_gid: str) -> Answer:
    call.allow_query()
    project_gid, _, user_gid = project_membership_gid.partition("-")
    project = call.store.get("project", project_gid)
    if not isinstance(project, Project) or user_gid not in project.members:
        raise ApiError(404, f"project_membership: unknown gid '{project_membership_gid}'")
    return call.one("project_membership", project_membership(project, user_gid))
