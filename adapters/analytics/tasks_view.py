"""The ``tasks`` view: each task folded from the summary (``summary``), with overdue and
completed late judged on local dates.

A due date is a date without a time: the simulation sets and slips it by the acting person's
own local day. So a task is overdue when it is open and due before the local day of the run's
last event in its assignee's time zone, and completed late when due before the local day of
its completion in the zone of who completed it; without such a person (unassigned, or never
joined), in the scenario's time zone (UTC when the manifest has none).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.analytics.sqlmath import floor_div
from adapters.analytics.zone_offsets import offset_join


def run_timezone(manifest: dict) -> str:
    """The scenario's time zone (the organisation's calendar), or UTC when it has none."""
    scenario = manifest.get("scenario")
    zone = scenario.get("timezone") if isinstance(scenario, dict) else None
    if isinstance(zone, str) and zone:
        try:
            ZoneInfo(zone)
            return zone
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return "UTC"


def _due_before_local_day(moment: str, offset: str) -> str:
    """SQL: is ``due_on`` before the local date of the UTC TIMESTAMP `moment`, whose zone's
    offset (zoneinfo's: ``zone_offsets``) is `offset` seconds?

    Every zone's offset is less than a day, so the local date is the UTC date or the day
    either side: only a due date on the UTC date or the day before needs the offset."""
    utc = f"({moment})::DATE"
    local = f"DATE '1970-01-01' + {floor_div(f'{_seconds(moment)} + {offset}', 86400)}::INTEGER"
    return (
        f"CASE WHEN due_on < {utc} - 1 THEN true WHEN due_on > {utc} THEN false "
        f"ELSE due_on < {local} END"
    )


def _seconds(moment: str) -> str:
    return floor_div(f"epoch_ms({moment})", 1000)


def tasks_view(zone: str) -> str:
    """The ``tasks`` view; `zone` is the time zone of due dates no person's zone decides."""
    fallback = "'" + zone.replace("'", "''") + "'"
    assignee_zone = f"coalesce(za.timezone, {fallback})"
    completer_zone = f"coalesce(zc.timezone, {fallback})"
    return _TASKS.format(
        overdue=_due_before_local_day("as_of.last_at", "oa.offset_s"),
        late=_due_before_local_day("f.completed_at", "oc.offset_s"),
        assignee_offset=offset_join("oa", assignee_zone, _seconds("as_of.last_at"), "LEFT JOIN"),
        completer_offset=offset_join("oc", completer_zone, _seconds("f.completed_at"), "LEFT JOIN"),
    )


_TASKS = """
CREATE OR REPLACE TEMP VIEW tasks AS
WITH as_of AS (SELECT max(last_at) AS last_at FROM _s_actors),
zones AS (SELECT person, timezone FROM _s_people WHERE coalesce(timezone, '') <> ''),
folded AS (
    SELECT *, CASE WHEN completed_seq > coalesce(reopened_seq, 0) THEN last_completed_at END
        AS completed_at
    FROM _s_tasks WHERE created_at IS NOT NULL
)
SELECT task, project, parent, name, created_by, assignee, section,
    coalesce(state, 'new') AS state,
    completed_at IS NOT NULL AS completed,
    created_at, started_at, completed_at,
    epoch(completed_at - coalesce(started_at, created_at)) / 3600.0 AS cycle_hours,
    comments, likes, times_blocked,
    (blocked_left_ms - blocked_entered_ms
        + CASE WHEN state = 'blocked' THEN epoch_ms(as_of.last_at) ELSE 0 END
    )::DOUBLE / 3600000.0 AS blocked_hours,
    times_reopened, due_on, due_date_changes,
    completed_at IS NULL AND coalesce({overdue}, false) AS overdue,
    completed_at IS NOT NULL AND coalesce({late}, false) AS completed_late,
    events, last_activity_at
FROM folded f CROSS JOIN as_of
LEFT JOIN zones za ON za.person = f.assignee
LEFT JOIN zones zc ON zc.person = f.completed_by
{assignee_offset}
{completer_offset}
"""
