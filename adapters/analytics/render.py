"""Terminal rendering of stats, reports and query results (rich). Data in, text out."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from adapters.analytics.checks import TOO_LITTLE_PREFIX, Check, Report
from adapters.analytics.stats import Stats
from adapters.analytics.stats_local import Heatmap
from adapters.analytics.workspace_views import Workspace
from engine.run import events_and_span

SHADES = " ░▒▓█"
TOP = 15  # rows shown in the per-person and per-project tables


def _top(title: str, rows: int) -> str:
    """The table's title, saying so when it shows only the busiest TOP rows (--json has all)."""
    return f"{title} (the busiest {TOP} of {rows:,}; --json lists all)" if rows > TOP else title


def _n(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def heatmap_text(heatmap: Heatmap) -> Text:
    """Weekday rows × 24 hour columns, each cell shaded by its share of the busiest cell."""
    peak = max((max(row) for row in heatmap.counts), default=0)
    text = Text("     " + "".join(f"{h:<6d}" for h in range(0, 24, 3)) + "\n")
    for day, row in zip(heatmap.weekdays, heatmap.counts, strict=True):
        text.append(f"{day:<4} ")
        for count in row:
            level = 0 if not count or not peak else 1 + round((len(SHADES) - 2) * count / peak)
            text.append(SHADES[level] * 2, style="cyan")
        text.append(f"  {sum(row):,}\n")
    text.append(f"     local time of each person; █ = {peak:,} events in one weekday-hour")
    return text


def _table(title: str, *columns: str, text_columns: int = 1) -> Table:
    """A table whose first `text_columns` columns are left-aligned and the rest numbers.
    Titles, headers and cells are plain text (see `_add_row`), never rich markup."""
    table = Table(title=Text(title), title_justify="left", title_style="bold", header_style="bold")
    for i, name in enumerate(columns):
        table.add_column(Text(name), justify="left" if i < text_columns else "right")
    return table


def _add_row(table: Table, *cells: str | Text) -> None:
    """Add a row of plain text: rich would read names and comments such as "Bob [contractor]"
    or "[/x]" as markup (dropping them, or failing)."""
    table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells))


def stats_renderable(stats: Stats) -> Group:
    counted = events_and_span(stats.events, stats.first_at, stats.last_at)
    header = Text.assemble(
        ("Run ", "bold"),
        f"{stats.run_id or '?'}: {counted}\n",
        f"{stats.people:,} people, {stats.projects:,} projects, {stats.tasks:,} tasks "
        f"({stats.tasks_completed:,} completed), {stats.comments:,} comments",
    )
    by_type = _table("Events by type", "type", "events", "share")
    for row in stats.by_type:
        _add_row(by_type, row.type, _n(row.events), _pct(row.events / stats.events))
    by_person = _table(_top("Events by person", len(stats.by_person)), "person", "name",
                       "events", text_columns=2)  # fmt: skip
    for who in stats.by_person[:TOP]:
        _add_row(by_person, who.person, who.name or "", _n(who.events))
    by_project = _table(_top("Events by project", len(stats.by_project)), "project", "name",
                        "events", text_columns=2)  # fmt: skip
    for project in stats.by_project[:TOP]:
        _add_row(by_project, project.project, project.name or "", _n(project.events))
    by_day = _table(f"Events by day ({stats.timezone})", "day", "events", "")
    by_day.columns[2].justify = "left"
    peak = max((d.events for d in stats.by_day), default=0)
    for day in stats.by_day:
        bar = "█" * round(30 * day.events / peak) if peak else ""
        _add_row(by_day, f"{day.day:%a %Y-%m-%d}", _n(day.events), Text(bar, style="cyan"))
    work = _table("Tasks", "measure", "count", "mean", "p50", "p90")
    c, k = stats.cycle_time_hours, stats.comments_per_task
    _add_row(
        work,
        "cycle time, hours (started → completed)",
        _n(c.count),
        _n(c.mean),
        _n(c.p50),
        _n(c.p90),
    )
    _add_row(work, "comments per task", _n(k.count), _n(k.mean), _n(k.p50), _n(k.p90))
    weekly = _table(
        f"Weekly ({stats.timezone})", "week of", "active tasks", "completed", "blocked",
        "completion rate", "blocked rate",
    )  # fmt: skip
    for w in stats.weekly:
        _add_row(weekly,
            f"{w.week_start:%Y-%m-%d}", _n(w.active_tasks), _n(w.completed), _n(w.blocked),
            _pct(w.completion_rate), _pct(w.blocked_rate),
        )  # fmt: skip
    overdue = _table(
        f"Overdue: {stats.overdue.open_overdue:,} open past due, "
        f"{stats.overdue.completed_late:,} completed late",
        "task", "name", "assignee", "due", text_columns=3,
    )  # fmt: skip
    for t in stats.overdue.tasks:
        _add_row(overdue, t.task, t.name or "", t.assignee or "", f"{t.due_on:%Y-%m-%d}")
    heat = Group(
        Text("Activity heatmap (weekday × hour)", style="bold"), heatmap_text(stats.heatmap)
    )
    parts: list[RenderableType] = [header, by_type, by_person, by_project, by_day, heat, work,
                                   weekly, overdue]  # fmt: skip
    if stats.workspace is not None:
        parts += _workspace_tables(stats.workspace)
    if stats.llm is not None:
        parts.append(_llm_table(stats.llm))
    return Group(*[p for item in parts for p in (item, Text(""))])


def _workspace_tables(ws: Workspace) -> list[Table]:
    tables = []
    for title, rows in (("Priority (current value)", ws.priorities),
                        ("Approval outcomes", ws.approval_outcomes)):  # fmt: skip
        if not rows:
            continue  # a run without a Priority field or approvals: no empty table for them
        total = sum(r.tasks for r in rows)
        table = _table(title, "value", "tasks", "share")
        for row in rows:
            _add_row(table, row.value, _n(row.tasks), _pct(row.tasks / total))
        tables.append(table)
    blocks = _table("Dependencies", "measure", "value")
    _add_row(blocks, "dependencies", _n(ws.dependencies))
    _add_row(blocks, "periods blocked by a dependency", _n(ws.dependency_blocks))
    _add_row(blocks, "blocked period, hours p50", _n(ws.dependency_block_p50_hours))
    _add_row(blocks, "blocked period, hours p90", _n(ws.dependency_block_p90_hours))
    _add_row(blocks, "tagged tasks", _n(ws.tagged_tasks))
    tables.append(blocks)
    return tables


def _llm_table(llm) -> Table:
    cost = "unknown (model not in the price table)"
    if llm.cost_usd is not None:
        cost = f"${llm.cost_usd:.4f}"
    fell = ", ".join(f"{kind} {count}" for kind, count in llm.fallbacks.items()) or "none"
    cache_io = f"{_n(llm.cache_creation_input_tokens)} / {_n(llm.cache_read_input_tokens)}"
    table = _table(f"Claude content ({', '.join(llm.models)})", "measure", "value")
    _add_row(table, "calls (batched)", f"{_n(llm.calls)} ({_n(llm.batch_calls)})")
    _add_row(table, "blueprints from cache", _n(llm.from_cache))
    _add_row(table, "fell back to templates", fell)
    _add_row(table, "input tokens", _n(llm.input_tokens))
    _add_row(table, "cache write / read tokens", cache_io)
    _add_row(table, "output tokens", _n(llm.output_tokens))
    _add_row(table, "estimated cost (list price)", cost)
    if llm.unanswered_calls:  # cut off by a crash: counted as bought, at their most
        spent = f"{_n(llm.unanswered_calls)} (${llm.unanswered_cost_usd or 0:.4f})"
        _add_row(table, "of which sent, never answered (at their most)", spent)
    if llm.uncollected_batches:  # bought; `simulate --resume` collects them
        held = (
            f"{_n(llm.uncollected_batches)} ({_n(llm.uncollected_blueprints)} blueprints, "
            f"${llm.uncollected_cost_usd or 0:.4f})"
        )
        _add_row(table, "of which batches not collected (at most)", held)
    return table


def print_stats(stats: Stats, console: Console | None = None) -> None:
    (console or Console()).print(stats_renderable(stats))


def _value(check: Check, value: float | None) -> str:
    if value is None:
        return "–"
    if check.unit == "share":
        return f"{value:.1%}"
    if check.unit == "correlation":
        return f"{value:.3f}"
    return f"{value:.2f}"


def _bound(check: Check) -> str:
    target, tol = _value(check, check.target), check.tolerance
    tol_text = f"{tol:.0%}" if check.rule == "within_relative" else _value(check, tol)
    if check.rule == "info":
        return "(info)"
    if check.verdict == "too_little_data" and not tol and check.rule.startswith("within"):
        return target  # no tolerance was worked out for a sample this small
    if check.rule == "at_most":
        return f"≤ {_value(check, check.target + tol)}"
    if check.rule == "at_least":
        return f"≥ {_value(check, check.target - tol)}"
    return f"{target} ± {tol_text}"


_VERDICTS = {
    "pass": ("PASS", "bold green"),
    "fail": ("FAIL", "bold red"),
    "info": ("info", "dim"),
    "too_little_data": ("too little data", "yellow"),
}


def report_summary(report: Report) -> Text:
    failed = [c.name for c in report.checks if c.verdict == "fail"]
    unjudged = [c.name for c in report.checks if c.verdict == "too_little_data"]
    if failed:
        text = f"{len(failed)} of {len(report.checks)} checks fail: {', '.join(failed)}"
        if unjudged:
            text += f"; too little data to judge {len(unjudged)}: {', '.join(unjudged)}"
        return Text(text, style="red")
    if unjudged and len(unjudged) == sum(c.verdict != "info" for c in report.checks):
        what = "no events" if report.events == 0 else "too little data for every check"
        return Text(f"Inconclusive: {what}; nothing could be judged.", style="yellow")
    if unjudged:
        passed = sum(c.verdict == "pass" for c in report.checks)
        return Text(
            f"Inconclusive: {passed} checks pass; too little data to judge {len(unjudged)}: "
            f"{', '.join(unjudged)}",
            style="yellow",
        )
    return Text("All checks pass.", style="green")


WIDE_REPORT = 120  # narrower terminals get the details as a list under the table


def report_renderable(report: Report, width: int = WIDE_REPORT) -> Group:
    """The checks as a table; on a terminal narrower than WIDE_REPORT the details (long
    sentences) follow the table as a list, instead of a column squeezed a word per line."""
    wide = width >= WIDE_REPORT
    columns = ("check", "measured", "target", "result") + (("detail",) if wide else ())
    table = _table(f"Realism report: {report.run_id or '?'} ({report.events:,} events)", *columns)
    table.columns[0].no_wrap = True
    if wide:
        table.columns[-1].justify = "left"
    details = Text()
    for check in report.checks:
        detail = check.detail.removeprefix(TOO_LITTLE_PREFIX)  # the result column says so
        cells: list[str | Text] = [check.name, _value(check, check.measured), _bound(check),
                                   Text(*_VERDICTS[check.verdict])]  # fmt: skip
        _add_row(table, *cells, *((detail,) if wide else ()))
        if not wide and detail:
            details.append(f"{check.name}", style="bold").append(f": {detail}\n")  # plain text
    details.rstrip()
    parts = [table] if wide or not details else [table, details]
    return Group(*parts, report_summary(report))


def print_report(report: Report, console: Console | None = None) -> None:
    console = console or Console()
    console.print(report_renderable(report, console.width))
