"""What a person browsing the workspace would notice at once, measured on simulated runs of a
few seeds and industries: a teammate's question worded as if the asker did the work, praise
said twice in one comment, a task due before the task it waits on, two tasks of one project
with the same name."""

from __future__ import annotations

import re
from collections import defaultdict

import msgspec
import pytest

from engine import events as ev
from engine import scenario as sc
from engine.content import vocab_comments as vc
from engine.content.templates import TemplateSource
from engine.world import World

RUNS = ((1, "technology"), (2, "healthcare"), (3, "government"))


def run(seed: int, industry: str) -> list[ev.Event]:
    scenario = sc.resolve(
        msgspec.structs.replace(sc.default_scenario(), days=45, seed=seed, industry=industry)
    )
    events: list[ev.Event] = []
    World(scenario, TemplateSource(), events.append).run()
    return events


@pytest.fixture(scope="module")
def runs() -> list[list[ev.Event]]:
    return [run(seed, industry) for seed, industry in RUNS]


def _as_pattern(template: str) -> re.Pattern[str]:
    """A body template as a regex: its text as written, each {slot} as anything."""
    parts = re.split(r"\{\w+\}", template)
    return re.compile(".+?".join(re.escape(p) for p in parts))


# Question bodies only the one doing the work may say: "Before I finish {s}, {qst}",
# "Working on {s} and wondering: {qst}".
_OWN_WORK_BODIES = [
    _as_pattern(body)
    for body in vc.KINDS["question"]["bodies"]
    if re.search(r"\bI\b|^Working on", body)
]


def test_questions_about_someone_elses_work_do_not_speak_as_its_doer(runs):
    for events in runs:
        assignee: dict[str, str | None] = {}
        others = own = 0
        for e in events:
            if isinstance(e, (ev.TaskCreated, ev.TaskAssigned)):
                assignee[e.task] = e.assignee
            elif isinstance(e, ev.CommentAdded) and e.kind == "question":
                if assignee[e.task] in (None, e.actor):
                    own += 1
                    continue
                others += 1
                claims = [p.pattern for p in _OWN_WORK_BODIES if p.search(e.text)]
                assert not claims, (e.text, claims)
        assert len(_OWN_WORK_BODIES) >= 2  # (the doer's own questions still say them)
        assert others >= 100 and own >= 100, (others, own)  # both kinds of question are there


# Said once in a comment, if at all: praise, a thank-you, a verdict.
_ONCE = re.compile(r"nice work|good work|nice job|great work", re.I)
_PHRASES = ("thanks for checking", "good to go", "no need for another review", "good question")


def test_a_comment_says_its_praise_and_thanks_once(runs):
    for events in runs:
        comments = [e for e in events if isinstance(e, ev.CommentAdded)]
        assert len(comments) > 1000
        for c in comments:
            text = c.text.lower()
            assert len(_ONCE.findall(text)) <= 1, c.text
            assert all(text.count(p) <= 1 for p in _PHRASES), c.text


def test_no_task_is_due_before_the_task_it_waits_on(runs):
    for events in runs:
        due: dict[str, object] = {}
        waits = 0
        for e in events:
            if isinstance(e, (ev.TaskCreated, ev.DueDateChanged)):
                due[e.task] = e.due_on
            elif isinstance(e, ev.DependencyAdded):
                mine, theirs = due[e.task], due[e.depends_on]
                if mine is not None and theirs is not None:
                    waits += 1
                    assert mine >= theirs, (e, mine, theirs)
        assert waits >= 50, waits


def test_task_names_do_not_repeat_within_a_project(runs):
    for events in runs:
        names: dict[str, set[str]] = defaultdict(set)
        follow_ups = 0
        for e in events:
            if isinstance(e, ev.TaskCreated) and e.parent is None:
                assert e.name not in names[e.project], (e.project, e.name)
                names[e.project].add(e.name)
                follow_ups += e.name.startswith(("Plan the rollout of", "Line up the sign-off"))
        assert follow_ups >= 10, follow_ups  # follow-ups of follow-ups are made, and named apart
