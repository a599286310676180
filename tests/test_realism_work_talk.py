"""What a team member notices first about the kind of work in the feed, a round after comment
phrases were tagged by work class (tests/test_realism_fit.py):

- follow-up tasks were named for any kind of work: "Plan the rollout of the cart abandonment
  numbers", "Write up the Jira board for the project for the team", "Prepare the hand-over
  of the kickoff" (26, 31 and 44 tasks of the 60-day probe runs);
- a technology team's questions and answers that only a system has were drawn for every
  kind of work: "let's get a quick security review before merging" on a demo, "do we keep
  the old endpoint alive?" on a policy (one comment in six of the default run);
- an answer ending in "for now" filled "Let's {ans} for now:": "Let's keep it internal for
  now for now" (8 comments of the default run).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from engine import events as ev
from engine.content import CommentContext, PersonRef
from engine.content import vocab_comments as vc
from engine.content.templates import TemplateSource
from engine.content.templates_tables import (
    INDUSTRY_VOCABULARY,
    WORK_CLASS,
    every_phrase,
    every_subject,
)
from engine.content.vocab_comments_talk import KINDS
from engine.scope import FOLLOW_UPS, NEXT_STEPS
from tests import realism_fit as fit
from tests import realism_probe as probe

ANN = PersonRef(name="Ann Lee", role="lead")
BOB = PersonRef(name="Bob Roe", role="individual_contributor")
AT = datetime(2026, 1, 5, 17, tzinfo=UTC)


@pytest.fixture(scope="module")
def default_run() -> list[ev.Event]:
    return probe.run({}, days=30)


def _task(name: str, task: str = "t1", parent: str | None = None) -> ev.TaskCreated:
    return ev.TaskCreated(
        seq=1, at=AT, actor="u1", task=task, project="p1", name=name, parent=parent
    )


def _comment(text: str) -> ev.CommentAdded:
    return ev.CommentAdded(
        seq=2, at=AT, actor="u1", task="t1", comment="c1", kind="answer", text=text
    )


# -- follow-ups named for their kind of work -------------------------------------------------


def test_the_measure_finds_a_follow_up_named_for_another_kind_of_work():
    """Salted: a rollout of numbers and a write-up of a document are found, a rollout of a
    document, a write-up of an analysis and an approval's own step are not."""
    events = [
        _task("Plan the rollout of the cart abandonment numbers", "t1"),
        _task("Approve: Write up the range review deck for the team", "t2"),
        _task("Plan the rollout of the size guide", "t3"),
        _task("Write up the sell-through by category for the team", "t4"),
        _task("Plan the rollout of the cart abandonment numbers", "t5", parent="t1"),
    ]
    assert [e.task for e in fit.misfit_follow_ups(events)] == ["t1", "t2"]


def test_every_follow_up_of_every_subject_fits_its_kind_of_work():
    """Straight from engine.scope's tables: each follow-up and next step a subject of each
    industry can get."""
    names = [
        _task(name.format(s=subject)[:1].upper() + name.format(s=subject)[1:], f"t{n}")
        for n, (subject, cls) in enumerate(WORK_CLASS.items())
        for table in (FOLLOW_UPS, NEXT_STEPS)
        for name, _ in table[cls]
    ]
    assert len(names) > 2000
    assert fit.misfit_follow_ups(names) == []


def test_a_run_names_its_follow_ups_for_their_kind_of_work():
    events = probe.run({"industry": "retail"}, days=30)
    follow_ups = [
        e for e in events
        if isinstance(e, ev.TaskCreated) and e.parent is None
        and e.name.startswith(tuple(fit.FOLLOW_UP_FITS))
    ]  # fmt: skip
    assert len(follow_ups) >= 10
    assert fit.misfit_follow_ups(events) == []


# -- system talk on systems only ---------------------------------------------------------------


def test_the_measure_finds_system_talk_on_other_work():
    """Salted: merging on interviews is found; "on call" on the on-call playbook, and a system
    word in a task a comment quotes, are not."""
    merging = "Short answer: let's get a quick security review before merging."
    assert [w for _, w in fit.system_talk([_task("Organize beta customer interviews"),
                                           _comment(merging)])] == ["merging"]  # fmt: skip
    playbook = "Let's have the primary on call review the on-call playbook."
    assert fit.system_talk([_task("Update on-call playbook"), _comment(playbook)]) == []
    quoted = 'Parking the cloud cost breakdown until "Refresh on-call playbook" is finished.'
    assert fit.system_talk([_task("Check cloud cost breakdown"), _comment(quoted)]) == []


def test_work_that_is_no_system_gets_no_system_talk():
    """Straight from the source: every technology subject that is no system, with every kind
    of comment that draws a question, an answer, a progress clause or a review point."""
    source, rng = TemplateSource(), random.Random(4)
    kinds = (
        ("question", {"to": BOB}), ("answer", {"to": BOB, "topic": "c2"}), ("progress", {}),
        ("review_request", {}), ("blocked", {"topic": "c1"}),
    )  # fmt: skip
    objects = [o for g in INDUSTRY_VOCABULARY["technology"]["themes"] for c in g for o in g[c]
               if c in ("doc", "data", "event")]  # fmt: skip
    found, said = [], 0
    for obj in objects:
        name = f"Work on {obj}"
        for kind, more in kinds:
            for _ in range(10):
                context = CommentContext(
                    kind=kind, task_name=name, task_subject=f"the {obj}", project_name="P",
                    author=ANN, **more,
                )  # fmt: skip
                said += 1
                found += fit.system_talk([_task(name), _comment(source.comment(rng, context))])
    assert said > 1000
    assert found == [], [(e.text, w) for e, w in found[:5]]


def test_a_technology_run_says_no_system_talk_on_other_work(default_run):
    found = fit.system_talk(default_run)
    assert found == [], [(e.text, w) for e, w in found[:5]]


# -- no phrase said twice in a row -------------------------------------------------------------


def test_the_measure_finds_a_phrase_said_twice_in_a_row():
    assert probe.DOUBLED.search("Let's keep it internal for now for now: the notes")
    assert probe.DOUBLED.search("the the notes")
    assert not probe.DOUBLED.search("We're re-planning for now, for the team")


def test_no_answer_says_a_phrase_twice_in_a_row():
    """Straight from the tables: every answer phrase of every industry (and the shared ones)
    in every answer and apology body that holds it."""
    answers = {*vc.GENERIC_SLOTS["ans"]}
    answers |= {a for raw in INDUSTRY_VOCABULARY.values() for a in every_phrase(raw, "ans")}
    bodies = [b for kind in KINDS.values() for part in kind.values() for b in part
              if "{ans}" in b]  # fmt: skip
    texts = [b.replace("{ans}", a) for b in bodies for a in answers]
    assert len(texts) > 500
    doubled = [t for t in texts if probe.DOUBLED.search(t)]
    assert doubled == [], doubled[:5]


def test_a_run_says_no_phrase_twice_in_a_row(default_run):
    assert probe.doubled_words(default_run) == []


def test_every_subject_is_of_a_kind_of_work():
    """engine.scope names follow-ups by the subject's kind of work: every subject the template
    source gives a task has one."""
    assert set(every_subject()) == set(WORK_CLASS)
    assert set(WORK_CLASS.values()) == {"doc", "sys", "data", "event"}
