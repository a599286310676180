"""The representations of each kind of record: which fields it has (full, compact, opt-in)
and how each is read off a record (`render` turns them into JSON).

Each kind has field getters. A getter returns a plain value, a ``Ref`` (rendered as the
referenced record: compact by default, or with the selected sub-fields), a list, a plain
dict, or ``MISSING`` (the field does not apply to this record, e.g. a comment's assignee).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from adapters.asana.sandbox.model import (
    DEFAULT_PORTFOLIO_COLOR,
    CustomField,
    CustomFieldSetting,
    Portfolio,
    Project,
    StatusUpdate,
    Story,
    Task,
)
from adapters.asana.sandbox.render_custom_fields import enum_options, task_custom_fields
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


def _to(kind: str, getter: Getter) -> Getter:
    """Mark `getter` as giving references to `kind` records (null, one, or a list): opt_fields
    below it are checked against that kind's fields, whatever the data (``ref_kind``)."""
    getter.ref_kind = kind  # type: ignore[attr-defined]
    return getter


def _shaped(shape: dict[str, str | None], getter: Getter) -> Getter:
    """Mark `getter` as giving objects (or lists of them) with these keys, each a reference to
    a kind of record or a plain value (None): opt_fields below it are checked against them."""
    getter.shape = shape  # type: ignore[attr-defined]
    return getter


def ref_kind(kind: str, name: str) -> str | None:
    """The kind a field of `kind` refers to, when it is a reference of one fixed kind."""
    return getattr(FIELDS[kind].get(name), "ref_kind", None)


def shape_of(kind: str, name: str) -> dict[str, str | None] | None:
    """The keys of the objects a field of `kind` holds, when they are fixed."""
    return getattr(FIELDS[kind].get(name), "shape", None)


_RESOURCE: dict[str, str | None] = {"gid": None, "resource_type": None}
_DATES: dict[str, str | None] = dict.fromkeys(("start_on", "due_at", "due_on"))  # a story's
# A custom field with its value, as tasks (and projects and portfolios, which keep none here)
# show them (`render_custom_fields.field_value`); a key that does not apply to a field's type
# (enum_value on a number field) is left out when asked for, as Asana leaves it out.
CUSTOM_FIELD_VALUE: dict[str, str | None] = {
    **dict.fromkeys(("gid", "resource_type", "name", "resource_subtype", "type", "enabled",
                     "number_value", "precision", "date_value", "text_value", "display_value")),
    "enum_options": "enum_option", "enum_value": "enum_option",
}  # fmt: skip


def _attr(name: str) -> Getter:
    return lambda rec, _: getattr(rec, name)


def _ref(kind: str, name: str) -> Getter:
    def get(rec: Any, _: Viewer) -> Ref | None:
        gid = getattr(rec, name)
        return None if gid is None else Ref(kind, gid)

    return _to(kind, get)


def _refs(kind: str, name: str) -> Getter:
    return _to(kind, lambda rec, _: [Ref(kind, g) for g in getattr(rec, name)])


def _const(value: Any) -> Getter:
    return lambda rec, _: value


def _likes(rec: Task | StatusUpdate, _: Viewer) -> list[dict[str, Any]]:
    return [{"gid": like.gid, "user": Ref("user", like.user)} for like in getattr(rec, "likes", [])]


def _liked(rec: Any, viewer: Viewer) -> bool:
    return any(like.user == viewer.user_gid for like in getattr(rec, "likes", []))


def _html(name: str) -> Getter:
    return lambda rec, _: f"<body>{html.escape(getattr(rec, name))}</body>"


def _permalink(kind: str) -> Getter:
    return lambda rec, viewer: f"{viewer.root_url}/#{kind}-{rec.gid}"


def _memberships(task: Task, _: Viewer) -> list[dict[str, Ref]]:
    return [
        {"project": Ref("project", m.project), "section": Ref("section", m.section)}
        for m in task.memberships
    ]


def _story_ref(name: str, kind: str) -> Getter:
    def get(story: Story, _: Viewer) -> Any:
        gid = story.refs.get(name)
        return MISSING if gid is None else Ref(kind, gid)

    return _to(kind, get)


def _story_extra(name: str) -> Getter:
    return lambda story, _: story.extra.get(name, MISSING)


def _project_status(project: Project, _: Viewer) -> Ref | None:
    gid = project.current_status_update
    return None if gid is None else Ref("status_update", gid)


def _resource(kind: str, gid: str) -> dict[str, str]:
    return {"gid": gid, "resource_type": kind}


def _parent_kind(update: StatusUpdate, viewer: Viewer) -> str:
    return "portfolio" if viewer.store.get("portfolio", update.parent) else "project"


def _is_organization(workspace: Any, viewer: Viewer) -> bool:
    return viewer.store.is_organization(workspace.gid)


def _on_portfolio(setting: CustomFieldSetting, viewer: Viewer) -> bool:
    return viewer.store.get("portfolio", setting.parent) is not None


def _project_team(project: Project, _: Viewer) -> Ref:
    """The team the project is shared with. The spec's ProjectResponse.team is a TeamCompact,
    never null; a project without a team (in a workspace that is not an organization, which
    has no teams) has no ``team`` field, as Asana's docs long said ("only exists for projects
    in organizations")."""
    return MISSING if project.team is None else Ref("team", project.team)


def _portfolio_color(portfolio: Portfolio, _: Viewer) -> str:
    """A palette colour: one kept by an older sandbox as "none" shows as the default."""
    return portfolio.color if portfolio.color != "none" else DEFAULT_PORTFOLIO_COLOR


def _enum_options(field: CustomField, _: Viewer) -> Any:
    return enum_options(field) if field.resource_subtype == "enum" else MISSING


_BASE: dict[str, Getter] = {"gid": _attr("gid")}

FIELDS: dict[str, dict[str, Getter]] = {
    "user": {**_BASE, "resource_type": _const("user"), "name": _attr("name"),
             "email": _attr("email"), "photo": _const(None),
             "workspaces": _to("workspace", lambda rec, v: [] if rec.outside else [
                 Ref("workspace", v.store.workspace.gid)])},
    "workspace": {**_BASE, "resource_type": _const("workspace"), "name": _attr("name"),
                  "email_domains": _const([]), "is_organization": _is_organization},
    "team": {**_BASE, "resource_type": _const("team"), "name": _attr("name"),
             "organization": _ref("workspace", "workspace"), "description": _attr("description"),
             "html_description": _html("description"), "visibility": _attr("visibility"),
             "permalink_url": _permalink("team")},
    "project": {**_BASE, "resource_type": _const("project"), "name": _attr("name"),
                "archived": _attr("archived"), "color": _attr("color"),
                "created_at": _attr("created_at"), "modified_at": _attr("modified_at"),
                "current_status_update": _to("status_update", _project_status), "default_view": _attr("default_view"),
                "due_on": _attr("due_on"), "due_date": _attr("due_on"),
                "start_on": _attr("start_on"), "notes": _attr("notes"),
                "html_notes": _html("notes"), "members": _refs("user", "members"),
                "followers": _refs("user", "followers"), "owner": _ref("user", "owner"),
                "team": _to("team", _project_team), "workspace": _ref("workspace", "workspace"),
                "public": lambda rec, _: rec.privacy_setting == "public_to_workspace",
                "privacy_setting": _attr("privacy_setting"), "completed": _attr("completed"),
                "completed_at": _attr("completed_at"),
                "completed_by": _ref("user", "completed_by"),
                "custom_fields": _shaped(CUSTOM_FIELD_VALUE, _const([])),
                "permalink_url": _permalink("project")},
    "section": {**_BASE, "resource_type": _const("section"), "name": _attr("name"),
                "created_at": _attr("created_at"), "project": _ref("project", "project"),
                "projects": _to("project", lambda rec, _: [Ref("project", rec.project)])},
    "task": {**_BASE, "resource_type": _const("task"), "name": _attr("name"),
             "resource_subtype": _attr("resource_subtype"),
             "approval_status": lambda rec, _: (
                 rec.approval_status if rec.resource_subtype == "approval" else MISSING),
             "created_by": _shaped(_RESOURCE, lambda rec, _: {"gid": rec.created_by,
                                                              "resource_type": "user"}),
             "assignee": _ref("user", "assignee"), "completed": _attr("completed"),
             "completed_at": _attr("completed_at"),
             "completed_by": _ref("user", "completed_by"), "created_at": _attr("created_at"),
             "modified_at": _attr("modified_at"), "due_on": _attr("due_on"),
             "due_at": _const(None), "start_on": _attr("start_on"), "start_at": _const(None),
             "notes": _attr("notes"), "html_notes": _html("notes"),
             "followers": _refs("user", "followers"), "liked": _liked,
             "likes": _shaped({"gid": None, "user": "user"}, _likes),
             "num_likes": lambda rec, _: len(rec.likes),
             "memberships": _shaped({"project": "project", "section": "section"}, _memberships),
             "parent": _ref("task", "parent"),
             "projects": _to("project", lambda rec, _: [
                 Ref("project", m.project) for m in rec.memberships]),
             "tags": _refs("tag", "tags"), "workspace": _ref("workspace", "workspace"),
             "dependencies": _shaped(_RESOURCE, lambda rec, _: [
                 _resource("task", g) for g in rec.dependencies]),
             "dependents": _shaped(_RESOURCE, lambda rec, _: [
                 _resource("task", g) for g in rec.dependents]),
             "custom_fields": _shaped(CUSTOM_FIELD_VALUE,
                                      lambda rec, v: task_custom_fields(rec, v.store)),
             "num_subtasks": lambda rec, _: len(rec.subtasks),
             "permalink_url": _permalink("task")},
    "story": {**_BASE, "resource_type": _const("story"), "created_at": _attr("created_at"),
              "created_by": _ref("user", "created_by"),
              "resource_subtype": _attr("resource_subtype"), "text": _attr("text"),
              "type": _attr("type"),
              "html_text": lambda rec, _: (
                  f"<body>{html.escape(rec.text)}</body>" if rec.type == "comment" else MISSING),
              "is_pinned": _const(False),
              "is_editable": lambda rec, _: rec.type == "comment",
              "is_edited": _const(False), "liked": _const(False), "likes": _const([]),
              "num_likes": _const(0), "source": _const("api"),
              "target": _ref("task", "task"),
              "assignee": _story_ref("assignee", "user"),
              "follower": _story_ref("follower", "user"),
              "old_section": _story_ref("old_section", "section"),
              "new_section": _story_ref("new_section", "section"),
              "project": _story_ref("project", "project"),
              "tag": _story_ref("tag", "tag"),
              "old_name": _story_extra("old_name"), "new_name": _story_extra("new_name"),
              "old_dates": _shaped(_DATES, _story_extra("old_dates")),
              "new_dates": _shaped(_DATES, _story_extra("new_dates"))},
    "status_update": {**_BASE, "resource_type": _const("status_update"),
                      "title": _attr("title"),
                      "resource_subtype": lambda rec, v: f"{_parent_kind(rec, v)}_status_update",
                      "text": _attr("text"), "html_text": _html("text"),
                      "status_type": _attr("status_type"), "author": _ref("user", "author"),
                      "created_by": _ref("user", "author"), "created_at": _attr("created_at"),
                      "modified_at": _attr("modified_at"), "parent": lambda rec, v: Ref(_parent_kind(rec, v), rec.parent),
                      "liked": _const(False), "likes": _const([]), "num_likes": _const(0)},
    "ooo_entry": {**_BASE, "resource_type": _const("ooo_entry"),
                  "start_date": _attr("start_date"), "end_date": _attr("end_date"),
                  "user": _ref("user", "user"), "created_by": _ref("user", "created_by")},
    "custom_field": {**_BASE, "resource_type": _const("custom_field"), "name": _attr("name"),
                     "resource_subtype": _attr("resource_subtype"), "type": _attr("resource_subtype"),
                     "representation_type": _attr("resource_subtype"),
                     "enum_options": _enum_options, "description": _attr("description"),
                     "precision": lambda rec, _: (
                         rec.precision if rec.resource_subtype == "number" else MISSING),
                     "format": _const("none"), "is_formula_field": _const(False),
                     "is_global_to_workspace": _const(True),
                     "has_notifications_enabled": _const(True),
                     "created_by": _ref("user", "created_by")},
    "enum_option": {**_BASE, "resource_type": _const("enum_option"), "name": _attr("name"),
                    "enabled": _attr("enabled"), "color": _attr("color")},
    "custom_field_setting": {**_BASE, "resource_type": _const("custom_field_setting"),
                             "project": _to("project", lambda rec, v: (
                                 MISSING if _on_portfolio(rec, v) else Ref("project", rec.parent))),
                             "parent": lambda rec, v: Ref(
                                 "portfolio" if _on_portfolio(rec, v) else "project", rec.parent),
                             "is_important": _attr("is_important"),
                             "custom_field": _ref("custom_field", "custom_field")},
    "tag": {**_BASE, "resource_type": _const("tag"), "name": _attr("name"),
            "color": _attr("color"), "notes": _attr("notes"), "created_at": _attr("created_at"),
            "followers": _refs("user", "followers"), "workspace": _ref("workspace", "workspace"),
            "permalink_url": _permalink("tag")},
    "portfolio": {**_BASE, "resource_type": _const("portfolio"), "name": _attr("name"),
                  "archived": _attr("archived"), "color": _portfolio_color,
                  "start_on": _attr("start_on"), "due_on": _attr("due_on"),
                  "default_access_level": _attr("default_access_level"),
                  "created_at": _attr("created_at"),
                  "created_by": _ref("user", "created_by"), "custom_field_settings": _refs("custom_field_setting", "custom_field_settings"),
                  "current_status_update": _ref("status_update", "current_status_update"),
                  "custom_fields": _shaped(CUSTOM_FIELD_VALUE, _const([])),
                  "members": _refs("user", "members"),
                  "owner": _ref("user", "owner"), "workspace": _ref("workspace", "workspace"),
                  "permalink_url": _permalink("portfolio"), "public": _attr("public"),
                  "privacy_setting": lambda rec, _: (
                      "public_to_domain" if rec.public else "members_only"),
                  "project_templates": _const([])},
}  # fmt: skip

COMPACT_FIELDS: dict[str, tuple[str, ...]] = {
    "user": ("gid", "resource_type", "name"),
    "workspace": ("gid", "resource_type", "name"),
    "team": ("gid", "resource_type", "name"),
    "project": ("gid", "resource_type", "name"),
    "section": ("gid", "resource_type", "name"),
    "task": ("gid", "resource_type", "name", "resource_subtype", "created_by"),
    "story": ("gid", "resource_type", "created_at", "created_by", "resource_subtype", "text"),
    "status_update": ("gid", "resource_type", "title", "resource_subtype"),
    "ooo_entry": ("gid", "resource_type", "start_date", "end_date", "user", "created_by"),
    "custom_field": ("gid", "resource_type", "name", "resource_subtype", "type", "enum_options"),
    "enum_option": ("gid", "resource_type", "name", "enabled", "color"),
    "custom_field_setting": (
        "gid",
        "resource_type",
        "project",
        "is_important",
        "parent",
        "custom_field",
    ),
    "tag": ("gid", "resource_type", "name"),
    "portfolio": ("gid", "resource_type", "name"),
}

# Fields Asana returns only when asked for with opt_fields.
OPT_IN: dict[str, frozenset[str]] = {"task": frozenset({"num_subtasks"})}
FULL_FIELDS = {
    kind: tuple(f for f in getters if f not in OPT_IN.get(kind, ()))
    for kind, getters in FIELDS.items()
}
