"""The SimPy model of an organisation.

Each person is a generator process that sleeps until their next moment of activity (drawn
from their calendar's intensity) and then acts once (``engine.actions.act``). Everything a
person does is an event: emitted with the next seq, folded into the projected state, and
handed to the sink (usually a log). All randomness comes from named streams derived from the
scenario seed, one per person plus one for content, so a run is reproducible and a team can
run in its own environment. Who the people are and how their calendars are planned is
``engine.people``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

import simpy

from engine import events as ev
from engine.calendar import end_of, origin_of
from engine.content import ContentSource, PersonRef, TaskBlueprint
from engine.content.task_names import RecentPatterns
from engine.content.team_clauses import RecentClauses
from engine.people import (
    Actor,
    Planner,
    approval_overhead,
    make_actors,
    peer_reviewing_teams,
    project_paces,
    stream,
)
from engine.person_calendar import ONE_DAY
from engine.rates import Rates
from engine.scenario import FieldSpec, Scenario
from engine.state import State, fold

Sink = Callable[[ev.Event], None]


@dataclass(frozen=True, slots=True)
class Shard:
    """One team simulated on its own (see engine.organisation): the `index`-th of `count`
    teams. Its ids interleave with the other teams' (t1, t1+count, ...), so they never clash,
    and it draws content from its own stream."""

    index: int
    count: int
    team: str


# The seconds of an hour as timedeltas: an event's moment is its hour's (cached) plus one of
# these, so no timedelta is built per event (building one costs more than the addition).
_SECONDS_OF_HOUR: Final = tuple(timedelta(seconds=s) for s in range(3600))

# Workspace objects every team sets up alike (same ids); the merged log keeps the first.
SHARED_ID_PREFIXES: Final = frozenset({"cf", "tg"})


def run_in_steps(
    env: simpy.Environment,
    horizon: float,
    step: float,
    after_step: Callable[[float], None] | None = None,
) -> None:
    """Run `env` to `horizon` in steps of `step` simulated seconds, calling after_step(t)."""
    t = 0.0
    while t < horizon:
        t = min(horizon, t + step)
        env.run(until=t)
        if after_step is not None:
            after_step(t)


class World:
    def __init__(
        self,
        scenario: Scenario,
        content: ContentSource,
        sink: Sink,
        *,
        env: simpy.Environment | None = None,
        forever: bool = False,
        quiet: tuple[tuple[float, float], ...] = (),
        shard: Shard | None = None,
    ) -> None:
        """A world for the scenario. `env` may be a simpy.rt.RealtimeEnvironment (live mode);
        `forever` ignores scenario.days; `quiet` lists (start, end) sim-second windows in which
        nobody acts (a live run that was stopped), so people come back to a gap in the story.
        `shard` limits the world to one team (engine.organisation runs one world per team)."""
        self.scenario = scenario
        self.shard = shard or Shard(0, 1, "")
        self.content = content
        self.sink = sink
        self.env = env if env is not None else simpy.Environment()
        self.state = State(allow_open_dependencies=scenario.workspace.allow_open_dependencies)
        self.origin = origin_of(scenario)
        self.horizon = math.inf if forever else end_of(scenario)
        self.quiet = quiet
        self.content_rng = stream(
            scenario.seed, "content" if self.shard.count == 1 else f"content:{self.shard.index}"
        )
        self.seq = 0
        self.counters: dict[str, int] = {}
        self.person_refs: dict[str, PersonRef] = {}  # how content refers to each person
        self.subjects: dict[str, str] = {}  # task id → the noun phrase comments mention
        # task id → its own kind of work, for a task of other work than its subject's (a
        # follow-up and its steps: see TaskBlueprint.work)
        self.task_work: dict[str, str] = {}
        self.blocked_until: dict[str, float] = {}  # task id → the assignee's action it ends at
        self.task_queue: dict[str, list[TaskBlueprint]] = {}  # project id → tasks still to create
        # project id → tasks its plan left for later, added when the team runs short of work
        self.spare_tasks: dict[str, list[TaskBlueprint]] = {}
        self.grown: dict[str, int] = {}  # project id → tasks added since its plan was in
        self.followed_up: set[str] = set()  # finished tasks that got a follow-up
        self.judged_done: set[str] = set()  # finished tasks their owner considered reopening
        # team → the progress clauses its people posted lately (see engine.content.CommentContext)
        self.clauses_said: dict[str, RecentClauses] = {}
        # team → the wordings of the tasks it added lately (see engine.content.task_names)
        self.patterns_used: dict[str, RecentPatterns] = {}
        # Workspace objects (custom fields, tags, milestones, portfolios): see engine.workspace.
        self.workspace_ready = False
        self.field_specs: dict[str, FieldSpec] = {}  # field id → spec
        # The fields that are the built-in Stage and Priority (same name, type and options): only
        # they follow the lifecycle and escalate; a field of the scenario's own keeps its values.
        self.stage_field: str | None = None
        self.priority_field: str | None = None
        self.tag_ids: list[str] = []
        # manager id → {milestone task id: project id} of milestones not yet reached
        self.open_milestones: dict[str, dict[str, str]] = {}
        self.portfolio_of: dict[str, str] = {}  # manager id → portfolio id
        # env.now while someone acts, kept by their process (env.now is a Python-level property:
        # a call each time it is read)
        self.clock = 0.0
        self._at_second = -1
        self._at_value = self.origin
        self._at_hour = 0
        self._at_hour_value = self.origin
        self.planner = Planner(scenario)
        team = self.shard.team if self.shard.count > 1 else None
        self.actors = make_actors(scenario, self.origin, team, self.planner)
        self.by_id = {a.id: a for a in self.actors}
        self.teams: dict[str, list[Actor]] = {}
        for a in self.actors:
            self.teams.setdefault(a.person.team, []).append(a)
        # person id → their teammates who have joined (engine.moves.teammates: read at most
        # moments, changed only when someone joins, which clears it)
        self.joined_teammates: dict[str, list[Actor]] = {}
        space = scenario.workspace
        # Tasks planned per ordinary task against the cadence's own (engine.people)
        self.approval_overhead = approval_overhead(space.approval_share if space.enabled else 0)
        self.project_paces = project_paces(self.actors, self.approval_overhead)  # team → pace
        self.peer_reviewing_teams = peer_reviewing_teams(self.actors)
        self.rates = Rates.of(scenario)

    # -- running -----------------------------------------------------------------------------

    def start(self, behaviour: Callable[[World, Actor], None] | None = None) -> None:
        """Start everyone's process. Each activity moment calls `behaviour` (by default
        engine.actions.act; the benchmark passes one that does nothing). person_life is
        annotated in full: compiled, its clock stays in native floats."""
        from engine.actions import act

        def person_life(actor: Actor) -> Generator[simpy.Event, object, None]:
            env, start, horizon, quiet = self.env, self.scenario.start, self.horizon, self.quiet
            calendar, rng, timeout = actor.calendar, actor.rng, env.timeout
            # Plan 60 more days once the clock is within 30 days of the planned end.
            replan_at = (actor.planned_until - start).total_seconds() - 30 * 86400.0
            now: float = env.now
            while True:
                if now > replan_at:
                    self.planner.plan_ahead(actor, actor.planned_until + timedelta(days=60))
                    replan_at = (actor.planned_until - start).total_seconds() - 30 * 86400.0
                moment = calendar.next_activity(now, rng, horizon)
                if moment == math.inf:
                    return
                delay = moment - now
                yield timeout(delay)
                now += delay  # where SimPy's clock now stands: a timeout fires at now + delay
                if not quiet or not any(a <= moment < b for a, b in quiet):
                    self.clock = now
                    if behaviour is None:
                        act(self, actor)  # a direct call when compiled
                    else:
                        behaviour(self, actor)

        for actor in self.actors:
            self.env.process(person_life(actor))

    def run(self, on_progress: Callable[[float], None] | None = None, step: float = 3600.0) -> None:
        """Run to the horizon, calling on_progress(sim_seconds) every `step` simulated seconds."""
        self.start()
        run_in_steps(self.env, self.horizon, step, on_progress)

    # -- emitting ----------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The simulated moment as a UTC datetime, to the second (cached: events come in
        bursts within one second)."""
        second = int(self.clock)
        if second != self._at_second:
            hour = second // 3600
            if hour != self._at_hour:
                self._at_hour = hour
                self._at_hour_value = self.origin + timedelta(hours=hour)
            self._at_second = second
            self._at_value = self._at_hour_value + _SECONDS_OF_HOUR[second - hour * 3600]
        return self._at_value

    def next_seq(self) -> int:
        """The seq of the event being made, which `emit` must take next (fold checks it).

        Events are built where they happen, envelope first:
        ``world.emit(ev.TaskLiked(world.next_seq(), world.now, actor.id, task=t))``; a keyword
        dict passed through to the constructor would cost about 5,000 instructions an event."""
        self.seq += 1
        return self.seq

    def emit(self, event: ev.Event) -> None:
        """Fold the event into the projected state (which rejects an impossible one), then
        hand it to the sink."""
        fold(self.state, event)
        self.sink(event)

    def next_id(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        if prefix not in SHARED_ID_PREFIXES:
            n = (n - 1) * self.shard.count + self.shard.index + 1
        return f"{prefix}{n}"

    def project_index(self) -> int:
        """The new project's number across the organisation (content varies with it)."""
        return len(self.state.projects) * self.shard.count + self.shard.index

    def recent_patterns(self, team: str) -> RecentPatterns:
        """The wordings the team used lately for the tasks it added."""
        recent = self.patterns_used.get(team)
        if recent is None:
            recent = self.patterns_used[team] = RecentPatterns()
        return recent

    def local_today(self, actor: Actor) -> date:
        """The acting person's local date (their calendar knows the day of this moment)."""
        return actor.calendar.last_day

    def workdays_after(self, actor: Actor, day: date, count: int) -> date:
        """The date `count` working days after `day` on this person's calendar."""
        cal = actor.calendar
        while count > 0:
            day += ONE_DAY
            if day.weekday() not in cal.days_off and day not in cal.holidays:
                count -= 1
        return day
