"""Where names, notes and comment text come from.

The simulation asks a ``ContentSource`` for text at the moment it needs it and stores the
answer inside the events, so a replay never needs a content source. Sources are
deterministic given the ``random.Random`` the world hands them.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Protocol

import msgspec

from engine.compiled import extend_subpackage
from engine.events import CommentKind, StatusType

extend_subpackage(__path__, "content")  # the templates modules may run compiled

if TYPE_CHECKING:
    from engine.content.team_clauses import RecentClauses
    from engine.content.templates_fill import RecentParts


class TaskBlueprint(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    notes: str = ""
    # A short noun phrase comments can mention ("the HIPAA checklist").
    subject: str
    subtasks: tuple[str, ...] = ()
    # The task's own kind of work when it is not its subject's (a follow-up's: see
    # vocab_follow_ups.WORK; its comments talk of it); "" for the subject's.
    work: str = ""


class ProjectBlueprint(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    notes: str = ""
    tasks: tuple[TaskBlueprint, ...]


class PersonRef(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    role: str


class CommentContext(msgspec.Struct, frozen=True, kw_only=True):
    """What a comment is about and who writes it."""

    kind: CommentKind
    task_name: str
    task_subject: str
    # The task's own kind of work when it is not its subject's (a follow-up's, "brief" on
    # "Prepare the support team for the push notification service"); "" for the subject's.
    task_work: str = ""
    project_name: str
    author: PersonRef
    # Who the comment is addressed to (question, answer, where-is, review), if anyone.
    to: PersonRef | None = None
    # Free detail for some kinds: the return date for out-of-office, days away for sorry.
    detail: str = ""
    # A key shared by a question (or where-is) and its answer, and by a blocker, its follow-ups
    # and its unblocking: the same key means the same topic (the id of the comment that raised
    # it). Sources may derive the topic from it; "" when the comment starts no thread.
    topic: str = ""
    # For an answer or apology: the text and kind ("question" | "where_is") of what it answers.
    replying_to: str = ""
    reply_kind: str = ""
    # How the work went: for review_feedback "approved" | "changes_requested" | "rejected" |
    # "reopened"; for blocked "still" (an update on a blocker announced before); for a question
    # "theirs" (asked of the task's assignee about their work, not by the one doing it); else "".
    outcome: str = ""
    # For blocked / unblocked on a dependency: the name of the task it waits (waited) on; for
    # an answer to a where-is about a task not started: the one it waits on to start, if any.
    waits_on: str = ""
    # Who has that task, when it is someone other than the author (an answer names them).
    waits_on_owner: PersonRef | None = None
    # The task's lifecycle state when the comment is written (an answer to a where-is says it).
    task_state: str = ""
    # The author's local hour (0-23), so "Morning!" or "End of day update" fit the clock.
    local_hour: int | None = None
    # For out-of-office: the days away ("Thu 08 Feb-Fri 09 Feb"); `detail` is the day back and
    # `to` the colleague who covers.
    period: str = ""
    # For a question: the texts of the questions asked on the task before (it asks another).
    asked: tuple[str, ...] = ()
    # What the author wrote lately (kept by the engine, one per person; a source notes what it
    # uses): a source says something else than what is in it. None: no memory.
    said: RecentParts | None = None
    # The progress clauses the author's team posted in the last hours (kept by the engine, one
    # a team; a source notes what it uses): a source picks another. None: no memory.
    team_said: RecentClauses | None = None


class ContentSource(Protocol):
    name: str

    def project(self, rng: random.Random, *, industry: str, index: int) -> ProjectBlueprint:
        """A project with its tasks, for the ``index``-th project of a run."""

    def comment(self, rng: random.Random, context: CommentContext) -> str:
        """One comment's text; it mentions the task's subject."""

    def status_update(
        self,
        rng: random.Random,
        *,
        project_name: str,
        status_type: StatusType,
        done: int,
        total: int,
        author: PersonRef,
        blocked: int = 0,
        unit: str = "task",
    ) -> tuple[str, str]:
        """A project's (or portfolio's) status update: (title, text) for `done` of `total`
        `unit`s ("task", "project"), `blocked` of the open ones blocked."""
