"""A comment's phrases fit the kind of work its task is (a document, a system, data or an
event): no "I wrote the migration script" on a design review, no reconciliation on a policy.
Before, an industry's progress clauses, blockers, questions, answers and review aspects were
drawn for any task: about one comment in nine of a 60-day default run said something of
another kind of work (1,007 phrases)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import msgspec

from engine import events as ev
from engine.content import CommentContext, PersonRef
from engine.content.templates import TemplateSource
from engine.content.templates_tables import every_subject
from tests import realism_fit as feed
from tests import realism_probe as probe

ANN = PersonRef(name="Ann Lee", role="lead")
BOB = PersonRef(name="Bob Roe", role="individual_contributor")
AT = datetime(2026, 1, 5, 17, tzinfo=UTC)
# The kinds that draw a phrase that depends on the kind of work, with what they need.
KINDS = (
    ("progress", {}), ("blocked", {"topic": "c1"}), ("unblocked", {"topic": "c1"}),
    ("question", {"to": BOB}), ("answer", {"to": BOB, "topic": "c2"}), ("review_request", {}),
    ("review_feedback", {"outcome": "changes_requested"}), ("start", {}),
)  # fmt: skip


def _feed(task_name: str, *texts: str) -> list[ev.Event]:
    created = ev.TaskCreated(seq=1, at=AT, actor="u1", task="t1", project="p1", name=task_name)
    comments = [
        ev.CommentAdded(
            seq=2 + n, at=AT, actor="u1", task="t1", comment=f"c{n}", kind="progress", text=text
        )
        for n, text in enumerate(texts)
    ]
    return [created, *comments]


def test_the_measure_finds_a_phrase_of_another_kind_of_work():
    """Salted: a technology system's progress clause on an event, a finance reconciliation on
    a policy; the phrases that fit (or fit any work) are not counted."""
    misfit = _feed(
        "Organize design review",
        "For the design review, I wrote the migration script and ran it on staging.",
        "On the design review: the agenda is drafted.",  # (an event's progress clause)
        "Can you review the design review? The main changes are around the rollout order.",
    )
    assert [phrase for _, phrase in feed.misfit_phrases(misfit)] == [
        "wrote the migration script and ran it on staging"
    ]
    policy = _feed(
        "Draft journal entry approval policy",
        "I tied out the subledger to the GL for the journal entry approval policy.",
    )
    assert [phrase for _, phrase in feed.misfit_phrases(policy)] == [
        "tied out the subledger to the GL"
    ]


def test_every_subject_gets_only_phrases_that_fit_its_kind_of_work():
    """Straight from the source, every subject of every industry and every kind of comment
    that draws such a phrase."""
    source, rng = TemplateSource(), random.Random(3)
    texts = []
    for subject in every_subject():
        for kind, more in KINDS:
            for _ in range(3):
                context = CommentContext(
                    kind=kind, task_name=f"Work on {subject[4:]}", task_subject=subject,
                    project_name="P", author=ANN, **more,
                )  # fmt: skip
                texts.append((subject, source.comment(rng, context)))
    misfits = [
        (text, phrase)
        for subject, text in texts
        for _, phrase in feed.misfit_phrases(_feed(f"Work on {subject[4:]}", text))
    ]
    assert len(texts) > 10_000
    assert misfits == [], misfits[:5]


def test_a_run_says_nothing_of_another_kind_of_work():
    for fields in ({}, {"industry": "healthcare", "seed": 2}):
        events = probe.run(fields, days=30)
        misfits = feed.misfit_phrases(events)
        assert misfits == [], [(e.text, phrase) for e, phrase in misfits[:5]]


def test_the_measure_finds_a_narrow_review_point():
    """Salted: the migration order of an incident response plan, the DC timeline of a product
    photoshoot; the same points on work they fit are not counted."""
    ask = "Please go over the {}; pay most attention to {}."
    salted = [
        ("Draft incident response plan", "incident response plan", "the migration order"),
        ("Organize product photoshoot", "product photoshoot", "the DC timeline"),
        ("Configure database replication", "database replication", "the migration order"),
        ("Plan distribution center visit", "distribution center visit", "the DC timeline"),
    ]
    found = []
    for name, subject, point in salted:
        events = _feed(name, ask.format(subject, point))
        events[1] = ev.CommentAdded(
            **{**msgspec.structs.asdict(events[1]), "kind": "review_request"}
        )
        found += [p for _, p in feed.narrow_points(events)]
    assert found == ["the migration order", "the DC timeline"]


def test_review_points_fit_the_work_they_are_asked_on():
    """Straight from the source, every subject of every industry: no review request points at
    something of another kind of work or another subject (before, one in four technology
    documents could be asked about "the migration order", every retail task about "the DC
    timeline")."""
    source, rng = TemplateSource(), random.Random(4)
    found = []
    for subject in every_subject():
        name = f"Work on {subject[4:]}"
        for _ in range(12):
            context = CommentContext(
                kind="review_request", task_name=name, task_subject=subject, project_name="P",
                author=ANN,
            )  # fmt: skip
            text = source.comment(rng, context)
            events = _feed(name, text)
            events[1] = ev.CommentAdded(
                **{**msgspec.structs.asdict(events[1]), "kind": "review_request"}
            )
            found += [(name, p) for _, p in feed.narrow_points(events)]
    assert found == [], found[:5]


def test_a_run_asks_for_no_narrow_review_point():
    """A 60-day healthcare run (before: 38 review requests pointed at the patient consent
    wording of a tip sheet, the training timeline of a huddle)."""
    events = probe.run({"industry": "healthcare"}, days=60)
    found = feed.narrow_points(events)
    assert found == [], [(e.text, p) for e, p in found[:5]]
