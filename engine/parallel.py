"""Simulating a run's teams in several processes.

Each worker process runs some of the teams (``engine.organisation``) on its own SimPy
environment, one simulated step at a time, and sends back that step's events encoded, with
their merge keys (simulated time, team, order within the team). The caller's process merges
the workers' steps in key order, keeps shared workspace objects once and numbers the events:
the same log, byte for byte, as one process makes. Only the offline template content is used
(a Claude session lives in one process).
"""

from __future__ import annotations

import contextlib
import heapq
import multiprocessing
import os
from collections.abc import Callable, Iterator
from itertools import count, repeat
from typing import NamedTuple

import msgspec

from engine import events as ev
from engine.errors import BusyworkError
from engine.scenario import Scenario

STEP_SECONDS = 86400.0  # one simulated day per message: small enough for progress, few sends


class Step(NamedTuple):
    """One simulated step of a worker's teams, compact to send: the merge keys (simulated
    time, team, order within the team: the event's seq in its team's world), the encoded
    lines joined by newlines, and the positions of shared workspace objects."""

    until: float
    keys: list[tuple[float, int, int]]
    lines: bytes
    shared: dict[int, str]


# Below this many person-days a run takes a few seconds: starting processes would not pay.
PARALLEL_PERSON_DAYS = 20_000


def default_workers(scenario: Scenario, content_name: str = "templates") -> int:
    """Processes for `busywork simulate --workers auto`: one per core, at most one per team,
    and one for small runs or Claude content."""
    from engine.organisation import teams_of

    if content_name != "templates" or len(scenario.people) * scenario.days < PARALLEL_PERSON_DAYS:
        return 1
    return max(1, min(os.cpu_count() or 1, len(teams_of(scenario))))


# (seq, type name, encoded line with that seq) for each event of the merged log, in order
OnLine = Callable[[int, str, bytes], None]


def simulate_in_parallel(
    scenario: Scenario,
    workers: int,
    on_line: OnLine,
    on_progress: Callable[[float], None] | None = None,
) -> int:
    """Simulate the (resolved) scenario's teams in `workers` processes; returns the events made.
    `on_line` gets every event of the merged log in order, `on_progress` the simulated seconds
    after each step."""
    from engine.organisation import Numbering, teams_of

    teams = len(teams_of(scenario))
    workers = max(1, min(workers, teams))
    context = multiprocessing.get_context("spawn")  # the caller may run threads (log fsync)
    pipes, processes = [], []
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
        numbering = Numbering()
        while True:
            steps = [_receive(pipe, w) for w, pipe in enumerate(pipes)]
            if any(step is None for step in steps):
                break
            lines = [step.lines.split(b"\n") if step.keys else [] for step in steps]
            keyed = [zip(step.keys, repeat(w), count()) for w, step in enumerate(steps)]
            for (_time, _team, order), w, i in heapq.merge(*keyed):
                seq = numbering.next_seq(steps[w].shared.get(i) if steps[w].shared else None)
                if seq is not None:
                    line = lines[w][i]
                    on_line(seq, _type_of(line), _renumber(line, order, seq))
            if on_progress is not None:
                on_progress(steps[0].until)
        return numbering.seq
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in pipes:
            pipe.close()


def _renumber(line: bytes, old: int, new: int) -> bytes:
    # The envelope's seq follows the type tag: the first '"seq":' of a line is always it.
    return line.replace(b'"seq":%d,' % old, b'"seq":%d,' % new, 1)


_TYPE_START = len(b'{"type":"')


def _type_of(line: bytes) -> str:
    return line[_TYPE_START : line.index(b'"', _TYPE_START)].decode()


def _receive(pipe, worker: int) -> Step | None:
    try:
        message = pipe.recv()
    except EOFError:
        raise BusyworkError(f"simulation worker {worker} ended without a word") from None
    if isinstance(message, str):
        raise BusyworkError(f"simulation worker {worker} failed: {message}")
    return None if message is None else Step(*message)


def _work(encoded_scenario: bytes, teams: list[int], pipe) -> None:
    """A worker process: run `teams`, send each step (a plain tuple: quick to pickle), then
    None; on failure, the error as text."""
    try:
        for step in _steps(msgspec.json.decode(encoded_scenario, type=Scenario), teams):
            pipe.send(step)
    except BaseException as exc:  # reported by the caller, which stops everything
        with contextlib.suppress(OSError):  # the caller is gone (stopped, killed): just end
            pipe.send(
                str(exc) if isinstance(exc, BusyworkError) else f"{type(exc).__name__}: {exc}"
            )
    finally:
        pipe.close()


def _steps(scenario: Scenario, teams: list[int]) -> Iterator[tuple | None]:
    from engine.content.templates import TemplateSource
    from engine.organisation import Organisation, shared_id

    keys: list[tuple[float, int, int]] = []
    lines: list[bytes] = []
    shared: dict[int, str] = {}
    encode = ev.ENCODER.encode

    def take(keyed) -> None:
        for time, team, order, event in keyed:
            workspace_object = shared_id(event)
            if workspace_object is not None:
                shared[len(keys)] = workspace_object
            keys.append((time, team, order))
            lines.append(encode(event))

    organisation = Organisation(scenario, TemplateSource(), only_teams=teams, take=take)
    organisation.start()
    env, horizon, t = organisation.env, organisation.horizon, 0.0
    while t < horizon:
        t = min(horizon, t + STEP_SECONDS)
        env.run(until=t)
        organisation.flush()
        yield (t, keys[:], b"\n".join(lines), dict(shared))
        keys.clear()
        lines.clear()
        shared.clear()
    yield None
