"""Open a run in DuckDB: the ``events`` view over its segments and the derived views.

Views (all times are UTC ``TIMESTAMP``; durations are hours as ``DOUBLE``):

- ``events``: one row per event: ``seq, at, type, actor`` and every event field as a column
  (NULL when the event has no such field). ``at`` and ``to`` are SQL keywords: quote them
  (``"at"``, ``"to"``).
- ``people``: who joined, where they work, what they did.
- ``projects``: each project with its task counts and latest status.
- ``tasks``: current state (the last ``TaskStateChanged``, or ``new``), assignee, created,
  started (first move to in_progress), completed (the last completion not undone by a
  reopen), cycle time (started, or created when never started, → completed), comment count,
  blocked time (time spent in ``blocked``, up to the run's last event when still blocked),
  due date, overdue and completed late (judged on local dates: see ``tasks_view``).
- ``comments``: every comment with its task, project, author, kind and addressee.
- workspace objects: ``custom_field_values``, ``tags``, ``dependencies``,
  ``dependency_blocks`` and ``approvals`` (see ``workspace_views``).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from adapters.analytics import summary, summary_cache
from adapters.analytics.interruptible import interruptible
from adapters.analytics.schema import EventColumns, event_columns, quote
from adapters.analytics.segment_json import locate_bad_line, read_json_sql, typed_select
from adapters.analytics.segments import Sources, plan_sources
from adapters.analytics.tasks_view import run_timezone, tasks_view
from adapters.analytics.workspace_views import WORKSPACE_VIEWS, create_workspace_views
from adapters.analytics.zone_offsets import ZoneOffsets, register, run_offsets
from engine import run as runs
from engine.errors import LogCorrupted

VIEWS = ("events", "people", "projects", "tasks", "comments", *WORKSPACE_VIEWS)


@dataclass
class Run:
    """An opened run: a DuckDB connection with the views, and where the data came from."""

    path: Path
    manifest: dict[str, Any]
    con: duckdb.DuckDBPyConnection
    sources: Sources
    columns: EventColumns
    _tmp: Path = field(repr=False)
    # The cached summary of the sealed segments the views read (None: summarised per session).
    prefix: dict[str, Path] | None = None
    locked: bool = False
    # Once locked: where each file of the run is read from (its private copy).
    _reading: dict[Path, Path] = field(default_factory=dict, repr=False)
    # zoneinfo's offsets of the run's zones over its span, as ``_zone_days`` holds them.
    offsets: ZoneOffsets | None = None

    def lock(self) -> None:
        """Let this connection read the run's data and nothing else, for good: no other file,
        no network, no extension to install or load, no setting to change back.

        DuckDB lets a query write to any file it may read, so the views are re-pointed at
        private copies of the run's files in this session's temporary folder first: a write
        that got past `query`'s checks could only touch a copy, never the log or its cache.
        The copies are allowed by exact path (a folder would let a query add files). The open
        segment is already in memory. Idempotent."""
        if self.locked:
            return
        private = self._tmp / "readable"
        private.mkdir(exist_ok=True)
        for path in [
            *self.sources.sealed,
            *self.sources.finished_json,
            *(self.prefix or {}).values(),
        ]:
            copy = private / f"{len(self._reading):05d}-{path.name}"
            shutil.copyfile(path, copy)
            self._reading[path] = copy
        reading = self._reading
        sources = replace(
            self.sources,
            sealed=[reading[p] for p in self.sources.sealed],
            finished_json=[reading[p] for p in self.sources.finished_json],
        )
        prefix = {t: reading[p] for t, p in self.prefix.items()} if self.prefix else None
        self.offsets = _create_views(
            self.con, self.columns, sources, prefix, run_timezone(self.manifest)
        )
        paths = ", ".join(_sql_string(str(p)) for p in reading.values())
        for setting in (
            f"SET allowed_paths = [{paths}]",
            "SET enable_external_access = false",
            "SET autoinstall_known_extensions = false",
            "SET autoload_known_extensions = false",
            "SET lock_configuration = true",
        ):
            self.con.execute(setting)
        self.locked = True

    def log_error(self, exc: duckdb.Error) -> LogCorrupted | None:
        """A query failed on a finished segment read as JSON (unsealed): name file and line."""
        message = str(exc)
        for path in self.sources.finished_json:
            if str(path) in message or str(self._reading.get(path, path)) in message:
                first = message.strip().splitlines()[0]
                return LogCorrupted(f"{locate_bad_line(path)} (DuckDB: {first})")
        return None

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_manifest(run: Path) -> dict[str, Any]:
    """The run's manifest as plain JSON, for the fields the views use. Read by the one reader
    of manifests (`engine.run.read_manifest_and_json`), so a missing folder or manifest, and a
    damaged one, are named (and exit) as every command names them."""
    return runs.read_manifest_and_json(run)[1]


def open_run(path: str | Path, *, seal: bool = True, threads: int | None = None) -> Run:
    """Open a run (finished or still being written) for SQL.

    ``seal``: write Parquet copies of finished segments under ``derived/`` (skipped silently
    when the folder is read-only). Call ``close()`` (or use ``with``) when done.
    """
    run = Path(path)
    manifest = read_manifest(run)
    columns = event_columns()
    con = interruptible(duckdb.connect())  # Ctrl-C stops its queries at once
    tmp = Path(tempfile.mkdtemp(prefix="busywork-analytics-"))
    try:
        con.execute("SET TimeZone = 'UTC'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        sources = plan_sources(
            con,
            run,
            columns,
            seal_finished=seal,
            snapshot_dir=tmp,
            run_complete=manifest.get("status") == "complete",
            manifest_events=manifest.get("events"),
        )
        zone = run_timezone(manifest)
        prefix = summary_cache.prefix_summary(con, run, sources.sealed, _events_over(columns), zone)
        offsets = _create_views(con, columns, sources, prefix, zone)
    except BaseException:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Run(run, manifest, con, sources, columns, tmp, prefix, offsets=offsets)


def _create_views(
    con: duckdb.DuckDBPyConnection,
    columns: EventColumns,
    sources: Sources,
    prefix: dict[str, Path] | None,
    zone: str,
) -> ZoneOffsets:
    """(Re)create every view over the given files; `prefix` is the summary of the sealed
    segments (None: everything is summarised in this session). Returns the offsets of the
    run's zones, which ``_zone_days`` now holds."""
    sealed = [_parquet(sources.sealed)] if sources.sealed else []
    unsealed = ["SELECT * FROM _open_segment"]
    if sources.finished_json:
        unsealed.insert(0, typed_select(columns, read_json_sql(columns, sources.finished_json)))
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW events AS {events_select(columns, sealed + unsealed)}"
    )
    if prefix is None:  # nothing sealed (or no summary): the "recent" events are all of them
        recent, old = "events", None
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW _recent AS {events_select(columns, unsealed)}")
        recent, old = "_recent", {t: _parquet([p]) for t, p in prefix.items()}
        old = {t: f"({rel})" for t, rel in old.items()}
    offsets = run_offsets(con, recent, old, zone)
    register(con, offsets)
    for table, rel in summary.summarise(recent, old, offsets.fine).items():
        con.execute(f"CREATE OR REPLACE TEMP VIEW _s_{table} AS SELECT * FROM {rel}")
    for sql in (tasks_view(zone), _PEOPLE, _PROJECTS, _COMMENTS):
        con.execute(sql)
    create_workspace_views(con)
    return offsets


def _events_over(columns: EventColumns):
    def events_over(paths: list[Path]) -> str:
        return f"({events_select(columns, [_parquet(paths)])})"

    return events_over


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet(paths: list[Path]) -> str:
    return f"SELECT * FROM read_parquet([{', '.join(_sql_string(str(p)) for p in paths)}])"


def events_select(columns: EventColumns, parts: list[str]) -> str:
    """The events of some sources, with the defaults the log omits put back."""
    union = "\nUNION ALL BY NAME\n".join(parts)
    select = []
    for name in columns.types:
        col = quote(name)
        if name in columns.defaults:
            literal, types = columns.defaults[name]
            in_types = ", ".join(f"'{t}'" for t in types)
            select.append(
                f"CASE WHEN type IN ({in_types}) THEN coalesce({col}, {literal}) ELSE {col} END AS {col}"
            )
        else:
            select.append(col)
    return f"SELECT {', '.join(select)} FROM ({union})"


_PEOPLE = """
CREATE OR REPLACE TEMP VIEW people AS
WITH acted AS (
    SELECT actor AS person, sum(n)::BIGINT AS events,
        coalesce(sum(n) FILTER (type = 'CommentAdded'), 0)::BIGINT AS comments,
        coalesce(sum(n) FILTER (type = 'TaskCreated'), 0)::BIGINT AS tasks_created,
        coalesce(sum(n) FILTER (type = 'TaskCompleted'), 0)::BIGINT AS tasks_completed,
        max(last_at) AS last_active_at
    FROM _s_actors GROUP BY actor
),
assigned AS (
    SELECT assignee AS person, count(*) FILTER (NOT completed) AS open_tasks
    FROM tasks GROUP BY assignee
)
SELECT p.person, p.name, p.email, p.role, p.timezone, p.team, p.joined_at,
    coalesce(a.events, 0) AS events, coalesce(a.comments, 0) AS comments,
    coalesce(a.tasks_created, 0) AS tasks_created,
    coalesce(a.tasks_completed, 0) AS tasks_completed,
    coalesce(t.open_tasks, 0) AS open_tasks,
    p.out_of_office_periods, p.out_of_office_days, a.last_active_at
FROM _s_people p
LEFT JOIN acted a USING (person)
LEFT JOIN assigned t USING (person)
WHERE p.joined_at IS NOT NULL
"""

_PROJECTS = """
CREATE OR REPLACE TEMP VIEW projects AS
WITH counts AS (
    SELECT project, count(*) AS tasks, count(*) FILTER (completed) AS tasks_completed,
        count(*) FILTER (overdue) AS tasks_overdue
    FROM tasks GROUP BY project
),
touched AS (SELECT project, sum(n)::BIGINT AS events FROM _s_project_events GROUP BY project)
SELECT p.project, p.name, p.owner, p.team, p.created_by, p.created_at, p.completed_at,
    p.due_on, p.sections, coalesce(c.tasks, 0) AS tasks,
    coalesce(c.tasks_completed, 0) AS tasks_completed,
    coalesce(c.tasks_overdue, 0) AS tasks_overdue,
    p.status_updates, p.last_status, p.last_status_at,
    coalesce(e.events, 0) AS events
FROM _s_projects p LEFT JOIN counts c USING (project) LEFT JOIN touched e USING (project)
WHERE p.created_at IS NOT NULL
"""

_COMMENTS = """
CREATE OR REPLACE TEMP VIEW comments AS
SELECT c.comment, c.seq, c."at" AS created_at, c.task, t.project, c.actor AS author, c.kind,
    c.text, c."to" AS addressed_to
FROM events c LEFT JOIN tasks t USING (task)
WHERE c.type = 'CommentAdded'
"""
