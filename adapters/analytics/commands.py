"""The analytics commands: ``stats``, ``query``, ``export`` and ``report``.

Registered on the group in ``cli.py``, whose ``BusyworkGroup`` turns library errors into a
message and an exit code. DuckDB and rich are imported inside the commands only, so
``busywork --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

# -- analytics (DuckDB; imported only by these commands) -------------------------------------


@click.command("stats")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def stats_command(run: Path, as_json: bool) -> None:
    """Totals by type, person, project and day; a weekday × hour heatmap; cycle times,
    comments per task, weekly completion and blocked rates, overdue tasks."""
    from adapters.analytics.stats import compute_stats

    result = compute_stats(run)
    if as_json:
        from adapters.console import print_json

        print_json(result)
    else:
        from adapters.analytics.render import print_stats

        print_stats(result)


@click.command("query")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.argument("sql")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout."
)
def query_command(run: Path, sql: str, fmt: str, out: Path | None) -> None:
    """Run SQL over a run's views: events, people, projects, tasks, comments.

    Example: busywork query RUN "select type, count(*) from events group by 1".
    Times are UTC; "at" and "to" are SQL keywords, so quote them.
    """
    from adapters.analytics.query import query, write_query
    from adapters.analytics.views import open_run

    with open_run(run) as opened:
        if fmt != "table":
            count = write_query(opened, sql, fmt, out or sys.stdout)
            if out is not None:
                click.echo(f"Wrote {count:,} rows to {out}", err=True)
            return
        from adapters.console import print_query_table

        print_query_table(query(opened, sql), out)


@click.command("export")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True
)
@click.option(
    "--out", type=click.Path(file_okay=True, path_type=Path), required=True, help="Folder to write."
)
def export_command(run: Path, fmt: str, out: Path) -> None:
    """Write the views (events, people, projects, tasks, comments) as Parquet or CSV files."""
    from adapters.analytics.query import export

    for path in export(run, out, fmt):
        click.echo(str(path))


@click.command("report")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def report_command(run: Path, as_json: bool) -> None:
    """Realism report: compare a run with its scenario; exit 1 when a check fails."""
    from adapters.analytics.report import realism_report

    result = realism_report(run)
    if as_json:
        from adapters.console import print_json

        print_json(result)
    else:
        from adapters.analytics.render import print_report

        print_report(result)
    if not result.passed:
        sys.exit(1)
