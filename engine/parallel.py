"""Simulating a run's teams step by step, in this process or in several: the caller's side.

The teams run a step at a time (``engine.team_steps``: the step length, the stepping, a worker
process's side of the pipe); this module starts the worker processes, reads their steps and
merges them. The caller's process merges the steps in key order (simulated time, team, order
within the team), keeps shared workspace objects once and numbers the events: the same log,
byte for byte, as the teams make on one environment, whatever the number of processes. Worker
processes use only the offline template content (a Claude session lives in one process).

Each worker is a fresh interpreter (the caller's, with the caller's import path, so it runs the
same engine, compiled or not) started with subprocess, never a fork (the caller may run
threads: the log's fsync), and without multiprocessing's start methods: spawn also starts a
resource tracker process (some 12 MB) that a run never needs. A duplex pipe links the caller
with each worker: the worker's job goes in, its steps come out. A worker ignores Ctrl-C, as the
caller stops the workers (terminated and reaped) however it ends; if the caller is killed, a
worker ends at its next write into the closed pipe.

The caller's process shares the cores with the workers, so it handles a step as a whole, in a
few C-level passes (a sort, maps) rather than in Python per event.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
from array import array
from collections.abc import Callable, Iterable
from itertools import chain
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Final

import msgspec

from engine.content import ContentSource
from engine.errors import BusyworkError
from engine.scenario import Scenario
from engine.team_steps import Job, Step, fewer_collections, parallel_step_days, simulate_steps

if TYPE_CHECKING:
    from engine.organisation import Numbering

# Below this many person-days a run takes a few seconds: starting processes would not pay.
PARALLEL_PERSON_DAYS: Final = 20_000


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
    step_days: int | None = None,
) -> int:
    """Simulate the (resolved) scenario's teams, in this process or in `workers` processes (with
    template content only); returns the events made. `on_lines` gets the merged log step by
    step, `on_progress` the simulated seconds after each step. Steps are `step_days` long
    (default: see step_seconds); the log is the same whatever their length."""
    from engine.organisation import Numbering, teams_of

    if step_days is not None and step_days < 1:
        raise ValueError(f"step_days must be a whole number of days, at least 1; got {step_days}")
    teams = len(teams_of(scenario))
    workers = max(1, min(workers, teams))
    numbering = Numbering()
    if workers == 1:
        with fewer_collections():
            for step in simulate_steps(scenario, list(range(teams)), step_days, content):
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
    if step_days is None:
        step_days = parallel_step_days(scenario, workers)
    pipes: list[Connection] = []
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(workers):
            process, pipe = start_worker()
            processes.append(process)
            pipes.append(pipe)
        # Once all are started: a job waits in the pipe until its worker has imported the engine.
        for w, pipe in enumerate(pipes):
            job: Job = (scenario, list(range(w, teams, workers)), step_days)
            with contextlib.suppress(OSError):  # it ended already: _receive says how
                pipe.send_bytes(msgspec.json.encode(job))
        with fewer_collections():
            while True:
                received = [_receive(pipe, w) for w, pipe in enumerate(pipes)]
                steps = [step for step in received if step is not None]
                if len(steps) < len(received):
                    break
                _take_steps(steps, numbering, on_lines, on_progress)
        return numbering.seq
    finally:
        for started in processes:
            if started.poll() is None:
                started.terminate()
            started.wait()
        for pipe in pipes:
            pipe.close()


# A worker's first lines: no Ctrl-C (the caller stops it), the caller's import path (argv after
# the channel's descriptor), then engine.team_steps.main. The warning of a stale compiled build
# (engine.compiled) is the caller's to give, once.
_WORKER_START: Final = (
    "-W",
    "ignore:the compiled engine modules:RuntimeWarning",
    "-c",
    "import signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "sys.path[:] = sys.argv[2:]; from engine.team_steps import main; main(int(sys.argv[1]))",
)


def start_worker() -> tuple[subprocess.Popen[bytes], Connection]:
    """A worker process (engine.team_steps.main) and the caller's end of its duplex pipe."""
    ours, theirs = multiprocessing.Pipe()
    try:
        process = subprocess.Popen(
            # The caller's interpreter flags (-O, -X dev, -W …), as multiprocessing passes them
            # (its helper, which typeshed leaves out as private).
            [sys.executable, *subprocess._args_from_interpreter_flags(), *_WORKER_START]  # type: ignore[attr-defined]
            + [str(theirs.fileno()), *sys.path],
            stdin=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()  # the worker's now: when it ends, the caller reads the end of the pipe
    return process, ours


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


def merge_step(steps: list[Step], numbering: Numbering) -> tuple[int, list[bytes], dict[str, int]]:
    """The events of one step of every worker (or of this process), merged by (time, team,
    order within the team) and numbered by `numbering`: (seq of the first, lines, events of each
    type among them)."""
    times: array[float] = array("d")
    lines: list[bytes] = []
    spans: list[tuple[int, int, int]] = []  # (team, first position, end) of each run of lines
    shared: dict[int, str] = {}  # position among all the step's lines: shared object id
    counts: dict[str, int] = {}
    for w, step in enumerate(steps):
        for name, n in step.counts.items():
            counts[name] = counts.get(name, 0) + n
        made = len(step.times)
        in_runs = sum([n for _team, _first, n in step.runs])
        if not len(step.lines) == in_runs == made:
            raise BusyworkError(
                f"simulation worker {w} sent {len(step.lines)} lines and runs of {in_runs} "
                f"lines for {made} events"
            )
        start = len(lines)
        for team, _first, n in step.runs:
            spans.append((team, start, start + n))
            start += n
        shared.update({len(lines) + i: object_id for i, object_id in step.shared.items()})
        lines += step.lines
        times += step.times
    # A team lives in one worker and its events come in order. So with the lines taken team
    # after team, a stable sort by time alone orders them by (time, team, order in the team).
    spans.sort()
    if all(spans[i][2] == spans[i + 1][1] for i in range(len(spans) - 1)):
        by_team: Iterable[int] = range(len(lines))  # already team after team
    else:
        by_team = chain.from_iterable(range(first, end) for _team, first, end in spans)
    order = sorted(by_team, key=times.__getitem__)
    first_seq = numbering.seq + 1
    # Numbering's rule, in merged order: a shared object seen before is dropped.
    dropped = (
        {p for p in order if p in shared and not numbering.first_sight(shared[p])}
        if shared
        else set()
    )
    if dropped:
        for position in dropped:
            name = _type_of(lines[position])
            counts[name] -= 1
            if not counts[name]:
                del counts[name]
        order = [p for p in order if p not in dropped]
    numbering.seq += len(order)  # every other event gets the next seq
    # Each line's seq spliced in: the envelope's seq follows the type tag, and a comma follows
    # the seq. Compiled, the scans, the slices and the `%` are native (mypyc): cheaper than a
    # search-and-replace, whose every call parses its arguments.
    numbered: list[bytes] = []
    seq = first_seq
    for p in order:
        line = lines[p]
        start = _TYPE_START
        while line[start] != _QUOTE:
            start += 1
        start += _SEQ_AFTER_TYPE
        end = start + 1
        while line[end] != _COMMA:
            end += 1
        numbered.append(b"%b%d%b" % (line[:start], seq, line[end:]))
        seq += 1
    return first_seq, numbered, counts


_TYPE_START: Final = len(b'{"type":"')
_QUOTE: Final = ord('"')
_COMMA: Final = ord(",")
_SEQ_AFTER_TYPE: Final = len(b'","seq":')  # from the type's closing quote to the seq's digits


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
    try:
        lines = pipe.recv_bytes()
    except EOFError:
        raise BusyworkError(f"simulation worker {worker} ended in the middle of a step") from None
    until, times, runs, shared, counts = message
    return Step(until, times, lines.split(b"\n") if lines else [], runs, shared, counts)
