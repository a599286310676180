"""The event vocabulary: everything that happens in a simulated organisation.

One msgspec tagged union. Tags (the class names) are written to disk, so they never change;
new fields get defaults and a field's type never changes (schema evolution rule).

Every event carries the envelope ``seq`` (1, 2, 3 ... no gaps), ``at`` (UTC, simulated time)
and ``actor`` (the simulation id of the person who did it, e.g. ``u3``). Ids are stable
simulation ids: ``u3`` people, ``p1`` projects, ``s4`` sections, ``t37`` tasks, ``c12``
comments, ``su2`` status updates. All text a replay needs is inside the events.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

Role = Literal["manager", "lead", "individual_contributor", "contractor"]
TaskState = Literal["new", "in_progress", "blocked", "in_review", "done"]
CommentKind = Literal[
    "start",
    "progress",
    "question",
    "answer",
    "blocked",
    "unblocked",
    "review_request",
    "review_feedback",
    "done",
    "out_of_office",
    "where_is",
    "sorry_for_delay",
]
StatusType = Literal["on_track", "at_risk", "off_track", "on_hold", "complete"]
TaskSubtype = Literal["default_task", "milestone", "approval"]
ApprovalStatus = Literal["approved", "rejected", "changes_requested"]
FieldKind = Literal["enum", "number", "date", "text"]
# A custom field's value: an enum option's name, a number, an ISO date, or text.
FieldValue = str | float

TASK_STATES: tuple[TaskState, ...] = ("new", "in_progress", "blocked", "in_review", "done")
COMMENT_KINDS: tuple[CommentKind, ...] = CommentKind.__args__  # type: ignore[attr-defined]
STATUS_TYPES: tuple[StatusType, ...] = StatusType.__args__  # type: ignore[attr-defined]
ROLES: tuple[Role, ...] = Role.__args__  # type: ignore[attr-defined]


class Event(msgspec.Struct, frozen=True, tag_field="type", omit_defaults=True):
    # The envelope may be given by position (seq, at, actor); every other field by name.
    seq: int
    at: datetime
    actor: str


class PersonJoined(Event, frozen=True, kw_only=True):
    person: str
    name: str
    email: str
    role: Role
    timezone: str
    team: str = ""


class ProjectCreated(Event, frozen=True, kw_only=True):
    project: str
    name: str
    notes: str = ""
    owner: str
    team: str = ""
    due_on: date | None = None
    # People added as project members, and custom fields shown on the project.
    members: tuple[str, ...] = ()
    custom_fields: tuple[str, ...] = ()


class SectionCreated(Event, frozen=True, kw_only=True):
    section: str
    project: str
    name: str
    # The lifecycle state whose tasks live in this section ("" for a free-form section).
    state: str = ""


class TaskCreated(Event, frozen=True, kw_only=True):
    task: str
    project: str
    name: str
    notes: str = ""
    section: str | None = None
    parent: str | None = None
    assignee: str | None = None
    due_on: date | None = None
    start_on: date | None = None
    followers: tuple[str, ...] = ()
    subtype: TaskSubtype = "default_task"
    tags: tuple[str, ...] = ()
    # Custom field id → value, set when the task is created.
    custom_fields: dict[str, FieldValue] = {}


class TaskAssigned(Event, frozen=True, kw_only=True):
    task: str
    assignee: str
    previous: str | None = None


class TaskStateChanged(Event, frozen=True, kw_only=True):
    task: str
    state: TaskState
    previous: TaskState
    # The section the task moves to, when its project has one for the new state.
    section: str | None = None
    # When blocked because another task is unfinished: that task.
    blocked_by: str | None = None


class TaskCompleted(Event, frozen=True, kw_only=True):
    task: str


class TaskReopened(Event, frozen=True, kw_only=True):
    task: str


class DueDateChanged(Event, frozen=True, kw_only=True):
    task: str
    due_on: date
    previous: date | None = None


class CommentAdded(Event, frozen=True, kw_only=True):
    comment: str
    task: str
    kind: CommentKind
    text: str
    # The person a question, where-is or answer is addressed to.
    to: str | None = None


class TaskLiked(Event, frozen=True, kw_only=True):
    task: str


class FollowerAdded(Event, frozen=True, kw_only=True):
    task: str
    follower: str


class StatusUpdatePosted(Event, frozen=True, kw_only=True):
    status_update: str
    project: str
    status_type: StatusType
    title: str
    text: str


class ProjectCompleted(Event, frozen=True, kw_only=True):
    project: str


class PersonWentOutOfOffice(Event, frozen=True, kw_only=True):
    person: str
    # First and last local calendar day away (inclusive).
    start_on: date
    end_on: date


class PersonReturned(Event, frozen=True, kw_only=True):
    person: str


class CustomFieldCreated(Event, frozen=True, kw_only=True):
    field: str
    name: str
    kind: FieldKind
    options: tuple[str, ...] = ()  # enum options, in order
    precision: int = 0  # number fields: digits after the decimal point


class CustomFieldChanged(Event, frozen=True, kw_only=True):
    task: str
    field: str
    value: FieldValue | None  # None clears the value
    previous: FieldValue | None = None


class TagCreated(Event, frozen=True, kw_only=True):
    tag: str
    name: str
    color: str = ""


class TagAdded(Event, frozen=True, kw_only=True):
    task: str
    tag: str


class DependencyAdded(Event, frozen=True, kw_only=True):
    task: str
    # The task that must finish first.
    depends_on: str


class ApprovalDecided(Event, frozen=True, kw_only=True):
    task: str
    status: ApprovalStatus


class PortfolioCreated(Event, frozen=True, kw_only=True):
    portfolio: str
    name: str
    owner: str


class PortfolioItemAdded(Event, frozen=True, kw_only=True):
    portfolio: str
    project: str


class PortfolioStatusPosted(Event, frozen=True, kw_only=True):
    status_update: str
    portfolio: str
    status_type: StatusType
    title: str
    text: str


AnyEvent = (
    PersonJoined
    | ProjectCreated
    | SectionCreated
    | TaskCreated
    | TaskAssigned
    | TaskStateChanged
    | TaskCompleted
    | TaskReopened
    | DueDateChanged
    | CommentAdded
    | TaskLiked
    | FollowerAdded
    | StatusUpdatePosted
    | ProjectCompleted
    | PersonWentOutOfOffice
    | PersonReturned
    | CustomFieldCreated
    | CustomFieldChanged
    | TagCreated
    | TagAdded
    | DependencyAdded
    | ApprovalDecided
    | PortfolioCreated
    | PortfolioItemAdded
    | PortfolioStatusPosted
)

EVENT_TYPES: dict[str, type[Event]] = {cls.__name__: cls for cls in AnyEvent.__args__}

# One Encoder and one typed Decoder, reused everywhere (creating them per call is slow).
ENCODER = msgspec.json.Encoder()
DECODER = msgspec.json.Decoder(AnyEvent)


def encode(event: Event) -> bytes:
    return ENCODER.encode(event)


def decode(line: bytes | str) -> Event:
    """Decode one JSON event; raises ``msgspec.ValidationError`` naming the field path."""
    return DECODER.decode(line)
