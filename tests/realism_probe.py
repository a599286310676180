"""Counts of what reads wrong in a simulated feed, from its events alone (so it measures any
log, old or new), and the simulation's speed.

    .venv/bin/python -m tests.realism_probe                 # the counts of three 60-day runs
    .venv/bin/python -m tests.realism_probe --speed BASE    # also events/s against the source
                                                            # tree at BASE (200 people, 90 days)

The runs: the default scenario, the same in healthcare, and at activity "high". The patterns:
- repeats: a comment, or a sentence of it (of REPEAT_MIN_WORDS words or more: anyone says
  "Thanks!" again), its author already wrote in the REPEAT_WINDOW before;
- quick reviews: a review requested less than QUICK_REVIEW after its task was started;
- topic repeats, topic phrase again, subject words twice, quoted subject, asked again, part
  echoes, doubled words: see tests/realism_feed.py; misfit phrases, system talk elsewhere and
  misfit follow-ups (of another kind of work than the task's): see tests/realism_fit.py;
- status edges: a status update whose words do not fit its numbers (progress claimed with none
  done, "the rest" with nothing left, a plural for one task left, "no blockers" with tasks
  blocked, "some of them are blocked" when all are).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
from collections import defaultdict, deque
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from engine import events as ev
from engine import scenario as sc
from tests.realism_feed import (  # noqa: F401 (the tests use them from here)
    DOUBLED,
    apology_wordings,
    asked_again,
    doubled_words,
    part_echoes,
    quoted_subject,
    start_then_block,
    subject_twice,
    subject_words_twice,
    topic_repeats,
)
from tests.realism_fit import misfit_follow_ups, misfit_phrases, system_talk  # noqa: F401

REPEAT_WINDOW = timedelta(days=3)
REPEAT_MIN_WORDS = 4
QUICK_REVIEW = timedelta(hours=1)
VARIANTS = {
    "default": {},
    "healthcare": {"industry": "healthcare"},
    "activity high": {"activity": "high"},
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    """The text's sentences of REPEAT_MIN_WORDS words or more."""
    return [s for s in _SENTENCE_END.split(text) if len(s.split()) >= REPEAT_MIN_WORDS]


def repeats(events: Iterable[ev.Event]) -> list[ev.CommentAdded]:
    """Comments that say again, whole or a sentence of it, what their author said within the
    REPEAT_WINDOW before."""
    recent: dict[str, deque[tuple[datetime, str]]] = defaultdict(deque)
    found = []
    for e in events:
        if not isinstance(e, ev.CommentAdded):
            continue
        said = recent[e.actor]
        while said and e.at - said[0][0] > REPEAT_WINDOW:
            said.popleft()
        parts = {e.text, *sentences(e.text)}
        if any(text in parts for _, text in said):
            found.append(e)
        said.extend((e.at, p) for p in parts)
    return found


def quick_reviews(events: Iterable[ev.Event]) -> list[tuple[ev.CommentAdded, timedelta]]:
    """Review requests less than QUICK_REVIEW after the task was (last) started."""
    started: dict[str, datetime] = {}
    found = []
    for e in events:
        if isinstance(e, ev.TaskStateChanged) and e.state == "in_progress":
            if e.previous == "new":
                started[e.task] = e.at
        elif isinstance(e, ev.CommentAdded) and e.kind == "review_request":
            at = started.get(e.task)
            if at is not None and e.at - at < QUICK_REVIEW:
                found.append((e, e.at - at))
    return found


_COUNTS = re.compile(r"\b(\d+) of (\d+) tasks?\b|\b(\d+)/(\d+) done\b")
# What a status may not say at each edge (matched on the text in lower case).
_NOTHING_DONE = re.compile(r"the rest|\b0 of \d+|\b0/\d+|\(0%\)|0% through|good week|\bonly 0\b")
_NOTHING_LEFT = re.compile(
    r"the rest|\b0 to go|remaining 0|\b0 still open|\b0 of \d+ still open|still open|to go\b"
)
_ONE_LEFT = re.compile(
    r"remaining 1 depend|\b1 still open and some of them|a few items|two items|several items"
)
_BLOCKED_NONE = re.compile(r"no blockers|everyone has what they need")
_ALL_BLOCKED = re.compile(r"some of them are blocked|late or blocked|a few items are slipping")
# Claims that contradict each other: every open task waits on outside input, yet a count of
# them does ("two items"), or only one dependency is named.
_ALL_REMAINING = re.compile(r"(?<!of )the remaining \d+ depend")
_SOME_OF_THEM = re.compile(r"two items|one dependency")
_ALL_MOVING = re.compile(r"the rest are moving")
_THE_BLOCKERS = re.compile(r"around the blockers")


def status_misreads(text: str, done: int, total: int, blocked: int) -> list[str]:
    """The edges at which a status text for `done` of `total` tasks (`blocked` of the open
    ones blocked) says what its numbers do not bear out."""
    text = text.lower()
    checks = [
        ("nothing done", done == 0 and total > 0 and _NOTHING_DONE.search(text)),
        ("nothing left", done == total > 0 and _NOTHING_LEFT.search(text)),
        ("one left", total - done == 1 and _ONE_LEFT.search(text)),
        ("blocked but none said", blocked > 0 and _BLOCKED_NONE.search(text)),
        ("all blocked", 0 < blocked == total - done and _ALL_BLOCKED.search(text)),
        ("all and some", _ALL_REMAINING.search(text) and _SOME_OF_THEM.search(text)),
        ("moving but blocked", blocked > 0 and _ALL_MOVING.search(text)),
        ("blockers but none", blocked == 0 and _THE_BLOCKERS.search(text)),
    ]
    return [name for name, hit in checks if hit]


def status_edges(events: Iterable[ev.Event]) -> list[tuple[str, ev.StatusUpdatePosted]]:
    """Status updates whose words do not fit the project's numbers: (which edge, the update).
    Done and total come from the text where it says them ("3 of 12 tasks"; else the edges
    that need them are not checked), the blocked and open counts from the tasks' states."""
    project_of: dict[str, str] = {}
    blocked: dict[str, set[str]] = defaultdict(set)
    open_tasks: dict[str, set[str]] = defaultdict(set)
    found = []
    for e in events:
        if isinstance(e, ev.TaskCreated) and e.parent is None:
            project_of[e.task] = e.project
            open_tasks[e.project].add(e.task)
        elif isinstance(e, ev.TaskStateChanged) and e.task in project_of:
            target = blocked[project_of[e.task]]
            (target.add if e.state == "blocked" else target.discard)(e.task)
        elif isinstance(e, ev.TaskCompleted) and e.task in project_of:
            open_tasks[project_of[e.task]].discard(e.task)
            blocked[project_of[e.task]].discard(e.task)
        elif isinstance(e, ev.TaskReopened) and e.task in project_of:
            open_tasks[project_of[e.task]].add(e.task)
        elif isinstance(e, ev.StatusUpdatePosted):
            stuck, still_open = len(blocked[e.project]), len(open_tasks[e.project])
            match = _COUNTS.search(e.text.lower())
            if match is not None:
                done, total = (int(g) for g in match.groups() if g is not None)
            else:  # no count to read: the open tasks as created so far
                done, total = 1, 1 + still_open
            found += [(name, e) for name in status_misreads(e.text, done, total, stuck)]
    return found


def run(overrides: dict[str, object], days: int = 60, seed: int | None = None) -> list[ev.Event]:
    from engine.content.templates import TemplateSource
    from engine.world import World

    fields: dict[str, object] = {"days": days, **overrides}
    if seed is not None:
        fields["seed"] = seed
    scenario = sc.resolve(msgspec.structs.replace(sc.default_scenario(), **fields))
    events: list[ev.Event] = []
    World(scenario, TemplateSource(), events.append).run()
    return events


# The edges of a project's numbers, as (done, total, blocked), for `status_sweep`.
STATUS_EDGES = {
    "0 done": (0, 12, 0),
    "all done": (12, 12, 0),
    "1 left": (11, 12, 0),
    "all blocked": (9, 12, 3),
    "some blocked": (5, 12, 1),
}


def status_sweep(draws: int = 100) -> dict[str, int]:
    """Status texts that misread their numbers, of `draws` per edge and status type, straight
    from the template source (a 60-day run has few projects at an edge when their status is
    due)."""
    from engine.content import PersonRef
    from engine.content.templates import TemplateSource

    source, rng = TemplateSource(), random.Random(5)
    author = PersonRef(name="Alice Chen", role="manager")
    out = {}
    for name, (done, total, blocked) in STATUS_EDGES.items():
        out[name] = 0
        for status_type in ("on_track", "at_risk", "off_track", "on_hold"):
            for _ in range(draws):
                args = {"project_name": "P", "status_type": status_type, "done": done,
                        "total": total, "author": author}  # fmt: skip
                try:
                    _, text = source.status_update(rng, **args, blocked=blocked)  # type: ignore[arg-type]
                except TypeError:  # a source from before the blocked count
                    _, text = source.status_update(rng, **args)  # type: ignore[arg-type]
                out[name] += bool(status_misreads(text, done, total, blocked))
    return out


def counts(events: list[ev.Event]) -> dict[str, int]:
    edges = status_edges(events)
    out = {
        "events": len(events),
        "repeats": len(repeats(events)),
        "quick reviews": len(quick_reviews(events)),
        "status edges": len(edges),
        "start then block": start_then_block(events)[0],
        "blocks": start_then_block(events)[1],
        "subject twice": len(subject_twice(events)),
        "apology top": max(apology_wordings(events).values(), default=0),
        "doubled words": len(doubled_words(events)),
        "topic repeats": len(topic_repeats(events)[0]),
        "topic phrase again": topic_repeats(events)[1],
        "subject words twice": len(subject_words_twice(events)),
        "quoted subject": len(quoted_subject(events)),
        "asked again": len(asked_again(events)),
        "part echoes": len(part_echoes(events)),
        "misfit phrases": len(misfit_phrases(events)),
        "system talk elsewhere": len(system_talk(events)),
        "misfit follow-ups": len(misfit_follow_ups(events)),
    }
    for name, _ in edges:
        out[f"  {name}"] = out.get(f"  {name}", 0) + 1
    return out


_SPEED = """
import sys, time, msgspec
sys.path.insert(0, sys.argv[1])
from engine import scenario as sc
from engine.content.templates import TemplateSource
from engine.world import World
from tests.bench.bench_simulate import big_scenario_toml
import tomllib
scenario = sc.from_dict(tomllib.loads(big_scenario_toml(200, 90)))
count = 0
def take(event):
    global count
    count += 1
world = World(scenario, TemplateSource(), take)
started = time.process_time()  # CPU time: what other processes on the machine take is not ours
world.run()
print(count, count / (time.process_time() - started))
"""


def events_per_second(root: Path) -> tuple[int, float]:
    """A pure-Python 200-person, 90-day run of the source tree at `root`, in a subprocess:
    (events, events per CPU second)."""
    env = {**os.environ, "BUSYWORK_PURE_PYTHON": "1", "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _SPEED, str(root)],
        env=env, cwd=root, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    return int(out[0]), float(out[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", metavar="BASE", type=Path, help="source tree to compare with")
    parser.add_argument("--rounds", type=int, default=3, help="speed runs of each tree")
    parser.add_argument("--dump", metavar="DIR", type=Path, help="write the runs' logs here")
    parser.add_argument("--logs", metavar="DIR", type=Path, help="count logs from --dump")
    args = parser.parse_args(argv)
    for name, overrides in VARIANTS.items():
        lines = (args.logs / f"{name}.jsonl").read_bytes().splitlines() if args.logs else None
        events = run(overrides) if lines is None else [ev.decode(line) for line in lines]
        if args.dump is not None:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / f"{name}.jsonl").write_bytes(b"\n".join(ev.encode(e) for e in events))
        print(name, counts(events))
    print("status texts that misread an edge, of 400 each:", status_sweep())
    if args.speed is not None:
        here = Path(__file__).resolve().parent.parent
        best: dict[str, float] = {}
        for _ in range(args.rounds):  # interleaved: a busy machine slows both alike
            for label, root in (("base", args.speed.resolve()), ("this", here)):
                events, rate = events_per_second(root)
                best[label] = max(best.get(label, 0.0), rate)
                print(f"{label}: {events} events, {rate:,.0f} events per CPU second")
        print(f"ratio this/base (best of {args.rounds}): {best['this'] / best['base']:.3f}")


if __name__ == "__main__":
    main()
