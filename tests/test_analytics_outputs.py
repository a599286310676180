"""What a careful user saw wrong in the analytics output: a query table of a view with many
columns squeezed into unreadable slivers, stats tables for workspace objects the run does not
have, CSV cells written as Python spells them, and an --out under a file called "exists"."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from adapters.analytics.query import QueryResult, query
from adapters.analytics.query_table import query_table
from tests.runner import BUSYWORK, busywork


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("outputs")
    busywork("simulate", "--days", "5", "--out", "r5", cwd=work)
    return work / "r5"


def shown(result: QueryResult, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(query_table(result, console.width))
    return console.file.getvalue()


# -- a wide result keeps readable columns ------------------------------------------------------


@pytest.mark.parametrize("width", [80, 200])
def test_a_wide_result_shows_the_columns_that_fit_and_names_the_rest(run, width) -> None:
    result = query(run, "select * from tasks order by task limit 3")
    text = shown(result, width)
    assert max(len(line) for line in text.splitlines()) <= width
    header = next(line for line in text.splitlines() if line.startswith("┃"))
    names = [cell.strip() for cell in header.strip("┃").split("┃")]
    assert names == result.columns[: len(names)]  # every column shown is named in full
    assert 3 <= len(names) < len(result.columns)
    hidden = result.columns[len(names) :]
    flat = " ".join(text.split())
    assert f"{len(hidden)} more columns not shown: {', '.join(hidden)}" in flat
    assert "t1 " in text  # the rows are there, under readable columns


def test_a_result_that_fits_is_shown_whole(run) -> None:
    result = query(run, "select task, name, state from tasks order by task limit 3")
    text = shown(result, 80)
    assert "more columns" not in text and "3 rows" in text


def test_query_on_a_terminal_width_and_into_a_file(run, tmp_path) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    sql = "select * from events order by seq limit 2"
    done = subprocess.run([BUSYWORK, "query", str(run), sql], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, check=True)  # fmt: skip
    assert "┃ seq " in done.stdout and "more columns not shown" in done.stdout
    out = tmp_path / "wide.txt"
    busywork("query", str(run), sql, "--out", str(out), cwd=tmp_path)
    assert "┃ seq " in out.read_text() and "more columns not shown" in out.read_text()


# -- stats shows the workspace objects the run has ---------------------------------------------


def test_stats_leaves_out_tables_for_objects_the_run_does_not_have(tmp_path) -> None:
    (tmp_path / "s.toml").write_text(
        "days = 5\n[workspace]\nenabled = true\napproval_share = 0.0\ndependency_probability = 0.5\n"
        'custom_fields = [{ name = "Effort", type = "number", precision = 1 }]\n'
    )
    busywork("simulate", "s.toml", "--out", "r", cwd=tmp_path)
    text = busywork("stats", "r", cwd=tmp_path).stdout
    assert "Dependencies" in text
    assert "Priority" not in text and "Approval outcomes" not in text


def test_stats_shows_the_priority_table_when_the_run_has_priorities(run) -> None:
    text = busywork("stats", str(run), cwd=run.parent).stdout
    assert "Priority (current value)" in text


# -- csv cells as DuckDB writes them -----------------------------------------------------------


def test_query_csv_writes_booleans_and_blobs_as_export_does(run, tmp_path) -> None:
    sql = r"select true t, false f, '\x00\xFFa\x5Cb'::blob b"
    out = busywork("query", str(run), sql, "--format", "csv", cwd=tmp_path).stdout
    assert out.splitlines() == ["t,f,b", r"true,false,\x00\xFFa\x5Cb"]
    busywork("export", str(run), "--format", "csv", "--out", "x", cwd=tmp_path)
    tasks = busywork("query", str(run), "select * from tasks", "--format", "csv", cwd=tmp_path)
    mine = list(csv.DictReader(io.StringIO(tasks.stdout)))
    theirs = list(csv.DictReader((tmp_path / "x" / "tasks.csv").open()))
    for column in ("completed", "overdue", "completed_late"):
        assert [r[column] for r in mine] == [r[column] for r in theirs]


def test_query_and_export_spell_utc_timestamps_with_their_zone(run, tmp_path) -> None:
    """Read elsewhere, a timestamp without a zone passes for a local time: CSV and JSON out of
    `query`, and `export`'s CSV, spell the views' UTC times alike, as the log does (…Z)."""
    import json
    from datetime import UTC, datetime

    sql = 'select "at", seq from events order by seq limit 3'
    as_csv = busywork("query", str(run), sql, "--format", "csv", cwd=tmp_path).stdout
    mine = [r["at"] for r in csv.DictReader(io.StringIO(as_csv))]
    as_json = busywork("query", str(run), sql, "--format", "json", cwd=tmp_path).stdout
    assert [r["at"] for r in json.loads(as_json)] == mine
    log = sorted((run / "events").glob("*.jsonl"))[0].read_text().splitlines()
    logged = [json.loads(line)["at"] for line in log[:3]]
    assert mine == logged and all(t.endswith("Z") for t in mine)
    assert datetime.fromisoformat(mine[0]).tzinfo == UTC
    busywork("export", str(run), "--format", "csv", "--out", "x", cwd=tmp_path)
    exported = list(csv.DictReader((tmp_path / "x" / "events.csv").open()))
    assert [r["at"] for r in exported[:3]] == mine
    tasks = busywork("query", str(run), "select * from tasks", "--format", "csv", cwd=tmp_path)
    theirs = list(csv.DictReader((tmp_path / "x" / "tasks.csv").open()))
    for column in ("created_at", "completed_at"):
        assert [r[column] for r in csv.DictReader(io.StringIO(tasks.stdout))] == [
            r[column] for r in theirs
        ]


def test_export_csv_spells_timestamps_as_query_does_fractions_too(tmp_path) -> None:
    import duckdb

    from adapters.analytics.rows import utc_text, zoned_select

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "create view v as select * from (values (TIMESTAMP '2026-01-05 14:20:05'), "
        "(TIMESTAMP '2026-01-05 14:20:05.25'), (TIMESTAMP '1900-01-01 00:00:00.000001')) t(\"at\")"
    )
    python = [utc_text(row[0]) for row in con.execute("select * from v").fetchall()]
    sql = [row[0] for row in con.execute(zoned_select(con, "v", "csv")).fetchall()]
    assert sql == python == [
        "2026-01-05T14:20:05Z", "2026-01-05T14:20:05.250000Z", "1900-01-01T00:00:00.000001Z"
    ]  # fmt: skip


# -- export --out below a file -----------------------------------------------------------------


def test_export_below_a_file_names_the_file(run, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("keep")
    result = busywork("export", str(run), "--out", "notes.txt/sub", cwd=tmp_path, check=False)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr == (
        "Error: --out: 'notes.txt/sub' cannot be created ('notes.txt' is a file, not a folder); "
        "expected a folder to write the files to, such as --out exports/my-run\n"
    )
    result = busywork("export", str(run), "--out", "notes.txt", cwd=tmp_path, check=False)
    assert result.stderr == (
        "Error: --out: 'notes.txt' is a file; expected a folder to write the files to, such as "
        "--out exports/my-run\n"
    )


# -- SQL that begins with a comment ------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    ["-- how many\nselect count(*) = 0 as none from events", "--how many?\nselect false as none"],
)
def test_sql_that_begins_with_a_comment_is_sql_not_an_option(run, sql) -> None:
    result = busywork("query", str(run), sql, "--format", "csv", cwd=run.parent, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "none\nfalse\n", "")


def test_an_unknown_option_is_still_named(run) -> None:
    result = busywork("query", str(run), "select 1", "--fromat", "csv", cwd=run.parent,
                      check=False)  # fmt: skip
    assert result.returncode == 2 and "No such option '--fromat'" in result.stderr


def test_the_query_table_spells_utc_timestamps_with_their_zone(run) -> None:
    """The table, as CSV and JSON: `2026-01-05 14:20:05Z` (RFC 3339's readable space for the T),
    and a narrow column wraps it between the date and the time, never cutting the zone off."""
    import json

    result = query(run, 'select "at", ["at"] as at_list from events order by seq limit 2')
    log = sorted((run / "events").glob("*.jsonl"))[0].read_text().splitlines()
    logged = [json.loads(line)["at"] for line in log[:2]]
    rows = [line for line in shown(result, 80).splitlines() if line.startswith("│")]
    assert [row.split("│")[1].strip() for row in rows] == [t.replace("T", " ") for t in logged]
    assert [row.split("│")[2].strip() for row in rows] == [json.dumps([t]) for t in logged]
    narrow = shown(query(run, 'select "at" from events order by seq limit 1'), 14)
    cells = [line.strip("│ ") for line in narrow.splitlines() if line.startswith("│")]
    assert cells == logged[0].replace("T", " ").split(" ")
