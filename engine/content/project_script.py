"""A project script: what one Claude call writes for a project (see ``adapters.anthropic``),
and the checks that keep only what can be used of it.

A script holds a project, its tasks, and for each task a thread script: the lines its people
will say at each stage. ``decode_script`` reads one and ``check_script`` keeps tasks with clean
names and unique subjects, and lines that mention their task's subject and hold no placeholder
but ``{to}``. ``engine.content.blueprint`` plays checked scripts as a content source.
"""

from __future__ import annotations

import re
from typing import Protocol

import msgspec

ADDRESSEE = "{to}"  # the only placeholder a scripted line may use: the addressee's first name
MAX_LINE = 600


class QuestionAnswer(msgspec.Struct, frozen=True, kw_only=True):
    question: str
    answer: str


class Blocker(msgspec.Struct, frozen=True, kw_only=True):
    blocked: str
    unblocked: str


class TaskScript(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    # The short noun phrase every comment on the task mentions ("the HIPAA checklist").
    subject: str
    notes: str = ""
    subtasks: list[str] = []
    start: list[str] = []
    progress: list[str] = []
    # The one doing the work asks a colleague (their reviewer) ...
    questions: list[QuestionAnswer] = []
    # ... and a teammate or the manager asks the one doing it about their work ("are you ..."),
    # worded as about someone else's work.
    teammate_questions: list[QuestionAnswer] = []
    blockers: list[Blocker] = []
    review_request: list[str] = []
    review_feedback: list[str] = []
    done: list[str] = []


class ProjectScript(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    notes: str = ""
    tasks: list[TaskScript]


class InvalidScript(ValueError):
    """A script that cannot be used as it is; the message says why."""


class ScriptProvider(Protocol):
    def script(self, index: int) -> ProjectScript | None:
        """The script for the ``index``-th project of the run, or None to use templates."""


_script_decoder = msgspec.json.Decoder(ProjectScript)
_PLACEHOLDER = re.compile(r"[{}\[\]<>]|\bTODO\b|\bTBD\b|\blorem\b|\bXXX\b", re.IGNORECASE)
_ARTICLE = re.compile(r"^(the|a|an|our|this)(\s+|$)", re.IGNORECASE)


def decode_script(data: bytes | str) -> ProjectScript:
    """Decode and check a script; raises InvalidScript naming what is wrong."""
    try:
        script = _script_decoder.decode(data)
    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError
        raise InvalidScript(f"not a project script: {exc}") from None
    return check_script(script)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _is_clean(text: str, *, allow_addressee: bool = False) -> bool:
    if allow_addressee:
        text = text.replace(ADDRESSEE, "")
    return bool(text.strip()) and len(text) <= MAX_LINE and not _PLACEHOLDER.search(text)


def subject_core(subject: str) -> str:
    """The part of a subject a comment must contain: "the HIPAA checklist" -> "hipaa checklist"."""
    return _ARTICLE.sub("", _clean(subject)).lower()


def _line_ok(line: str, core: str) -> bool:
    return _is_clean(line, allow_addressee=True) and core in line.lower()


def _lines(lines: list[str], core: str) -> list[str]:
    return [c for c in (_clean(x) for x in lines) if _line_ok(c, core)]


def _pairs(pairs: list[QuestionAnswer], core: str) -> list[QuestionAnswer]:
    return [
        QuestionAnswer(question=_clean(qa.question), answer=_clean(qa.answer))
        for qa in pairs
        if _line_ok(_clean(qa.question), core) and _is_clean(qa.answer, allow_addressee=True)
    ]


def _check_task(task: TaskScript) -> TaskScript | None:
    name, subject = _clean(task.name), _clean(task.subject)
    core = subject_core(subject)
    if not (_is_clean(name) and _is_clean(subject) and core):
        return None
    notes = _clean(task.notes)
    return TaskScript(
        name=name,
        subject=subject,
        notes=notes if _is_clean(notes) else "",
        subtasks=[s for s in (_clean(x) for x in task.subtasks) if _is_clean(s)],
        start=_lines(task.start, core),
        progress=_lines(task.progress, core),
        questions=_pairs(task.questions, core),
        teammate_questions=_pairs(task.teammate_questions, core),
        blockers=[
            Blocker(blocked=_clean(b.blocked), unblocked=_clean(b.unblocked))
            for b in task.blockers
            if _line_ok(_clean(b.blocked), core) and _line_ok(_clean(b.unblocked), core)
        ],
        review_request=_lines(task.review_request, core),
        review_feedback=_lines(task.review_feedback, core),
        done=_lines(task.done, core),
    )


def check_script(script: ProjectScript) -> ProjectScript:
    """Keep what is usable: tasks with clean names and unique subjects, lines that mention their
    task's subject and hold no placeholder but ``{to}``. Raises InvalidScript when the project
    itself is unusable (no clean name, no usable task)."""
    name = _clean(script.name)
    if not _is_clean(name):
        raise InvalidScript(f"project name {script.name!r} is empty or holds a placeholder")
    tasks, seen = [], set()
    for task in script.tasks:
        checked = _check_task(task)
        if checked is not None and subject_core(checked.subject) not in seen:
            seen.add(subject_core(checked.subject))
            tasks.append(checked)
    if not tasks:
        raise InvalidScript(f"project {name!r} has no usable task")
    notes = _clean(script.notes)
    return ProjectScript(name=name, notes=notes if _is_clean(notes) else "", tasks=tasks)


__all__ = [
    "ADDRESSEE",
    "MAX_LINE",
    "Blocker",
    "InvalidScript",
    "ProjectScript",
    "QuestionAnswer",
    "ScriptProvider",
    "TaskScript",
    "check_script",
    "decode_script",
    "subject_core",
]
