"""The people of a simulated organisation: who each one is, their calendar, and the plans
only the simulation knows (public holidays, time away), built from the scenario and its seed.

Calendars are planned lazily (``Planner.plan_ahead``) so runs can go on forever; each person's
planning draws from a stream of its own, so how far ahead anyone looks never changes a run.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

from engine.calendar import build_calendar, holiday_dates
from engine.content.templates_fill import RecentParts
from engine.draws import pick, uniform
from engine.person_calendar import ONE_DAY, PersonCalendar
from engine.scenario import Person, Scenario


class WaitingQuestion:
    """What engine.answers.answer reads of a question put to the person at every one of
    their moments, worked out once: the local day it was asked, whether it slips through, its
    keys for engine.moves.noticed; and its wait in working days, once a day."""

    def __init__(self, topic: str, asked_on: date, missed: bool, share: float) -> None:
        self.asked_on = asked_on
        self.missed = missed
        self.share = share  # of their usual day of actions it is taken care of within
        self.on_time_key = "q" + topic
        self.late_key = "l" + topic
        self.counted_on = date.min  # the day `waited` was counted on
        self.waited = 0


@dataclass(slots=True)
class Actor:
    """A simulated person: who they are plus the plans only the simulation knows."""

    id: str
    person: Person
    role: str  # person.role, read at every moment: a native attribute, not the Struct's
    calendar: PersonCalendar
    rng: random.Random
    joined: bool = False
    # A manager of a team of managers only, who also does the team's work (see
    # managers_only_teams).
    hands_on: bool = False
    # Planned stretches away (local dates), announced shortly before they start.
    away_plan: list[tuple[date, date]] = field(default_factory=list)
    announced: tuple[date, date] | None = None
    # Accumulated progress towards the next review request / next blocker (see actions).
    work_credit: float = 0.0
    work_threshold: float = 1.0
    blockers_due: int = 0  # blockers drawn but not yet hit (see engine.steady_work.pace)
    comment_credit: float = 0.0
    # Per task they started, the action and the moment (clock seconds) before which it cannot
    # go to review: work takes time (engine.steady_work).
    worked_until: dict[str, tuple[float, float]] = field(default_factory=dict)
    # Per task with subtasks they started, the action it was started at and the actions its
    # steps are spread over (engine.steady_work).
    steps_paced: dict[str, tuple[float, float]] = field(default_factory=dict)
    # The person's actions so far, and per task the action of their last note on it: notes
    # are spaced in the person's own activity (see engine.conversation).
    actions: int = 0
    noted: dict[str, int] = field(default_factory=dict)
    note_gap: int = 1
    # What the person will get round to, by key (a question, a review, a freed task, a slipped
    # due date): the action by which they will have (see engine.moves.noticed).
    due: dict[str, int] = field(default_factory=dict)
    day_actions: float = 0.0  # their usual working day's expected actions
    waiting: dict[str, WaitingQuestion] = field(default_factory=dict)  # by topic (a cache)
    # Tasks whose unanswered question they chased before finishing, with the action they did
    # it at (engine.answers).
    chased: dict[str, int] = field(default_factory=dict)
    away_rng: random.Random = field(default_factory=random.Random)
    planned_until: date = date.min
    holiday_years: set[int] = field(default_factory=set)
    next_away_week: date = date.min
    last_project_at: float = -math.inf
    projects_started: int = 0
    last_chase_day: date | None = None
    # The parts of their latest comments: they say something else next (engine.content).
    said: RecentParts = field(default_factory=RecentParts)


# (A constant: building a timedelta from keywords costs some 3,000 instructions.)
ONE_WEEK: Final = timedelta(days=7)


def stream(seed: int, name: str) -> random.Random:
    """A named random stream: independent of other streams and of string hashing."""
    return random.Random(f"{seed}:{name}")


# Notes of one person on one task are at least this share of their usual day's actions apart
# (engine.conversation spaces them in activity, not by the clock).
NOTE_GAP_OF_DAY: Final = 0.6
PACE_SIGMA: Final = 0.3  # the spread (σ of the log) of people's personal pace


def personal_paces(scenario: Scenario, team: str | None = None) -> dict[str, float]:
    """Person id → their steady pace: some people simply do more in the workspace than others.
    Lognormal around 1, each from its own stream, then scaled so the mean is 1 among each
    team's managers and among the rest (the team does what the scenario's rates say, and its
    contributors' working weeks are their head count's; who does how much of it varies).
    Only `team`'s people when it is not None (their paces do not depend on other teams')."""
    raw: dict[str, float] = {}
    teams: dict[tuple[str, bool], list[str]] = {}
    for i, person in enumerate(scenario.people, start=1):
        if team is not None and person.team != team:
            continue
        pid = f"u{i}"
        raw[pid] = math.exp(stream(scenario.seed, f"{pid}:pace").gauss(0.0, PACE_SIGMA))
        teams.setdefault((person.team, person.role == "manager"), []).append(pid)
    paces: dict[str, float] = {}
    for members in teams.values():
        mean = sum(raw[p] for p in members) / len(members)
        for p in members:
            paces[p] = raw[p] / mean
    return paces


class Planner:
    """Plans people's calendars ahead for one world: public holidays by country and year (the
    holidays package is slow, so each year is looked up once) and time away."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._holidays: dict[tuple[str, int], set[date]] = {}

    def plan_ahead(self, actor: Actor, until: date) -> None:
        """Extend a person's calendar to `until`: public holidays by year, and time away (per
        week, a chance to start a stretch on a working day). Done lazily, so runs can go on
        forever; its own random stream keeps it independent of how far ahead we look."""
        sc, cal = self.scenario, actor.calendar
        if until <= actor.planned_until:
            return
        country = actor.person.country or sc.holidays.country
        for year in range(max(sc.start.year, actor.planned_until.year), until.year + 1):
            if year not in actor.holiday_years:
                actor.holiday_years.add(year)
                key = (country, year)
                if key not in self._holidays:  # the holidays package is slow: once per year
                    first, last = date(year, 1, 1), date(year, 12, 31)
                    self._holidays[key] = holiday_dates(sc, country, first, last)
                cal.add_holidays(self._holidays[key])
        ooo, rng = sc.out_of_office, actor.away_rng
        day = actor.next_away_week
        while day < until:
            if rng.random() < ooo.probability_per_week:
                week = [day + ONE_DAY * k for k in range(7)]
                workdays = [d for d in week if cal.is_working_day(d)]
                if workdays:
                    first = pick(rng, workdays)
                    length = max(1, round(rng.expovariate(1 / ooo.mean_days)))
                    last, counted = first, 1
                    while counted < length:
                        last += ONE_DAY
                        counted += cal.is_working_day(last)
                    actor.away_plan.append((first, last))
                    cal.add_away(first, last)
                    day = last + ONE_DAY
                    continue
            day += ONE_WEEK
        actor.next_away_week = day
        actor.planned_until = until


def managers_only_teams(people: Iterable[Person]) -> frozenset[str]:
    """The teams with nobody but managers: a manager alone, or a few running a small thing
    together. Nobody else would do the work, so they do it themselves (engine.actions):
    pick up, start, get blocked on and finish tasks like a contributor, reviewed by a fellow
    manager of the team, or not at all when they are on their own."""
    teams: dict[str, bool] = {}
    for person in people:
        teams[person.team] = teams.get(person.team, True) and person.role == "manager"
    return frozenset(team for team, only_managers in teams.items() if only_managers)


def make_actors(
    scenario: Scenario, origin: datetime, team: str | None, planner: Planner
) -> list[Actor]:
    """The scenario's people (only `team`'s when it is not None), each with their calendar
    planned through their first two months."""
    sc = scenario
    actors = []
    paces = personal_paces(sc, team)
    hands_on = managers_only_teams(sc.people)
    for i, person in enumerate(sc.people, start=1):
        if team is not None and person.team != team:
            continue
        pid = f"u{i}"
        rng = stream(sc.seed, pid)
        evening = person.evening
        if evening is None:
            evening = rng.random() < sc.rhythm.evening_share
        calendar = build_calendar(
            sc,
            person,
            evening=evening,
            holidays=(),
            origin=origin,
            pace=paces[pid],
            day_key=f"{sc.seed}:{pid}:days",
        )
        actor = Actor(
            id=pid,
            person=person,
            role=person.role,
            calendar=calendar,
            rng=rng,
            hands_on=person.team in hands_on,
            away_rng=stream(sc.seed, f"{pid}:away"),
            planned_until=sc.start - timedelta(days=1),
            next_away_week=sc.start + timedelta(days=2),  # nobody is away on their first days
        )
        planner.plan_ahead(actor, sc.start + timedelta(days=min(sc.days, 60) + 1))
        actor.work_threshold = uniform(rng, 0.5, 1.5)
        actor.day_actions = calendar.cumulative[-1]
        actor.note_gap = max(1, round(NOTE_GAP_OF_DAY * actor.day_actions))
        actors.append(actor)
    return actors


# `new_project_every_days` is the cadence of a manager with up to this many people doing the
# work (the default team's five a manager); a manager of more starts projects proportionally
# more often, so a wide team still gets the work its weekly rates need. (At six a manager,
# the cadence left a team of forty no slack: 2.66 completions a contributor-week against 3.)
WORKERS_PER_MANAGER: Final = 5


# The share of new tasks that are approvals (workspace.approval_share) the cadence is set for:
# an approval is decided, not worked on, so with a larger share managers start projects
# proportionally more often and the team gets the ordinary work its weekly rates need.
PLANNED_APPROVAL_SHARE: Final = 0.08


def approval_overhead(approval_share: float) -> float:
    """How many times the tasks a manager plans a team needs for its ordinary work, against
    PLANNED_APPROVAL_SHARE: the ordinary share that leaves over the one `approval_share`
    leaves, and 1 for a share up to PLANNED_APPROVAL_SHARE."""
    return max(1.0, (1 - PLANNED_APPROVAL_SHARE) / (1 - approval_share))


def project_paces(actors: list[Actor], overhead: float = 1.0) -> dict[str, float]:
    """Team → how many times `new_project_every_days`' pace its managers start projects at:
    1, or its workers per manager over WORKERS_PER_MANAGER when that is more; times the
    approval `overhead` (see approval_overhead)."""
    managers: dict[str, int] = {}
    workers: dict[str, int] = {}
    for actor in actors:
        counts = managers if actor.role == "manager" else workers
        counts[actor.person.team] = counts.get(actor.person.team, 0) + 1
    return {
        team: max(1.0, workers.get(team, 0) / count / WORKERS_PER_MANAGER) * overhead
        for team, count in managers.items()
    }


# One reviewer (a lead or a manager) keeps up with about this many contributors' work; in a
# team with more per reviewer, contributors review each other's work too.
CONTRIBUTORS_PER_REVIEWER: Final = 8


def peer_reviewing_teams(actors: list[Actor]) -> frozenset[str]:
    """The teams whose contributors outnumber their leads and managers more than
    CONTRIBUTORS_PER_REVIEWER to one (see engine.moves.reviewer_for)."""
    reviewers: dict[str, int] = {}
    contributors: dict[str, int] = {}
    for actor in actors:
        counts = reviewers if actor.role in ("manager", "lead") else contributors
        counts[actor.person.team] = counts.get(actor.person.team, 0) + 1
    return frozenset(
        team
        for team, count in contributors.items()
        if count > CONTRIBUTORS_PER_REVIEWER * reviewers.get(team, 0)
    )
