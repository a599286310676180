"""Runs of several industries, seeds and activities read right where the kind of work, the
team and how far along a project is matter: a task's notes state a scope that fits its kind of
work, no two people of a team post the same progress clause within the hour, and an off-track
status says no "only 9 of 12 done" three quarters through, and no comment says a word again
across its parts.

Before, in the four runs below: 11 tasks' notes stated a scope of another kind of work ("Scope
is the first three episodes" on setting up the video player ads), 134 comments posted a
progress clause a teammate had posted within the hour, and one off-track status said "only
39 of 50 done" (78%)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import events as ev
from engine.content.team_clauses import RecentClauses
from engine.content.templates_fill import fresh_word
from tests import realism_probe as probe

# (industry, activity, seed) of 60-day runs.
RUNS = (
    ("technology", "high", 3),
    ("media", "medium", 3),
    ("finance", "high", 5),
    ("government", "medium", 3),
)
AT = datetime(2026, 1, 5, 17, tzinfo=UTC)


@pytest.fixture(scope="module")
def runs() -> dict[tuple[str, str, int], list[ev.Event]]:
    return {
        (industry, activity, seed): probe.run(
            {"industry": industry, "activity": activity}, days=60, seed=seed
        )
        for industry, activity, seed in RUNS
    }


def test_task_notes_state_a_scope_that_fits_the_kind_of_work(runs):
    found = [(run, e.name, scope) for run, events in runs.items()
             for e, scope in probe.misfit_scopes(events)]  # fmt: skip
    assert found == [], found[:5]


def test_no_two_teammates_post_the_same_progress_clause_within_the_hour(runs):
    found = [(run, e.actor, clause) for run, events in runs.items()
             for e, clause in probe.clause_clashes(events)]  # fmt: skip
    assert found == [], found[:5]


@pytest.mark.slow
def test_no_comment_says_a_word_again_across_its_parts(runs):
    """An opener, extra or closer, or a word drawn into one, says no word of the other parts nor
    of the blocker, question or answer the comment holds (before, 18 to 81 comments a run did:
    "Picking the load test back up now that the offsite is over and people are back")."""
    found = [(run, e.text) for run, events in runs.items() for e in probe.part_echoes(events)]
    assert found == [], (len(found), found[:5])


def test_off_track_statuses_fit_how_far_along_the_project_is(runs):
    found = [(run, name, e.text) for run, events in runs.items()
             for name, e in probe.status_edges(events)]  # fmt: skip
    assert found == [], found[:5]


def _comment(seq: int, actor: str, minutes: int, text: str) -> ev.CommentAdded:
    return ev.CommentAdded(
        seq=seq, at=AT + timedelta(minutes=minutes), actor=actor, task=f"t{seq}",
        comment=f"c{seq}", kind="progress", text=text,
    )  # fmt: skip


def test_the_measure_finds_a_clause_a_teammate_posted_within_the_hour():
    """Salted: the same clause by two people of a team 40 minutes apart counts; by the same
    person, by someone of another team, or two hours later it does not."""
    joined = [
        ev.PersonJoined(seq=n, at=AT, actor=p, person=p, name=p, email=f"{p}@x", role="lead",
                        timezone="UTC", team=team)
        for n, (p, team) in enumerate((("u1", "A"), ("u2", "A"), ("u3", "B")))
    ]  # fmt: skip
    clause = "On the runbook: the first round of testing passed."
    events = [
        *joined,
        _comment(10, "u1", 0, clause),
        _comment(11, "u1", 10, clause),  # (the same person)
        _comment(12, "u3", 20, clause),  # (another team)
        _comment(13, "u2", 40, clause),  # (a teammate within the hour)
        _comment(14, "u2", 200, clause),  # (later)
    ]
    assert [(e.seq, c) for e, c in probe.clause_clashes(events)] == [
        (13, "the first round of testing passed")
    ]


def test_the_measure_finds_a_scope_of_another_kind_of_work():
    """Salted: a data set's scope on a system; one that fits any work is not counted."""
    task = ev.TaskCreated(
        seq=1, at=AT, actor="u1", task="t1", project="p1", name="Configure video player ads",
        notes="Scope is the first three episodes. Keep the newsroom posted on any downtime.",
    )  # fmt: skip
    fitting = ev.TaskCreated(
        seq=2, at=AT, actor="u1", task="t2", project="p1", name="Configure video player ads",
        notes="Scope is the US market. Keep the newsroom posted on any downtime.",
    )  # fmt: skip
    assert [s for _, s in probe.misfit_scopes([task, fitting])] == ["the first three episodes"]


def test_a_clause_a_teammate_posted_lately_is_drawn_only_when_every_other_was():
    """Straight from the drawing: with all but one of a pool's clauses posted by the team
    within the hours kept, that one comes out, whatever the draw; with all posted, one still
    does (the person's own memory decides), and each is noted for the team."""
    pool = ("a", "b", "c")

    def team_that_said(*clauses: str) -> RecentClauses:
        team = RecentClauses()
        team.at(1000.0)
        for clause in clauses:
            team.note(clause)
        return team

    for x in (0.0, 0.4, 0.9):
        assert fresh_word(lambda x=x: x, pool, None, team=team_that_said("a", "b")) == "c"
    team = team_that_said("a", "b", "c")
    assert fresh_word(lambda: 0.0, pool, None, team=team) == "a" and list(team.used)[-1] == "a"
    team.at(1000.0 + 3 * 3600.0)  # (hours later: forgotten)
    assert team.used == {}
