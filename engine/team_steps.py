"""Running a run's teams a simulated step at a time: the worker side of ``engine.parallel``.

Each team runs on its own SimPy environment (teams are independent shards, see
``engine.organisation``), one step of whole simulated days at a time; a step's events come out
encoded, as a `Step` with their merge keys (simulated time, team, order within the team), which
``engine.parallel.merge_step`` merges in the caller's process. This module decides how long a
step is, runs the teams (in the caller's process or in a worker's) and holds a worker process's
side of the channel (`main`, `work`): its job comes in as one message, its steps go out; the
caller's side (`engine.parallel`) starts it and reads what it sends.
"""

from __future__ import annotations

import contextlib
import gc
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Final, NamedTuple

import msgspec

from engine import events as ev
from engine.content import ContentSource
from engine.errors import BusyworkError
from engine.scenario import Scenario

# A step covers whole simulated days, as many as keep it near STEP_ACTIONS expected actions (1
# to 7 days; 3,000 person-days at the default 22 actions a day): each team then runs several
# days in a row with its state warm in the CPU's caches (a thousand people: 3-day steps, 6-10 %
# faster than 1-day ones for 36 MB more), while a step's lines stay small in memory and the
# progress bar and the log move often, however busy the people are. Claude content steps a day
# at a time: its calls are slow, and progress is reported per step.
STEP_ACTIONS: Final = 66_000
MAX_STEP_DAYS: Final = 7


class Step(NamedTuple):
    """One simulated step of some teams: for each event its simulated time and its encoded line;
    the runs of consecutive lines that each team made, as (team, seq of the run's first line
    within the team, lines: their seqs follow on); the positions of shared workspace objects
    with their ids, and the events of each type."""

    until: float
    times: array[float]
    lines: list[bytes]
    runs: list[tuple[int, int, int]]
    shared: dict[int, str]
    counts: dict[str, int]


# A worker's job, as the caller sends it (JSON): the scenario, the teams it runs (their
# positions in teams_of), the days per step.
Job = tuple[Scenario, list[int], int | None]

# What a worker sends for a step: the Step without its lines as a plain tuple (quick to
# pickle), then the lines joined by newlines as raw bytes (no pickle copy on either side).
StepMessage = tuple[
    float, "array[float]", list[tuple[int, int, int]], dict[int, str], dict[str, int]
]


def step_seconds(people: int, actions_per_day: float, *, templates: bool) -> float:
    """Simulated seconds per step for `people` who each take about `actions_per_day` actions on
    a working day (see STEP_ACTIONS)."""
    if not templates:
        return 86400.0
    days = int(STEP_ACTIONS // max(1.0, people * actions_per_day))
    return 86400.0 * max(1, min(MAX_STEP_DAYS, days))


def parallel_step_days(scenario: Scenario, workers: int) -> int:
    """Days per step across `workers` processes: the caller holds a step of every worker at once
    (and each worker its own), so a step keeps near STEP_ACTIONS over them all. A thousand people
    in two processes: 1-day steps, 326 → about 270 MB in all for a year, some 9 % slower than
    3-day ones (the 300 MB goal of issue 2)."""
    from engine.calendar import working_day_actions

    actions = working_day_actions(scenario)
    seconds = step_seconds(len(scenario.people) * workers, actions, templates=True)
    return int(seconds // 86400)


# A simulation allocates many short-lived objects (events, their texts, SimPy's) and makes few
# reference cycles: collecting the youngest generation every 20,000 allocations instead of
# every 700 made a 300-person run about 4% faster (tests/bench) for no growth in memory.
YOUNG_COLLECTION_THRESHOLD: Final = 20_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with the young generation collected less often (the process's setting,
    put back after)."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_COLLECTION_THRESHOLD), middle, old)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


def main(channel: int) -> None:
    """A worker process (started by engine.parallel): its job and its steps go over the duplex
    pipe at file descriptor `channel`."""
    work(Connection(channel))


def work(pipe: Connection) -> None:
    """Receive a Job (JSON bytes), run its teams, send each step (a StepMessage, then its
    lines), then None; on failure, the error as text."""
    try:
        scenario, teams, step_days = msgspec.json.decode(pipe.recv_bytes(), type=Job)
        with fewer_collections():
            for step in simulate_steps(scenario, teams, step_days):
                until, times, lines, runs, shared, counts = step
                joined = b"\n".join(lines)  # before the first part goes: nothing can fail
                pipe.send((until, times, runs, shared, counts))
                pipe.send_bytes(joined)
        pipe.send(None)
    except BaseException as exc:  # reported by the caller, which stops everything
        with contextlib.suppress(OSError):  # the caller is gone (stopped, killed): just end
            pipe.send(
                str(exc) if isinstance(exc, BusyworkError) else f"{type(exc).__name__}: {exc}"
            )
    finally:
        pipe.close()


def simulate_steps(
    scenario: Scenario,
    teams: list[int],
    step_days: int | None,
    content: ContentSource | None = None,
) -> Iterator[Step]:
    """Run `teams`, each on its own SimPy environment, a step at a time: every team to the
    step's end in turn (its state stays in the CPU's caches while it runs: 1.3–1.6× as fast as
    a shared environment for a thousand people), then the step's events go out together."""
    from engine.calendar import working_day_actions
    from engine.content.templates import TemplateSource
    from engine.organisation import shared_id, teams_of
    from engine.world import Shard, World

    names = teams_of(scenario)
    # The step's events so far, team after team; merge_step orders them. Encoded as they come:
    # an event kept to the end of the step would live long enough for the garbage collector
    # to promote it.
    times: list[float] = []
    lines: list[bytes] = []
    runs: list[tuple[int, int, int]] = []
    kinds: list[type[ev.Event]] = []
    shared: dict[int, str] = {}
    encode = ev.ENCODER.encode
    worlds: list[World] = []

    def collector(position: int) -> Callable[[ev.Event], None]:
        def collect(event: ev.Event) -> None:
            object_id = shared_id(event)
            if object_id is not None:
                shared[len(lines)] = object_id
            times.append(worlds[position].clock)
            lines.append(encode(event))
            kinds.append(type(event))

        return collect

    source = content if content is not None else TemplateSource()
    step = (
        step_seconds(
            len(scenario.people),
            working_day_actions(scenario),
            templates=source.name == "templates",
        )
        if step_days is None
        else step_days * 86400.0
    )
    for position, k in enumerate(teams):
        shard = Shard(k, len(names), names[k])
        worlds.append(World(scenario, source, collector(position), shard=shard))
    for world in worlds:
        world.start()
    horizon, t = worlds[0].horizon, 0.0
    while t < horizon:
        t = min(horizon, t + step)
        for k, world in zip(teams, worlds, strict=True):
            before = len(lines)
            world.env.run(until=t)
            made = len(lines) - before
            if made:  # the world numbers its events 1, 2, 3 ...: the run's are the last made
                runs.append((k, world.seq - made + 1, made))
        yield Step(
            t,
            array("d", times),
            lines[:],
            runs[:],
            dict(shared),
            {kind.__name__: n for kind, n in Counter(kinds).items()},
        )
        times.clear()
        runs.clear()
        lines.clear()
        kinds.clear()
        shared.clear()
