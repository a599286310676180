"""The representations of each kind of record: which fields it has (full, compact, opt-in)
and the getter that reads each off a record (`render_getters`; `render` turns them into JSON).
"""

from __future__ import annotations

import html

from adapters.asana.sandbox.render_custom_fields import task_custom_fields
from adapters.asana.sandbox.render_getters import (
    MISSING,
    Getter,
    Ref,
    attachment_parent,
    attr,
    const,
    download_url,
    enum_options_of,
    html_text,
    is_organization,
    liked,
    likes,
    memberships,
    on_portfolio,
    parent_kind,
    permalink,
    portfolio_color,
    project_status,
    project_team,
    ref,
    refs,
    resource,
    shaped,
    story_extra,
    story_ref,
    to,
    view_url,
)


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


_BASE: dict[str, Getter] = {"gid": attr("gid")}

FIELDS: dict[str, dict[str, Getter]] = {
    "user": {**_BASE, "resource_type": const("user"), "name": attr("name"),
             "email": attr("email"), "photo": const(None),
             "workspaces": to("workspace", lambda rec, v: [] if rec.outside else [
                 Ref("workspace", v.store.workspace.gid)])},
    "workspace": {**_BASE, "resource_type": const("workspace"), "name": attr("name"),
                  "email_domains": const([]), "is_organization": is_organization},
    "team": {**_BASE, "resource_type": const("team"), "name": attr("name"),
             "organization": ref("workspace", "workspace"), "description": attr("description"),
             "html_description": html_text("description"), "visibility": attr("visibility"),
             "permalink_url": permalink("team")},
    "team_membership": {**_BASE, "resource_type": const("team_membership"),
                        "user": ref("user", "user"), "team": ref("team", "team"),
                        "is_guest": const(False), "is_limited_access": const(False),
                        "is_admin": attr("is_admin")},
    "project_membership": {**_BASE, "resource_type": const("project_membership"),
                           "parent": ref("project", "project"), "member": ref("user", "user"),
                           "access_level": attr("access_level"), "user": ref("user", "user"),
                           "project": ref("project", "project"),
                           "write_access": lambda rec, _: (
                               "comment_only" if rec.access_level in ("commenter", "viewer")
                               else "full_write")},
    "user_task_list": {**_BASE, "resource_type": const("user_task_list"),
                       "name": const("My Tasks"), "owner": ref("user", "owner"),
                       "workspace": ref("workspace", "workspace")},
    "project": {**_BASE, "resource_type": const("project"), "name": attr("name"),
                "archived": attr("archived"), "color": attr("color"),
                "created_at": attr("created_at"), "modified_at": attr("modified_at"),
                "current_status_update": to("status_update", project_status), "default_view": attr("default_view"),
                "due_on": attr("due_on"), "due_date": attr("due_on"),
                "start_on": attr("start_on"), "notes": attr("notes"),
                "html_notes": html_text("notes"), "members": refs("user", "members"),
                "followers": refs("user", "followers"), "owner": ref("user", "owner"),
                "team": to("team", project_team), "workspace": ref("workspace", "workspace"),
                "public": lambda rec, _: rec.privacy_setting == "public_to_workspace",
                "privacy_setting": attr("privacy_setting"), "completed": attr("completed"),
                "completed_at": attr("completed_at"),
                "completed_by": ref("user", "completed_by"),
                "custom_fields": shaped(CUSTOM_FIELD_VALUE, const([])),
                "permalink_url": permalink("project")},
    "section": {**_BASE, "resource_type": const("section"), "name": attr("name"),
                "created_at": attr("created_at"), "project": ref("project", "project"),
                "projects": to("project", lambda rec, _: [Ref("project", rec.project)])},
    "task": {**_BASE, "resource_type": const("task"), "name": attr("name"),
             "resource_subtype": attr("resource_subtype"),
             "approval_status": lambda rec, _: (
                 rec.approval_status if rec.resource_subtype == "approval" else MISSING),
             "created_by": shaped(_RESOURCE, lambda rec, _: {"gid": rec.created_by,
                                                              "resource_type": "user"}),
             "assignee": ref("user", "assignee"), "completed": attr("completed"),
             "completed_at": attr("completed_at"),
             "completed_by": ref("user", "completed_by"), "created_at": attr("created_at"),
             "modified_at": attr("modified_at"), "due_on": attr("due_on"),
             "due_at": const(None), "start_on": attr("start_on"), "start_at": const(None),
             "notes": attr("notes"), "html_notes": html_text("notes"),
             "followers": refs("user", "followers"), "liked": liked,
             "likes": shaped({"gid": None, "user": "user"}, likes),
             "num_likes": lambda rec, _: len(rec.likes),
             "memberships": shaped({"project": "project", "section": "section"}, memberships),
             "parent": ref("task", "parent"),
             "projects": to("project", lambda rec, _: [
                 Ref("project", m.project) for m in rec.memberships]),
             "tags": refs("tag", "tags"), "workspace": ref("workspace", "workspace"),
             "dependencies": shaped(_RESOURCE, lambda rec, _: [
                 resource("task", g) for g in rec.dependencies]),
             "dependents": shaped(_RESOURCE, lambda rec, _: [
                 resource("task", g) for g in rec.dependents]),
             "custom_fields": shaped(CUSTOM_FIELD_VALUE,
                                      lambda rec, v: task_custom_fields(rec, v.store)),
             "num_subtasks": lambda rec, _: len(rec.subtasks),
             "permalink_url": permalink("task")},
    "story": {**_BASE, "resource_type": const("story"), "created_at": attr("created_at"),
              "created_by": ref("user", "created_by"),
              "resource_subtype": attr("resource_subtype"), "text": attr("text"),
              "type": attr("type"),
              "html_text": lambda rec, _: (
                  f"<body>{html.escape(rec.text)}</body>" if rec.type == "comment" else MISSING),
              "is_pinned": const(False),
              "is_editable": lambda rec, _: rec.type == "comment",
              "is_edited": const(False), "liked": const(False), "likes": const([]),
              "num_likes": const(0), "source": const("api"),
              "target": ref("task", "task"),
              "assignee": story_ref("assignee", "user"),
              "follower": story_ref("follower", "user"),
              "old_section": story_ref("old_section", "section"),
              "new_section": story_ref("new_section", "section"),
              "project": story_ref("project", "project"),
              "tag": story_ref("tag", "tag"),
              "old_name": story_extra("old_name"), "new_name": story_extra("new_name"),
              "old_dates": shaped(_DATES, story_extra("old_dates")),
              "new_dates": shaped(_DATES, story_extra("new_dates"))},
    "status_update": {**_BASE, "resource_type": const("status_update"),
                      "title": attr("title"),
                      "resource_subtype": lambda rec, v: f"{parent_kind(rec, v)}_status_update",
                      "text": attr("text"), "html_text": html_text("text"),
                      "status_type": attr("status_type"), "author": ref("user", "author"),
                      "created_by": ref("user", "author"), "created_at": attr("created_at"),
                      "modified_at": attr("modified_at"), "parent": lambda rec, v: Ref(parent_kind(rec, v), rec.parent),
                      "liked": const(False), "likes": const([]), "num_likes": const(0)},
    "ooo_entry": {**_BASE, "resource_type": const("ooo_entry"),
                  "start_date": attr("start_date"), "end_date": attr("end_date"),
                  "user": ref("user", "user"), "created_by": ref("user", "created_by")},
    "custom_field": {**_BASE, "resource_type": const("custom_field"), "name": attr("name"),
                     "resource_subtype": attr("resource_subtype"), "type": attr("resource_subtype"),
                     "representation_type": attr("resource_subtype"),
                     "enum_options": enum_options_of, "description": attr("description"),
                     "precision": lambda rec, _: (
                         rec.precision if rec.resource_subtype == "number" else MISSING),
                     "format": const("none"), "is_formula_field": const(False),
                     "is_global_to_workspace": const(True),
                     "has_notifications_enabled": const(True),
                     "created_by": ref("user", "created_by")},
    "enum_option": {**_BASE, "resource_type": const("enum_option"), "name": attr("name"),
                    "enabled": attr("enabled"), "color": attr("color")},
    "custom_field_setting": {**_BASE, "resource_type": const("custom_field_setting"),
                             "project": to("project", lambda rec, v: (
                                 MISSING if on_portfolio(rec, v) else Ref("project", rec.parent))),
                             "parent": lambda rec, v: Ref(
                                 "portfolio" if on_portfolio(rec, v) else "project", rec.parent),
                             "is_important": attr("is_important"),
                             "custom_field": ref("custom_field", "custom_field")},
    "tag": {**_BASE, "resource_type": const("tag"), "name": attr("name"),
            "color": attr("color"), "notes": attr("notes"), "created_at": attr("created_at"),
            "followers": refs("user", "followers"), "workspace": ref("workspace", "workspace"),
            "permalink_url": permalink("tag")},
    "portfolio": {**_BASE, "resource_type": const("portfolio"), "name": attr("name"),
                  "archived": attr("archived"), "color": portfolio_color,
                  "start_on": attr("start_on"), "due_on": attr("due_on"),
                  "default_access_level": attr("default_access_level"),
                  "created_at": attr("created_at"),
                  "created_by": ref("user", "created_by"), "custom_field_settings": refs("custom_field_setting", "custom_field_settings"),
                  "current_status_update": ref("status_update", "current_status_update"),
                  "custom_fields": shaped(CUSTOM_FIELD_VALUE, const([])),
                  "members": refs("user", "members"),
                  "owner": ref("user", "owner"), "workspace": ref("workspace", "workspace"),
                  "permalink_url": permalink("portfolio"), "public": attr("public"),
                  "privacy_setting": lambda rec, _: (
                      "public_to_domain" if rec.public else "members_only"),
                  "project_templates": const([])},
    "attachment": {**_BASE, "resource_type": const("attachment"), "name": attr("name"),
                   "resource_subtype": attr("resource_subtype"),
                   "created_at": attr("created_at"), "download_url": download_url,
                   "permanent_url": download_url, "host": attr("resource_subtype"),
                   "parent": shaped(dict.fromkeys(("gid", "resource_type", "name",
                                                   "resource_subtype", "created_by")),
                                    attachment_parent),
                   "size": lambda rec, _: (
                       len(rec.content) if rec.resource_subtype == "asana" else MISSING),
                   "view_url": view_url,
                   "connected_to_app": lambda rec, _: (
                       False if rec.resource_subtype == "external" else MISSING)},
}  # fmt: skip

COMPACT_FIELDS: dict[str, tuple[str, ...]] = {
    "user": ("gid", "resource_type", "name"),
    "workspace": ("gid", "resource_type", "name"),
    "team": ("gid", "resource_type", "name"),
    "team_membership": (
        "gid",
        "resource_type",
        "user",
        "team",
        "is_guest",
        "is_limited_access",
        "is_admin",
    ),
    "project_membership": ("gid", "resource_type", "member", "access_level"),
    "user_task_list": ("gid", "resource_type", "name", "owner", "workspace"),
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
    "attachment": ("gid", "resource_type", "name", "resource_subtype"),
}

# Fields Asana returns only when asked for with opt_fields.
# The spec marks a project membership's ``parent`` and ``project`` "[Opt In]".
OPT_IN: dict[str, frozenset[str]] = {
    "task": frozenset({"num_subtasks"}),
    "project_membership": frozenset({"parent", "project"}),
}
FULL_FIELDS = {
    kind: tuple(f for f in getters if f not in OPT_IN.get(kind, ()))
    for kind, getters in FIELDS.items()
}
