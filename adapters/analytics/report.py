"""`busywork report`: does a run look like the organisation its scenario describes?

Each check compares a measured value with a target and a tolerance. The expected values come
from the people's calendars (``engine.calendar``), rebuilt exactly as the simulation built
them (``engine.world.World`` from the manifest's resolved scenario and seed: the same evening
peaks, holidays and planned time away). A calendar's intensity is constant over each local
quarter hour, and every time zone's offset is a whole number of quarter hours, so events are
counted per actor and UTC quarter hour in DuckDB and each bucket is judged once in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from adapters.analytics.calendars import Integrator, working_days
from adapters.analytics.calendars import calendars as rebuild_calendars
from adapters.analytics.checks import Check, Report, judge, rate_check
from adapters.analytics.summary import QUARTER_MS
from adapters.analytics.views import Run, open_run
from engine.calendar import BIN_SECONDS, PersonCalendar, working_day_actions
from engine.errors import InvalidInput
from engine.scenario import Scenario

CONTRIBUTOR_ROLES = ("individual_contributor", "lead", "contractor")

# The kind of a lifecycle comment must fit the task's state when it is posted:
# kind -> allowed (state, previous state or None for any).
LIFECYCLE_KINDS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "start": (("in_progress", "new"),),
    "blocked": (("blocked", None),),
    "unblocked": (("in_progress", "blocked"),),
    "review_request": (("in_review", None),),
    # Feedback on a review, changes requested (back to in_progress), or a reopened task.
    "review_feedback": (("in_review", None), ("in_progress", "in_review"), ("in_progress", "done")),
    "done": (("done", None),),
}


def realism_report(run: str | Path | Run, *, seal: bool = True) -> Report:
    if not isinstance(run, Run):
        with open_run(run, seal=seal) as opened:
            return realism_report(opened)
    try:
        return _report(run)
    except duckdb.Error as exc:
        corrupted = run.log_error(exc)
        if corrupted is None:
            raise
        raise corrupted from None


def _report(run: Run) -> Report:
    # A run is judged on the days it covers (a live or endless run has no fixed end).
    last_at = run.con.execute('SELECT max("at") FROM events').fetchone()[0]
    last_day = last_at.date() if last_at is not None else None
    scenario, calendars = rebuild_calendars(run, last_day)
    people = _people(run, calendars)
    buckets = run.con.execute(
        f'SELECT actor, epoch_ms("at") // {QUARTER_MS}, count(*) FROM events '
        "WHERE type <> 'PersonJoined' GROUP BY ALL"
    ).fetchall()
    counted = _count_buckets(buckets, calendars)
    span = (last_day - scenario.start).days + 1 if last_day else 0
    days = [scenario.start + timedelta(days=i) for i in range(span)]
    checks = [
        _off_hours(counted),
        _weekend(counted, calendars, days),
        _hourly(counted, calendars),
        _completion_rate(run, scenario, calendars, people, days),
        *_blocked_rates(run, scenario, calendars),
        _comment_order(run),
        _distinct_comments(run),
    ]
    total = run.con.execute("SELECT count(*) FROM events").fetchone()[0]
    return Report(run.manifest.get("run_id"), total, all(c.passed for c in checks), checks)


# -- people and buckets ---------------------------------------------------------------------


def _people(run: Run, calendars: dict[str, PersonCalendar]) -> dict[str, str]:
    """person → role, after checking every joined person is one of the scenario's."""
    rows = run.con.execute("SELECT person, name, role FROM people ORDER BY person").fetchall()
    actors = run.con.execute("SELECT DISTINCT actor FROM events").fetchall()
    known = {person for person, _, _ in rows}
    for (actor,) in actors:
        if actor not in calendars or actor not in known:
            raise InvalidInput(
                f"{run.path}: actor {actor!r} is not a person of the manifest's scenario; "
                "report compares a run with the scenario it was simulated from"
            )
    return {person: role for person, _, role in rows}


@dataclass
class _Counted:
    total: int = 0
    off_hours: int = 0
    weekend: int = 0
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_person: dict[str, int] = field(default_factory=dict)


def _count_buckets(buckets: list[tuple], calendars: dict[str, PersonCalendar]) -> _Counted:
    counted = _Counted()
    for actor, quarter, n in buckets:
        counted.by_person[actor] = counted.by_person.get(actor, 0) + n
        calendar = calendars[actor]
        moment = datetime.fromtimestamp(quarter * QUARTER_MS / 1000, UTC)
        local = moment.astimezone(calendar.tz)
        counted.total += n
        counted.off_hours += n if calendar.intensity(moment) == 0 else 0
        counted.weekend += n if local.weekday() >= 5 else 0
        counted.by_hour[local.hour] += n
    return counted


# -- checks ----------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _off_hours(counted: _Counted) -> Check:
    return judge(
        "off_hours_share",
        "events at moments when the actor's intensity is zero (outside hours, days off, "
        "holidays, out of office)",
        _share(counted.off_hours, counted.total),
        0.0,
        0.01,
        "at_most",
        "share",
        f"{counted.off_hours:,} of {counted.total:,} events",
    )


def _weekend(counted: _Counted, calendars: dict[str, PersonCalendar], days: list[date]) -> Check:
    # Every working day of a person carries the same action budget, so a person's events
    # should fall on weekends as often as their working days do; people are weighed by how
    # many events they made (someone with little to do acts without making events).
    expected = 0.0
    for person, n in counted.by_person.items():
        working = working_days(calendars[person], days)
        if working:
            expected += n * sum(d.weekday() >= 5 for d in working) / len(working)
    return judge(
        "weekend_share",
        "events on the actor's local Saturday or Sunday, against their calendars' share",
        _share(counted.weekend, counted.total),
        expected / counted.total if counted.total else 0.0,
        0.01,
        "within",
        "share",
    )


def _hourly(counted: _Counted, calendars: dict[str, PersonCalendar]) -> Check:
    """Measured events per local hour against each person's daily curve, weighed by the
    events they made."""
    expected = [0.0] * 24
    for person, n in counted.by_person.items():
        profile = calendars[person].profile
        total = sum(profile)
        for b, value in enumerate(profile):
            expected[b * BIN_SECONDS // 3600] += n * value / total
    r = _pearson(counted.by_hour, expected)
    return judge(
        "hourly_correlation",
        "correlation of events per local hour with the scenario's intensity curve",
        r,
        0.95,
        0.0,
        "at_least",
        "correlation",
    )


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None


def _completion_rate(run, scenario, calendars, people, days) -> Check:
    contributors = [p for p, role in people.items() if role in CONTRIBUTOR_ROLES]
    weeks = sum(len(working_days(calendars[p], days)) for p in contributors) / 5
    completed = run.con.execute(
        "SELECT count(*) FROM events e JOIN tasks t USING (task) JOIN people p "
        "ON p.person = e.actor WHERE e.type = 'TaskCompleted' AND t.parent IS NULL "
        # milestones are reached and approvals decided; only ordinary tasks are work done
        "AND e.task NOT IN (SELECT task FROM events WHERE type = 'TaskCreated' "
        "AND subtype IN ('milestone', 'approval')) "
        f"AND p.role IN {CONTRIBUTOR_ROLES}"
    ).fetchone()[0]
    target = scenario.work.completion_rate_per_week * scenario.activity_factor
    return rate_check(
        "completion_rate_per_week",
        "tasks (not subtasks, milestones or approvals) each contributor completes per working week",
        completed,
        weeks,
        target,
        "completions over {:,.1f} contributor working weeks",
    )


def _blocked_rates(
    run: Run, scenario: Scenario, calendars: dict[str, PersonCalendar]
) -> list[Check]:
    """Moves into blocked per week of work of an in-progress task. A week of work is five
    working days' worth of the assignee's intensity (so time away and nights do not count).

    The scenario's rate is for blockers other than dependencies: a block caused by an
    unfinished dependency (``blocked_by`` set) follows from the dependency graph, so it is
    left out of the check and reported on its own, for information."""
    spells = run.con.execute(
        """
        WITH moves AS (
            SELECT task, seq, "at", state,
                lead("at") OVER (PARTITION BY task ORDER BY seq) AS left_at
            FROM events WHERE type = 'TaskStateChanged'
        )
        SELECT t.assignee, m."at", coalesce(m.left_at, (SELECT max("at") FROM events))
        FROM moves m JOIN tasks t USING (task)
        WHERE m.state = 'in_progress' AND t.assignee IS NOT NULL
        """
    ).fetchall()
    blocked, by_dependency = run.con.execute(
        "SELECT count(*) FILTER (blocked_by IS NULL), count(*) FILTER (blocked_by IS NOT NULL) "
        "FROM events WHERE type = 'TaskStateChanged' AND state = 'blocked'"
    ).fetchone()
    week = working_day_actions(scenario) * 5
    integrators = {p: Integrator(cal) for p, cal in calendars.items()}
    weeks = sum(
        integrators[who].between(start, end) / week
        for who, start, end in spells
        if who in calendars
    )
    target = scenario.work.blocked_rate_per_week * scenario.activity_factor
    checks = [
        rate_check(
            "blocked_rate_per_week",
            "moves into blocked (other than by a dependency) per in-progress task per working week",
            blocked,
            weeks,
            target,
            "blocks over {:,.1f} in-progress task working weeks",
        )
    ]
    if by_dependency:
        checks.append(
            judge(
                "dependency_blocked_rate_per_week",
                "moves into blocked by an unfinished dependency per in-progress task per "
                "working week (information)",
                by_dependency / weeks if weeks else None,
                0.0,
                0.0,
                "info",
                "per_week",
                f"{by_dependency:,} dependency blocks",
            )
        )
    return checks


def _comment_order(run: Run) -> Check:
    """An approval is decided, not reviewed: its approver's feedback comes with the decision,
    while the task is still "new" (it is done right after). So on an approval task
    ``review_feedback`` fits once a decision has been made; every other kind, and every other
    task (milestones go new → done like any task), keeps the state rules."""
    rows = run.con.execute(
        """
        WITH c AS (SELECT task, seq, kind FROM events WHERE type = 'CommentAdded'),
        s AS (SELECT task, seq, state, previous FROM events WHERE type = 'TaskStateChanged'),
        d AS (SELECT task, seq FROM events WHERE type = 'ApprovalDecided'),
        approval AS (SELECT task FROM events WHERE type = 'TaskCreated' AND subtype = 'approval')
        SELECT c.task, c.kind, coalesce(s.state, 'new'), s.previous,
            c.task IN (SELECT task FROM approval) AND d.seq IS NOT NULL AS decided
        FROM c ASOF LEFT JOIN s ON c.task = s.task AND c.seq >= s.seq
            ASOF LEFT JOIN d ON c.task = d.task AND c.seq >= d.seq
        """
    ).fetchall()
    tasks: dict[str, bool] = {}
    for task, kind, state, previous, decided in rows:
        allowed = LIFECYCLE_KINDS.get(kind)
        if allowed is None:
            continue
        fits = (kind == "review_feedback" and decided) or any(
            state == s and p in (None, previous) for s, p in allowed
        )
        tasks[task] = tasks.get(task, True) and fits
    bad = sum(not ok for ok in tasks.values())
    return judge(
        "comment_lifecycle_order",
        "tasks whose lifecycle comments (start, blocked, unblocked, review, done) fit the "
        "task's state when posted",
        _share(len(tasks) - bad, len(tasks)),
        1.0,
        0.01,
        "at_least",
        "share",
        f"{bad:,} of {len(tasks):,} tasks out of order",
    )


def _distinct_comments(run: Run) -> Check:
    distinct, total = run.con.execute(
        "SELECT count(DISTINCT text), count(*) FROM comments"
    ).fetchone()
    return judge(
        "distinct_comment_ratio",
        "distinct comment texts among all comments",
        _share(distinct, total),
        0.8,
        0.0,
        "at_least",
        "share",
        f"{distinct:,} distinct of {total:,}",
    )
