"""Behaviour a realism reviewer would catch, measured on simulated runs of a few seeds: chases
go by the assignee's working days and never to someone away, nobody approves their own request,
projects start on the scenario's cadence and do not pile up, managers ask questions and follow
what they ask about, contributors add follow-ups of their own work, and people differ."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

import msgspec
import pytest

from engine import events as ev
from engine import scenario as sc
from engine.content.templates import TemplateSource
from engine.moves import picks_up_unassigned, social_share
from engine.people import personal_paces
from engine.state import State, fold
from engine.world import World

SEEDS = (1, 2, 3)


def run_world(days: int, seed: int, behaviour=None, **changes) -> tuple[World, list[ev.Event]]:
    scenario = sc.resolve(
        msgspec.structs.replace(sc.default_scenario(), days=days, seed=seed, **changes)
    )
    events: list[ev.Event] = []
    world = World(scenario, TemplateSource(), events.append)
    world.start(behaviour)
    world.env.run(until=world.horizon)
    return world, events


@pytest.fixture(scope="module")
def runs() -> list[tuple[World, list[ev.Event]]]:
    return [run_world(90, seed) for seed in SEEDS]


def of(events, cls):
    return [e for e in events if isinstance(e, cls)]


# -- 1. chases ---------------------------------------------------------------------------------


def chases_with_context(world: World, events: list[ev.Event]):
    """(chase, the task's last activity before it, the assignee's announced absence or None)."""
    state, out = State(), []
    for event in events:
        if isinstance(event, ev.CommentAdded) and event.kind == "where_is":
            assert event.to is not None
            task = state.tasks[event.task]
            out.append((event, task.last_activity, state.people[event.to].away))
        fold(state, event)
    return out


@pytest.mark.parametrize("ooo", [0.04, 0.3])
def test_chases_wait_three_working_days_and_skip_people_who_are_away(ooo):
    chases = 0
    for seed in SEEDS:
        world, events = run_world(90, seed, out_of_office=sc.OutOfOffice(probability_per_week=ooo))
        for chase, quiet_since, announced in chases_with_context(world, events):
            chases += 1
            cal = world.by_id[chase.to].calendar
            today = chase.at.astimezone(cal.tz).date()
            assert announced is None, f"{chase.to} chased on {today} after announcing time away"
            assert cal.is_working_day(today), f"{chase.to} chased on {today}: not at work"
            since = (quiet_since - world.origin).total_seconds()
            now = (chase.at - world.origin).total_seconds()
            assert cal.working_days_between(since, now) >= 3, (chase, quiet_since)
    assert chases >= 3  # the check saw chases to judge


def test_working_days_between_skips_weekends_and_time_away():
    world, _ = run_world(1, 1)
    cal = world.actors[2].calendar
    monday = date(2026, 3, 2)  # a Monday without US holidays around it
    seconds = [cal.day_start(monday + timedelta(days=k)) + 12 * 3600 for k in range(12)]
    assert cal.working_days_between(seconds[0], seconds[4]) == 3  # Tue, Wed, Thu
    assert cal.working_days_between(seconds[3], seconds[7]) == 1  # Fri only (Sat, Sun off)
    cal.add_away(monday + timedelta(days=8), monday + timedelta(days=9))
    assert cal.working_days_between(seconds[7], seconds[11]) == 1  # Tue, Wed away


# -- 2. approvals ------------------------------------------------------------------------------


def test_nobody_approves_their_own_request(runs):
    approvals = [
        e for _, events in runs for e in of(events, ev.TaskCreated) if e.subtype == "approval"
    ]
    assert len(approvals) >= 10
    assert all(e.assignee not in (None, e.actor) for e in approvals)
    decided = {e.task: e.actor for _, events in runs for e in of(events, ev.ApprovalDecided)}
    creators = {e.task: e.actor for e in approvals}
    assert decided and all(decided[t] != creators[t] for t in decided)


# -- 3. project cadence ------------------------------------------------------------------------


def working_days(world: World, actor_id: str) -> int:
    cal, start = world.by_id[actor_id].calendar, world.scenario.start
    return sum(cal.is_working_day(start + timedelta(days=k)) for k in range(world.scenario.days))


def open_projects_by_day(events: list[ev.Event], start: date, days: int) -> list[int]:
    opened = {e.project: e.at.date() for e in of(events, ev.ProjectCreated)}
    closed = {e.project: e.at.date() for e in of(events, ev.ProjectCompleted)}
    return [
        sum(
            1
            for p, a in opened.items()
            if a <= start + timedelta(days=d) and closed.get(p, date.max) > start + timedelta(d)
        )
        for d in range(days)
    ]


@pytest.mark.parametrize("every", [8.0, 30.0])
def test_projects_start_about_on_the_cadence(every):
    for seed in SEEDS[:2]:
        work = msgspec.structs.replace(sc.Work(), new_project_every_days=every)
        world, events = run_world(120, seed, work=work)
        started = Counter(e.actor for e in of(events, ev.ProjectCreated))
        for manager in (a.id for a in world.actors if a.role == "manager"):
            implied = working_days(world, manager) / every
            # the first project starts at once; a hungry team pulls the others forward, a bit
            assert started[manager] <= 1 + implied / 0.75 + 1, (manager, started, implied)
            assert started[manager] >= implied * 0.75, (manager, started, implied)


def test_open_projects_stay_level_over_a_long_run():
    """Projects finish about as fast as they start: after eight months, at most a quarter of
    those started are still open (7 to 10 of 47 to 49, by the seed and the comments drawn, which
    share a stream with the projects' sizes), and never more than about one per person doing
    the work (an unbounded start rate had 17 of 45 open after three months, and climbing)."""
    for seed in SEEDS[:2]:
        world, events = run_world(240, seed)
        workers = sum(a.role != "manager" for a in world.actors)
        open_by_day = open_projects_by_day(events, world.scenario.start, 240)
        started = len(of(events, ev.ProjectCreated))
        finished = len(of(events, ev.ProjectCompleted))
        assert started - finished <= 0.25 * started, (started, finished)
        assert max(open_by_day) <= 1.5 * workers, open_by_day


# -- 4. roles ----------------------------------------------------------------------------------


def test_managers_ask_questions_and_follow_what_they_ask_about(runs):
    for world, events in runs:
        managers = {a.id for a in world.actors if a.role == "manager"}
        asked = [
            e for e in of(events, ev.CommentAdded) if e.kind == "question" and e.actor in managers
        ]
        questions = [e for e in of(events, ev.CommentAdded) if e.kind == "question"]
        # a few a week each, a modest part of all questions
        assert 5 * len(managers) <= len(asked) <= 0.4 * len(questions)
        follows = {(e.task, e.follower) for e in of(events, ev.FollowerAdded)}
        # (or followed it from the start: a task's creator may add them as a follower)
        follows |= {(e.task, f) for e in of(events, ev.TaskCreated) for f in e.followers}
        assert all((e.task, e.actor) in follows for e in asked)


def test_follows_come_while_the_task_is_open(runs):
    open_follows = all_follows = 0
    for _, events in runs:
        done: set[str] = set()
        for e in events:
            if isinstance(e, ev.TaskCompleted):
                done.add(e.task)
            elif isinstance(e, ev.TaskReopened):
                done.discard(e.task)
            elif isinstance(e, ev.FollowerAdded):
                all_follows += 1
                open_follows += e.task not in done
    assert open_follows >= 0.25 * all_follows, (open_follows, all_follows)


def test_contractors_have_a_narrower_role():
    contractor = sc.Person(name="C", role="contractor")
    world, _ = run_world(1, 1)
    roles = {a.role: a for a in world.actors}
    assert not picks_up_unassigned(roles["contractor"])
    assert picks_up_unassigned(roles["individual_contributor"])
    assert social_share(roles["contractor"]) < social_share(roles["lead"]) == 1.0
    assert contractor.role == "contractor"
    # never reviewers or approvers: only leads and the project's owner review, only managers
    # and leads approve
    for _, events in [run_world(90, seed) for seed in SEEDS[:2]]:
        people = {e.person: e.role for e in of(events, ev.PersonJoined)}
        for e in of(events, ev.CommentAdded):
            if e.kind == "review_request":
                assert e.to is not None and people[e.to] != "contractor"
        for e in of(events, ev.TaskCreated):
            if e.subtype == "approval":
                assert e.assignee is not None and people[e.assignee] != "contractor"


def test_contributors_add_follow_ups_of_their_own_work():
    """Right after finishing a task, a contributor or lead now and then adds a follow-up of it
    and takes it on: the log stays a possible history and the follow-ups are theirs."""
    world, events = run_world(90, 1)
    people = {e.person: e.role for e in of(events, ev.PersonJoined)}
    own = [
        e
        for e in of(events, ev.TaskCreated)
        if e.parent is None and people[e.actor] in ("lead", "individual_contributor")
    ]
    top_level = [e for e in of(events, ev.TaskCreated) if e.parent is None]
    assert 5 <= len(own) <= 0.25 * len(top_level)
    assert all(e.assignee in (e.actor, None) or e.subtype == "approval" for e in own)
    state = State()
    for event in events:  # fold refuses an impossible history
        fold(state, event)


# -- 5. people differ --------------------------------------------------------------------------


def test_personal_paces_differ_and_average_one_per_team():
    scenario = sc.default_scenario()
    for seed in SEEDS:
        paces = personal_paces(msgspec.structs.replace(scenario, seed=seed))
        assert statistics.mean(paces.values()) == pytest.approx(1.0)
        assert statistics.pstdev(paces.values()) >= 0.12
    assert personal_paces(scenario) == personal_paces(scenario)


def test_people_differ_and_days_differ(runs):
    spreads, zero_days, dispersion = [], [], []
    for world, events in runs:
        ics = {a.id for a in world.actors if a.role == "individual_contributor"}
        counts = Counter(e.actor for e in events if e.actor in ics)
        spreads.append(statistics.pstdev(counts.values()) / statistics.mean(counts.values()))
        daily: dict[str, Counter] = defaultdict(Counter)
        for e in events:
            if e.actor in ics:
                cal = world.by_id[e.actor].calendar
                daily[e.actor][e.at.astimezone(cal.tz).date()] += 1
        for person in ics:
            cal = world.by_id[person].calendar
            start = world.scenario.start + timedelta(days=7)  # after joining
            days = [start + timedelta(days=k) for k in range(world.scenario.days - 8)]
            per_day = [daily[person][d] for d in days if cal.is_working_day(d)]
            zero_days.append(sum(n == 0 for n in per_day) / len(per_day))
            dispersion.append(statistics.variance(per_day) / statistics.mean(per_day))
    # ICs' event counts differ by more than ±6 %, some working days are empty (meetings), and
    # daily counts vary more than a Poisson process would (variance over mean 1)
    assert statistics.mean(spreads) >= 0.15, spreads
    assert 0.01 <= statistics.mean(zero_days) <= 0.1, zero_days
    assert statistics.median(dispersion) >= 1.8, dispersion
