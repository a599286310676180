"""A SQL error in `busywork query`: one `Error: SQL error: …` line saying what is wrong, then
DuckDB's details (the candidates, `LINE n:` and the carets) indented under it, the carets still
under the fault; no blank line, no traceback, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runner import busywork


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("query-errors")
    busywork("simulate", "--days", "3", "--out", "run", "--json", cwd=folder)
    return folder / "run"


def _error(run: Path, sql: str) -> list[str]:
    result = busywork("query", str(run), sql, cwd=run.parent, check=False)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    return result.stderr.splitlines()


def test_a_syntax_error_points_at_the_fault_under_one_error_line(run):
    assert _error(run, "selec * from events") == [
        'Error: SQL error: Parser Error: syntax error at or near "selec"',
        "  LINE 1: selec * from events",
        "          ^^^^^",
    ]


def test_an_unknown_column_names_the_candidates_and_the_line(run):
    first, *details = _error(run, "select 1,\n  nope\nfrom events")
    assert first.startswith('Error: SQL error: Binder Error: Referenced column "nope" not found')
    assert details[0].startswith("  Candidate bindings: ")
    assert details[1:] == ["  LINE 2:   nope", "            ^^^^"]
