"""`busywork query` reads a run and nothing else (no other file, no network, no extension, no
write), keeps every column of a result in CSV and JSON, and `--out ""` is an error."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from test_analytics_helpers import random_log, write_run

from adapters.analytics.query import export, query, unique_columns, write_query
from adapters.analytics.views import open_run
from engine.errors import InvalidInput
from tests.runner import busywork

TWO_NAMES = (
    "select t.name, p.name from tasks t join people p on p.person = t.assignee "
    "order by t.task limit 3"
)


def cli(*args: str, code: int = 0):
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


@pytest.fixture
def run(rng, tmp_path) -> Path:
    """A run still being written: two finished segments and an open one."""
    return write_run(tmp_path / "run", random_log(rng, steps=150), segments=[50, 50])


# -- 4. repeated column names ----------------------------------------------------------------


def test_unique_columns_are_named_as_duckdb_names_them() -> None:
    con = duckdb.connect()
    for names in (["a", "a", "a", "a_1"], ["name", "name"], ["x", "y"], ["a_1", "a", "a"]):
        select = ", ".join(f'{i} AS "{n}"' for i, n in enumerate(names))
        con.execute(f"CREATE OR REPLACE TABLE t AS SELECT {select}")
        duck = [row[0] for row in con.execute("DESCRIBE t").fetchall()]
        assert unique_columns(names) == duck


def test_json_and_csv_keep_both_columns_of_the_same_name(run) -> None:
    rows = query(run, TWO_NAMES).rows
    assert len(rows) == 3 and query(run, TWO_NAMES).columns == ["name", "name"]
    as_json = json.loads(cli("query", str(run), TWO_NAMES, "--format", "json").stdout)
    assert [(r["name"], r["name_1"]) for r in as_json] == rows
    as_csv = list(
        csv.reader(io.StringIO(cli("query", str(run), TWO_NAMES, "--format", "csv").stdout))
    )
    assert as_csv[0] == ["name", "name_1"] and [tuple(r) for r in as_csv[1:]] == rows


# -- 5. read-only ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "word"),
    [
        ("copy events to '{out}/events.csv'", "COPY"),
        ("copy (select 1) to '{out}/one.csv'", "COPY"),
        ("attach '{out}/other.duckdb' as other", "ATTACH"),
        ("install httpfs", "INSTALL"),
        ("load httpfs", "LOAD"),
        ("insert into events select * from events", "INSERT"),
        ("set enable_external_access = true", "SET"),
        ("export database '{out}/db'", "EXPORT"),
        ("select 1; copy (select 1) to '{out}/two.csv'", "COPY"),
    ],
)
def test_statements_that_are_not_reads_are_refused(run, tmp_path, sql, word) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InvalidInput, match=rf"query: {word} is not allowed: query only reads"):
        query(run, sql.format(out=out))
    assert list(out.iterdir()) == []


def test_a_script_with_a_syntax_error_runs_nothing(run) -> None:
    """DuckDB runs a script statement by statement: the COPY would run before the error. The
    finished segment read as JSON is a file the locked session may open, the log itself."""
    segment = run / "events" / f"{1:08d}.jsonl"
    before = segment.read_bytes()
    sql = f"copy (select 1) to '{segment}' (format csv, use_tmp_file false); selec 1"
    with pytest.raises(InvalidInput, match="Parser Error"):
        query(run, sql, seal=False)
    assert segment.read_bytes() == before


def test_files_outside_the_run_and_the_network_are_not_readable(run, tmp_path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\n1,2\n")
    for sql in (
        f"select * from read_csv('{secret}')",
        f"select * from '{secret}'",
        "select * from read_text('/etc/hostname')",
        "select * from 'https://example.invalid/x.csv'",  # refused before any lookup
        f"select * from glob('{tmp_path}/*')",
    ):
        with pytest.raises(InvalidInput, match="files outside the run, the network") as err:
            query(run, sql)
        assert "Permission Error" in str(err.value)


def test_the_views_still_read_every_kind_of_segment(run) -> None:
    """Finished segments sealed to Parquet or read as JSON, and the open one, after locking."""
    lines = sum(len(p.read_bytes().splitlines()) for p in (run / "events").iterdir())
    for seal in (False, True):  # unsealed first: a sealed file is read from then on
        with open_run(run, seal=seal) as opened:
            assert bool(opened.sources.sealed) is seal and opened.sources.open_segment
            total = query(opened, "select count(*) from events").rows[0][0]
            assert opened.locked and total == lines
            people = query(opened, "select count(*) from people").rows[0][0]
            assert people > 0
            with pytest.raises(duckdb.InvalidInputException, match="locked"):
                opened.con.execute("SET enable_external_access = true")


def test_an_export_needs_a_session_that_no_query_has_locked(run, tmp_path) -> None:
    with open_run(run) as opened:
        query(opened, "select 1")
        with pytest.raises(Exception, match="open the run again to export"):
            export(opened, tmp_path / "export")
    assert len(export(run, tmp_path / "export")) > 5  # a fresh session exports


def test_a_refused_query_is_one_line_of_error_and_exit_2(run, tmp_path) -> None:
    result = busywork("query", str(run), "copy events to 'x.csv'", cwd=tmp_path, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: query: COPY is not allowed")
    assert not (tmp_path / "x.csv").exists()


# -- 6. an empty --out ------------------------------------------------------------------------


def test_an_empty_out_is_an_error_naming_the_option(run, tmp_path) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    exported = busywork("export", str(run), "--out", "", cwd=work, check=False)
    assert exported.returncode == 2 and "--out: '' is empty" in exported.stderr
    queried = busywork("query", str(run), "select 1", "--format", "csv", "--out", "", cwd=work,
                       check=False)  # fmt: skip
    assert queried.returncode == 2 and "--out: '' is empty" in queried.stderr
    assert list(work.iterdir()) == []
    with pytest.raises(InvalidInput, match="--out: empty"):
        export(run, " ")
    with pytest.raises(InvalidInput, match="--out: empty"):
        write_query(run, "select 1", "csv", "")
