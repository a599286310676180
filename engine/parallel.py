"""Simulating a run's teams step by step, in this process or in several.

Each team runs on its own SimPy environment (teams are independent shards, see
``engine.organisation``), one simulated step at a time; a step's events come out encoded, with
their merge keys (simulated time, team, order within the team). The caller's process merges
the steps in key order, keeps shared workspace objects once and numbers the events: the same
log, byte for byte, as the teams make on one environment, whatever the number of processes.
Worker processes use only the offline template content (a Claude session lives in one process).

The caller's process shares the cores with the workers, so it handles a step as a whole, in a
few C-level passes (a sort, maps) rather than in Python per event.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import compress, repeat
from multiprocessing.connection import Connection
from operator import is_, is_not
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from engine import events as ev
from engine.content import ContentSource
from engine.errors import BusyworkError
from engine.scenario import Scenario

if TYPE_CHECKING:
    from engine.organisation import Numbering

STEP_SECONDS = 86400.0  # one simulated day per message: small enough for progress, few sends


class Step(NamedTuple):
    """One simulated step of some teams: for each event its merge key (simulated time, team,
    order within the team: the seq its line holds), the encoded lines, the positions of shared
    workspace objects with their ids, and the events of each type."""

    until: float
    times: array[float]
    teams: array[int]
    orders: array[int]
    lines: list[bytes]
    shared: dict[int, str]
    counts: dict[str, int]


# What a worker sends for a step: a Step as a plain tuple, its lines joined by newlines (arrays
# and one bytes object pickle as raw bytes: quick).
StepMessage = tuple[
    float, "array[float]", "array[int]", "array[int]", bytes, dict[int, str], dict[str, int]
]

# Below this many person-days a run takes a few seconds: starting processes would not pay.
PARALLEL_PERSON_DAYS = 20_000


def default_workers(scenario: Scenario, content_name: str = "templates") -> int:
    """Processes for `busywork simulate --workers auto`: one per core, at most one per team,
    and one for small runs or Claude content."""
    from engine.organisation import teams_of

    if content_name != "templates" or len(scenario.people) * scenario.days < PARALLEL_PERSON_DAYS:
        return 1
    return max(1, min(os.cpu_count() or 1, len(teams_of(scenario))))


# (seq of the first line, encoded lines with their seqs, events of each type among them) for
# each step of the merged log, in order
OnLines = Callable[[int, list[bytes], dict[str, int]], None]


def simulate_teams(
    scenario: Scenario,
    on_lines: OnLines,
    on_progress: Callable[[float], None] | None = None,
    *,
    workers: int = 1,
    content: ContentSource | None = None,
) -> int:
    """Simulate the (resolved) scenario's teams, in this process or in `workers` processes (with
    template content only); returns the events made. `on_lines` gets the merged log step by
    step, `on_progress` the simulated seconds after each step."""
    from engine.organisation import Numbering, teams_of

    teams = len(teams_of(scenario))
    workers = max(1, min(workers, teams))
    numbering = Numbering()
    if workers == 1:
        for step in _steps(scenario, list(range(teams)), content):
            if teams == 1:  # one team's lines come in order, numbered: nothing to merge
                first_seq, numbering.seq = numbering.seq + 1, numbering.seq + len(step.lines)
                if step.lines:
                    on_lines(first_seq, step.lines, step.counts)
                if on_progress is not None:
                    on_progress(step.until)
            else:
                _take_steps([step], numbering, on_lines, on_progress)
        return numbering.seq
    if content is not None and content.name != "templates":
        raise ValueError("worker processes write template content only; use one process")
    context = multiprocessing.get_context("spawn")  # the caller may run threads (log fsync)
    pipes: list[Connection] = []
    processes: list[multiprocessing.process.BaseProcess] = []
    try:
        for w in range(workers):
            ours, theirs = context.Pipe(duplex=False)
            process = context.Process(
                target=_work,
                args=(msgspec.json.encode(scenario), list(range(w, teams, workers)), theirs),
                name=f"busywork-sim-{w}",
                daemon=True,
            )
            process.start()
            theirs.close()
            pipes.append(ours)
            processes.append(process)
        while True:
            received = [_receive(pipe, w) for w, pipe in enumerate(pipes)]
            steps = [step for step in received if step is not None]
            if len(steps) < len(received):
                break
            _take_steps(steps, numbering, on_lines, on_progress)
        return numbering.seq
    finally:
        for started in processes:
            if started.is_alive():
                started.terminate()
            started.join()
        for pipe in pipes:
            pipe.close()


def _take_steps(
    steps: list[Step],
    numbering: Numbering,
    on_lines: OnLines,
    on_progress: Callable[[float], None] | None,
) -> None:
    first_seq, lines, counts = merge_step(steps, numbering)
    if lines:
        on_lines(first_seq, lines, counts)
    if on_progress is not None:
        on_progress(steps[0].until)


# A line's seq as encoded. The envelope's seq follows the type tag, so the first match is it.
_SEQ = b'"seq":%d,'


def merge_step(steps: list[Step], numbering: Numbering) -> tuple[int, list[bytes], dict[str, int]]:
    """The events of one step of every worker (or of this process), merged by (time, team,
    order within the team) and numbered by `numbering`: (seq of the first, lines, events of each
    type among them)."""
    times: array[float] = array("d")
    teams: array[int] = array("l")
    orders: array[int] = array("l")
    lines: list[bytes] = []
    shared: dict[int, str] = {}  # position among all the step's lines: shared object id
    counts: dict[str, int] = {}
    for w, step in enumerate(steps):
        for name, n in step.counts.items():
            counts[name] = counts.get(name, 0) + n
        made = len(step.times)
        if not made:
            continue
        if not len(step.lines) == len(step.teams) == len(step.orders) == made:
            raise BusyworkError(
                f"simulation worker {w} sent {len(step.lines)} lines, {len(step.teams)} teams "
                f"and {len(step.orders)} orders for {made} events"
            )
        shared.update({len(lines) + i: object_id for i, object_id in step.shared.items()})
        lines += step.lines
        times += step.times
        teams += step.teams
        orders += step.orders
    # A team lives in one worker, its events in order: a stable sort by (time, team) merges.
    keys = list(zip(times, teams, strict=True))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    first_seq = numbering.seq + 1
    if shared:  # Numbering's rule event by event: a shared object seen before is dropped
        ids: list[str | None] = [None] * len(order)
        for position, object_id in shared.items():
            ids[position] = object_id
        seqs = list(map(numbering.next_seq, map(ids.__getitem__, order)))
        for position in compress(order, map(is_, seqs, repeat(None))):
            name = _type_of(lines[position])
            counts[name] -= 1
            if not counts[name]:
                del counts[name]
        order = list(compress(order, map(is_not, seqs, repeat(None))))
    else:  # ... and without shared objects every event gets the next seq
        numbering.seq += len(order)
    old_seqs = map(_SEQ.__mod__, map(orders.__getitem__, order))
    new_seqs = map(_SEQ.__mod__, range(first_seq, first_seq + len(order)))
    ordered = map(lines.__getitem__, order)
    return first_seq, list(map(bytes.replace, ordered, old_seqs, new_seqs, repeat(1))), counts


_TYPE_START = len(b'{"type":"')


def _type_of(line: bytes) -> str:
    return line[_TYPE_START : line.index(b'"', _TYPE_START)].decode()


def _receive(pipe: Connection, worker: int) -> Step | None:
    try:
        message = pipe.recv()
    except EOFError:
        raise BusyworkError(f"simulation worker {worker} ended without a word") from None
    if isinstance(message, str):
        raise BusyworkError(f"simulation worker {worker} failed: {message}")
    if message is None:
        return None
    until, times, teams, orders, lines, shared, counts = message
    return Step(until, times, teams, orders, lines.split(b"\n") if lines else [], shared, counts)


def _work(encoded_scenario: bytes, teams: list[int], pipe: Connection) -> None:
    """A worker process: run `teams`, send each step (a plain tuple: quick to pickle), then
    None; on failure, the error as text."""
    try:
        for step in _steps(msgspec.json.decode(encoded_scenario, type=Scenario), teams):
            until, times, team_of, orders, lines, shared, counts = step
            pipe.send((until, times, team_of, orders, b"\n".join(lines), shared, counts))
        pipe.send(None)
    except BaseException as exc:  # reported by the caller, which stops everything
        with contextlib.suppress(OSError):  # the caller is gone (stopped, killed): just end
            pipe.send(
                str(exc) if isinstance(exc, BusyworkError) else f"{type(exc).__name__}: {exc}"
            )
    finally:
        pipe.close()


def _steps(
    scenario: Scenario, teams: list[int], content: ContentSource | None = None
) -> Iterator[Step]:
    """Run `teams`, each on its own SimPy environment, a step at a time: every team to the
    step's end in turn (its state stays in the CPU's caches while it runs: 1.3–1.6× as fast as
    a shared environment for a thousand people), then the step's events go out together."""
    from engine.content.templates import TemplateSource
    from engine.organisation import shared_id, teams_of
    from engine.world import Shard, World

    names = teams_of(scenario)
    # The step's events so far, team after team; merge_step orders them. Encoded as they come:
    # an event kept to the end of the step would live long enough for the garbage collector
    # to promote it.
    times: array[float] = array("d")
    team_of: array[int] = array("l")
    orders: array[int] = array("l")
    lines: list[bytes] = []
    kinds: list[type[ev.Event]] = []
    shared: dict[int, str] = {}
    encode = ev.ENCODER.encode

    # Bound once: compiled code calls an array's method by name, a lookup each time.
    add_time, add_team, add_order = times.append, team_of.append, orders.append

    worlds: list[World] = []

    def collector(team: int, position: int) -> Callable[[ev.Event], None]:
        def collect(event: ev.Event) -> None:
            object_id = shared_id(event)
            if object_id is not None:
                shared[len(lines)] = object_id
            add_time(worlds[position].clock)
            add_team(team)
            add_order(event.seq)
            lines.append(encode(event))
            kinds.append(type(event))

        return collect

    source = content if content is not None else TemplateSource()
    for position, k in enumerate(teams):
        shard = Shard(k, len(names), names[k])
        worlds.append(World(scenario, source, collector(k, position), shard=shard))
    for world in worlds:
        world.start()
    horizon, t = worlds[0].horizon, 0.0
    while t < horizon:
        t = min(horizon, t + STEP_SECONDS)
        for world in worlds:
            world.env.run(until=t)
        yield Step(
            t,
            array("d", times),
            array("l", team_of),
            array("l", orders),
            lines[:],
            dict(shared),
            {kind.__name__: n for kind, n in Counter(kinds).items()},
        )
        del times[:], team_of[:], orders[:]
        lines.clear()
        kinds.clear()
        shared.clear()
