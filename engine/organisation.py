"""An organisation: one world per team, merged by simulated time into one log.

A team is the natural shard (DESIGN.md): each team's world has its own people, projected
state, random streams and ids, and nothing in one team's choices depends on another's. So
the teams can run on one SimPy environment (here: live runs, where events must come out as
the clock runs) or each on its own, a step at a time, in one process or several
(``engine.parallel``: batch runs), and the merged log is the same either way: events ordered by
(simulated time, team, order within the team) and numbered 1, 2, 3 … Workspace objects that
every team sets up alike (custom fields, tags: same ids, same content) are kept once, the
first time. A scenario with one team is simply that team's world, untouched.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Final

import msgspec
import simpy

from engine import events as ev
from engine.content import ContentSource
from engine.scenario import Scenario
from engine.world import Shard, Sink, World, run_in_steps

# (simulated seconds, team index, order within the team, event): the merge order is the tuple's
Keyed = tuple[float, int, int, ev.Event]


def teams_of(scenario: Scenario) -> list[str]:
    """The scenario's teams in order of first appearance (people must be resolved)."""
    return list(dict.fromkeys(person.team for person in scenario.people))


# Final: compiled code keeps them in C statics instead of looking them up in `ev` per event.
_CUSTOM_FIELD_CREATED: Final = ev.CustomFieldCreated
_TAG_CREATED: Final = ev.TagCreated


def shared_id(event: ev.Event) -> str | None:
    """The id of a workspace object every team creates alike, else None."""
    kind = type(event)
    if kind is _CUSTOM_FIELD_CREATED:
        return event.field  # type: ignore[attr-defined]
    if kind is _TAG_CREATED:
        return event.tag  # type: ignore[attr-defined]
    return None


class Numbering:
    """The organisation's log from team events already in merge order: a shared workspace
    object seen before is dropped, every other event gets the next seq. Used here on events
    and by engine.parallel on encoded lines."""

    def __init__(self) -> None:
        self.seq = 0
        self._shared: set[str] = set()

    def next_seq(self, shared: str | None) -> int | None:
        """The seq of the next event (`shared`: its shared_id), or None to drop it."""
        if shared is not None and not self.first_sight(shared):
            return None
        self.seq += 1
        return self.seq

    def first_sight(self, shared: str) -> bool:
        """Whether this shared object is new to the log (it is remembered from now on)."""
        if shared in self._shared:
            return False
        self._shared.add(shared)
        return True


class _NumberedSink:
    """Numbering for events on one environment: each numbered event goes to `sink`."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.numbering = Numbering()
        self.last_at: datetime | None = None

    def take(self, keyed: Iterable[Keyed]) -> None:
        for _time, _team, _order, event in keyed:
            seq = self.numbering.next_seq(shared_id(event))
            if seq is not None:
                event = msgspec.structs.replace(event, seq=seq)
                self.last_at = event.at
                self.sink(event)


class Organisation:
    def __init__(
        self,
        scenario: Scenario,
        content: ContentSource,
        sink: Sink,
        *,
        env: simpy.Environment | None = None,
        forever: bool = False,
        quiet: tuple[tuple[float, float], ...] = (),
    ) -> None:
        """The teams of `scenario` on one environment, merged instant by instant: ordered
        events go to `sink` as the clock runs (live runs and the web's jobs). A batch run steps
        each team on its own environment instead (engine.parallel); the log is the same."""
        self.env = env if env is not None else simpy.Environment()
        teams = teams_of(scenario)
        self._numbered: _NumberedSink | None = None
        self._single: World | None = None
        if len(teams) == 1:
            world = World(scenario, content, sink, env=self.env, forever=forever, quiet=quiet)
            self.worlds = [world]
            self._single = world
            return
        self._numbered = _NumberedSink(sink)
        self._instant = -math.inf
        self._pending: list[Keyed] = []
        self.worlds = [
            World(
                scenario,
                content,
                self._collector(k),
                env=self.env,
                forever=forever,
                quiet=quiet,
                shard=Shard(k, len(teams), teams[k]),
            )  # fmt: skip
            for k in range(len(teams))
        ]

    def _collector(self, team: int) -> Sink:
        env, pending = self.env, self._pending

        def collect(event: ev.Event) -> None:
            now = env.now
            if now != self._instant:  # every event of the instant before is in
                self.flush()
                self._instant = now
            pending.append((now, team, event.seq, event))

        return collect

    def flush(self) -> None:
        """Release the events of the current instant. Call it only when the environment has
        no more events at that instant (after ``env.run(until=...)`` or between steps)."""
        if self._numbered is not None and self._pending:
            self._pending.sort(key=_team_order)
            batch = self._pending[:]
            self._pending.clear()
            self._numbered.take(batch)

    # -- what the drivers use (engine.run, engine.live, adapters.web.sim) ----------------------

    @property
    def seq(self) -> int:
        """Events released so far (the last seq written)."""
        if self._single is not None:
            return self._single.seq
        return self._numbered.numbering.seq if self._numbered is not None else 0

    @property
    def last_at(self) -> datetime | None:
        if self._single is not None:
            return self._single.state.last_at
        return self._numbered.last_at if self._numbered is not None else None

    @property
    def horizon(self) -> float:
        return self.worlds[0].horizon

    def start(self) -> None:
        for world in self.worlds:
            world.start()

    def run(self, on_progress: Callable[[float], None] | None = None, step: float = 3600.0) -> None:
        """Run to the horizon, calling on_progress(sim_seconds) every `step` simulated seconds."""
        self.start()

        def after_step(t: float) -> None:
            self.flush()  # a step ends between instants: its events can all be merged
            if on_progress is not None:
                on_progress(t)

        run_in_steps(self.env, self.horizon, step, after_step)


def _team_order(keyed: Keyed) -> tuple[int, int]:
    return keyed[1], keyed[2]


def simulate(scenario: Scenario, content: ContentSource, sink: Sink, **run_options) -> Organisation:
    """Run the (resolved) scenario's organisation to the end, sending every event to sink."""
    organisation = Organisation(scenario, content, sink)
    organisation.run(**run_options)
    return organisation
