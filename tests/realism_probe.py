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
  misfit follow-ups (of another kind of work than the task's), follow-up misfits (comments on
  a follow-up in the words of the work it follows, or of another kind of follow-up): see
  tests/realism_fit.py; restating steps (a follow-up's subtask that does what its name says:
  tests/realism_follow_ups.py);
- narrow points: a review point that fits one kind of work or a few subjects only, asked on
  other work (tests/realism_fit.py); repeated notes: a task's notes word for word those of an
  earlier task (tests/realism_feed.py); misfit scopes: a task's notes state a scope of another
  kind of work (tests/realism_fit.py); clause clashes: a progress clause a teammate posted
  within the hour (tests/realism_clauses.py); steps out of order, rushed steps (subtasks all
  done early in the task's time to review) and repeated follow-ups (named like one of another
  open project of the team): see tests/realism_steps.py;
- top name pattern (and its share of top-level tasks, %): the first words most top-level
  tasks start with; repeated subtasks (more than three times), milestones named for their
  project and approvals made from a follow-up: see tests/realism_names.py;
- status edges: a status update whose words do not fit its numbers (progress claimed with none
  done, "the rest" with nothing left, a plural for one task left, "no blockers" with tasks
  blocked, "some of them are blocked" when all are, "only 57 of 62 done" behind plan): see
  tests/realism_status.py;
- own questions: the questions a task's assignee asked on it (a chase of one counts too); own
  unanswered: those still without an answer from whoever was asked when the task was
  completed; own unacknowledged: those of them whose done comment does not say what its author
  went with instead (tests/realism_questions.py).
"""

from __future__ import annotations

import argparse
import os
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
from tests.realism_clauses import clause_clashes  # noqa: F401
from tests.realism_feed import (  # noqa: F401 (the tests use them from here)
    DOUBLED,
    apology_wordings,
    asked_again,
    doubled_words,
    part_echoes,
    quoted_subject,
    repeated_notes,
    start_then_block,
    subject_twice,
    subject_words_twice,
    topic_phrases,
    topic_repeats,
)
from tests.realism_fit import (  # noqa: F401
    follow_up_misfits,
    misfit_follow_ups,
    misfit_phrases,
    misfit_scopes,
    narrow_points,
    system_talk,
)
from tests.realism_follow_ups import restating_steps
from tests.realism_names import (
    approvals_of_follow_ups,
    milestones_naming_their_project,
    repeated_subtasks,
    worst_pattern,
)
from tests.realism_questions import own_questions, unacknowledged
from tests.realism_status import (  # noqa: F401
    STATUS_EDGES,
    status_edges,
    status_misreads,
    status_sweep,
)
from tests.realism_steps import repeated_follow_ups, rushed_steps, steps_out_of_order

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


def counts(events: list[ev.Event]) -> dict[str, int]:
    edges = status_edges(events)
    asked, unanswered = own_questions(events)
    worst = worst_pattern(events)
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
        "follow-up misfits": len({e.comment for e, _ in follow_up_misfits(events)}),
        "restating steps": len(restating_steps(events)),
        "narrow points": len(narrow_points(events)),
        "repeated notes": len(repeated_notes(events)),
        "misfit scopes": len(misfit_scopes(events)),
        "clause clashes": len(clause_clashes(events)),
        "steps out of order": len(steps_out_of_order(events)),
        "rushed steps": rushed_steps(events)[0],
        "repeated follow-ups": len(repeated_follow_ups(events)),
        "own questions": asked,
        "own unanswered": len(unanswered),
        "own unacknowledged": len(unacknowledged(unanswered, topic_phrases(("ans",)))),
        "top name pattern": worst[1],
        "top name pattern %": round(100 * worst[1] / worst[2]) if worst[2] else 0,
        "repeated subtasks": len(repeated_subtasks(events)),
        "milestones named for project": len(milestones_naming_their_project(events)),
        "approvals of follow-ups": len(approvals_of_follow_ups(events)),
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
