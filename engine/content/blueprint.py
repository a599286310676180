"""A content source that serves text from prefetched project scripts, with templates behind it.

A *project script* (``engine.content.project_script``) is what one Claude call writes: a
project, its tasks, and for each task a thread script, the lines its people will say at each
stage. The engine stays pure: it never calls anything; a ``ScriptProvider`` hands over the
script for the ``index``-th project (or ``None``, and the template source writes that project
instead).

Comments are served in script order per task (a question about the assignee's work, asked by a
teammate or the manager, from the script's teammate questions, not the assignee's own); once a
task's lines of a kind are used up, or a kind has no scripted lines (out-of-office, where-is, sorry-for-delay), the template source
writes the comment. An answer is the scripted answer of the question with the same topic, and
an "unblocked" the scripted end of the blocker with the same topic; a late answer to a
scripted question is a templated apology alone (its scripted answer is dropped). What scripts cannot know is templated:
answers to a where-is, blockers on a dependency (they name the task waited on), reviews that
reject or reopen, and follow-ups on a blocker ("still blocked", short and neutral when the
blocker was scripted). Scripted lines draw nothing from ``rng``, so a run is deterministic for
a given set of scripts.
"""

from __future__ import annotations

import random
from collections import deque

import msgspec

from engine.content import (
    CommentContext,
    ContentSource,
    PersonRef,
    ProjectBlueprint,
    TaskBlueprint,
)
from engine.content.project_script import ADDRESSEE, ScriptProvider, TaskScript
from engine.content.templates_fill import capitalized, verb_forms
from engine.events import StatusType


def _first_name(person: PersonRef | None) -> str | None:
    if person is None:
        return None
    parts = person.name.split()
    return parts[0] if parts else None


class _Thread:
    """The unused lines of one task's script, consumed in order."""

    __slots__ = ("answers", "lines", "questions", "theirs", "unblocks", "blockers")

    def __init__(self, task: TaskScript) -> None:
        self.lines: dict[str, deque[str]] = {
            "start": deque(task.start),
            "progress": deque(task.progress),
            "review_request": deque(task.review_request),
            "review_feedback": deque(task.review_feedback),
            "done": deque(task.done),
        }
        self.questions = deque(task.questions)  # asked by the one doing the work
        self.theirs = deque(task.teammate_questions)  # asked of them about their work
        self.blockers = deque(task.blockers)
        # What the answer / unblocked comment of a topic says (None: templates write it); in
        # the order the topics were raised, for a context that names no topic.
        self.answers: dict[str, str | None] = {}
        self.unblocks: dict[str, str | None] = {}

    def extend(self, task: TaskScript) -> None:
        other = _Thread(task)
        for kind, lines in other.lines.items():
            self.lines[kind].extend(lines)
        self.questions.extend(other.questions)
        self.theirs.extend(other.theirs)
        self.blockers.extend(other.blockers)

    def take(self, kind: str, topic: str = "", outcome: str = "") -> str | None:
        if kind == "question":
            # A question about someone else's work is one scripted as such (a doer's own
            # question would read as if the asker did the work), else templated.
            pending = self.theirs if outcome == "theirs" else self.questions
            qa = pending.popleft() if pending else None
            self.answers[topic or f"#{len(self.answers)}"] = qa.answer if qa else None
            return qa.question if qa else None
        if kind == "blocked":
            blocker = self.blockers.popleft() if self.blockers else None
            self.unblocks[topic or f"#{len(self.unblocks)}"] = (
                blocker.unblocked if blocker else None
            )
            return blocker.blocked if blocker else None
        if kind in ("answer", "sorry_for_delay"):
            return _pop(self.answers, topic)
        if kind == "unblocked":
            return _pop(self.unblocks, topic)
        queue = self.lines.get(kind)
        return queue.popleft() if queue else None

    def scripted_block(self, topic: str) -> bool:
        return self.unblocks.get(topic) is not None


def _pop(pending: dict[str, str | None], topic: str) -> str | None:
    """The line kept for `topic` (or for the oldest topic when none is named), forgotten."""
    if not topic:
        topic = next(iter(pending), "")
    return pending.pop(topic, None)


# Review outcomes a scripted line (one small change) can speak for; others are templated.
_SCRIPTED_OUTCOMES = frozenset({"", "approved", "changes_requested"})
_STILL_BLOCKED = (
    "Still blocked on {s}; no change since my last update.",
    "No movement on {s} yet, still waiting on the same thing.",
    "{S} {is} still on hold for the reason above.",
)


def _templated(context: CommentContext) -> bool:
    """Whether only the templates can say this (the script has no line for it)."""
    kind = context.kind
    if kind in ("answer", "sorry_for_delay"):
        return context.reply_kind == "where_is"
    if kind in ("blocked", "unblocked"):
        return bool(context.waits_on)
    if kind == "review_feedback":
        return context.outcome not in _SCRIPTED_OUTCOMES
    # (a chase of an unanswered question, and the done comment that went ahead without one)
    return context.outcome in ("chase", "unanswered")


def _fill(line: str, context: CommentContext) -> str | None:
    if ADDRESSEE not in line:
        return line
    name = _first_name(context.to)
    return line.replace(ADDRESSEE, name) if name else None


class BlueprintSource:
    """Content from project scripts; ``fallback`` (the template source) writes the rest."""

    def __init__(
        self, provider: ScriptProvider, fallback: ContentSource, *, name: str = "anthropic"
    ) -> None:
        self.name = name
        self._provider = provider
        self._fallback = fallback
        self._threads: dict[tuple[str, str], _Thread] = {}
        self.scripted_comments = 0
        self.template_comments = 0
        self.template_projects = 0

    def project(self, rng: random.Random, *, industry: str, index: int) -> ProjectBlueprint:
        script = self._provider.script(index)
        if script is None:
            self.template_projects += 1
            return self._fallback.project(rng, industry=industry, index=index)
        for task in script.tasks:
            key = (script.name, task.subject)
            if key in self._threads:  # two projects with one name: their lines pool
                self._threads[key].extend(task)
            else:
                self._threads[key] = _Thread(task)
        tasks = tuple(
            TaskBlueprint(name=t.name, notes=t.notes, subject=t.subject, subtasks=tuple(t.subtasks))
            for t in script.tasks
        )
        return ProjectBlueprint(name=script.name, notes=script.notes, tasks=tasks)

    def comment(self, rng: random.Random, context: CommentContext) -> str:
        thread = self._threads.get((context.project_name, context.task_subject))
        if thread is not None and not _templated(context):
            if context.kind == "blocked" and context.outcome == "still":
                if thread.scripted_block(context.topic):  # the reason is the script's
                    self.scripted_comments += 1
                    still = _STILL_BLOCKED[int(rng.random() * len(_STILL_BLOCKED))]
                    subject = context.task_subject
                    words = {**verb_forms(subject), "s": subject, "S": capitalized(subject)}
                    return still.format_map(words)
            else:
                line = thread.take(context.kind, context.topic, context.outcome)
                text = _fill(line, context) if line is not None else None
                if text is not None and context.kind == "sorry_for_delay":
                    # A templated apology; the scripted answer is dropped, and no templated
                    # answer stands in for it (it would answer another question).
                    self.template_comments += 1
                    return self._fallback.comment(
                        rng, msgspec.structs.replace(context, reply_kind="")
                    )
                if text is not None:
                    self.scripted_comments += 1
                    return text
        self.template_comments += 1
        return self._fallback.comment(rng, context)

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
        return self._fallback.status_update(
            rng,
            project_name=project_name,
            status_type=status_type,
            done=done,
            total=total,
            author=author,
            blocked=blocked,
            unit=unit,
        )
