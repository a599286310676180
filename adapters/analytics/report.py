"""`busywork report`: does a run look like the organisation its scenario describes?

Each check compares a measured value with a target and a tolerance. The expected values come
from the people's calendars (``engine.calendar``), rebuilt exactly as the simulation built
them (``engine.world.World`` from the manifest's resolved scenario and seed: the same evening
peaks, holidays and planned time away), over the simulated time the run covers (its
``Window``). The checks of when events happen live in ``timing``; the rates and the comment
checks here. A check whose sample is too small says so instead of passing or failing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from adapters.analytics import timing
from adapters.analytics.calendars import Integrator, Window, exposure
from adapters.analytics.calendars import calendars as rebuild_calendars
from adapters.analytics.checks import (
    Check,
    Report,
    judge,
    judge_sample,
    rate_check,
)
from adapters.analytics.checks import report as make_report
from adapters.analytics.views import Run, open_run
from engine.calendar import origin_of, working_day_actions
from engine.errors import InvalidInput
from engine.people import managers_only_teams
from engine.person_calendar import PersonCalendar
from engine.scenario import Scenario

CONTRIBUTOR_ROLES = ("individual_contributor", "lead", "contractor")
# A run starts from an empty workspace: in its first week the first tasks go through work and
# review (1.5–1.8 completions a contributor-week against 3 in every team shape measured, then
# 3). The completion rate is judged after it; a run no longer than this is all ramp-up.
RAMP_UP_DAYS = 7
# Blocks vary more from run to run than a Poisson count: over 40 seeds of the default 30-day
# scenario their variance was 1.3x its mean. Judged as Poisson, an on-target run failed the
# blocked rate about 1 time in 100 rather than 1 in 300; 1.5 allows for the estimate's own
# noise (it is from 40 runs).
BLOCKS_DISPERSION = 1.5
MIN_LIFECYCLE_TASKS = 5  # tasks with lifecycle comments (a rule that always holds: a few show it)
MIN_COMMENTS = 50  # comments needed to judge how repetitive they are
DISTINCT_WINDOW_DAYS = 30  # comments must vary within a month (as over a 30-day run)
WINDOW_SECONDS = DISTINCT_WINDOW_DAYS * 86400

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
    # A run is judged on the simulated time it covers (the scenario's days, or up to its
    # latest event while it is being written), never on the dates its events happen to fall.
    scenario, calendars, window = rebuild_calendars(run)
    contributors = _contributors(run, scenario, calendars)
    exposures = {person: exposure(cal, window) for person, cal in calendars.items()}
    assert run.offsets is not None  # open_run made them
    counted = timing.count_buckets(
        run.con.execute(timing.buckets_sql(run.offsets.fine)).fetchall(), calendars
    )
    checks = [
        timing.off_hours(counted),
        timing.weekend(counted, exposures),
        timing.hourly(counted, exposures),
        _completion_rate(run, scenario, calendars, window, contributors),
        *_blocked_rates(run, scenario, calendars, window),
        _comment_order(run),
        _distinct_comments(run),
    ]
    count = run.con.execute("SELECT count(*) FROM events").fetchone()
    assert count is not None  # an aggregate: always one row
    total = count[0]
    return make_report(run.manifest.get("run_id"), total, checks)


# -- people ------------------------------------------------------------------------------------


def _contributors(run: Run, scenario: Scenario, calendars: dict[str, PersonCalendar]) -> list[str]:
    """Whose completions count, in order (a float sum depends on it), after checking every
    joined person is one of the scenario's: contributors, and the managers of a team of
    managers only (who do its work: engine.people.managers_only_teams)."""
    rows = run.con.execute("SELECT person, role, team FROM people ORDER BY person").fetchall()
    actors = run.con.execute("SELECT DISTINCT actor FROM events").fetchall()
    known = {person for person, _, _ in rows}
    for (actor,) in actors:
        if actor not in calendars or actor not in known:
            raise InvalidInput(
                f"{run.path}: actor {actor!r} is not a person of the manifest's scenario; "
                "report compares a run with the scenario it was simulated from"
            )
    hands_on = managers_only_teams(scenario.people)
    return [
        person
        for person, role, team in rows
        if role in CONTRIBUTOR_ROLES or (role == "manager" and team in hands_on)
    ]


# -- checks ----------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _completion_rate(
    run: Run,
    scenario: Scenario,
    calendars: dict[str, PersonCalendar],
    window: Window,
    contributors: list[str],
) -> Check:
    # A working day's expected actions are the day's budget, so a person's expected actions
    # over the run's window after its ramp-up, over the budget, are their working days in it
    # (a part of a day when the window starts or ends inside their working hours).
    settled = origin_of(scenario) + timedelta(days=RAMP_UP_DAYS)
    judged = Window(tuple(window.clip(settled, datetime.max.replace(tzinfo=UTC))))
    budget = working_day_actions(scenario)
    weeks = sum(exposure(calendars[p], judged).actions for p in contributors) / budget / 5
    by_actor = run.con.execute(
        "SELECT e.actor, count(*) FROM events e JOIN tasks t USING (task) "
        "WHERE e.type = 'TaskCompleted' AND t.parent IS NULL AND e.\"at\" >= ? "
        # milestones are reached and approvals decided; only ordinary tasks are work done
        "AND e.task NOT IN (SELECT task FROM events WHERE type = 'TaskCreated' "
        "AND subtype IN ('milestone', 'approval')) GROUP BY e.actor",
        [settled.replace(tzinfo=None)],
    ).fetchall()
    completed = sum(count for actor, count in by_actor if actor in contributors)
    target = scenario.work.completion_rate_per_week * scenario.activity_factor
    return rate_check(
        "completion_rate_per_week",
        "tasks (not subtasks, milestones or approvals) each contributor completes per working "
        f"week, after the run's first {RAMP_UP_DAYS} days (ramp-up)",
        completed,
        weeks,
        target,
        f"completions over {{:,.1f}} contributor working weeks after the first {RAMP_UP_DAYS} days",
    )


def _blocked_rates(
    run: Run, scenario: Scenario, calendars: dict[str, PersonCalendar], window: Window
) -> list[Check]:
    """Moves into blocked per week of work of an in-progress task. A week of work is five
        working days' worth of the assignee's intensity (so time away and nights do not count); a
    task still in progress when the run ends counts until the end of the run's window.

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
        SELECT t.assignee, m."at", m.left_at
        FROM moves m JOIN tasks t USING (task)
        WHERE m.state = 'in_progress' AND t.assignee IS NOT NULL
        """
    ).fetchall()
    counts = run.con.execute(
        "SELECT count(*) FILTER (blocked_by IS NULL), count(*) FILTER (blocked_by IS NOT NULL) "
        "FROM events WHERE type = 'TaskStateChanged' AND state = 'blocked'"
    ).fetchone()
    assert counts is not None  # an aggregate: always one row
    blocked, by_dependency = counts
    week = working_day_actions(scenario) * 5
    integrators = {p: Integrator(cal, window) for p, cal in calendars.items()}
    end_of_run = window.end.replace(tzinfo=None) if window.end else None
    weeks = sum(
        integrators[who].between(start, until) / week
        for who, start, end in spells
        if who in calendars and (until := end or end_of_run) is not None
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
            BLOCKS_DISPERSION,
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
    return judge_sample(
        "comment_lifecycle_order",
        "tasks whose lifecycle comments (start, blocked, unblocked, review, done) fit the "
        "task's state when posted",
        _share(len(tasks) - bad, len(tasks)),
        1.0,
        0.01,
        "at_least",
        "share",
        f"{bad:,} of {len(tasks):,} tasks out of order",
        size=len(tasks),
        minimum=MIN_LIFECYCLE_TASKS,
    )


def _distinct_comments(run: Run) -> Check:
    """Judged per DISTINCT_WINDOW_DAYS days (the worst window with enough comments): over
    years a team repeats itself as any team does, but within a month its comments vary."""
    windows = run.con.execute(
        f"""
        WITH first AS (SELECT min(created_at) AS t0 FROM comments)
        SELECT CAST(floor((epoch(c.created_at) - epoch(first.t0)) / {WINDOW_SECONDS}) AS BIGINT)
                   AS w,
               min(c.created_at)::DATE, count(DISTINCT c.text), count(*)
        FROM comments c, first GROUP BY w ORDER BY w
        """
    ).fetchall()
    judged = [row for row in windows if row[3] >= MIN_COMMENTS]
    if judged:
        _, since, distinct, total = min(judged, key=lambda r: (_share(r[2], r[3]), r[0]))
    else:  # no month has enough comments to judge: the run as a whole (likely too little data)
        since, distinct, total = None, sum(r[2] for r in windows), sum(r[3] for r in windows)
    where = (f" in the {DISTINCT_WINDOW_DAYS} days from {since} (the least varied)"
             if since is not None and len(windows) > 1 else "")  # fmt: skip
    return judge_sample(
        "distinct_comment_ratio",
        f"distinct comment texts among all comments, per {DISTINCT_WINDOW_DAYS} days",
        _share(distinct, total),
        0.8,
        0.0,
        "at_least",
        "share",
        f"{distinct:,} distinct of {total:,} comments{where}",
        size=total,
        minimum=MIN_COMMENTS,
    )
