"""The figures of `busywork stats` counted in local time: events per local day and per local
week in the scenario's zone, and the weekday × hour heatmap in each actor's own zone.

Each is summed from the summary's UTC time buckets moved to local time at zoneinfo's offset
(``zone_offsets``), so it costs about the same for a thousand events or ten million.
"""

from __future__ import annotations

from datetime import date

import msgspec

from adapters.analytics.sqlmath import floor_div, floor_mod
from adapters.analytics.views import Run
from adapters.analytics.zone_offsets import offset_join

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class DayCount(msgspec.Struct):
    day: date
    events: int


class Heatmap(msgspec.Struct):
    """Events by weekday (rows, Monday first) and hour (columns), in each actor's local time."""

    weekdays: list[str]
    counts: list[list[int]]


class Week(msgspec.Struct):
    week_start: date
    active_tasks: int  # created before the week ends and not completed before it starts
    completed: int  # TaskCompleted events in the week
    blocked: int  # moves into "blocked" in the week
    completion_rate: float | None  # completed / active_tasks
    blocked_rate: float | None  # blocked / active_tasks


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


def daily_counts(con, zone: str) -> list[DayCount]:
    """Events per local day in `zone`, every day from the first to the last with events (a
    day nobody worked, such as a holiday the whole team shares, counts 0)."""
    local = _local_times(
        "SELECT bucket_s, sum(n) AS n FROM _s_time GROUP BY bucket_s", _sql_text(zone)
    )
    rows = con.execute(
        f"""
        WITH {local},
        days AS (SELECT {LOCAL_DAY} AS d, sum(n) AS n FROM local GROUP BY d),
        span AS (SELECT unnest(range(min(d), max(d) + 1)) AS d FROM days)
        SELECT DATE '1970-01-01' + span.d::INTEGER AS day, coalesce(days.n, 0)::BIGINT
        FROM span LEFT JOIN days USING (d) ORDER BY day
        """
    ).fetchall()
    return [DayCount(*row) for row in rows]


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


def weekly(con, zone: str) -> list[Week]:
    """Per local week, every week from the first to the last with events: completions, moves
    into blocked, and the tasks active in it (created by its end and not completed before its
    start: a running sum of creations minus completions net of reopenings)."""
    local = _local_times(
        "SELECT bucket_s, sum(created) AS created, sum(completed) AS completed,"
        " sum(reopened) AS reopened, sum(blocked) AS blocked FROM _s_time GROUP BY bucket_s",
        _sql_text(zone),
    )
    rows = con.execute(
        f"""
        WITH {local},
        counted AS (  -- weeks since the Monday before 1970-01-01
            SELECT {floor_div(f"{LOCAL_DAY} + 3", 7)} AS w,
                sum(created) AS created, sum(completed) AS completed,
                sum(reopened) AS reopened, sum(blocked) AS blocked
            FROM local GROUP BY w
        ),
        span AS (SELECT unnest(range(min(w), max(w) + 1)) AS w FROM counted),
        weeks AS (
            SELECT span.w, coalesce(created, 0) AS created, coalesce(completed, 0) AS completed,
                coalesce(reopened, 0) AS reopened, coalesce(blocked, 0) AS blocked
            FROM span LEFT JOIN counted USING (w)
        )
        SELECT DATE '1970-01-01' + (w * 7 - 3)::INTEGER AS week,
            (sum(created) OVER win - coalesce(sum(completed - reopened) OVER before, 0))::BIGINT,
            completed::BIGINT, blocked::BIGINT
        FROM weeks
        WINDOW win AS (ORDER BY w), before AS (ORDER BY w ROWS BETWEEN UNBOUNDED PRECEDING
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
