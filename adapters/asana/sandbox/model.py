"""The sandbox's records: what the server stores, not what it sends (see ``render``).

References between records are gid strings. Records are msgspec Structs so the SQLite store
can save and load them without a hand-written mapping.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Record(msgspec.Struct, kw_only=True):
    gid: str


class User(Record, kw_only=True):
    name: str
    email: str
    # A user of another workspace only (the sandbox's "outsiders"): ``/users/{email}`` finds
    # them, this workspace does not list, find or accept them.
    outside: bool = False


class Workspace(Record, kw_only=True):
    name: str
    # Only organizations have teams, and there a project must be shared with one.
    is_organization: bool = True


class Team(Record, kw_only=True):
    name: str
    workspace: str
    description: str = ""
    visibility: str = "public"
    members: list[str] = msgspec.field(default_factory=list)


class TeamMembership(Record, kw_only=True):
    """A user's place in a team: derived from ``Team.members`` when asked for, never stored."""

    team: str
    user: str
    is_admin: bool


class ProjectMembership(Record, kw_only=True):
    """A user's place in a project: derived from ``Project.members`` (the first, the project's
    creator, is its admin; the others are editors) when asked for, never stored."""

    project: str
    user: str
    access_level: str


class UserTaskList(Record, kw_only=True):
    """A user's My Tasks in a workspace: derived (the tasks assigned to them), never stored."""

    owner: str
    workspace: str


class Project(Record, kw_only=True):
    name: str
    workspace: str
    created_at: str
    modified_at: str
    notes: str = ""
    team: str | None = None
    owner: str | None = None
    archived: bool = False
    color: str | None = None
    default_view: str = "list"
    privacy_setting: str = "public_to_workspace"
    due_on: str | None = None
    start_on: str | None = None
    completed: bool = False
    completed_at: str | None = None
    completed_by: str | None = None
    current_status_update: str | None = None
    sections: list[str] = msgspec.field(default_factory=list)
    followers: list[str] = msgspec.field(default_factory=list)
    members: list[str] = msgspec.field(default_factory=list)
    status_updates: list[str] = msgspec.field(default_factory=list)
    custom_field_settings: list[str] = msgspec.field(default_factory=list)


class Section(Record, kw_only=True):
    name: str
    project: str
    created_at: str
    tasks: list[str] = msgspec.field(default_factory=list)


class Membership(msgspec.Struct):
    project: str
    section: str


class Like(msgspec.Struct):
    gid: str
    user: str


class Task(Record, kw_only=True):
    name: str
    workspace: str
    created_at: str
    modified_at: str
    created_by: str
    notes: str = ""
    assignee: str | None = None
    due_on: str | None = None
    start_on: str | None = None
    completed: bool = False
    completed_at: str | None = None
    completed_by: str | None = None
    parent: str | None = None
    memberships: list[Membership] = msgspec.field(default_factory=list)
    followers: list[str] = msgspec.field(default_factory=list)
    likes: list[Like] = msgspec.field(default_factory=list)
    subtasks: list[str] = msgspec.field(default_factory=list)
    stories: list[str] = msgspec.field(default_factory=list)
    resource_subtype: str = "default_task"
    approval_status: str | None = None  # approvals only
    tags: list[str] = msgspec.field(default_factory=list)
    dependencies: list[str] = msgspec.field(default_factory=list)
    dependents: list[str] = msgspec.field(default_factory=list)
    # Custom field gid → stored value: enum option gid, number, "YYYY-MM-DD" or text.
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)


class Story(Record, kw_only=True):
    task: str
    created_at: str
    created_by: str
    type: str  # "comment" or "system"
    resource_subtype: str
    text: str
    # Subtype-specific references, e.g. {"assignee": gid} or {"new_section": gid}.
    refs: dict[str, str] = msgspec.field(default_factory=dict)
    # Subtype-specific plain values, e.g. {"new_dates": {"due_on": ...}}.
    extra: dict[str, object] = msgspec.field(default_factory=dict)


class StatusUpdate(Record, kw_only=True):
    parent: str
    status_type: str
    title: str
    text: str
    author: str
    created_at: str
    modified_at: str


class EnumOption(msgspec.Struct):
    gid: str
    name: str
    color: str = "none"
    enabled: bool = True


class CustomField(Record, kw_only=True):
    name: str
    workspace: str
    resource_subtype: str  # enum, number, date or text
    created_by: str
    description: str = ""
    precision: int = 0
    enum_options: list[EnumOption] = msgspec.field(default_factory=list)


class CustomFieldSetting(Record, kw_only=True):
    parent: str  # a project or a portfolio
    custom_field: str
    is_important: bool = False


class Tag(Record, kw_only=True):
    name: str
    workspace: str
    created_at: str
    color: str | None = None
    notes: str = ""
    followers: list[str] = msgspec.field(default_factory=list)


# The colour of a portfolio made without one: the spec allows only palette colours (no "none")
# and Asana documents no default; this is the spec's example.
DEFAULT_PORTFOLIO_COLOR = "light-green"


class Portfolio(Record, kw_only=True):
    name: str
    workspace: str
    owner: str
    created_by: str
    created_at: str
    color: str = DEFAULT_PORTFOLIO_COLOR
    public: bool = False
    archived: bool = False
    start_on: str | None = None
    due_on: str | None = None
    default_access_level: str = "editor"
    items: list[str] = msgspec.field(default_factory=list)  # project gids
    members: list[str] = msgspec.field(default_factory=list)
    status_updates: list[str] = msgspec.field(default_factory=list)
    current_status_update: str | None = None
    custom_field_settings: list[str] = msgspec.field(default_factory=list)


class Attachment(Record, kw_only=True):
    """A file uploaded to a task or a project (``asana``: its bytes kept here, bounded by
    ``Limits``), or a link to one elsewhere (``external``: its URL)."""

    name: str
    parent: str
    parent_type: str  # task or project
    created_at: str
    created_by: str
    resource_subtype: str  # asana or external
    content: bytes = b""
    content_type: str = "application/octet-stream"
    url: str | None = None  # external only
    # The unguessable part of the download URL: like Asana's pre-signed links, it works
    # without a token.
    key: str = ""


class OooEntry(Record, kw_only=True):
    user: str
    workspace: str
    start_date: str
    end_date: str
    created_by: str


KINDS: dict[str, type[Record]] = {
    "user": User,
    "workspace": Workspace,
    "team": Team,
    "project": Project,
    "section": Section,
    "task": Task,
    "story": Story,
    "status_update": StatusUpdate,
    "ooo_entry": OooEntry,
    "custom_field": CustomField,
    "custom_field_setting": CustomFieldSetting,
    "tag": Tag,
    "portfolio": Portfolio,
    "attachment": Attachment,
}
