"""Task notes and status updates read as a team member wrote them: no note word for word on
a dozen tasks, no "only 57 of 62 tasks done (92%)" behind plan. Before, two task notes had
nothing to fill ("Reconcile against last period and explain differences over 2%." stood on 15
tasks of a 60-day government run, on a records index and resident feedback too), and an
off-track status near the end read as if little were done ("We've slipped. 39 of 41 tasks
done, which is well short of plan"; "Next: cut scope to protect the date" with one task
left). The counts come from tests/realism_probe.py (`python -m tests.realism_probe`)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from engine import events as ev
from tests import realism_probe as probe

AT = datetime(2026, 1, 5, 17, tzinfo=UTC)


@pytest.fixture(scope="module")
def default_run() -> list[ev.Event]:
    return probe.run({}, days=60)


def _task(
    n: int, name: str, notes: str, subtype: ev.TaskSubtype = "default_task"
) -> ev.TaskCreated:
    return ev.TaskCreated(
        seq=n,
        at=AT,
        actor="u1",
        task=f"t{n}",
        project="p1",
        name=name,
        notes=notes,
        subtype=subtype,
    )


def test_the_measure_finds_notes_said_again():
    """Salted: the same notes on two tasks count once; an approval task carries its source's
    notes and empty notes are no notes."""
    same = "Reconcile against last period and explain differences over 2%."
    events = [
        _task(1, "Check overtime costs", same),
        _task(2, "Approve the overtime costs", same, "approval"),
        _task(3, "Review call volume figures", same),
        _task(4, "Analyze resident feedback", "Ask the budget office about the source."),
        _task(5, "Overtime costs reconciled", "", "milestone"),
        _task(6, "Overtime costs approved", "", "milestone"),
    ]
    assert [e.task for e in probe.repeated_notes(events)] == ["t3"]


def test_a_run_writes_each_task_its_own_notes(default_run):
    """A 60-day run: no note on more than four tasks, and at most one task in seven repeats
    another's notes (before: one note on 11 tasks, one in five repeated)."""
    notes = [
        e.notes
        for e in default_run
        if isinstance(e, ev.TaskCreated) and e.notes and e.subtype != "approval"
    ]
    top = Counter(notes).most_common(1)[0]
    assert top[1] <= 4, top
    assert 7 * len(probe.repeated_notes(default_run)) <= len(notes)


def test_the_measure_finds_a_status_behind_plan_that_counts_little_done():
    """Salted: "only" and "well short of plan" with half done or more, scope to cut with one
    task left; the same words with less done are not counted."""
    misreads = probe.status_misreads
    assert misreads("We're behind: only 57 of 62 tasks done (92%).", 57, 62, 0) == [
        "little done but half"
    ]
    assert misreads("We've slipped. 9 of 12 tasks done, which is well short of plan.", 9, 12, 0)
    assert misreads("We've slipped. 39 of 41 tasks done, which is well short of plan.", 39, 41, 0)
    assert misreads("Next: cut scope to protect the date.", 40, 41, 0) == ["cut scope, one left"]
    assert misreads("We're behind: only 20 of 62 tasks done (32%).", 20, 62, 0) == []
    assert misreads("Next: cut scope to protect the date.", 30, 41, 0) == []


def test_a_run_posts_statuses_that_fit_their_numbers():
    """A 60-day run at activity "high" (before: five off-track statuses said "only" or "well
    short of plan" of a project four in five done, one cut scope with one task left)."""
    events = probe.run({"activity": "high"}, days=60)
    edges = probe.status_edges(events)
    assert edges == [], [(name, e.text) for name, e in edges[:5]]
