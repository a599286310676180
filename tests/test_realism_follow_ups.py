"""A follow-up or next step is work of its own kind (vocab_follow_ups.WORK): its comments talk
of that work, not of doing the work it follows, and none of its steps says its name again.

Before, over the probe's three 60-day runs and four runs of other industries (below), 29 to
70 steps a run restated their follow-up ("Write the one-page summary of the slow query log"
under "Draft a one-page summary of the slow query log", "Brief the support team on …" under
"Prepare the support team for …"), and 50 to 60 % of the comments on follow-ups spoke of the
work they follow or of another kind of follow-up (598 to 1,679 a run): "Plan is to reread the
current version" on "Note the lessons from the load test", "I reproduced the bug locally" on
"Prepare the support team for the push notification service"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import events as ev
from engine.content import vocab_follow_ups as vf
from engine.content.templates_tables import WORK_CLASS
from tests import realism_probe as probe
from tests.realism_fit import follow_up_misfits, follow_up_work
from tests.realism_follow_ups import restating_steps

# (industry, activity, seed) of 60-day runs, besides the probe's three.
RUNS = (
    ("technology", "high", 3),
    ("media", "medium", 3),
    ("finance", "high", 5),
    ("government", "medium", 3),
)
AT = datetime(2026, 1, 5, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def runs() -> dict[str, list[ev.Event]]:
    found = {name: probe.run(overrides) for name, overrides in probe.VARIANTS.items()}
    for industry, activity, seed in RUNS:
        overrides = {"industry": industry, "activity": activity}
        found[f"{industry} {activity} {seed}"] = probe.run(overrides, days=60, seed=seed)
    return found


def _follow_up_comments(events: list[ev.Event]) -> list[ev.CommentAdded]:
    names = {e.task: e.name for e in events if isinstance(e, ev.TaskCreated)}
    return [e for e in events if isinstance(e, ev.CommentAdded) and follow_up_work(names[e.task])]


def test_follow_up_comments_talk_of_the_follow_ups_own_work(runs):
    for events in runs.values():
        assert len(_follow_up_comments(events)) > 500
    found = [(run, e.text, phrase) for run, events in runs.items()
             for e, phrase in follow_up_misfits(events)]  # fmt: skip
    assert found == [], (len(found), found[:5])


def test_no_step_restates_its_follow_up(runs):
    found = [(run, parent, e.name) for run, events in runs.items()
             for e, parent in restating_steps(events)]  # fmt: skip
    assert found == [], (len(found), found[:5])


def _created(n: int, name: str, parent: str | None = None) -> ev.TaskCreated:
    return ev.TaskCreated(seq=n, at=AT, actor="p1", task=f"t{n}", project="p", name=name,
                          parent=parent)  # fmt: skip


def test_no_step_of_any_follow_up_of_any_subject_restates_it():
    """Straight from the tables: every follow-up and next step each subject can get."""
    events: list[ev.Event] = []
    for subject, cls in WORK_CLASS.items():
        for table in (vf.FOLLOW_UPS, vf.NEXT_STEPS):
            for name, steps in table[cls]:
                parent = len(events)
                events.append(_created(parent, name.format(s=subject)))
                for step in steps:
                    events.append(_created(len(events), step.format(s=subject), f"t{parent}"))
    assert len(events) > 6000
    found = [(parent, e.name) for e, parent in restating_steps(events)]
    assert found == [], (len(found), found[:5])


def test_the_measures_find_a_step_and_a_comment_of_other_work():
    """Salted: a step that says its follow-up again with another verb of the same act counts,
    another step does not; a first step of writing a document counts on a follow-up that holds
    a date, one of arranging a date does not."""
    subject = next(s for s, cls in WORK_CLASS.items() if cls == "event")
    events: list[ev.Event] = [
        _created(1, f"Draft a one-page summary of {subject}"),
        _created(2, f"Write the one-page summary of {subject}", "t1"),
        _created(3, f"Pick the headlines from {subject}", "t1"),
        _created(4, f"Hold a backup date for {subject}"),
    ]
    for n, text in ((5, "Plan is to reread the current version."),
                    (6, "Plan is to check people's calendars.")):  # fmt: skip
        events.append(ev.CommentAdded(seq=n, at=AT, actor="p1", task="t4", comment=f"c{n}",
                                      kind="start", text=f"Starting {subject}. {text}"))  # fmt: skip
    assert [e.name for e, _ in restating_steps(events)] == [
        f"Write the one-page summary of {subject}"
    ]
    assert [(e.comment, p) for e, p in follow_up_misfits(events)] == [
        ("c5", "reread the current version")
    ]
