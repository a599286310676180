"""`busywork stats`: what happened in a run, as plain data (rendering lives in ``render``).

Days and weeks are counted in the scenario's time zone (the organisation's calendar; UTC when
the manifest has none); the heatmap uses each person's own zone (``stats_local``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import msgspec

from adapters.analytics.stats_local import DayCount, Heatmap, Week, daily_counts, heatmap, weekly
from adapters.analytics.tasks_view import run_timezone
from adapters.analytics.views import Run, open_run
from adapters.analytics.workspace_views import Workspace, workspace_figures
from adapters.anthropic.usage import LlmUsage, summarize

OVERDUE_LISTED = 20


class TypeCount(msgspec.Struct):
    type: str
    events: int


class PersonCount(msgspec.Struct):
    person: str
    name: str | None
    events: int


class ProjectCount(msgspec.Struct):
    project: str
    name: str | None
    events: int


class Distribution(msgspec.Struct):
    count: int
    mean: float | None
    p50: float | None
    p90: float | None


class OverdueTask(msgspec.Struct):
    task: str
    name: str | None
    assignee: str | None
    due_on: date


class Overdue(msgspec.Struct):
    # Due dates are local dates (see the tasks view in ``views``): the assignee's, the
    # completer's, else the scenario's time zone.
    open_overdue: int  # open tasks due before the local day of the run's last event
    completed_late: int  # tasks completed on a local day after their due date
    tasks: list[OverdueTask]  # the open overdue ones, earliest due first (at most 20)


class Stats(msgspec.Struct):
    run_id: str | None
    events: int
    first_at: datetime | None
    last_at: datetime | None
    timezone: str  # zone of by_day and weekly
    people: int
    projects: int
    tasks: int
    tasks_completed: int
    comments: int
    by_type: list[TypeCount]
    by_person: list[PersonCount]
    by_project: list[ProjectCount]
    by_day: list[DayCount]
    heatmap: Heatmap
    cycle_time_hours: Distribution
    comments_per_task: Distribution
    weekly: list[Week]
    overdue: Overdue
    # Claude calls, tokens and estimated cost (runs with content = "anthropic"; else None).
    llm: LlmUsage | None = None
    # Custom field priorities, approval outcomes, dependency blocks (None: no such objects).
    workspace: Workspace | None = None


def compute_stats(run: str | Path | Run, *, seal: bool = True) -> Stats:
    """Stats of a run folder (or of an opened ``Run``)."""
    if not isinstance(run, Run):
        with open_run(run, seal=seal) as opened:
            return compute_stats(opened)
    try:
        return _stats(run)
    except duckdb.Error as exc:
        corrupted = run.log_error(exc)
        if corrupted is None:
            raise
        raise corrupted from None


def _stats(run: Run) -> Stats:
    con = run.con
    zone = run_timezone(run.manifest)
    con.execute("CREATE OR REPLACE TEMP TABLE _actors AS SELECT * FROM _s_actors")
    totals = con.execute(
        "SELECT coalesce(sum(n), 0)::BIGINT, min(first_at), max(last_at),"
        " coalesce(sum(n) FILTER (type = 'CommentAdded'), 0)::BIGINT FROM _actors"
    ).fetchone()
    assert totals is not None  # an aggregate: always one row
    events, first_at, last_at, comments = totals
    by_type = [
        TypeCount(*row)
        for row in con.execute(
            "SELECT type, sum(n)::BIGINT AS n FROM _actors GROUP BY type ORDER BY n DESC, type"
        ).fetchall()
    ]
    by_person = [
        PersonCount(*row)
        for row in con.execute(
            "SELECT a.actor, any_value(p.name), sum(a.n)::BIGINT AS n FROM _actors a "
            "LEFT JOIN _s_people p ON p.person = a.actor GROUP BY a.actor ORDER BY n DESC, a.actor"
        ).fetchall()
    ]
    joined = con.execute("SELECT count(*) FROM _s_people WHERE joined_at IS NOT NULL").fetchone()
    assert joined is not None  # an aggregate: always one row
    people = joined[0]
    tasks = _task_figures(con)
    return Stats(
        run_id=run.manifest.get("run_id"),
        events=events,
        first_at=_utc(first_at),
        last_at=_utc(last_at),
        timezone=zone,
        people=people,
        projects=len(tasks["by_project"]),
        tasks=tasks["tasks"],
        tasks_completed=tasks["completed"],
        comments=comments,
        by_type=by_type,
        by_person=by_person,
        by_project=tasks["by_project"],
        by_day=daily_counts(con, zone),
        heatmap=heatmap(run),
        cycle_time_hours=tasks["cycle"],
        comments_per_task=tasks["comments"],
        weekly=weekly(con, zone),
        overdue=tasks["overdue"],
        llm=summarize(run.path),
        workspace=_workspace(run),
    )


def _workspace(run: Run) -> Workspace | None:
    figures = workspace_figures(run.con)
    empty = not (figures.priorities or figures.approval_outcomes or figures.dependencies
                 or figures.tagged_tasks)  # fmt: skip
    return None if empty else figures


def _task_figures(con) -> dict:
    """Everything stats needs from the tasks view, in one pass over it (on a large run the
    view is the costly part: folding a million tasks). The mean cycle time is summed as a
    DECIMAL: a parallel sum of DOUBLEs depends on the order the threads add them in."""
    row = con.execute(
        f"""
        SELECT count(*), count(*) FILTER (completed),
            count(cycle_hours) FILTER (completed), avg(cycle_hours::DECIMAL(38, 9)) FILTER (completed),
            quantile_cont(cycle_hours, [0.5, 0.9]) FILTER (completed),
            count(comments), avg(comments), quantile_cont(comments, [0.5, 0.9]),
            count(*) FILTER (overdue), count(*) FILTER (completed_late),
            min_by({{'task': task, 'name': name, 'assignee': assignee, 'due_on': due_on}},
                   (due_on, task), {OVERDUE_LISTED}) FILTER (overdue)
        FROM tasks
        """
    ).fetchone()
    (tasks, completed, cycle_n, cycle_mean, cycle_q, comments_n, comments_mean, comments_q,
     overdue, late, overdue_listed) = row  # fmt: skip
    by_project = con.execute(
        "SELECT p.project, any_value(p.name), coalesce(sum(e.n), 0)::BIGINT AS n "
        "FROM _s_projects p LEFT JOIN _s_project_events e USING (project) "
        "WHERE p.created_at IS NOT NULL GROUP BY p.project ORDER BY n DESC, p.project"
    ).fetchall()
    return {
        "tasks": tasks,
        "completed": completed,
        "cycle": Distribution(cycle_n, cycle_mean, *(cycle_q or (None, None))),
        "comments": Distribution(comments_n, comments_mean, *(comments_q or (None, None))),
        "overdue": Overdue(overdue, late, [OverdueTask(**item) for item in overdue_listed or []]),
        "by_project": [ProjectCount(*item) for item in by_project or []],
    }


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None else None
