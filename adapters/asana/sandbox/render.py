"""Records → Asana JSON: compact and full representations, ``opt_fields`` selection.

Each kind has field getters. A getter returns a plain value, a ``Ref`` (rendered as the
referenced record: compact by default, or with the selected sub-fields), a list, a plain
dict, or ``MISSING`` (the field does not apply to this record, e.g. a comment's assignee).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.model import Project, Record, StatusUpdate, Story, Task
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
Tree = dict[str, "Tree"]
COMPACT: Tree = {"\0compact": {}}  # a marker tree: "the kind's compact fields"
NEXT_PAGE_FIELDS = frozenset({"offset", "path", "uri"})  # opt_fields may name next_page's


def _attr(name: str) -> Getter:
    return lambda rec, _: getattr(rec, name)


def _ref(kind: str, name: str) -> Getter:
    def get(rec: Any, _: Viewer) -> Ref | None:
        gid = getattr(rec, name)
        return None if gid is None else Ref(kind, gid)

    return get


def _refs(kind: str, name: str) -> Getter:
    return lambda rec, _: [Ref(kind, g) for g in getattr(rec, name)]


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

    return get


def _story_extra(name: str) -> Getter:
    return lambda story, _: story.extra.get(name, MISSING)


def _project_status(project: Project, _: Viewer) -> Ref | None:
    gid = project.current_status_update
    return None if gid is None else Ref("status_update", gid)


_BASE: dict[str, Getter] = {"gid": _attr("gid")}

FIELDS: dict[str, dict[str, Getter]] = {
    "user": {**_BASE, "resource_type": _const("user"), "name": _attr("name"),
             "email": _attr("email"), "photo": _const(None),
             "workspaces": lambda rec, v: [Ref("workspace", v.store.workspace.gid)]},
    "workspace": {**_BASE, "resource_type": _const("workspace"), "name": _attr("name"),
                  "email_domains": _const([]), "is_organization": _const(False)},
    "team": {**_BASE, "resource_type": _const("team"), "name": _attr("name"),
             "organization": _ref("workspace", "workspace"), "description": _const(""),
             "permalink_url": _permalink("team")},
    "project": {**_BASE, "resource_type": _const("project"), "name": _attr("name"),
                "archived": _attr("archived"), "color": _attr("color"),
                "created_at": _attr("created_at"), "modified_at": _attr("modified_at"),
                "current_status_update": _project_status, "default_view": _attr("default_view"),
                "due_on": _attr("due_on"), "due_date": _attr("due_on"),
                "start_on": _attr("start_on"), "notes": _attr("notes"),
                "html_notes": _html("notes"), "members": _refs("user", "members"),
                "followers": _refs("user", "followers"), "owner": _ref("user", "owner"),
                "team": _ref("team", "team"), "workspace": _ref("workspace", "workspace"),
                "public": lambda rec, _: rec.privacy_setting == "public_to_workspace",
                "privacy_setting": _attr("privacy_setting"), "completed": _attr("completed"),
                "completed_at": _attr("completed_at"),
                "completed_by": _ref("user", "completed_by"),
                "permalink_url": _permalink("project")},
    "section": {**_BASE, "resource_type": _const("section"), "name": _attr("name"),
                "created_at": _attr("created_at"), "project": _ref("project", "project"),
                "projects": lambda rec, _: [Ref("project", rec.project)]},
    "task": {**_BASE, "resource_type": _const("task"), "name": _attr("name"),
             "resource_subtype": _const("default_task"),
             "created_by": lambda rec, _: {"gid": rec.created_by, "resource_type": "user"},
             "assignee": _ref("user", "assignee"), "completed": _attr("completed"),
             "completed_at": _attr("completed_at"),
             "completed_by": _ref("user", "completed_by"), "created_at": _attr("created_at"),
             "modified_at": _attr("modified_at"), "due_on": _attr("due_on"),
             "due_at": _const(None), "start_on": _attr("start_on"), "start_at": _const(None),
             "notes": _attr("notes"), "html_notes": _html("notes"),
             "followers": _refs("user", "followers"), "liked": _liked, "likes": _likes,
             "num_likes": lambda rec, _: len(rec.likes), "memberships": _memberships,
             "parent": _ref("task", "parent"),
             "projects": lambda rec, _: [Ref("project", m.project) for m in rec.memberships],
             "tags": _const([]), "workspace": _ref("workspace", "workspace"),
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
              "old_name": _story_extra("old_name"), "new_name": _story_extra("new_name"),
              "old_dates": _story_extra("old_dates"), "new_dates": _story_extra("new_dates")},
    "status_update": {**_BASE, "resource_type": _const("status_update"),
                      "title": _attr("title"),
                      "resource_subtype": _const("project_status_update"),
                      "text": _attr("text"), "html_text": _html("text"),
                      "status_type": _attr("status_type"), "author": _ref("user", "author"),
                      "created_by": _ref("user", "author"), "created_at": _attr("created_at"),
                      "modified_at": _attr("modified_at"), "parent": _ref("project", "parent"),
                      "liked": _const(False), "likes": _const([]), "num_likes": _const(0)},
    "ooo_entry": {**_BASE, "resource_type": _const("ooo_entry"),
                  "start_date": _attr("start_date"), "end_date": _attr("end_date"),
                  "user": _ref("user", "user"), "created_by": _ref("user", "created_by")},
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
}

# Fields Asana returns only when asked for with opt_fields.
OPT_IN: dict[str, frozenset[str]] = {"task": frozenset({"num_subtasks"})}
FULL_FIELDS = {
    kind: tuple(f for f in getters if f not in OPT_IN.get(kind, ()))
    for kind, getters in FIELDS.items()
}


def parse_opt_fields(raw: str | None) -> Tree | None:
    """``"name,assignee.name"`` → ``{"name": {}, "assignee": {"name": {}}}``."""
    if raw is None:
        return None
    tree: Tree = {}
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        node = tree
        for part in item.split("."):
            if not part:
                raise bad_request(f"opt_fields: {item!r} is not a field path")
            node = node.setdefault(part, {})
    return tree


def render(kind: str, record: Record, viewer: Viewer, tree: Tree | None = None) -> dict[str, Any]:
    """A record as JSON-ready dict: full when ``tree`` is None, else gid + selected fields."""
    getters = FIELDS[kind]
    if tree is None:
        names: tuple[str, ...] | list[str] = FULL_FIELDS[kind]
    elif tree is COMPACT:
        names, tree = COMPACT_FIELDS[kind], None
    elif not tree:
        names = ("gid", "resource_type")
    else:
        names = ["gid"]
        for name in tree:
            if name not in getters and name not in NEXT_PAGE_FIELDS:
                raise bad_request(f"opt_fields: unknown field '{name}' for a {kind}")
            if name in getters and name != "gid":
                names.append(name)
    out: dict[str, Any] = {}
    for name in names:
        value = getters[name](record, viewer)
        if value is MISSING:
            continue
        out[name] = _value(value, None if tree is None else tree.get(name), viewer)
    return out


def _value(value: Any, sub: Tree | None, viewer: Viewer) -> Any:
    if isinstance(value, Ref):
        target = viewer.store.get(value.kind, value.gid)
        if target is None:  # a reference to something deleted since
            return {"gid": value.gid, "resource_type": value.kind}
        return render(value.kind, target, viewer, COMPACT if sub is None else sub)
    if isinstance(value, list):
        return [_value(v, sub, viewer) for v in value]
    if isinstance(value, dict):
        if sub:
            unknown = [k for k in sub if k not in value]
            if unknown:
                raise bad_request(f"opt_fields: unknown field '{unknown[0]}'")
            return {k: _value(value[k], sub[k], viewer) for k in sub}
        return {k: _value(v, None, viewer) for k, v in value.items()}
    return value
