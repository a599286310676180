"""`busywork stats`: what happened in a run, as plain data (rendering lives in ``render``).

Days and weeks are counted in the scenario's time zone (the organisation's calendar; UTC when
the manifest has none); the heatmap uses each person's own zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import msgspec

from adapters.analytics.sqlmath import floor_div, floor_mod
from adapters.analytics.tasks_view import run_timezone
from adapters.analytics.views import Run, open_run
from adapters.analytics.workspace_views import Workspace, workspace_figures
from adapters.analytics.zone_offsets import offset_join
from adapters.anthropic.usage import LlmUsage, summarize

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
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


class DayCount(msgspec.Struct):
    day: date
    events: int


class Heatmap(msgspec.Struct):
    """Events by weekday (rows, Monday first) and hour (columns), in each actor's local time."""

    weekdays: list[str]
    counts: list[list[int]]


class Distribution(msgspec.Struct):
    count: int
    mean: float | None
    p50: float | None
    p90: float | None


class Week(msgspec.Struct):
    week_start: date
    active_tasks: int  # created before the week ends and not completed before it starts
    completed: int  # TaskCompleted events in the week
    blocked: int  # moves into "blocked" in the week
    completion_rate: float | None  # completed / active_tasks
    blocked_rate: float | None  # blocked / active_tasks


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
    events, first_at, last_at, comments = con.execute(
        "SELECT coalesce(sum(n), 0)::BIGINT, min(first_at), max(last_at),"
        " coalesce(sum(n) FILTER (type = 'CommentAdded'), 0)::BIGINT FROM _actors"
    ).fetchone()
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
    people = con.execute("SELECT count(*) FROM _s_people WHERE joined_at IS NOT NULL").fetchone()[0]
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
        by_day=[DayCount(*row) for row in _by_day(con, zone)],
        heatmap=heatmap(run),
        cycle_time_hours=tasks["cycle"],
        comments_per_task=tasks["comments"],
        weekly=_weekly(con, zone),
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


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _local_times(q_sql: str, zone: str) -> str:
    """CTEs ending in `local`: the rows of `q_sql` (which has `bucket_s`, a UTC bucket of the
    summary) with `local_s`, the bucket's local time in `zone` (a column of q, or a SQL
    literal) as epoch seconds, at zoneinfo's offset (``zone_offsets``: no bucket spans a
    change of offset, so its start's offset holds for all of it)."""
    q_zone = zone if zone.startswith("'") else f"q.{zone}"
    return f"""
        q AS ({q_sql}),
        local AS (
            SELECT q.*, q.bucket_s + o.offset_s AS local_s
            FROM q {offset_join("o", q_zone, "q.bucket_s")}
        )
    """


# The local day of `local_s` (local epoch seconds), as days since 1970-01-01.
LOCAL_DAY = floor_div("local_s", 86400)


def _by_day(con, zone: str) -> list[tuple]:
    local = _local_times(
        "SELECT bucket_s, sum(n) AS n FROM _s_time GROUP BY bucket_s", _sql_text(zone)
    )
    return con.execute(
        f"""
        WITH {local}
        SELECT DATE '1970-01-01' + {LOCAL_DAY}::INTEGER AS day, sum(n)::BIGINT FROM local
        GROUP BY day ORDER BY day
        """
    ).fetchall()


def heatmap(run: Run) -> Heatmap:
    """Weekday × hour counts in each actor's own time zone (actors who never joined are left
    out). Counted from the summary's buckets per zone, so it costs about the same for a
    thousand events or ten million."""
    local = _local_times(
        "SELECT zone, bucket_s, sum(n) AS n FROM _s_time WHERE zone IS NOT NULL GROUP BY ALL",
        "zone",
    )
    rows = run.con.execute(
        f"""
        WITH {local}
        SELECT {floor_mod(f"{LOCAL_DAY} + 3", 7)}, {floor_div(floor_mod("local_s", 86400), 3600)},
            sum(n)::BIGINT
        FROM local GROUP BY ALL
        """
    ).fetchall()  # 1970-01-01 was a Thursday: +3 makes Monday 0
    counts = [[0] * 24 for _ in WEEKDAYS]
    for weekday, hour, n in rows:
        counts[weekday][hour] = n
    return Heatmap(list(WEEKDAYS), counts)


def _weekly(con, zone: str) -> list[Week]:
    """Per local week: completions, moves into blocked, and the tasks active in it (created by
    its end and not completed before its start: a running sum of creations minus completions
    net of reopenings)."""
    local = _local_times(
        "SELECT bucket_s, sum(created) AS created, sum(completed) AS completed,"
        " sum(reopened) AS reopened, sum(blocked) AS blocked FROM _s_time GROUP BY bucket_s",
        _sql_text(zone),
    )
    rows = con.execute(
        f"""
        WITH {local},
        weeks AS (
            SELECT DATE '1970-01-01' + ({floor_div(f"{LOCAL_DAY} + 3", 7)} * 7 - 3)::INTEGER
                AS week,
                sum(created) AS created, sum(completed) AS completed,
                sum(reopened) AS reopened, sum(blocked) AS blocked
            FROM local GROUP BY week
        )
        SELECT week,
            (sum(created) OVER w - coalesce(sum(completed - reopened) OVER before, 0))::BIGINT,
            completed::BIGINT, blocked::BIGINT
        FROM weeks
        WINDOW w AS (ORDER BY week), before AS (ORDER BY week ROWS BETWEEN UNBOUNDED PRECEDING
            AND 1 PRECEDING)
        ORDER BY week
        """
    ).fetchall()
    return [
        Week(
            week,
            active,
            done,
            blocked,
            done / active if active else None,
            blocked / active if active else None,
        )
        for week, active, done, blocked in rows
    ]
