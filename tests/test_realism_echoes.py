"""What a reader of the feed notices within one comment or one task: an addressed opener said
again to the same colleague within days, a task it waits on quoted after its own subject
("Parking the runbook until "Plan the rollout of the runbook" is finished"), a question asked
again on a task where it was asked before, an opener or closer saying a word the rest of the
comment says ("Finished. Finished off the runbook."). The counts come from tests/realism_feed.py
(`python -m tests.realism_probe` prints them for any tree)."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, datetime

import msgspec
import pytest

from engine import events as ev
from engine.content import CommentContext, PersonRef
from engine.content.templates import TemplateSource
from engine.content.templates_fill import RecentParts
from engine.content.templates_tables import every_subject
from engine.content.vocab_tasks import NITS
from engine.state_views import MAX_QUESTIONS_PER_TASK
from tests import realism_feed as feed
from tests import realism_probe as probe

RUNS = ({"days": 45, "activity": "high"}, {"days": 45, "industry": "retail", "seed": 2})
ANN = PersonRef(name="Ann Lee", role="lead")
BOB = PersonRef(name="Bob Roe", role="individual_contributor")
RUNBOOK = "the migration runbook"  # (a technology subject)
AT = datetime(2026, 1, 5, 17, tzinfo=UTC)


@pytest.fixture(scope="module")
def runs() -> list[list[ev.Event]]:
    return [probe.run(fields) for fields in RUNS]


def context(kind: str, subject: str = RUNBOOK, **more) -> CommentContext:
    return CommentContext(
        kind=kind, task_name=f"Draft {subject[4:]}", task_subject=subject, project_name="P",
        author=ANN, **more,
    )  # fmt: skip


def test_a_reviewer_busy_with_one_colleague_does_not_greet_them_the_same_way_twice():
    """A reviewer who has used every addressed opener on Bob lately uses one that names nobody,
    or none (before: "@Bob reviewed, nice work." again within three days, 28 times in the
    probe's 60 days at activity "high")."""
    source, rng, said = TemplateSource(), random.Random(3), RecentParts()
    subjects = [s for s in every_subject() if s.startswith("the ")][:12]
    said.on(0)
    sentences: Counter[str] = Counter()
    for subject in subjects:
        text = source.comment(rng, context("review_feedback", subject, to=BOB, said=said))
        sentences.update(probe.sentences(text))
    assert [s for s, n in sentences.items() if n > 1] == []


def test_a_task_waited_on_that_is_named_after_the_subject_is_not_followed_by_it_again():
    source, rng = TemplateSource(), random.Random(5)
    waits_on = "Plan the rollout of the migration runbook"
    for kind, outcome in (("blocked", ""), ("blocked", "still"), ("unblocked", "")):
        for _ in range(30):
            text = source.comment(rng, context(kind, waits_on=waits_on, outcome=outcome))
            outside = re.sub(r'"[^"]*"', "", text)
            assert f'"{waits_on}"' in text and "runbook" not in outside, text


def test_questions_on_one_task_each_ask_something_not_asked_there():
    """Eight askers in a row (each with their own memory) ask eight different questions, and
    after the industry's eight the generic ones."""
    source, rng, asked = TemplateSource(), random.Random(7), ()
    phrases = sorted((p for p in feed.topic_phrases() if p.endswith("?")), key=len, reverse=True)
    seen = []
    for _ in range(12):
        said = RecentParts()
        said.on(0)
        text = source.comment(rng, context("question", to=BOB, said=said, asked=asked))
        seen.append(next(p for p in phrases if p in text.lower()))
        asked = (*asked, text)
    assert len(set(seen)) == len(seen), seen


def test_in_a_run_no_question_is_asked_again_on_its_task_and_a_task_gets_a_few(runs):
    """Before, one question in five asked what had been asked on its task already (often the
    day after its answer), and a long task got a dozen questions."""
    for events in runs:
        assert feed.asked_again(events) == []
        per_task = Counter(
            e.task for e in events if isinstance(e, ev.CommentAdded) and e.kind == "question"
        )
        assert max(per_task.values()) <= MAX_QUESTIONS_PER_TASK


def test_in_a_run_no_comment_quotes_its_subject_again_or_echoes_its_opener_or_closer(runs):
    """Before, one comment in eleven had an opener or closer that said a word again ("@Bob quick
    question. Question on ...", "Progress update. ... Will update again soon."), and a task
    waited on was quoted after the subject its name repeats; then one in a hundred said a word
    of its blocker, question or answer again ("Still waiting. ... want to wait until ...")."""
    for events in runs:
        assert feed.quoted_subject(events) == []
        echoes = feed.part_echoes(events)
        assert echoes == [], [e.text for e in echoes[:5]]


def _fixed_text_comments(subject: str) -> list[CommentContext]:
    """Comments holding a fixed text, for `subject`: a blocker (new, still, ended), a question
    asked after another, its answer and a late answer that apologises, over many topics."""
    source, rng = TemplateSource(), random.Random(subject)
    asked = source.comment(rng, context("question", subject, to=BOB))
    contexts = []
    for number in range(24):
        topic = f"c{number}"
        reply = {"topic": topic, "replying_to": asked, "reply_kind": "question", "to": BOB}
        contexts += [
            context("blocked", subject, topic=topic),
            context("blocked", subject, topic=topic, outcome="still"),
            context("unblocked", subject, topic=topic),
            context("question", subject, topic=topic, asked=(asked,), to=BOB),
            context("answer", subject, **reply),
            context("sorry_for_delay", subject, detail=f"{3 + number % 5} days", **reply),
        ]
    return contexts


def test_no_part_of_a_comment_says_a_word_of_its_blocker_question_or_answer_again():
    """A blocker, a question asked after another and an answer are fixed before the comment's
    parts are chosen; the parts, and the words drawn into them, say none of their words (before:
    "Still waiting. ... the nursing leads want to wait until ...", "Only just seeing this,
    sorry. ... let's backfill only the last 90 days", "is compliance OK with the timeline?
    Asking because compliance will ask")."""
    source = TemplateSource()
    subjects = sorted(s for s in every_subject() if s.startswith("the "))[::40]
    found = []
    for subject in subjects:
        said = RecentParts()
        said.on(0)
        task = ev.TaskCreated(seq=0, at=AT, actor="u1", task="t1", project="p1",
                              name=f"Draft {subject[4:]}")  # fmt: skip
        rng = random.Random(subject)
        for n, ctx in enumerate(_fixed_text_comments(subject)):
            text = source.comment(rng, msgspec.structs.replace(ctx, said=said))
            echo = ev.CommentAdded(seq=n + 1, at=AT, actor="u1", comment=f"c{n}", task="t1",
                                   kind=ctx.kind, text=text)  # fmt: skip
            found += [e.text for e in feed.part_echoes([task, echo])]
    assert found == [], (len(found), found[:5])


def test_the_measure_finds_a_word_of_a_fixed_text_said_again_anywhere_in_the_comment():
    """Salted: a blocker's word in an opener of more than six words, a question's in an extra
    in the middle; the same comments without the echo are not counted."""

    def comment(seq: int, text: str) -> ev.CommentAdded:
        return ev.CommentAdded(seq, AT, "u1", comment=f"c{seq}", task="t1", kind="question",
                               text=text)  # fmt: skip

    echoes = [
        comment(1, "Still waiting on this one for a while now. The runbook is blocked: the "
                   "nursing leads want to wait until the staffing crunch is over."),
        comment(2, "@Bob quick question. On the runbook, is compliance OK with the timeline? "
                   "Asking because compliance will ask. Thanks!"),
    ]  # fmt: skip
    clean = [
        comment(3, "No change on this one for a while now. The runbook is blocked: the "
                   "nursing leads want to wait until the staffing crunch is over."),
        comment(4, "@Bob quick question. On the runbook, is compliance OK with the timeline? "
                   "Asking because the CFO will ask. Thanks!"),
    ]  # fmt: skip
    assert feed.part_echoes([*echoes, *clean]) == echoes


def test_busy_pairs_rarely_say_a_sentence_again(runs):
    """At activity "high" the reviewers and answerers most written to say no addressed opener
    again; what remains is a body sentence of a task reviewed twice."""
    events = runs[0]
    again = probe.repeats(events)
    assert len(again) <= 8, [e.text for e in again]


def test_a_busy_lead_names_another_nit_in_each_review():
    """At activity "high" a lead signs off several tasks of one kind of work in a few days:
    with six small review points a kind, "The only nit is the summary at the top; no need for
    another review." came back within three days (9 of the 10 repeats of these five runs; 1
    with ten points a kind, a second sign-off of one task)."""
    nits = {nit for pool in NITS.values() for nit in pool}
    said = []
    for seed in (2, 3, 4, 5, 6):
        again = probe.repeats(probe.run({"activity": "high"}, seed=seed))
        said += [e.text for e in again if any(nit in e.text for nit in nits)]
    assert len(said) <= 2, said


def test_an_echo_is_the_comments_own_words_not_a_quoted_tasks_name():
    """'Waiting on "Update the breach procedure" ... Will update when it moves' says "update"
    once in its own words (the other is the name of the task it waits on); 'Finished.
    Finished off the runbook.' says "finish" twice."""

    at = datetime(2026, 1, 5, 17, tzinfo=UTC)

    def comment(seq: int, text: str) -> ev.CommentAdded:
        return ev.CommentAdded(seq, at, "u1", comment=f"c{seq}", task="t1", kind="blocked",
                               text=text)  # fmt: skip

    quoted = comment(1, 'Pausing this for now. Waiting on "Update the breach procedure" before '
                        "I can finish the drill. Will update when it moves.")  # fmt: skip
    own = comment(2, "Finished. Finished off the runbook.")
    assert feed.part_echoes([quoted, own]) == [own]
