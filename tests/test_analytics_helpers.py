"""Helpers for the analytics tests: write run folders, make plausible logs, fold a log in
plain Python (the independent reference DuckDB's figures are compared with) and compare."""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.analytics.stats import compute_stats
from adapters.analytics.views import open_run
from engine import events as ev

ZONES = ("America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "UTC", "Asia/Kathmandu")
TEXTS = ("On it.", "Looks good", "Any update?", "Blocked on infra", "Done, see notes")
NEXT_STATES = {
    "new": ("in_progress",),
    "in_progress": ("blocked", "in_review", "in_review"),
    "blocked": ("in_progress",),
    "in_review": ("in_progress", "done", "done"),
}


def write_run(
    root: Path,
    events: list[ev.Event],
    *,
    segments: list[int] = (),
    tail: bytes = b"",
    manifest: dict | None = None,
) -> Path:
    """A run folder: manifest.json and segments holding `segments[i]` events each (the rest
    in the last one), then `tail` appended to the last segment (a torn line, say)."""
    (root / "events").mkdir(parents=True, exist_ok=True)
    base = {
        "run_id": root.name,
        "seed": 1,
        "busywork_version": "test",
        "content_source": "test",
        "created_at": "2026-01-05T00:00:00Z",
        "scenario": {"timezone": "UTC"},
    }
    (root / "manifest.json").write_text(json.dumps(base | (manifest or {})))
    sizes, rest = list(segments), len(events) - sum(segments)
    if rest > 0 or not sizes:
        sizes.append(rest)
    start = 0
    for i, size in enumerate(sizes):
        chunk = events[start : start + size]
        first = chunk[0].seq if chunk else start + 1
        data = b"".join(ev.encode(e) + b"\n" for e in chunk)
        if i == len(sizes) - 1:
            data += tail
        (root / "events" / f"{first:08d}.jsonl").write_bytes(data)
        start += size
    return root


class LogMaker:
    """Appends events with consecutive seqs and non-decreasing times."""

    def __init__(self, start: datetime) -> None:
        self.events: list[ev.Event] = []
        self.now = start

    def add(self, cls: type[ev.Event], actor: str, *, minutes: float = 0, **fields) -> ev.Event:
        self.now += timedelta(minutes=minutes)
        event = cls(seq=len(self.events) + 1, at=self.now, actor=actor, **fields)
        self.events.append(event)
        return event


def random_log(rng: random.Random, *, people: int = 6, steps: int = 400) -> list[ev.Event]:
    """A plausible log exercising every event type: lifecycles with blocks, reviews,
    reopenings, due date slips, subtasks, comments, likes, time away."""
    log = LogMaker(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    ids = [f"u{i}" for i in range(1, people + 1)]
    for i, u in enumerate(ids):
        team = "" if i % 2 else "core"
        log.add(ev.PersonJoined, u, person=u, name=f"Person {i}", email=f"{u}@x.test",
                role="manager" if i == 0 else "individual_contributor",
                timezone=ZONES[i % len(ZONES)], team=team)  # fmt: skip
    projects = []
    for p in range(1, 4):
        log.add(ev.ProjectCreated, "u1", minutes=5, project=f"p{p}", name=f"Project {p}",
                owner="u1", due_on=date(2026, 2, 1) if p == 1 else None)  # fmt: skip
        log.add(ev.SectionCreated, "u1", section=f"s{p}", project=f"p{p}", name="Doing",
                state="in_progress" if p % 2 else "")  # fmt: skip
        projects.append(f"p{p}")
    tasks: dict[str, dict] = {}
    n_tasks = n_comments = 0
    away: dict[str, bool] = {}
    for _ in range(steps):
        minutes = rng.choice((0, 1, 7, 30, 90, 240, 600))
        actor = rng.choice(ids)
        roll = rng.random()
        open_tasks = [t for t, s in tasks.items() if not s["completed"]]
        if roll < 0.15 or not tasks:
            n_tasks += 1
            task = f"t{n_tasks}"
            parents = [t for t, s in tasks.items() if s["parent"] is None]
            parent = rng.choice(parents) if parents and rng.random() < 0.2 else None
            assignee = rng.choice(ids + [None])
            due = (
                (log.now + timedelta(days=rng.randint(-2, 6))).date()
                if rng.random() < 0.7
                else None
            )
            followers = tuple(rng.sample(ids, rng.randint(0, 2)))
            log.add(ev.TaskCreated, actor, minutes=minutes, task=task, project=rng.choice(projects),
                    name=f"Task {n_tasks}", parent=parent, assignee=assignee, due_on=due,
                    followers=followers, notes="" if rng.random() < 0.5 else "notes")  # fmt: skip
            tasks[task] = {"state": "new", "completed": False, "assignee": assignee,
                           "due": due, "parent": parent}  # fmt: skip
        elif roll < 0.45 and open_tasks:
            task = rng.choice(open_tasks)
            s = tasks[task]
            new = rng.choice(NEXT_STATES[s["state"]])
            log.add(ev.TaskStateChanged, actor, minutes=minutes, task=task, state=new,
                    previous=s["state"], section="s1" if rng.random() < 0.3 else None)  # fmt: skip
            s["state"] = new
            if new == "done":
                log.add(ev.TaskCompleted, actor, task=task)
                s["completed"] = True
        elif roll < 0.5 and any(s["completed"] for s in tasks.values()):
            task = rng.choice([t for t, s in tasks.items() if s["completed"]])
            log.add(ev.TaskReopened, actor, minutes=minutes, task=task)
            log.add(ev.TaskStateChanged, actor, task=task, state="in_progress", previous="done")
            tasks[task].update(completed=False, state="in_progress")
        elif roll < 0.75:
            n_comments += 1
            task = rng.choice(list(tasks))
            log.add(ev.CommentAdded, actor, minutes=minutes, comment=f"c{n_comments}", task=task,
                    kind=rng.choice(ev.COMMENT_KINDS), text=rng.choice(TEXTS),
                    to=rng.choice(ids) if rng.random() < 0.3 else None)  # fmt: skip
        elif roll < 0.8 and open_tasks:
            task = rng.choice(open_tasks)
            new = rng.choice([u for u in ids if u != tasks[task]["assignee"]])
            log.add(ev.TaskAssigned, actor, minutes=minutes, task=task, assignee=new,
                    previous=tasks[task]["assignee"])  # fmt: skip
            tasks[task]["assignee"] = new
        elif roll < 0.85 and open_tasks:
            task = rng.choice(open_tasks)
            due = (log.now + timedelta(days=rng.randint(-1, 5))).date()
            log.add(ev.DueDateChanged, actor, minutes=minutes, task=task, due_on=due,
                    previous=tasks[task]["due"])  # fmt: skip
            tasks[task]["due"] = due
        elif roll < 0.9:
            log.add(ev.TaskLiked, actor, minutes=minutes, task=rng.choice(list(tasks)))
        elif roll < 0.93:
            log.add(ev.FollowerAdded, actor, minutes=minutes, task=rng.choice(list(tasks)),
                    follower=rng.choice(ids))  # fmt: skip
        elif roll < 0.96:
            log.add(ev.StatusUpdatePosted, "u1", minutes=minutes, status_update=f"su{len(log.events)}",
                    project=rng.choice(projects), status_type=rng.choice(ev.STATUS_TYPES),
                    title="Weekly", text="All fine")  # fmt: skip
        elif not away.get(actor):
            day = log.now.date()
            log.add(ev.PersonWentOutOfOffice, actor, minutes=minutes, person=actor,
                    start_on=day + timedelta(days=1), end_on=day + timedelta(days=rng.randint(1, 4)))  # fmt: skip
            away[actor] = True
        else:
            log.add(ev.PersonReturned, actor, minutes=minutes, person=actor)
            away[actor] = False
    return log.events


# -- the reference fold ------------------------------------------------------------------------

TASK_FIELDS = (
    "project", "parent", "assignee", "state", "completed", "created_at", "started_at",
    "completed_at", "comments", "likes", "times_blocked", "times_reopened", "due_on",
    "due_date_changes", "overdue", "completed_late", "events",
)  # fmt: skip


def read_events(run: Path) -> list[ev.Event]:
    """Every complete line of every segment, decoded (what a reader of the log sees)."""
    out = []
    for path in sorted((run / "events").glob("*.jsonl"), key=lambda p: int(p.stem)):
        data = path.read_bytes()
        out += [ev.decode(line) for line in data[: data.rfind(b"\n") + 1].splitlines()]
    return out


def every_day(days: Iterable[date]) -> list[date]:
    """Every day from the first to the last of `days`."""
    days = sorted(days)
    if not days:
        return []
    return [days[0] + timedelta(days=k) for k in range((days[-1] - days[0]).days + 1)]


def weeks_between(mondays: list[date]) -> int:
    """How many weeks run from the first to the last of `mondays` (0 for none)."""
    return (max(mondays) - min(mondays)).days // 7 + 1 if mondays else 0


def assert_matches_reference(run: Path, events: list[ev.Event], zone: str, seal: bool) -> None:
    ref = reference(events, zone)
    with open_run(run, seal=seal) as opened:
        stats = compute_stats(opened)
        cursor = opened.con.execute("SELECT * FROM tasks")
        names = [d[0] for d in cursor.description]
        tasks = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
        people = opened.con.execute("SELECT count(*) FROM people").fetchone()[0]
    assert stats.events == ref["events"]
    assert {t.type: t.events for t in stats.by_type} == ref["by_type"]
    assert {p.person: p.events for p in stats.by_person} == ref["by_person"]
    assert {p.project: p.events for p in stats.by_project} == ref["by_project"]
    assert {d.day: d.events for d in stats.by_day} == ref["by_day"]
    assert stats.heatmap.counts == ref["heatmap"]
    assert (stats.people, people, stats.projects) == (ref["people"], ref["people"], ref["projects"])
    assert tasks.keys() == ref["tasks"].keys()
    for task, expected in ref["tasks"].items():
        got = tasks[task]
        assert {f: got[f] for f in TASK_FIELDS} == {f: expected[f] for f in TASK_FIELDS}, task
        assert got["blocked_hours"] == pytest.approx(expected["blocked_hours"], abs=1e-6), task
        assert got["cycle_hours"] == pytest.approx(expected["cycle_hours"], abs=1e-6), task
    count, p50, p90 = ref["cycle"]
    assert stats.cycle_time_hours.count == count
    assert (stats.cycle_time_hours.p50, stats.cycle_time_hours.p90) == pytest.approx((p50, p90))
    c = stats.comments_per_task
    assert (c.mean, c.p50, c.p90) == pytest.approx(ref["comments"])
    weekly = {w.week_start: (w.active_tasks, w.completed, w.blocked) for w in stats.weekly}
    assert weekly == ref["weekly"]
    open_overdue, late, listed = ref["overdue"]
    assert (stats.overdue.open_overdue, stats.overdue.completed_late) == (open_overdue, late)
    assert [t.task for t in stats.overdue.tasks] == listed


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (DuckDB's quantile_cont)."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None)


def reference(events: list[ev.Event], zone: str = "UTC") -> dict:
    """Everything stats and the tasks view report, folded event by event in Python."""
    tz = ZoneInfo(zone)
    people: dict[str, ev.PersonJoined] = {}
    projects: dict[str, str] = {}
    tasks: dict[str, dict] = {}
    by_type, by_person, by_project, by_day = Counter(), Counter(), Counter(), Counter()
    heat = [[0] * 24 for _ in range(7)]
    weekly = defaultdict(lambda: {"completed": 0, "blocked": 0})
    last_at = max((e.at for e in events), default=None)
    for e in events:
        name = type(e).__name__
        by_type[name] += 1
        by_person[e.actor] += 1
        local_day = e.at.astimezone(tz).date()
        by_day[local_day] += 1
        week = local_day - timedelta(days=local_day.weekday())
        if isinstance(e, ev.PersonJoined):
            people[e.person] = e
        if e.actor in people:
            local = e.at.astimezone(ZoneInfo(people[e.actor].timezone))
            heat[local.weekday()][local.hour] += 1
        if isinstance(e, ev.ProjectCreated):
            projects[e.project] = e.name
        task = getattr(e, "task", None)
        project = getattr(e, "project", None) or (tasks[task]["project"] if task in tasks else None)
        if project is not None:
            by_project[project] += 1
        if isinstance(e, ev.TaskCreated):
            tasks[e.task] = {
                "project": e.project, "parent": e.parent, "name": e.name, "assignee": e.assignee,
                "state": "new", "created_at": e.at, "started_at": None, "completed_at": None,
                "comments": 0, "likes": 0, "times_blocked": 0, "blocked_s": 0.0,
                "blocked_since": None, "times_reopened": 0, "due_on": e.due_on, "events": 0,
                "due_date_changes": 0,
            }  # fmt: skip
        if task is None:
            continue
        t = tasks[task]
        t["events"] += 1
        if isinstance(e, ev.TaskAssigned):
            t["assignee"] = e.assignee
        elif isinstance(e, ev.TaskStateChanged):
            if t["blocked_since"] is not None:
                t["blocked_s"] += (e.at - t["blocked_since"]).total_seconds()
                t["blocked_since"] = None
            if e.state == "blocked":
                t["times_blocked"] += 1
                t["blocked_since"] = e.at
                weekly[week]["blocked"] += 1
            if e.state == "in_progress" and t["started_at"] is None:
                t["started_at"] = e.at
            t["state"] = e.state
        elif isinstance(e, ev.TaskCompleted):
            t["completed_at"], t["completed_by"] = e.at, e.actor
            weekly[week]["completed"] += 1
        elif isinstance(e, ev.TaskReopened):
            t["completed_at"] = None
            t["times_reopened"] += 1
        elif isinstance(e, ev.DueDateChanged):
            t["due_on"] = e.due_on
            t["due_date_changes"] += 1
        elif isinstance(e, ev.CommentAdded):
            t["comments"] += 1
        elif isinstance(e, ev.TaskLiked):
            t["likes"] += 1

    def local_date(at: datetime, person: str | None) -> date:
        # A due date is a local date: the person's zone, else the scenario's.
        joined = people.get(person) if person is not None else None
        return at.astimezone(ZoneInfo(joined.timezone) if joined else tz).date()

    rows = {}
    for task, t in tasks.items():
        if t["blocked_since"] is not None:
            t["blocked_s"] += (last_at - t["blocked_since"]).total_seconds()
        done = t["completed_at"]
        started = t["started_at"] or t["created_at"]
        due = t["due_on"]
        rows[task] = {
            "project": t["project"], "parent": t["parent"], "assignee": t["assignee"],
            "state": t["state"], "completed": done is not None,
            "created_at": _naive(t["created_at"]),
            "started_at": _naive(t["started_at"]) if t["started_at"] else None,
            "completed_at": _naive(done) if done else None,
            "cycle_hours": (done - started).total_seconds() / 3600 if done else None,
            "comments": t["comments"], "likes": t["likes"], "times_blocked": t["times_blocked"],
            "blocked_hours": t["blocked_s"] / 3600, "times_reopened": t["times_reopened"],
            "due_on": due, "due_date_changes": t["due_date_changes"],
            "overdue": done is None and due is not None
            and due < local_date(last_at, t["assignee"]),
            "completed_late": done is not None and due is not None
            and due < local_date(done, t["completed_by"]),
            "events": t["events"],
        }  # fmt: skip
    # Active tasks in a week: created by its end, not completed (for good) before it starts.
    # Every day and week from the first to the last with events, those without any too.
    mondays = [d - timedelta(days=d.weekday()) for d in by_day]
    weeks = [min(mondays) + timedelta(weeks=k) for k in range(weeks_between(mondays))]
    created_weeks = Counter(_week(e.at, tz) for e in events if isinstance(e, ev.TaskCreated))
    undone = Counter()
    for e in events:
        if isinstance(e, ev.TaskCompleted):
            undone[_week(e.at, tz)] += 1
        elif isinstance(e, ev.TaskReopened):
            undone[_week(e.at, tz)] -= 1
    active = {
        w: sum(n for cw, n in created_weeks.items() if cw <= w)
        - sum(n for cw, n in undone.items() if cw < w)
        for w in weeks
    }
    cycles = [r["cycle_hours"] for r in rows.values() if r["completed"]]
    comments = [r["comments"] for r in rows.values()]
    overdue = sorted((r["due_on"], t) for t, r in rows.items() if r["overdue"])
    return {
        "events": len(events),
        "by_type": dict(by_type),
        "by_person": dict(by_person),
        "by_project": {p: by_project[p] for p in projects},
        "by_day": {day: by_day[day] for day in every_day(by_day)},
        "heatmap": heat,
        "people": len(people),
        "projects": len(projects),
        "tasks": rows,
        "cycle": (len(cycles), quantile(cycles, 0.5), quantile(cycles, 0.9)),
        "comments": (
            sum(comments) / len(comments) if comments else None,
            quantile(comments, 0.5),
            quantile(comments, 0.9),
        ),
        "weekly": {w: (active[w], weekly[w]["completed"], weekly[w]["blocked"]) for w in weeks},
        "overdue": (
            sum(r["overdue"] for r in rows.values()),
            sum(r["completed_late"] for r in rows.values()),
            [t for _, t in overdue[:20]],
        ),  # fmt: skip
    }


def _week(at: datetime, tz: ZoneInfo) -> date:
    day = at.astimezone(tz).date()
    return day - timedelta(days=day.weekday())


def test_reference_fold_on_a_hand_computed_log() -> None:
    """The reference itself, against figures worked out by hand."""
    log = LogMaker(datetime(2026, 1, 5, 17, 0, tzinfo=UTC))  # a Monday
    log.add(ev.PersonJoined, "u1", person="u1", name="A", email="a@x", role="manager",
            timezone="America/Los_Angeles")  # fmt: skip
    log.add(ev.ProjectCreated, "u1", minutes=1, project="p1", name="P", owner="u1")
    log.add(ev.TaskCreated, "u1", minutes=1, task="t1", project="p1", name="T", assignee="u1",
            due_on=date(2026, 1, 4))  # fmt: skip
    log.add(ev.TaskStateChanged, "u1", minutes=60, task="t1", state="in_progress", previous="new")
    log.add(
        ev.TaskStateChanged, "u1", minutes=30, task="t1", state="blocked", previous="in_progress"
    )
    log.add(
        ev.TaskStateChanged, "u1", minutes=90, task="t1", state="in_progress", previous="blocked"
    )
    log.add(ev.CommentAdded, "u1", minutes=1, comment="c1", task="t1", kind="progress", text="x")
    ref = reference(log.events)
    t1 = ref["tasks"]["t1"]
    assert t1["blocked_hours"] == 1.5 and t1["times_blocked"] == 1
    assert t1["state"] == "in_progress" and not t1["completed"] and t1["overdue"]
    assert t1["events"] == 5 and ref["by_project"] == {"p1": 6}
    # 17:00 UTC is 09:00 in Los Angeles, a Monday: three events at 9, two at 10 and at 12.
    assert [ref["heatmap"][0][h] for h in (9, 10, 11, 12)] == [3, 2, 0, 2]
    assert ref["weekly"] == {date(2026, 1, 5): (1, 0, 1)}
