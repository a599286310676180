"""`busywork query` on results far larger than what it shows or memory holds: `--out` streams
the rows into a temporary file beside the target and renames it over it once all are written
(the whole result was built in memory first), and a table keeps only the rows it shows (every
row was fetched to show a thousand). Renaming never replaces a link or a device."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import msgspec
import pytest

from adapters.analytics.query import query, write_query
from adapters.analytics.query_table import TABLE_ROWS
from adapters.analytics.views import open_run
from engine.content.templates import TemplateSource
from engine.run import create_run, simulate_run
from engine.scenario import default_scenario
from tests.runner import busywork

ROWS = 200_000
WIDE = f"select range, 'row number ' || range as label from range({ROWS})"
BULKY = "select range, repeat('x', 100) || range as label from range(150000)"  # 15 MB or more
FAILS_LATE = (
    "select case when range > 150000 then error('boom') else range end as r from range(200000)"
)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("large") / "run"
    scenario = msgspec.structs.replace(default_scenario(), days=1)
    simulate_run(path, create_run(path, scenario, TemplateSource()), TemplateSource())
    return path


@pytest.mark.slow  # ~8 s: tracemalloc slows every allocation
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_rows_written_to_a_file_are_never_held_whole_in_memory(run, tmp_path, fmt) -> None:
    out = tmp_path / f"rows.{fmt}"
    with open_run(run) as opened:
        tracemalloc.start()
        try:
            assert write_query(opened, BULKY, fmt, out) == 150_000
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    size = out.stat().st_size
    assert size > 15_000_000
    assert peak < size / 2, f"peak {peak:,} bytes of Python memory for a {size:,}-byte file"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_a_query_failing_part_way_leaves_the_file_as_it_was(run, tmp_path) -> None:
    out = tmp_path / "kept.csv"
    out.write_text("old\n")
    out.chmod(0o640)
    result = busywork("query", str(run), FAILS_LATE, "--format", "csv", "--out", str(out),
                      cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 2 and "boom" in result.stderr
    assert out.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["kept.csv"]
    done = busywork("query", str(run), "select 1 as a", "--format", "csv", "--out", str(out),
                    cwd=tmp_path)  # fmt: skip
    assert done.stderr == f"Wrote 1 row to {out}\n"
    assert out.read_text() == "a\n1\n" and (out.stat().st_mode & 0o777) == 0o640


def test_a_link_given_as_out_is_written_through_not_replaced(run, tmp_path) -> None:
    target, link = tmp_path / "target.csv", tmp_path / "link.csv"
    target.write_text("old\n")
    link.symlink_to(target)
    busywork("query", str(run), "select 2 as b", "--format", "csv", "--out", str(link),
             cwd=tmp_path)  # fmt: skip
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "b\n2\n"


def test_a_table_keeps_only_the_rows_it_shows(run, tmp_path) -> None:
    result = query(run, WIDE, keep=TABLE_ROWS)
    assert (len(result.rows), result.count) == (TABLE_ROWS, ROWS)
    assert result.rows[-1] == (TABLE_ROWS - 1, f"row number {TABLE_ROWS - 1}")
    shown = busywork("query", str(run), WIDE, cwd=tmp_path).stdout
    assert f"… {ROWS - TABLE_ROWS:,} more rows not shown" in shown
    one = busywork("query", str(run), "select 1 as a", cwd=tmp_path).stdout
    assert one.rstrip().endswith("\n1 row")
