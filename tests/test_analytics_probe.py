"""Defects a probe found in the analytics commands: a "read-only" query that wrote the cache,
an unreadable cache that crashed every command, data text read as rich markup, a query with no
statement, damaged lines read silently, --tail past a C long, a full stdout, and stats --json
that changed between reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from adapters.analytics.views import open_run
from tests.runner import busywork


@pytest.fixture(scope="module")
def base_run(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("probe")
    busywork("simulate", "--days", "30", "--out", "r30", cwd=work)
    return work / "r30"


@pytest.fixture
def run(base_run, tmp_path) -> Path:
    """A fresh copy of the 30-day run, never read before (no derived/ cache)."""
    copy = tmp_path / "run"
    shutil.copytree(base_run, copy, ignore=shutil.ignore_patterns("derived"))
    return copy


def stats_json(run: Path) -> dict:
    return json.loads(busywork("stats", str(run), "--json", cwd=run.parent).stdout)


def one_line_error(result, code: int) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


# -- 1. query never writes ---------------------------------------------------------------------


@pytest.mark.slow
def test_explain_analyze_of_a_copy_is_refused_and_the_cache_stays(run) -> None:
    events = stats_json(run)["events"]
    (summary,) = (run / "derived" / "summary").iterdir()
    actors = summary / "actors.parquet"
    before = actors.read_bytes()
    for sql in (
        f"explain analyze copy (select 1 as n) to '{actors}' (format parquet, use_tmp_file false)",
        f"explain (analyze) copy (select 1) to '{actors}'",
        "/* c */ EXPLAIN insert into events select * from events",
    ):
        result = busywork("query", str(run), sql, cwd=run.parent, check=False)
        assert "is not allowed" in one_line_error(result, 2)
    assert actors.read_bytes() == before and stats_json(run)["events"] == events
    plan = busywork(
        "query", str(run), "explain analyze select count(*) from events", cwd=run.parent
    )
    assert "physical_plan" in plan.stdout or "analyzed_plan" in plan.stdout


def test_a_locked_session_cannot_write_the_runs_files(run) -> None:
    """Past the statement checks, the locked connection reads private copies: the log and its
    cache are not among the files it may open."""
    stats_json(run)  # seals the segment and writes the summary
    with open_run(run) as opened:
        opened.lock()
        (summary,) = (run / "derived" / "summary").iterdir()
        files = [*opened.sources.sealed, summary / "actors.parquet", *(run / "events").iterdir()]
        before = {p: p.read_bytes() for p in files}
        for path in files:
            with pytest.raises(duckdb.PermissionException):
                opened.con.execute(f"COPY (SELECT 1) TO '{path}' (FORMAT csv, USE_TMP_FILE false)")
        assert opened.con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    assert {p: p.read_bytes() for p in files} == before


# -- 2. an unreadable cache is rebuilt -------------------------------------------------------


@pytest.mark.slow
def test_an_unreadable_or_foreign_cache_is_rebuilt(run) -> None:
    expected = stats_json(run)
    (sealed,) = (run / "derived" / "events").iterdir()
    sealed.write_bytes(b"")
    assert stats_json(run) == expected
    (summary,) = (run / "derived" / "summary").iterdir()
    (summary / "tasks.parquet").write_bytes(b"PAR1")
    assert stats_json(run) == expected
    (summary,) = (run / "derived" / "summary").iterdir()
    (summary / "covers.json").write_text("{}")
    assert stats_json(run) == expected
    # A valid Parquet file that is not the segment's (other seqs) is not trusted either.
    (sealed,) = (run / "derived" / "events").iterdir()
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM '{sealed}' WHERE seq > 10) TO '{sealed}' (FORMAT parquet)")
    assert stats_json(run) == expected


# -- 3. text is never markup -----------------------------------------------------------------


def test_query_table_shows_brackets_as_they_are(run) -> None:
    sql = """select 'Bob [contractor]' a, '- [x] done' b, '[/x]' c, 1 as "[/y]" """
    out = busywork("query", str(run), sql, cwd=run.parent).stdout
    for text in ("Bob [contractor]", "- [x] done", "[/x]", "[/y]"):
        assert text in out


def test_a_person_named_with_brackets_is_shown_by_every_command(tmp_path) -> None:
    busywork("init", "sc.toml", cwd=tmp_path)
    scenario = (tmp_path / "sc.toml").read_text()
    assert 'name = "Bob Martinez"' in scenario
    (tmp_path / "sc.toml").write_text(scenario.replace("Bob Martinez", "Bob [/x] Martinez"))
    made = busywork("simulate", "sc.toml", "--days", "5", "--out", "r [/b]", cwd=tmp_path)
    assert "r [/b]" in made.stdout
    assert "Bob [/x] Martinez" in busywork("stats", "r [/b]", cwd=tmp_path).stdout
    busywork("report", "r [/b]", cwd=tmp_path, check=False)  # any verdict, no traceback
    assert "Bob [/x] Martinez" in busywork("show", "r [/b]", cwd=tmp_path).stdout


# -- 4. one statement --------------------------------------------------------------------------


@pytest.mark.parametrize("sql", [";", "/* c */", " ; ; "])
@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_a_query_without_a_statement_is_an_error(run, sql, fmt) -> None:
    result = busywork("query", str(run), sql, "--format", fmt, cwd=run.parent, check=False)
    assert "query: no SQL statement" in one_line_error(result, 2)


def test_several_statements_are_refused(run) -> None:
    result = busywork("query", str(run), "select 1; select 2", cwd=run.parent, check=False)
    assert "query: 2 statements" in one_line_error(result, 2)


# -- 5. damaged lines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("find", "put", "said"),
    [('"type":"', '"type":"Bogus', "Invalid value 'Bogus"), ('"actor":"', '"actor":5,"x":"', "")],
)
def test_a_damaged_line_is_reported_by_every_command(run, find, put, said) -> None:
    segment = run / "events" / f"{1:08d}.jsonl"
    lines = segment.read_bytes().splitlines(keepends=True)
    line = lines[19].decode()
    assert find in line
    lines[19] = line.replace(find, put, 1).encode()
    segment.write_bytes(b"".join(lines))
    for command in (("stats", "--json"), ("report",), ("query", "select count(*) from events")):
        result = busywork(command[0], str(run), *command[1:], cwd=run.parent, check=False)
        error = one_line_error(result, 1)
        assert f"{segment.name}, line 20: " in error and said in error
        assert not list((run / "derived" / "events").glob("*.parquet"))


# -- 7. --tail: any count is taken (tests/test_cli.py) -----------------------------------------


# -- 8. a full stdout --------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [
        ("stats",),
        ("stats", "--json"),
        ("report",),
        ("show",),
        ("query", "select 1"),
        ("query", "select 1", "--format", "csv"),
    ],  # fmt: skip
)
def test_output_to_a_full_device_names_stdout(run, command) -> None:
    import subprocess

    from tests.runner import BUSYWORK

    with open("/dev/full", "w") as full:
        result = subprocess.run([BUSYWORK, command[0], str(run), *command[1:]], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == "Error: stdout: No space left on device\n"


# -- 9. stats --json is the same every time -------------------------------------------------------


@pytest.mark.slow  # commands run again and again: `make test-slow` and CI
def test_stats_json_is_byte_stable(run) -> None:
    outputs = {busywork("stats", str(run), "--json", cwd=run.parent).stdout for _ in range(8)}
    assert len(outputs) == 1


@pytest.mark.slow  # commands run again and again: `make test-slow` and CI
def test_report_json_is_byte_stable(run) -> None:
    """Its floats once differed in the last digit between reads: sums taken in whatever order
    the threads of DuckDB finished."""
    outputs = {
        busywork("report", str(run), "--json", cwd=run.parent, check=False).stdout for _ in range(4)
    }
    assert len(outputs) == 1, outputs
