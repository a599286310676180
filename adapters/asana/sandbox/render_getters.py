"""How each field of a record is read off it: the getters `render_fields` assembles.

A getter returns a plain value, a ``Ref`` (rendered as the referenced record: compact by
default, or with the selected sub-fields), a list, a plain dict, or ``MISSING`` (the field
does not apply to this record, e.g. a comment's assignee).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from adapters.asana.sandbox.model import (
    DEFAULT_PORTFOLIO_COLOR,
    Attachment,
    CustomField,
    CustomFieldSetting,
    Portfolio,
    Project,
    StatusUpdate,
    Story,
    Task,
)
from adapters.asana.sandbox.render_custom_fields import enum_options
from adapters.asana.sandbox.store import Store


class Ref(NamedTuple):
    kind: str
    gid: str


class Viewer(Protocol):
    store: Store
    user_gid: str
    root_url: str


MISSING: Any = object()
Getter = Callable[[Any, Viewer], Any]


def to(kind: str, getter: Getter) -> Getter:
    """Mark `getter` as giving references to `kind` records (null, one, or a list): opt_fields
    below it are checked against that kind's fields, whatever the data (``ref_kind``)."""
    getter.ref_kind = kind  # type: ignore[attr-defined]
    return getter


def shaped(shape: dict[str, str | None], getter: Getter) -> Getter:
    """Mark `getter` as giving objects (or lists of them) with these keys, each a reference to
    a kind of record or a plain value (None): opt_fields below it are checked against them."""
    getter.shape = shape  # type: ignore[attr-defined]
    return getter


def attr(name: str) -> Getter:
    return lambda rec, _: getattr(rec, name)


def ref(kind: str, name: str) -> Getter:
    def get(rec: Any, _: Viewer) -> Ref | None:
        gid = getattr(rec, name)
        return None if gid is None else Ref(kind, gid)

    return to(kind, get)


def refs(kind: str, name: str) -> Getter:
    return to(kind, lambda rec, _: [Ref(kind, g) for g in getattr(rec, name)])


def const(value: Any) -> Getter:
    return lambda rec, _: value


def likes(rec: Task | StatusUpdate, _: Viewer) -> list[dict[str, Any]]:
    return [{"gid": like.gid, "user": Ref("user", like.user)} for like in getattr(rec, "likes", [])]


def liked(rec: Any, viewer: Viewer) -> bool:
    return any(like.user == viewer.user_gid for like in getattr(rec, "likes", []))


def html_text(name: str) -> Getter:
    return lambda rec, _: f"<body>{html.escape(getattr(rec, name))}</body>"


def permalink(kind: str) -> Getter:
    return lambda rec, viewer: f"{viewer.root_url}/#{kind}-{rec.gid}"


def memberships(task: Task, _: Viewer) -> list[dict[str, Ref]]:
    return [
        {"project": Ref("project", m.project), "section": Ref("section", m.section)}
        for m in task.memberships
    ]


def story_ref(name: str, kind: str) -> Getter:
    def get(story: Story, _: Viewer) -> Any:
        gid = story.refs.get(name)
        return MISSING if gid is None else Ref(kind, gid)

    return to(kind, get)


def story_extra(name: str) -> Getter:
    return lambda story, _: story.extra.get(name, MISSING)


def project_status(project: Project, _: Viewer) -> Ref | None:
    gid = project.current_status_update
    return None if gid is None else Ref("status_update", gid)


def resource(kind: str, gid: str) -> dict[str, str]:
    return {"gid": gid, "resource_type": kind}


def parent_kind(update: StatusUpdate, viewer: Viewer) -> str:
    return "portfolio" if viewer.store.get("portfolio", update.parent) else "project"


def is_organization(workspace: Any, viewer: Viewer) -> bool:
    return viewer.store.is_organization(workspace.gid)


def on_portfolio(setting: CustomFieldSetting, viewer: Viewer) -> bool:
    return viewer.store.get("portfolio", setting.parent) is not None


def project_team(project: Project, _: Viewer) -> Ref:
    """The team the project is shared with. The spec's ProjectResponse.team is a TeamCompact,
    never null; a project without a team (in a workspace that is not an organization, which
    has no teams) has no ``team`` field, as Asana's docs long said ("only exists for projects
    in organizations")."""
    return MISSING if project.team is None else Ref("team", project.team)


def portfolio_color(portfolio: Portfolio, _: Viewer) -> str:
    """A palette colour: one kept by an older sandbox as "none" shows as the default."""
    return portfolio.color if portfolio.color != "none" else DEFAULT_PORTFOLIO_COLOR


def enum_options_of(field: CustomField, _: Viewer) -> Any:
    return enum_options(field) if field.resource_subtype == "enum" else MISSING


def attachment_parent(attachment: Attachment, viewer: Viewer) -> dict[str, Any]:
    """The task (or project) an attachment is on, as the spec's parent: a task's compact form
    (a project has no subtype nor creator here); a parent deleted since: its gid and type."""
    out: dict[str, Any] = resource(attachment.parent_type, attachment.parent)
    parent = viewer.store.get(attachment.parent_type, attachment.parent)
    if isinstance(parent, Task | Project):
        out["name"] = parent.name
    if isinstance(parent, Task):
        out["resource_subtype"] = parent.resource_subtype
        out["created_by"] = resource("user", parent.created_by)
    return out


def download_url(attachment: Attachment, viewer: Viewer) -> str | None:
    """Where a file's bytes are served (an external attachment's are not the sandbox's)."""
    if attachment.resource_subtype == "external":
        return None
    return f"{viewer.root_url}/files/{attachment.gid}/{attachment.key}"


def view_url(attachment: Attachment, viewer: Viewer) -> str | None:
    return attachment.url if attachment.resource_subtype == "external" else download_url(
        attachment, viewer)  # fmt: skip
