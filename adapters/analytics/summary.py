"""Mergeable summaries of events: the fold behind ``tasks``, ``people``, ``projects`` and stats.

A summary of a stretch of the log is five small tables: ``actors`` (events per actor and
type), ``time`` (events per actor time zone and UTC bucket: a quarter hour, or a second where
some zone's offset is not whole quarter hours, so local hour and day are exact; see
``zone_offsets``), ``people``, ``projects`` and
``tasks`` (one row per task, a partial fold). Two summaries, an older and a newer one,
merge into the summary of both: the sealed prefix of a run is summarised once and kept
under ``derived/summary/`` (``summary_cache``), and each session only summarises the open
segment and merges.
That keeps `stats` on a sealed 10M-event run well under a second.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NotRequired, TypedDict

from adapters.analytics.zone_offsets import bucket_sql

TABLES = ("actors", "time", "people", "projects", "project_events", "tasks")
SUMMARY_DIR = (
    Path("derived") / "summary"
)  # where the sealed prefix's summary is kept (summary_cache)

# Each partial reads `{src}` (events, defaults restored), `{zones}` (person, timezone) and
# `{task_projects}` (task, project) for the people and tasks that `src` needs to look up;
# `{bucket}` is an event's UTC bucket start in epoch seconds (``zone_offsets.bucket_sql``).
PARTIAL = {
    "actors": """
        SELECT actor, type, count(*) AS n, min("at") AS first_at, max("at") AS last_at,
            max(seq) AS last_seq
        FROM {src} GROUP BY actor, type
    """,
    "time": """
        SELECT z.timezone AS zone, {bucket} AS bucket_s, count(*) AS n,
            count(*) FILTER (e.type = 'TaskCreated') AS created,
            count(*) FILTER (e.type = 'TaskCompleted') AS completed,
            count(*) FILTER (e.type = 'TaskReopened') AS reopened,
            count(*) FILTER (e.type = 'TaskStateChanged' AND e.state = 'blocked') AS blocked
        FROM {src} e LEFT JOIN {zones} z ON z.person = e.actor
        GROUP BY ALL
    """,
    "people": """
        SELECT person,
            any_value(name) FILTER (type = 'PersonJoined') AS name,
            any_value(email) FILTER (type = 'PersonJoined') AS email,
            any_value(role) FILTER (type = 'PersonJoined') AS role,
            any_value(timezone) FILTER (type = 'PersonJoined') AS timezone,
            any_value(team) FILTER (type = 'PersonJoined') AS team,
            min("at") FILTER (type = 'PersonJoined') AS joined_at,
            count(*) FILTER (type = 'PersonWentOutOfOffice') AS out_of_office_periods,
            coalesce(sum(end_on - start_on + 1) FILTER (type = 'PersonWentOutOfOffice'), 0)::BIGINT
                AS out_of_office_days
        FROM {src} WHERE type IN ('PersonJoined', 'PersonWentOutOfOffice') GROUP BY person
    """,
    "projects": """
        SELECT project,
            any_value(name) FILTER (type = 'ProjectCreated') AS name,
            any_value(owner) FILTER (type = 'ProjectCreated') AS owner,
            any_value(team) FILTER (type = 'ProjectCreated') AS team,
            any_value(due_on) FILTER (type = 'ProjectCreated') AS due_on,
            min("at") FILTER (type = 'ProjectCreated') AS created_at,
            any_value(actor) FILTER (type = 'ProjectCreated') AS created_by,
            max("at") FILTER (type = 'ProjectCompleted') AS completed_at,
            count(*) FILTER (type = 'SectionCreated') AS sections,
            count(*) FILTER (type = 'StatusUpdatePosted') AS status_updates,
            max(seq) FILTER (type = 'StatusUpdatePosted') AS status_seq,
            arg_max(status_type, seq) FILTER (type = 'StatusUpdatePosted') AS last_status,
            max("at") FILTER (type = 'StatusUpdatePosted') AS last_status_at
        FROM {src} WHERE project IS NOT NULL AND task IS NULL GROUP BY project
    """,
    "project_events": """
        SELECT coalesce(e.project, tp.project) AS project, count(*) AS n
        FROM {src} e LEFT JOIN {task_projects} tp ON tp.task = e.task
        WHERE coalesce(e.project, tp.project) IS NOT NULL GROUP BY 1
    """,
    # Blocked time without a window: every spell starts with a move into "blocked" and ends
    # with a move out of it (previous = 'blocked'), so its total is Σ exits − Σ entries
    # (plus "now" for a task still blocked, added when the fold is finished).
    "tasks": """
        SELECT task,
            any_value(project) FILTER (type = 'TaskCreated') AS project,
            any_value(parent) FILTER (type = 'TaskCreated') AS parent,
            any_value(name) FILTER (type = 'TaskCreated') AS name,
            min("at") FILTER (type = 'TaskCreated') AS created_at,
            any_value(actor) FILTER (type = 'TaskCreated') AS created_by,
            max(seq) FILTER (type IN ('TaskCreated', 'TaskAssigned') AND assignee IS NOT NULL)
                AS assignee_seq,
            arg_max(assignee, seq) FILTER (type IN ('TaskCreated', 'TaskAssigned')) AS assignee,
            max(seq) FILTER (type IN ('TaskCreated', 'TaskStateChanged') AND section IS NOT NULL)
                AS section_seq,
            arg_max(section, seq) FILTER (type IN ('TaskCreated', 'TaskStateChanged'))
                AS section,
            max(seq) FILTER (type = 'TaskStateChanged') AS state_seq,
            arg_max(state, seq) FILTER (type = 'TaskStateChanged') AS state,
            min("at") FILTER (type = 'TaskStateChanged' AND state = 'in_progress') AS started_at,
            max(seq) FILTER (type = 'TaskCompleted') AS completed_seq,
            arg_max(actor, seq) FILTER (type = 'TaskCompleted') AS completed_by,
            max("at") FILTER (type = 'TaskCompleted') AS last_completed_at,
            max(seq) FILTER (type = 'TaskReopened') AS reopened_seq,
            count(*) FILTER (type = 'TaskReopened') AS times_reopened,
            max(seq) FILTER (type IN ('TaskCreated', 'DueDateChanged') AND due_on IS NOT NULL)
                AS due_seq,
            arg_max(due_on, seq) FILTER (type IN ('TaskCreated', 'DueDateChanged')) AS due_on,
            count(*) FILTER (type = 'DueDateChanged') AS due_date_changes,
            count(*) FILTER (type = 'CommentAdded') AS comments,
            count(*) FILTER (type = 'TaskLiked') AS likes,
            count(*) FILTER (type = 'TaskStateChanged' AND state = 'blocked') AS times_blocked,
            coalesce(sum(epoch_ms("at")) FILTER (type = 'TaskStateChanged' AND state = 'blocked'),
                0)::HUGEINT AS blocked_entered_ms,
            coalesce(sum(epoch_ms("at")) FILTER (type = 'TaskStateChanged'
                AND previous = 'blocked'), 0)::HUGEINT AS blocked_left_ms,
            count(*) AS events,
            max("at") AS last_activity_at
        FROM {src} WHERE task IS NOT NULL GROUP BY task
    """,
}

# Merge an older summary table `{old}` with a newer `{new}` (everything in `new` happened
# after everything in `old`, so "the latest" is simply the newer side when it has one).
_SUM = "coalesce(o.{c}, 0) + coalesce(n.{c}, 0) AS {c}"
_NEWER = "coalesce(n.{c}, o.{c}) AS {c}"
_OLDER = "coalesce(o.{c}, n.{c}) AS {c}"


class _Rules(TypedDict):
    older: tuple[str, ...]
    newer: tuple[str, ...]
    sum: tuple[str, ...]
    latest: NotRequired[tuple[tuple[str, str], ...]]  # (value, its seq)


def _join_merge(key: str, rules: _Rules) -> str:
    parts = [f"coalesce(o.{key}, n.{key}) AS {key}"]
    for pattern, cols in ((_OLDER, rules["older"]), (_NEWER, rules["newer"]), (_SUM, rules["sum"])):
        parts += [pattern.format(c=c) for c in cols]
    for value, seq in rules.get("latest", ()):
        parts.append(f"CASE WHEN n.{seq} IS NOT NULL THEN n.{value} ELSE o.{value} END AS {value}")
        parts.append(_NEWER.format(c=seq))
    return (
        f"SELECT {', '.join(parts)} FROM {{old}} o FULL OUTER JOIN {{new}} n ON o.{key} = n.{key}"
    )


MERGE = {
    "actors": "SELECT * FROM {old} UNION ALL BY NAME SELECT * FROM {new}",
    "time": "SELECT * FROM {old} UNION ALL BY NAME SELECT * FROM {new}",
    "project_events": "SELECT * FROM {old} UNION ALL BY NAME SELECT * FROM {new}",
    "people": _join_merge(
        "person",
        {
            "older": ("name", "email", "role", "timezone", "team", "joined_at"),
            "newer": (),
            "sum": ("out_of_office_periods", "out_of_office_days"),
        },
    ),
    "projects": _join_merge(
        "project",
        {
            "older": ("name", "owner", "team", "due_on", "created_at", "created_by"),
            "newer": ("completed_at", "last_status_at"),
            "sum": ("sections", "status_updates"),
            "latest": (("last_status", "status_seq"),),
        },
    ),
    "tasks": _join_merge(
        "task",
        {
            "older": ("project", "parent", "name", "created_at", "created_by", "started_at"),
            "newer": ("last_completed_at", "reopened_seq", "last_activity_at"),
            "sum": (
                "times_reopened",
                "due_date_changes",
                "comments",
                "likes",
                "times_blocked",
                "blocked_entered_ms",
                "blocked_left_ms",
                "events",
            ),
            "latest": (
                ("assignee", "assignee_seq"),
                ("section", "section_seq"),
                ("state", "state_seq"),
                ("due_on", "due_seq"),
                ("completed_by", "completed_seq"),
            ),
        },
    ),
}

# Compact a table after merging (only the append-only ones need it).
COMPACT = {
    "actors": """SELECT actor, type, sum(n)::BIGINT AS n, min(first_at) AS first_at,
        max(last_at) AS last_at, max(last_seq) AS last_seq FROM {t} GROUP BY actor, type""",
    "time": """SELECT zone, bucket_s, sum(n)::BIGINT AS n, sum(created)::BIGINT AS created,
        sum(completed)::BIGINT AS completed, sum(reopened)::BIGINT AS reopened,
        sum(blocked)::BIGINT AS blocked FROM {t} GROUP BY zone, bucket_s""",
    "project_events": "SELECT project, sum(n)::BIGINT AS n FROM {t} GROUP BY project",
}


_NO_PEOPLE = "(SELECT NULL::VARCHAR AS person, NULL::VARCHAR AS timezone WHERE false)"
_NO_TASKS = "(SELECT NULL::VARCHAR AS task, NULL::VARCHAR AS project WHERE false)"


def summarise(
    src: str, old: dict[str, str] | None, fine: tuple[tuple[int, int], ...]
) -> dict[str, str]:
    """SQL relations of the summary of the events `src`, merged onto the summary `old` of
    everything before them (None when `src` starts at the beginning of the log); `fine`: the
    UTC intervals counted per second (``zone_offsets``)."""
    people = old["people"] if old else _NO_PEOPLE
    zones = (
        f"(SELECT person, any_value(timezone) AS timezone FROM (SELECT person, timezone FROM "
        f"{people} UNION ALL SELECT person, timezone FROM {src} WHERE type = 'PersonJoined') "
        "GROUP BY person)"
    )
    # Only the older tasks that `src` touches are looked up (a semi-join, not the whole fold).
    older_tasks = (
        f"SELECT task, project FROM {old['tasks']} WHERE project IS NOT NULL AND task IN "
        f"(SELECT task FROM {src} WHERE task IS NOT NULL)"
        if old
        else f"SELECT * FROM {_NO_TASKS}"
    )
    task_projects = (
        f"(SELECT task, project FROM {src} WHERE type = 'TaskCreated' UNION ALL {older_tasks})"
    )
    bucket = bucket_sql('epoch_ms(e."at")', fine)
    rels = {}
    for table in TABLES:
        sql = PARTIAL[table].format(
            src=src, zones=zones, task_projects=task_projects, bucket=bucket
        )
        rel = "(" + sql + ")"
        if old:
            rel = "(" + MERGE[table].format(old=old[table], new=rel) + ")"
        rels[table] = rel
    return rels


# A summary written by other SQL than this module's is never used (nor extended).
VERSION = hashlib.sha256(repr((PARTIAL, MERGE, COMPACT)).encode()).hexdigest()[:12]
