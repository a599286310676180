"""What the projection holds (engine.state folds events into it): people, projects, tasks,
custom fields, portfolios, the questions waiting for an answer, and each person's open
assignments by lifecycle state.

Compiled code reads these at every moment, so they are slotted classes with native
attributes; a few write their initialiser out (see TaskView).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from engine import events as ev


@dataclass(slots=True)
class PersonView:
    id: str
    name: str
    email: str
    role: str
    timezone: str
    team: str
    tz: ZoneInfo
    away: tuple[date, date] | None = None


@dataclass(slots=True)
class ProjectView:
    id: str
    name: str
    owner: str
    team: str
    created_at: datetime
    sections: dict[str, str] = field(default_factory=dict)  # lifecycle state → section id
    tasks: dict[str, None] = field(default_factory=dict)
    unassigned: dict[str, None] = field(default_factory=dict)  # open top-level tasks, no assignee
    open_tasks: int = 0  # tasks and subtasks not completed
    completed: bool = False
    last_status_at: datetime | None = None
    last_status_type: str | None = None
    members: dict[str, None] = field(default_factory=dict)
    custom_fields: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class FieldView:
    id: str
    name: str
    kind: str
    options: tuple[str, ...]


@dataclass(slots=True)
class PortfolioView:
    id: str
    name: str
    owner: str
    projects: dict[str, None] = field(default_factory=dict)
    last_status_at: datetime | None = None


# A task that was asked this many questions gets no more: people ask what is still open on it,
# and after twelve (an industry has eight questions, four generic ones behind them) none is.
MAX_QUESTIONS_PER_TASK: Final = 12


@dataclass(slots=True, init=False)
class TaskView:
    """A task as the projection knows it. Its initialiser is written out: a dataclass's own is
    generated Python that stays interpreted even when this module is compiled."""

    id: str
    project: str
    name: str
    creator: str
    created_at: datetime
    parent: str | None
    assignee: str | None
    state: ev.TaskState
    due_on: date | None
    completed: bool
    completed_at: datetime | None
    approved: bool
    reviewer: str | None
    followers: dict[str, None]
    likers: dict[str, None]
    comments: int
    last_activity: datetime | None
    subtasks: dict[str, None]
    open_subtasks: int
    subtype: str
    custom: dict[str, str | float]
    tags: dict[str, None]
    depends_on: dict[str, None]
    dependents: dict[str, None]
    blocked_by: str | None
    approval_status: str | None  # approvals: pending until decided
    # The comment that said why the task is blocked now (its unblocking resolves that reason).
    blocker: str | None
    # Progress notes on the task on `notes_day` (the author's local date): people pace them.
    notes_day: date | None
    notes_that_day: int
    # The texts of the questions asked on the task so far (a question asks something else).
    asked: tuple[str, ...]
    # (comment id, who was asked) of its questions still without an answer from them: the
    # question itself is in State.asked under that person (its assignee, about to finish the
    # task, looks here for their own: engine.open_questions).
    open_questions: tuple[tuple[str, str], ...]

    def __init__(
        self,
        *,
        id: str,
        project: str,
        name: str,
        creator: str,
        created_at: datetime,
        parent: str | None,
        assignee: str | None,
        due_on: date | None = None,
        last_activity: datetime | None = None,
        subtype: str = "default_task",
        approval_status: str | None = None,
    ) -> None:
        self.id, self.project, self.name, self.creator = id, project, name, creator
        self.created_at, self.parent, self.assignee = created_at, parent, assignee
        self.state = "new"
        self.due_on = due_on
        self.completed, self.completed_at = False, None
        self.approved, self.reviewer = False, None
        self.followers, self.likers = {}, {}
        self.comments = 0
        self.last_activity = last_activity
        self.subtasks, self.open_subtasks = {}, 0
        self.subtype = subtype
        self.custom, self.tags = {}, {}
        self.depends_on, self.dependents = {}, {}
        self.blocked_by = None
        self.approval_status = approval_status
        self.blocker = None
        self.notes_day, self.notes_that_day = None, 0
        self.asked = ()
        self.open_questions = ()


@dataclass(slots=True, init=False)
class Question:
    """A question or where-is waiting for an answer from the person it was put to (its
    initialiser written out, as TaskView's). Its comment id (the key it is kept under) is its
    topic; `kind` and `text` let the answer reply to what was asked."""

    task: str
    asker: str
    at: datetime
    kind: str
    text: str

    def __init__(
        self, task: str, asker: str, at: datetime, kind: str = "question", text: str = ""
    ) -> None:
        self.task, self.asker, self.at = task, asker, at
        self.kind, self.text = kind, text


class Assignments:
    """One person's open assigned tasks by lifecycle state (dicts of task id → task in the order
    they got there; done tasks are not kept). Attributes rather than a dict keyed by state, and
    the tasks themselves rather than their ids: people read them at every moment."""

    new: dict[str, TaskView]
    in_progress: dict[str, TaskView]
    blocked: dict[str, TaskView]
    in_review: dict[str, TaskView]

    def __init__(self) -> None:
        self.new, self.in_progress, self.blocked, self.in_review = {}, {}, {}, {}

    @property
    def count(self) -> int:
        return len(self.new) + len(self.in_progress) + len(self.blocked) + len(self.in_review)

    def in_state(self, state: str) -> dict[str, TaskView]:
        if state == "in_progress":
            return self.in_progress
        if state == "new":
            return self.new
        if state == "blocked":
            return self.blocked
        if state == "in_review":
            return self.in_review
        raise KeyError(f"no open tasks are kept in state {state!r}")

    def active(self) -> list[TaskView]:
        """The tasks under way: in progress, blocked or in review."""
        return [*self.in_progress.values(), *self.blocked.values(), *self.in_review.values()]
