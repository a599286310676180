"""The calibration that keeps the realism work on main's figures: notes keep to the daily rhythm
at any rate, what arrives overnight is taken care of through the next day (not all at its first
moment), teammates ask about each other's work, contractors are handed work, reopens follow the
scenario's probability per finished task, follow-ups come with their steps, and nobody sits idle
for a week."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import msgspec
import pytest

from engine import events as ev
from engine import scenario as sc
from engine.content.templates import TemplateSource
from engine.scenario import parse_hours
from engine.scope import FOLLOW_UPS, NEXT_STEPS
from engine.state import State, fold
from engine.world import World

SEEDS = (1, 2, 3)


def run_world(days: int, seed: int, **changes) -> tuple[World, list[ev.Event]]:
    scenario = sc.resolve(
        msgspec.structs.replace(sc.default_scenario(), days=days, seed=seed, **changes)
    )
    events: list[ev.Event] = []
    world = World(scenario, TemplateSource(), events.append)
    world.run()
    return world, events


@pytest.fixture(scope="module")
def runs() -> list[tuple[World, list[ev.Event]]]:
    return [run_world(90, seed) for seed in SEEDS]


def local_hour(world: World, e: ev.Event) -> int:
    return e.at.astimezone(world.by_id[e.actor].calendar.tz).hour


def afternoon_share_expected(world: World, counts: Counter) -> float:
    """The share of `counts` (events per person) the people's own rhythm puts at 13:00 or
    later, local time: each person's profile weighed by their events."""
    expected = 0.0
    for person, n in counts.items():
        profile = world.by_id[person].calendar.profile
        expected += n * sum(profile[13 * 4 :]) / sum(profile)
    return expected / sum(counts.values())


# -- 1. notes keep to the rhythm at any rate ---------------------------------------------------


def test_notes_keep_to_the_daily_rhythm_at_a_high_rate():
    """Four notes per task a day is more than the per-task limit allows: a cap counted per day
    would spend it in the mornings and leave the afternoons silent; the gap between notes, in
    each person's own activity, keeps them where the activity is."""
    work = msgspec.structs.replace(sc.Work(), comments_per_task_per_day=4.0)
    world, events = run_world(30, 1, work=work)
    notes = [e for e in events if isinstance(e, ev.CommentAdded) and e.kind == "progress"]
    assert len(notes) >= 300
    afternoon = sum(local_hour(world, e) >= 13 for e in notes) / len(notes)
    expected = afternoon_share_expected(world, Counter(e.actor for e in notes))
    assert afternoon >= 0.9 * expected, (afternoon, expected)
    per_day = Counter((e.actor, e.task, e.at.astimezone(world.by_id[e.actor].calendar.tz).date())
                      for e in notes)  # fmt: skip
    assert max(per_day.values()) <= 2


# -- 2. what comes in overnight ------------------------------------------------------------------


def test_what_arrives_overnight_is_answered_through_the_next_day(runs):
    """Questions asked while the person asked is off are answered over their next day, in
    their rhythm, not at their first moment at work."""
    first_hour = judged = 0
    for world, events in runs:
        asked: dict[tuple[str, str], ev.CommentAdded] = {}
        for e in events:
            if not isinstance(e, ev.CommentAdded):
                continue
            if e.kind == "question" and e.to is not None:
                asked[(e.to, e.task)] = e
            elif e.kind == "answer" and (e.actor, e.task) in asked:
                question = asked.pop((e.actor, e.task))
                cal = world.by_id[e.actor].calendar
                start, _ = parse_hours(world.by_id[e.actor].person.hours)
                if cal.intensity(question.at) == 0 and e.at.date() != question.at.date():
                    judged += 1
                    first_hour += e.at.astimezone(cal.tz).hour < start + 1
    assert judged >= 50
    assert first_hour / judged <= 0.3, (first_hour, judged)


# -- 3. teammates ask ------------------------------------------------------------------------------


def test_teammates_ask_about_work_in_progress_and_get_answers(runs):
    for world, events in runs:
        roles = {a.id: a.role for a in world.actors}
        state, asked = State(), []
        for e in events:
            if isinstance(e, ev.CommentAdded) and e.kind == "question" and e.to is not None:
                task = state.tasks[e.task]
                if roles[e.actor] != "manager" and task.assignee not in (None, e.actor):
                    assert e.to == task.assignee and task.state == "in_progress"
                    asked.append(e)
            fold(state, e)
        answered = {
            (e.to, e.task)
            for e in events
            if isinstance(e, ev.CommentAdded) and e.kind in ("answer", "sorry_for_delay")
        }
        assert len(asked) >= 30
        assert sum((q.actor, q.task) in answered for q in asked) >= 0.8 * len(asked)


# -- 4. contractors are handed work ------------------------------------------------------------


def idle_working_days(world: World, events: list[ev.Event], person: str) -> tuple[int, int]:
    """(working days at whose 15:00 the person had nothing in progress or waiting, working
    days) after the first week, on the person's calendar."""
    cal, start = world.by_id[person].calendar, world.scenario.start
    moments = []
    for k in range(7, world.scenario.days):
        day = start + timedelta(days=k)
        if cal.is_working_day(day) and cal.day_factor(day) > 0:
            noon = cal.day_start(day) + 15 * 3600
            moments.append(world.origin + timedelta(seconds=noon))
    state, idle, i = State(), 0, 0
    for e in events:
        while i < len(moments) and moments[i] <= e.at:
            mine = state.assigned[person]
            idle += not (mine.new or mine.in_progress)
            i += 1
        fold(state, e)
    return idle, len(moments)


def test_contractors_are_handed_work(runs):
    for world, events in runs:
        contractor = next(a.id for a in world.actors if a.role == "contractor")
        idle, days = idle_working_days(world, events, contractor)
        assert idle <= 0.15 * days, (idle, days)


# -- 5. reopens ------------------------------------------------------------------------------------


def test_reopens_follow_the_probability_per_finished_task(runs):
    """The owner considers each finished task once: how often they have a spare moment does
    not change how many are reopened."""
    reopened = finished = 0
    for _, events in runs:
        ordinary = {
            e.task
            for e in events
            if isinstance(e, ev.TaskCreated) and e.parent is None and e.subtype == "default_task"
        }
        finished += sum(isinstance(e, ev.TaskCompleted) and e.task in ordinary for e in events)
        reopened += sum(isinstance(e, ev.TaskReopened) for e in events)
    rate = sc.Work().reopen_probability
    assert 0.4 * rate <= reopened / finished <= 1.6 * rate, (reopened, finished)


# -- 6. follow-ups ---------------------------------------------------------------------------------


def test_follow_ups_come_with_their_steps(runs):
    patterns = [
        name.split("{s}")[0]
        for table in (FOLLOW_UPS, NEXT_STEPS)
        for kinds in table.values()
        for name, _ in kinds
    ]
    for _, events in runs:
        created = [e for e in events if isinstance(e, ev.TaskCreated)]
        steps = Counter(e.parent for e in created if e.parent is not None)
        follow_ups = [
            e for e in created if e.parent is None and any(e.name.startswith(p) for p in patterns)
        ]
        assert len(follow_ups) >= 10
        assert all(steps[e.task] == 2 for e in follow_ups if e.subtype == "default_task")


# -- 7. nobody idles for a week, then bursts -------------------------------------------------------


def test_nobody_sits_idle_for_a_week(runs):
    """No one doing the work has five working days in a row with at most two events (a week
    of nothing, then a day of dozens, was what a starved team looked like)."""
    for world, events in runs:
        per_day: dict[str, Counter[date]] = defaultdict(Counter)
        for e in events:
            if not isinstance(e, ev.PersonJoined):
                per_day[e.actor][e.at.astimezone(world.by_id[e.actor].calendar.tz).date()] += 1
        for actor in world.actors:
            if actor.role == "manager":
                continue
            cal, streak = actor.calendar, 0
            for k in range(world.scenario.days):
                day = world.scenario.start + timedelta(days=k)
                if not cal.is_working_day(day) or cal.day_factor(day) == 0:
                    continue
                streak = streak + 1 if per_day[actor.id][day] <= 2 else 0
                assert streak < 5, (actor.id, day)


def test_nobody_starts_a_run_in_meetings():
    """A day in meetings (no workspace activity) comes only after a run's first week: a
    backfill of a few days would otherwise lose its only working day, and with a manager's,
    all of its work."""
    meeting_days = 0
    for seed in range(1, 9):
        world = World(msgspec.structs.replace(sc.default_scenario(), seed=seed), None, print)
        for actor in world.actors:
            factors = [
                actor.calendar.day_factor(world.scenario.start + timedelta(days=k))
                for k in range(60)
            ]
            assert all(f > 0 for f in factors[:7]), (seed, actor.id)
            meeting_days += sum(f == 0 for f in factors[7:])
    assert meeting_days > 0  # later on, they happen
