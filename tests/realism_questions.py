"""What becomes of the questions a task's assignee asks on their own task, for
tests/realism_probe.py: a teammate who asked something gets an answer, chases it, or says in
the done comment what they went with. From events alone, so they measure any log, old or new."""

from __future__ import annotations

from collections.abc import Iterable

from engine import events as ev

# What answers a question: an answer from whoever was asked, or their apology that answers it.
ANSWER_KINDS = frozenset({"answer", "sorry_for_delay"})


def own_questions(
    events: Iterable[ev.Event],
) -> tuple[int, list[tuple[ev.CommentAdded, ev.CommentAdded | None]]]:
    """(the questions a task's assignee asked on it; those still without an answer from whoever
    they asked when the task was completed, each with the comment its completer posted right
    after the completion, if any)."""
    assignee: dict[str, str | None] = {}
    waiting: dict[str, list[ev.CommentAdded]] = {}  # task -> own questions not answered yet
    just_done: tuple[str, list[ev.CommentAdded]] | None = None  # left at the last event
    asked = 0
    left: list[tuple[ev.CommentAdded, ev.CommentAdded | None]] = []
    for e in events:
        if just_done is not None:  # (a done comment comes right after its completion)
            task, questions = just_done
            done = e if isinstance(e, ev.CommentAdded) and e.task == task else None
            left += [(q, done) for q in questions]
            just_done = None
        if isinstance(e, ev.TaskCreated | ev.TaskAssigned):
            assignee[e.task] = e.assignee
        elif isinstance(e, ev.TaskCompleted):
            if waiting.get(e.task):
                just_done = (e.task, waiting.pop(e.task))
        elif isinstance(e, ev.CommentAdded):
            if e.kind == "question" and e.actor == assignee.get(e.task):
                asked += 1
                waiting.setdefault(e.task, []).append(e)
            elif e.kind in ANSWER_KINDS and waiting.get(e.task):
                waiting[e.task] = [q for q in waiting[e.task] if q.to != e.actor]
    if just_done is not None:
        left += [(q, None) for q in just_done[1]]
    return asked, left


def unacknowledged(
    left: list[tuple[ev.CommentAdded, ev.CommentAdded | None]], answers: frozenset[str]
) -> list[ev.CommentAdded]:
    """Of the questions left without an answer at their task's completion, those whose task's
    done comment does not say what its author went with instead (one of the vocabulary's
    `answers`, in lower case: "Went with last year's format since I didn't hear back")."""
    return [
        question
        for question, done in left
        if done is None or done.kind != "done" or not any(a in done.text.lower() for a in answers)
    ]
