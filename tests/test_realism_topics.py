"""What a question, its answer and a chase's answer say, as a reader of the feed would notice
it: one person asking or answering in the very same sentence twice within days, a subject
named again by a phrase of the vocabulary ("On the design review, does this need a design
review first?"), an overdue task that waits on another answered "Not started yet" as if it
were simply queued. The counts come from tests/realism_feed.py (`python -m tests.realism_probe`
prints them for any tree)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from engine import events as ev
from engine.content import CommentContext, PersonRef
from engine.content import vocab_comments as vc
from engine.content.templates import TemplateSource
from engine.content.templates_fill import RecentParts
from engine.content.templates_tables import INDUSTRY_VOCABULARY, every_phrase, every_subject
from tests import realism_feed as feed
from tests import realism_probe as probe

# The probe's runs where a person's question or answer came again most (21 in 60 days at
# activity "high"), and the default team.
RUNS = ({"days": 45, "activity": "high"}, {"days": 60, "seed": 2}, {"days": 60, "seed": 3})
ANN = PersonRef(name="Ann Lee", role="lead")
BOB = PersonRef(name="Bob Roe", role="individual_contributor")
ERIN = PersonRef(name="Erin Park", role="individual_contributor")


@pytest.fixture(scope="module")
def runs() -> list[list[ev.Event]]:
    return [probe.run(fields) for fields in RUNS]


def context(kind: str, subject: str = "the migration runbook", **more) -> CommentContext:
    return CommentContext(
        kind=kind, task_name=f"Draft {subject[4:]}", task_subject=subject, project_name="P",
        author=ANN, **more,
    )  # fmt: skip


# -- a. a question's topic sentence and its answer, said again -------------------------------


def test_nobody_asks_or_answers_in_the_same_sentence_within_three_days(runs):
    """The sentence that asks or answers names the task (so on another task it reads apart),
    the asker asks what they did not ask lately, and a busy answerer who has used every
    wording words it anew for the task (5, 4 and 21 of the probe's three runs did before)."""
    for events in runs:
        again, _ = feed.topic_repeats(events)
        assert not again, [e.text for e in again[:5]]


def test_the_sentence_that_asks_or_answers_names_its_subject():
    for kind, parts in [*vc.KINDS.items(), *vc.VARIANTS.items()]:
        for template in parts.get("bodies", ()):
            for sentence in re.split(r"(?<=[.!?])\s+", template):
                if "{qst}" in sentence or "{ans}" in sentence:
                    assert "{s}" in sentence or "{S}" in sentence, (kind, template)


def test_one_person_asks_every_question_of_the_pool_in_a_row_each_another_one():
    source, rng, said = TemplateSource(), random.Random(3), RecentParts()
    asked = every_subject()["the migration runbook"][0]["qst"]  # (its own kind of work's and any's)
    said.on(0)
    topics = [f"c{n}" for n in range(1000, 1000 + 900 * len(asked), 900)]
    questions = [
        source.comment(rng, context("question", to=BOB, topic=topic, said=said)) for topic in topics
    ]
    assert sorted(next(q for q in asked if q in text) for text in questions) == sorted(asked)


# -- b. a phrase that names the subject again ------------------------------------------------


def _pairs(subject: str) -> set[str]:
    return feed._word_pairs(subject.removeprefix("the "))


def test_no_comment_names_its_subject_again_by_a_phrase_of_its_pools():
    """For every subject a blueprint makes, comments of every kind: none says two words of the
    subject in a row twice (63 phrases of the pools did, for 40 subjects)."""
    source, rng = TemplateSource(), random.Random(7)
    kinds = [
        ("question", {"to": BOB}), ("answer", {"to": BOB, "topic": "c1"}), ("progress", {}),
        ("review_request", {}), ("review_feedback", {"outcome": "changes_requested"}),
        ("blocked", {"topic": "c2"}), ("unblocked", {"topic": "c2"}), ("done", {}),
        ("start", {}),
    ]  # fmt: skip
    for subject in every_subject():
        pairs = _pairs(subject)
        for kind, more in kinds:
            for _ in range(6):
                text = " ".join(re.findall(r"[a-z0-9'-]+", source.comment(
                    rng, context(kind, subject, **more)).lower()))  # fmt: skip
                twice = [p for p in pairs if len(re.findall(rf"\b{re.escape(p)}\b", text)) >= 2]
                assert not twice, (subject, text)


def test_a_subject_whose_questions_were_cut_is_still_answered_in_pairs():
    source, rng = TemplateSource(), random.Random(11)
    raw = INDUSTRY_VOCABULARY["technology"]
    pairs = dict(zip(every_phrase(raw, "qst"), every_phrase(raw, "ans"), strict=True))
    subject = "the design review"
    for n in range(30):
        question = source.comment(rng, context("question", subject, to=BOB, topic=f"c{n}"))
        answer = source.comment(rng, context("answer", subject, to=BOB, topic=f"c{n}",
                                             replying_to=question, reply_kind="question"))  # fmt: skip
        asked = [q for q in pairs if q in question]
        assert len(asked) == 1 and pairs[asked[0]] in answer, (question, answer)
        assert "design review first" not in question


# -- c. an overdue task that waits on another --------------------------------------------------


def test_a_chase_of_a_task_that_waits_on_another_is_answered_with_that_task_and_its_owner():
    source, rng = TemplateSource(), random.Random(5)
    for _ in range(30):
        theirs = source.comment(rng, context(
            "answer", to=BOB, reply_kind="where_is", task_state="new", topic="c1",
            waits_on="Validate CI pipeline", waits_on_owner=ERIN))  # fmt: skip
        assert '"Validate CI pipeline"' in theirs and "Erin" in theirs, theirs
        mine = source.comment(rng, context(
            "answer", to=BOB, reply_kind="where_is", task_state="new", topic="c1",
            waits_on="Validate CI pipeline"))  # fmt: skip
        assert '"Validate CI pipeline"' in mine and "Erin" not in mine, mine
        for text in (theirs, mine):
            assert "queued behind" not in text and "next on my list" not in text, text


def _answers_about_waiting_tasks(events: list[ev.Event]) -> list[tuple[ev.CommentAdded, str]]:
    """(answer to a where-is about a task not started that waits on unfinished work, the name
    of that work)."""
    names: dict[str, str] = {}
    state: dict[str, str] = {}
    waits_on: dict[str, list[str]] = {}
    chased: set[tuple[str, str]] = set()  # (task, who was asked)
    found = []
    for e in events:
        if isinstance(e, ev.TaskCreated):
            names[e.task], state[e.task] = e.name, "new"
        elif isinstance(e, ev.DependencyAdded):
            waits_on.setdefault(e.task, []).append(e.depends_on)
        elif isinstance(e, ev.TaskStateChanged):
            state[e.task] = e.state
        elif isinstance(e, ev.TaskCompleted):
            state[e.task] = "done"
        elif isinstance(e, ev.CommentAdded) and e.kind == "where_is" and e.to is not None:
            chased.add((e.task, e.to))
        elif (
            isinstance(e, ev.CommentAdded)
            and e.kind in ("answer", "sorry_for_delay")
            and (e.task, e.actor) in chased
        ):
            chased.discard((e.task, e.actor))
            open_work = [
                names[d] for d in waits_on.get(e.task, ()) if state[d] not in ("done", "in_review")
            ]
            if state[e.task] == "new" and open_work:
                found.append((e, open_work[0]))
    return found


def test_in_a_run_every_answer_about_a_waiting_task_names_what_it_waits_on():
    """(Of the probe's default and healthcare runs, 3 such answers said "Not started yet" or
    "queued behind my current work" and none named the task. Such answers are rare: the runs
    are the probe's three and a retail one, which held 6 when the probe's held none.)"""
    found = [
        pair
        for fields in (
            {"days": 60},
            {"days": 60, "industry": "healthcare"},
            {"days": 60, "activity": "high"},
            {"days": 60, "industry": "retail"},
        )
        for pair in _answers_about_waiting_tasks(probe.run(fields))
    ]
    assert len(found) >= 1, found
    for answer, waits_on in found:
        assert f'"{waits_on}"' in answer.text, answer.text


# -- d. the comment vocabulary's modules ------------------------------------------------------


def test_the_comment_vocabulary_is_split_into_small_modules_imported_from_one_place():
    content = Path(vc.__file__).parent
    for name in ("vocab_comments", "vocab_comments_work", "vocab_comments_talk", "vocab_status"):
        lines = (content / f"{name}.py").read_text().count("\n")
        assert lines < 300, (name, lines)
    assert list(vc.KINDS) == list(ev.COMMENT_KINDS)
    assert vc.STATUS_TITLES and vc.VARIANTS["answer:where_is:waiting:theirs"]
