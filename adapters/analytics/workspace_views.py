"""Views over workspace objects (custom fields, tags, dependencies, approvals) and their stats.

- ``custom_field_values``: the current value of each task's custom field (from the task's
  creation and later ``CustomFieldChanged``; a cleared value has no row): ``task, field,
  field_name, value`` (text: an enum option's name, a number as written in the log, an ISO
  date, or text), ``set_at``.
- ``tags``: ``task, tag, name, added_at`` (at creation or by ``TagAdded``; first time only).
- ``dependency_blocks``: each period a task spent blocked because of an unfinished dependency
  (``TaskStateChanged.blocked_by``): ``task, blocked_by, started_at, ended_at`` (NULL while
  still blocked), ``hours`` (up to the run's last event when still blocked).
- ``dependencies``: ``task, depends_on, added_at, blocked_periods, blocked_hours`` (the
  task's blocked periods caused by that dependency).
- ``approvals``: each approval task: ``task, name, project, approver`` (who decided, else the
  assignee), ``status`` (the last decision, else ``pending``), ``decided_at, created_at``.

The log writes the column ``custom_fields`` for projects (a list) and tasks (an object), so
it reads as text: tasks' values are parsed here as JSON.
"""

from __future__ import annotations

import msgspec

WORKSPACE_VIEWS = ("custom_field_values", "tags", "dependencies", "dependency_blocks", "approvals")

_CUSTOM_FIELD_VALUES = """
CREATE OR REPLACE TEMP VIEW custom_field_values AS
WITH created AS (
    SELECT seq, "at", task, custom_fields::JSON AS fields
    FROM events WHERE type = 'TaskCreated' AND custom_fields IS NOT NULL
        AND starts_with(custom_fields, '{')
),
initial AS (
    SELECT seq, "at", task, k AS field, fields ->> k AS value
    FROM (SELECT *, unnest(json_keys(fields)) AS k FROM created)
),
changes AS (
    SELECT seq, "at", task, field, value FROM initial
    UNION ALL
    SELECT seq, "at", task, field, value FROM events WHERE type = 'CustomFieldChanged'
),
latest AS (
    SELECT task, field, arg_max(value, seq) AS value, arg_max("at", seq) AS set_at
    FROM changes GROUP BY task, field
),
names AS (SELECT field, any_value(name) AS field_name FROM events
          WHERE type = 'CustomFieldCreated' GROUP BY field)
SELECT l.task, l.field, n.field_name, l.value, l.set_at
FROM latest l LEFT JOIN names n USING (field)
WHERE l.value IS NOT NULL
"""

_TAGS = """
CREATE OR REPLACE TEMP VIEW tags AS
WITH added AS (
    SELECT task, unnest(tags) AS tag, "at", seq FROM events
    WHERE type = 'TaskCreated' AND len(tags) > 0
    UNION ALL
    SELECT task, tag, "at", seq FROM events WHERE type = 'TagAdded'
),
first AS (SELECT task, tag, arg_min("at", seq) AS added_at FROM added GROUP BY task, tag),
names AS (SELECT tag, any_value(name) AS name FROM events WHERE type = 'TagCreated' GROUP BY tag)
SELECT f.task, f.tag, n.name, f.added_at FROM first f LEFT JOIN names n USING (tag)
"""

_DEPENDENCY_BLOCKS = """
CREATE OR REPLACE TEMP VIEW dependency_blocks AS
WITH moves AS (
    SELECT task, seq, "at", state, blocked_by,
        lead("at") OVER (PARTITION BY task ORDER BY seq) AS ended_at
    FROM events WHERE type = 'TaskStateChanged'
)
SELECT task, blocked_by, "at" AS started_at, ended_at,
    epoch(coalesce(ended_at, (SELECT max("at") FROM events)) - "at") / 3600.0 AS hours
FROM moves WHERE state = 'blocked' AND blocked_by IS NOT NULL
"""

_DEPENDENCIES = """
CREATE OR REPLACE TEMP VIEW dependencies AS
WITH added AS (
    SELECT task, depends_on, min("at") AS added_at FROM events
    WHERE type = 'DependencyAdded' GROUP BY task, depends_on
),
blocks AS (
    SELECT task, blocked_by AS depends_on, count(*) AS blocked_periods,
        sum(hours) AS blocked_hours
    FROM dependency_blocks GROUP BY ALL
)
SELECT a.task, a.depends_on, a.added_at, coalesce(b.blocked_periods, 0) AS blocked_periods,
    coalesce(b.blocked_hours, 0.0) AS blocked_hours
FROM added a LEFT JOIN blocks b USING (task, depends_on)
"""

_APPROVALS = """
CREATE OR REPLACE TEMP VIEW approvals AS
WITH created AS (
    SELECT task, name, project, assignee, "at" AS created_at FROM events
    WHERE type = 'TaskCreated' AND subtype = 'approval'
),
assigned AS (
    SELECT task, arg_max(assignee, seq) AS assignee FROM events
    WHERE type = 'TaskAssigned' GROUP BY task
),
decided AS (
    SELECT task, arg_max(actor, seq) AS approver, arg_max(status, seq) AS status,
        max("at") AS decided_at
    FROM events WHERE type = 'ApprovalDecided' GROUP BY task
)
SELECT c.task, c.name, c.project,
    coalesce(d.approver, a.assignee, c.assignee) AS approver,
    coalesce(d.status, 'pending') AS status, d.decided_at, c.created_at
FROM created c LEFT JOIN decided d USING (task) LEFT JOIN assigned a USING (task)
"""

VIEW_SQL = (_CUSTOM_FIELD_VALUES, _TAGS, _DEPENDENCY_BLOCKS, _DEPENDENCIES, _APPROVALS)


def create_workspace_views(con) -> None:
    for sql in VIEW_SQL:
        con.execute(sql)


# -- stats -------------------------------------------------------------------------------------

PRIORITY_FIELD = "Priority"


class ValueCount(msgspec.Struct):
    value: str
    tasks: int


class Workspace(msgspec.Struct):
    """What the workspace objects add to ``stats`` (empty when the run has none)."""

    priorities: list[ValueCount]  # current Priority values of tasks, most common first
    approval_outcomes: list[ValueCount]  # approvals by status (pending included)
    dependency_blocks: int  # periods blocked by an unfinished dependency
    dependency_block_p50_hours: float | None
    dependency_block_p90_hours: float | None
    dependencies: int
    tagged_tasks: int


def workspace_figures(con) -> Workspace:
    priorities = con.execute(
        "SELECT value, count(*) AS n FROM custom_field_values WHERE field_name = ? "
        "GROUP BY value ORDER BY n DESC, value",
        [PRIORITY_FIELD],
    ).fetchall()
    outcomes = con.execute(
        "SELECT status, count(*) AS n FROM approvals GROUP BY status ORDER BY n DESC, status"
    ).fetchall()
    blocks, p50, p90 = con.execute(
        "SELECT count(*), quantile_cont(hours, 0.5), quantile_cont(hours, 0.9) "
        "FROM dependency_blocks"
    ).fetchone()
    dependencies = con.execute("SELECT count(*) FROM dependencies").fetchone()[0]
    tagged = con.execute("SELECT count(DISTINCT task) FROM tags").fetchone()[0]
    return Workspace(
        [ValueCount(*row) for row in priorities],
        [ValueCount(*row) for row in outcomes],
        blocks,
        p50,
        p90,
        dependencies,
        tagged,
    )
