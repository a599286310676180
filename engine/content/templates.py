"""The offline template content source: industry vocabulary combined at random.

A comment is built from independently chosen parts (opener, body with the subject, extra,
closer) whose placeholders are filled from the industry's vocabulary, so a few hundred
phrases give hundreds of thousands of distinct comments. The phrases come compiled once at
import (`templates_tables`), so a call only draws from ``rng`` and fills them
(`templates_fill`).

The protocol's ``comment`` does not say which industry a task belongs to, so the source finds
it from the subject: every subject a blueprint produces is unique across industries and
indexed (`templates_tables.known_subject`), with its kind of work and whether it is plural ("the
lanes are"). A subject from elsewhere falls back to neutral vocabulary. A follow-up's comments
take the words of its own work instead of its subject's (``task_work``: `templates_work`). ``status_update`` gets
no industry either and uses neutral wording (`templates_status`). Every comment kind mentions
the subject.

A comment's author comes with what they wrote lately (``CommentContext.said``): each part and
each drawn word is another variant than those, where the pool has one (an opener, extra or
closer is left out instead), so nobody says the same sentence twice in a few days.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Final

from engine.content import (
    CommentContext,
    PersonRef,
    ProjectBlueprint,
    TaskBlueprint,
)
from engine.content import vocab_comments as vc
from engine.content import vocab_tasks as vt
from engine.content.templates_fill import (
    NO_FORMS,
    NO_WORDS,
    Part,
    Pools,
    capitalized,
    fill,
    fresh,
    freshest,
    is_plural,
    pick,
    said_by,
    split_template,
    verb_forms,
)
from engine.content.templates_parts import (
    answer_to,
    answer_variant,
    first_name,
    fitting,
    fresh_body,
    paired_answer,
    topic_number,
    unasked_question,
    variant,
)
from engine.content.templates_status import status_text
from engine.content.templates_tables import (
    KINDS,
    NEUTRAL,
    NOTE_TAILS,
    SUBTASKS,
    TASK_NOTES,
    UNKNOWN_HOUR,
    as_subject,
    industry_named,
    known_subject,
)
from engine.content.templates_work import AT_WORK, subject_at_work
from engine.errors import InvalidInput
from engine.events import COMMENT_KINDS, StatusType
from engine.scenario import INDUSTRIES

# Share of comments that are just the body, opener + body, or the full four parts.
_SHORT: Final = 0.35
_MEDIUM: Final = 0.70
_SUBTASK_SHARE: Final = 0.4
_NAME_ROUNDS: Final = 3
_MIN_TASKS: Final = 8
_MAX_TASKS: Final = 20
# The comment tables as plain dicts (the tables keep read-only views): compiled, a dict's get is
# native, a mapping proxy's a method call, three a comment.
_KINDS: Final = dict(KINDS)
_AT_WORK: Final = AT_WORK


class TemplateSource:
    """Offline, deterministic content from per-industry templates."""

    name = "templates"

    def __init__(self) -> None:
        self._first_names: dict[str, str] = {}  # full name → first name ("" if nameless)

    def _first_name(self, person: PersonRef, default: str) -> str:
        """`first_name`, remembered: people write many comments."""
        first = self._first_names.get(person.name)
        if first is None:
            first = self._first_names[person.name] = first_name(person, "")
        return first or default

    def project(self, rng: random.Random, *, industry: str, index: int) -> ProjectBlueprint:
        ind = industry_named(industry)
        draw = rng.random
        # Cycle themes, then name patterns, by index; the n-th use of a pattern draws its {x}
        # from the n-th of _NAME_ROUNDS disjoint slices of the fills. So names cannot repeat
        # within a run's first themes x patterns x _NAME_ROUNDS projects (36) of an industry.
        theme = ind.themes[index % len(ind.themes)]
        which = (index // len(ind.themes)) % len(theme.names)
        use = index // (len(ind.themes) * len(theme.names))
        fills = theme.fills[use % _NAME_ROUNDS :: _NAME_ROUNDS]
        pools: Pools = {**ind.pools, "x": fills}
        drawn: dict[str, str] = {}  # the name and the notes share their drawn words
        name = fill([theme.names[which]], drawn, NO_FORMS, draw, pools)
        tails = rng.sample(NOTE_TAILS, 1 + int(draw() * 2))
        # goals[i] is the goal of the project named by names[i].
        notes = fill([theme.goals[which], *tails], drawn, NO_FORMS, draw, pools)
        count = _MIN_TASKS + int(draw() * (_MAX_TASKS - _MIN_TASKS + 1))
        n_common = min(len(ind.common), max(count - len(theme.objects), int(draw() * 3)))
        chosen = rng.sample(theme.objects, count - n_common) + rng.sample(ind.common, n_common)
        # (a task's notes in its kind of work's words: its scope is one that fits it)
        tasks = tuple(self._task(draw, rng, obj, cls, ind.by_class[cls]) for obj, cls in chosen)
        return ProjectBlueprint(name=name, notes=notes, tasks=tasks)

    def _task(
        self, draw: Callable[[], float], rng: random.Random, obj: str, cls: str, pools: Pools
    ) -> TaskBlueprint:
        subject = "the " + obj
        fixed = {"s": subject, "S": capitalized(subject)}
        forms = verb_forms(obj)
        notes = fill([pick(draw, TASK_NOTES[cls])], fixed, forms, draw, pools)
        subtasks: tuple[str, ...] = ()
        if draw() < _SUBTASK_SHARE:
            steps = SUBTASKS[cls]  # a few of them, in the order they are done
            picked = sorted(rng.sample(range(len(steps)), 1 + int(draw() * 3)))
            subtasks = tuple(
                fill([pick(draw, steps[i])], fixed, forms, draw, pools) for i in picked
            )
        return TaskBlueprint(
            name=f"{pick(draw, vt.VERBS[cls])} {obj}", notes=notes, subject=subject,
            subtasks=subtasks,
        )  # fmt: skip

    def comment(self, rng: random.Random, context: CommentContext) -> str:
        base = _KINDS.get(context.kind)
        if base is None:
            raise InvalidInput(
                f"comment kind {context.kind!r} is not known; "
                f"expected one of: {', '.join(COMMENT_KINDS)}"
            )
        kind = _KINDS.get(variant(context), base)
        subject = context.task_subject
        work = context.task_work  # (a follow-up's: words of its own work, see templates_work)
        found = _AT_WORK.get((subject, work)) if work else known_subject(subject)
        if work and found is None:
            found = subject_at_work(subject, work)
        pools, forms, capital = found if found is not None else as_subject(subject, NEUTRAL)
        draw = rng.random
        fixed = {
            "s": subject,
            "S": capital,
            "me": self._first_name(context.author, "me"),
            "d": context.detail or kind.default_detail,
            "w": context.waits_on or "the task before it",
            "p": context.period or vc.DEFAULT_PERIOD,
        }
        waits_on = context.waits_on
        if waits_on and subject.removeprefix("the ").lower() in waits_on.lower():
            # The task it waits on is named after this one's subject ("Plan the rollout of the
            # runbook"): "this", not the subject said twice.
            fixed["s"], fixed["S"], forms = "this", "This", verb_forms("this")
        if context.asked:  # a question on a task asked before asks something else
            fixed["qst"] = unasked_question(draw, pools, context.said, context.asked)
        if context.topic:  # one topic: the blocker and its end, the question and its answer
            number = topic_number(context.topic)
            for pool in ("blk", "unb"):
                options = pools[pool]
                fixed[pool] = options[number % len(options)]
            # A question is drawn like any word (so the asker asks something they did not ask
            # lately); what answers it is the one paired with what it asked.
            if context.kind != "question":
                fixed["ans"] = answer_to(pools, context.replying_to, number)
                if context.outcome == "unanswered" and not paired_answer(
                    pools, context.replying_to
                ):  # (a question not of our wording: what they went with is left unsaid)
                    kind = _KINDS["done:unanswered:open"]
        hour = context.local_hour
        h = hour if hour is not None and 0 <= hour < UNKNOWN_HOUR else UNKNOWN_HOUR
        to = context.to
        if to is not None:
            fixed["to"] = self._first_name(to, "team")
        if context.waits_on_owner is not None:
            fixed["o"] = self._first_name(context.waits_on_owner, "someone")
        addressed = to is not None and (kind.openers_to[h] or kind.bodies_to[h])
        said = context.said  # what the author wrote lately: they say something else
        named = fixed.get("to", "")  # (a part that names the addressee is new for another one)
        parts: list[Part] = []
        shape = draw()
        # A part says its fixed texts' words too (the blocker, the answer, the days waited:
        # `said_by`); no other part says them again (part_echo).
        reply = None
        taken = NO_WORDS
        if context.kind == "sorry_for_delay" and context.reply_kind:  # the apology answers too
            answer = _KINDS.get(answer_variant(context), _KINDS["answer"])
            reply = fresh_body(draw, fitting(answer.bodies[h], fixed, NO_WORDS), said, subject)
            taken = said_by(reply, fixed)  # (chosen first: the apology says none of its words)
        if addressed and kind.bodies_to[h]:
            body = freshest(draw, fitting(kind.bodies_to[h], fixed, taken), said, named)
        else:
            body = fresh_body(draw, fitting(kind.bodies[h], fixed, taken), said, subject)
        # The optional parts are left out when all of their variants were said lately, and
        # say no word the parts before them said (part_echo).
        taken |= said_by(body, fixed)
        opener = None
        if addressed and kind.openers_to[h]:
            opener = fresh(draw, kind.openers_to[h], said, named, taken)
            if opener is None:  # every one said to them lately: one that names nobody
                opener = fresh(draw, kind.openers[h], said, taken=taken)
        elif shape >= _SHORT:
            opener = fresh(draw, kind.openers[h], said, taken=taken)
        if opener is not None:
            parts.append(opener)
            taken |= opener.words
        parts.append(body)
        if reply is not None:
            parts.append(reply)
        if shape >= _MEDIUM:
            extra = fresh(draw, kind.extras[h], said, taken=taken)
            if extra is not None:
                parts.append(extra)
                taken |= extra.words
        if shape >= _MEDIUM or (shape >= _SHORT and draw() < 0.4):
            closer = fresh(draw, kind.closers[h], said, taken=taken)
            if closer is not None:
                parts.append(closer)
                taken |= closer.words
        templates = [part.template for part in parts]
        return fill(
            templates, fixed, forms, draw, pools, said, taken, context.team_said, drawn_taken=True
        )

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
        return status_text(
            rng,
            status_type=status_type,
            project_name=project_name,
            done=done,
            total=total,
            blocked=blocked,
            unit=unit,
            signature=self._first_name(author, ""),
            pools=NEUTRAL,
        )


__all__ = [
    "INDUSTRIES",
    "TemplateSource",
    "fill",
    "first_name",
    "is_plural",
    "answer_to",
    "split_template",
    "topic_number",
]
