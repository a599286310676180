"""The analytics commands: ``stats``, ``query``, ``export`` and ``report``.

Registered on the group in ``cli.py``, whose ``BusyworkGroup`` turns library errors into a
message and an exit code. DuckDB and rich are imported inside the commands only, so
``busywork --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from adapters.analytics.interruptible import ctrl_c_stops
from adapters.path_options import FILE_TO_WRITE, RUN_FOLDER, PathOf

# -- analytics (DuckDB; imported only by these commands) -------------------------------------


@click.command("stats")
@click.argument("run", type=RUN_FOLDER)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@ctrl_c_stops()
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
    _say_how_far(run)


class _QueryCommand(click.Command):
    """SQL that begins with a comment (``-- top types`` and a new line, then the query) looks
    like an option to click, which would refuse it: ``No such option '-- top types…'``. No
    option's name holds a space or a new line, so such an argument is taken as an argument."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, list(args))  # a copy: the parser consumes its list
        except click.NoSuchOption as exc:
            if not any(c.isspace() for c in exc.option_name):
                raise
        ctx.ignore_unknown_options = True
        return super().parse_args(ctx, args)


@click.command("query", cls=_QueryCommand)
@click.argument("run", type=RUN_FOLDER)
@click.argument("sql")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table (the first 1,000 rows; the columns that fit), csv, or json (one array of objects).",
)
@click.option("--out", "out_file", type=FILE_TO_WRITE, help="Write to FILE, not stdout.")
@ctrl_c_stops()
def query_command(run: Path, sql: str, fmt: str, out_file: Path | None) -> None:
    """Run SQL over a run's views, such as events, people, projects and tasks.

    Views: events, people, projects, tasks, comments, custom_field_values, tags, dependencies,
    dependency_blocks, approvals. Times are UTC; "at" and "to" are SQL keywords, so quote them. Read-only: SELECT only, over
    the run's own files. Repeated column names get unique keys in csv and json (name, name_1).
    """
    from adapters.analytics.query import query, write_query
    from adapters.analytics.views import open_run

    with open_run(run) as opened:
        if fmt != "table":
            count = write_query(opened, sql, fmt, out_file or sys.stdout)
            if out_file is not None:
                click.echo(
                    f"Wrote {count:,} row{'' if count == 1 else 's'} to {out_file}", err=True
                )
            return
        from adapters.analytics.query_table import TABLE_ROWS
        from adapters.console import print_query_table

        # the rows a table shows, not a huge result held whole to show a thousand of them
        print_query_table(query(opened, sql, keep=TABLE_ROWS), out_file)


@click.command("export")
@click.argument("run", type=RUN_FOLDER)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv"]),
    default="parquet",
    show_default=True,
    help="One file per view: Parquet (typed columns) or CSV.",
)
@click.option("--out", type=PathOf(file_okay=False, writes=True, path_type=Path, what="a folder to write the files to, such as --out exports/my-run"), required=True,
              metavar="DIR", help="Folder to write.")  # fmt: skip
@ctrl_c_stops()
def export_command(run: Path, fmt: str, out: Path) -> None:
    """Write each of a run's views to a Parquet or CSV file named after it.

    Views: events, people, projects, tasks, comments, custom_field_values, tags, dependencies,
    dependency_blocks, approvals (as `busywork query` reads them).
    """
    from adapters.analytics.query import export

    for path in export(run, out, fmt):
        click.echo(str(path))


@click.command("report")
@click.argument("run", type=RUN_FOLDER)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 unless every check passes: an inconclusive report fails too.",
)
@ctrl_c_stops()
def report_command(run: Path, as_json: bool, strict: bool) -> None:
    """Realism report: compare a run with its scenario; exit 1 when a check fails.

    A check whose sample is too small is shown as "too little data" (neither pass nor fail);
    the report is then inconclusive: exit 0 ("passed": false in --json), or exit 1 with
    --strict, so that exit 0 then means every check was judged and passed."""
    from adapters.analytics.report import realism_report

    result = realism_report(run)
    if as_json:
        from adapters.console import print_json

        print_json(result)
    else:
        from adapters.analytics.render import print_report

        print_report(result)
    _say_how_far(run)
    if result.verdict == "fail" or (strict and result.verdict != "pass"):
        sys.exit(1)


def _say_how_far(run: Path) -> None:
    """`say_how_far` after figures over RUN."""
    from adapters.console import say_how_far
    from engine.run import read_manifest

    say_how_far(run, read_manifest(run).status)
