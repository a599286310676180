"""Template text that reads as one coherent comment: verbs agree with plural subjects, a
comment's opener and body do not say the same thing twice, and an author does not repeat what
they wrote lately. Checked over the whole vocabulary where possible. (Status updates:
test_content_status.py.)
"""

from __future__ import annotations

import itertools
import random
import re

import pytest

from engine.content import CommentContext, PersonRef
from engine.content import blueprint as bp
from engine.content import vocab_comments as vc
from engine.content import vocab_tasks as vt
from engine.content.templates import TemplateSource
from engine.content.templates_fill import RecentParts
from engine.content.templates_tables import KINDS, UNKNOWN_HOUR, every_subject
from engine.events import COMMENT_KINDS
from engine.scenario import INDUSTRIES
from tests import realism_probe as probe

SOURCE = TemplateSource()
ALICE = PersonRef(name="Alice Chen", role="manager")
BOB = PersonRef(name="Bob Okafor", role="individual_contributor")
# Present-tense verbs that agree only with a singular subject: after {s} or {S} they must be
# a verb-form placeholder ({is}, {depends}, ...) instead.
SINGULAR_VERBS = frozenset(
    {"is", "isn't", "was", "wasn't", "has", "hasn't", "does", "doesn't", "depends", "looks"}
    | {"needs", "goes", "seems", "waits", "sits", "stays", "gets", "takes", "remains"}
)
# The subject with the word before it (a preposition makes it an object: "the blocker on
# {s} is gone") and the word after it.
SUBJECT_THEN_WORD = re.compile(r"(?:([a-z]+) )?\{[sS]\} ([a-z']+)")
PREPOSITIONS = frozenset({"on", "of", "for", "about", "with", "in", "to", "from", "by"})
# Words too common to make two parts repeat each other on their own ("for the", "on it").
FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "to", "of", "on", "it", "is", "i", "we", "this", "that", "for", "and"}
    | {"in", "with", "me", "my", "you", "your", "be", "are"}
)


def _kinds_with_variants() -> list[tuple[str, dict[str, tuple[str, ...]]]]:
    """Every kind and variant with the parts a comment of it draws from (see templates_tables)."""
    out = list(vc.KINDS.items())
    for name in vc.VARIANTS:
        steps = name.split(":")
        merged = dict(vc.KINDS[steps[0]])
        for depth in range(2, len(steps) + 1):
            merged.update(vc.VARIANTS.get(":".join(steps[:depth]), {}))
        out.append((name, merged))
    return out


def test_a_verb_after_the_subject_agrees_with_it_in_every_template():
    templates = [t for _, parts in _kinds_with_variants() for ts in parts.values() for t in ts]
    templates += [t for ts in vt.TASK_NOTES.values() for t in ts]
    templates += [t for steps in vt.SUBTASKS.values() for wordings in steps for t in wordings]
    templates += list(bp._STILL_BLOCKED)
    for template in templates:
        for before, word in SUBJECT_THEN_WORD.findall(template):
            assert before in PREPOSITIONS or word not in SINGULAR_VERBS, (
                f"{template!r}: use {{{word}}} (agrees with plurals)"
            )


def test_a_dependency_blocker_on_a_plural_subject_agrees():
    rng = random.Random(7)
    texts = set()
    for _ in range(300):
        texts.add(
            SOURCE.comment(
                rng,
                CommentContext(
                    kind="blocked",
                    task_name="Fix the self-checkout lanes",
                    task_subject="the self-checkout lanes",
                    project_name="Stores",
                    author=ALICE,
                    waits_on="Order spare scanners",
                ),  # fmt: skip
            )
        )
    assert any("The self-checkout lanes depend on" in t for t in texts), texts
    assert not any("lanes depends" in t for t in texts), texts


def _phrases(text: str) -> set[tuple[str, str]]:
    """The text's two-word phrases, agreement placeholders read as their verbs ("{looks}" is
    "look"), the subject as one word, phrases of function words only left out."""
    text = re.sub(r"^~\w+ ", "", text).lower()
    text = re.sub(r"\{(is|looks|needs|does|depends)\}", r"\1", text)
    text = re.sub(r"\{\w+\}", " subject ", text)
    words = [{"looks": "look", "needs": "need", "depends": "depend"}.get(w, w)
             for w in re.findall(r"[a-z']+", text)]  # fmt: skip
    pairs = set(itertools.pairwise(words))
    return {p for p in pairs if not set(p) <= FUNCTION_WORDS and "subject" not in p}


def test_no_opener_repeats_a_phrase_of_a_body_it_can_open():
    repeats = []
    for name, parts in _kinds_with_variants():
        openers = parts.get("openers", ()) + parts.get("openers_to", ())
        bodies = parts.get("bodies", ()) + parts.get("bodies_to", ())
        for opener, body in itertools.product(openers, bodies):
            if shared := _phrases(opener) & _phrases(body):
                repeats.append((name, opener, body, shared))
    assert not repeats, "\n".join(map(str, repeats))


def test_an_author_says_something_else_than_what_they_wrote_lately():
    """With what the author wrote lately, a busy three days of their notes and answers (to
    three colleagues) on their four tasks repeats no sentence; without it, they do. (A
    greeting that names the addressee is new to another one.)"""
    tasks = ["the launch checklist", "the press kit", "the pricing page", "the demo script"]
    colleagues = [
        BOB,
        PersonRef(name="Carol Diaz", role="lead"),
        PersonRef(name="Dan Wu", role="lead"),
    ]

    def comments(said: RecentParts | None) -> list[str]:
        rng = random.Random(9)
        out = []
        for n in range(24):
            if said is not None:
                said.on(n // 8)  # eight a day
            out.append(
                SOURCE.comment(
                    rng,
                    CommentContext(
                        kind="progress" if n % 2 else "answer",
                        task_name="Check " + tasks[n % 4],
                        task_subject=tasks[n % 4],
                        project_name="Launch",
                        author=ALICE,
                        to=None if n % 2 else colleagues[n % 3],
                        local_hour=10,
                        said=said,
                    ),
                )
            )
        return out

    def repeated(texts: list[str]) -> list[str]:
        seen: set[str] = set()
        again = []
        for text in texts:
            parts = {text, *probe.sentences(text)}
            again += sorted(parts & seen)
            seen |= parts
        return again

    assert repeated(comments(None))  # (the same draws without a memory say things again)
    assert not repeated(comments(RecentParts()))


# -- an apology with its answer, the apologies' wordings, statuses, doubled words -------------

_SUBJECTS = sorted(every_subject())[::7]  # subjects of every industry and kind of work


def _apology(rng: random.Random, subject: str, reply_kind: str, said=None) -> str:
    context = CommentContext(
        kind="sorry_for_delay", task_name="Check " + subject, task_subject=subject,
        project_name="P", author=ALICE, to=BOB, detail="3 days", reply_kind=reply_kind,
        replying_to="?" if reply_kind else "", task_state="in_progress", said=said,
    )  # fmt: skip
    return SOURCE.comment(rng, context)


@pytest.mark.parametrize("reply_kind", ["question", "where_is"])
def test_an_apology_that_answers_too_names_its_subject_once(reply_kind):
    """Not "Sorry about the delay on the retro; 3 days got away from me. On the retro, my vote
    is ...": the answer names the subject, the apology before it does not."""
    rng = random.Random(6)
    for subject in _SUBJECTS:
        for _ in range(4):
            text = _apology(rng, subject, reply_kind)
            assert text.lower().count(subject.lower()) == 1, text


@pytest.mark.parametrize(
    ("reply_kind", "kind"), [("", "sorry_for_delay"), ("question", "sorry_for_delay:reply")]
)
def test_apologies_come_in_many_wordings(reply_kind, kind):
    """One person's ten apologies in a row are said in ten wordings, some in the industry's
    words (of five, "Sorry about the delay on X; N days got away from me" was said six times
    in a 40-day run)."""
    bodies = KINDS[kind].bodies[UNKNOWN_HOUR]
    assert any({"appr", "team", "meet"} & set(b.template) for b in bodies)
    rng, said = random.Random(8), RecentParts()
    for subject in _SUBJECTS[:10]:
        _apology(rng, subject, reply_kind, said)
    assert len(set(bodies) & set(said.used)) == 10


def test_a_phrase_a_kind_shares_with_its_variants_is_one_part():
    """What an author said lately is keyed on the part itself (by identity): a phrase that a
    kind and its variants (or two kinds) share must be one Part, or a body said as an answer
    would be fresh again as an answer to a where-is."""
    parts = {id(p): p for kind in KINDS.values() for table in kind[:6] for ps in table for p in ps}
    templates = [p.template for p in parts.values()]
    assert len(templates) == len(set(templates))
    openers = KINDS["question"].openers[UNKNOWN_HOUR]  # ("question:theirs" has no own openers)
    assert openers and openers == KINDS["question:theirs"].openers[UNKNOWN_HOUR]


def _every_kind_of_comment(subject: str) -> list[CommentContext]:
    """A comment of every kind and variant about `subject`."""
    base = {"task_name": "Check " + subject, "task_subject": subject, "project_name": "P",
            "author": ALICE, "detail": "3 days"}  # fmt: skip
    more: list[dict[str, object]] = [
        {"outcome": o} for o in ("approved", "changes_requested", "rejected", "reopened", "theirs")
    ]
    more += [{"waits_on": "Order spare parts"}, {"outcome": "still", "waits_on": "Order parts"}]
    more += [{"reply_kind": "where_is", "task_state": s, "to": BOB}
             for s in ("new", "in_progress", "blocked", "in_review", "done")]  # fmt: skip
    more += [{"reply_kind": "question", "to": BOB}, {"to": BOB}, {"local_hour": 9}]
    return [
        CommentContext(kind=kind, **base, **extra)  # type: ignore[arg-type]
        for kind in COMMENT_KINDS
        for extra in ({}, *more)
    ]


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_no_text_of_an_industry_says_a_word_twice_in_a_row(industry):
    """Projects, tasks, comments of every kind and statuses: no "I'll reconcile last period
    first first" (a phrase ending in "first" in a template that adds "first")."""
    rng = random.Random(11)
    texts = []
    for index in range(6):
        project = SOURCE.project(rng, industry=industry, index=index)
        texts += [project.name, project.notes]
        for task in project.tasks:
            texts += [task.name, task.notes, *task.subtasks]
            for context in _every_kind_of_comment(task.subject):
                texts += [SOURCE.comment(rng, context) for _ in range(2)]
    assert len(texts) > 5000
    doubled = [t for t in texts if probe.DOUBLED.search(t)]
    assert not doubled, doubled[:5]
