"""A full disk: every error names the path it could not write (a write to a file descriptor
names none by itself), `init` never leaves an empty or cut-off file, and a full disk is a
failure (exit 1), not bad input. The disk is made full with a fake fsync (in-process) or
/dev/full (a symlink the command writes through)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.runner import busywork


def in_process(*args: str):
    from cli import main

    return CliRunner().invoke(main, list(args))


@pytest.fixture
def full_disk_for(monkeypatch):
    """fsync fails with ENOSPC for files whose path holds one of the given names (as on a
    file system that finds out at fsync that the disk is full)."""
    real = os.fsync

    def arm(*names: str) -> None:
        def fsync(fd: int) -> None:
            target = os.readlink(f"/proc/self/fd/{fd}")
            if any(name in target for name in names):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    return arm


def test_replace_json_names_the_file_and_keeps_the_old_one(tmp_path, full_disk_for):
    from engine.files import replace_json

    path = tmp_path / "state.json"
    path.write_text('{"old": true}\n')
    full_disk_for("state.json")
    with pytest.raises(OSError) as info:
        replace_json(path, {"new": True})
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(path)
    assert path.read_text() == '{"old": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temporary file left


def test_simulate_names_the_manifest_it_could_not_write(tmp_path, monkeypatch, full_disk_for):
    monkeypatch.chdir(tmp_path)
    full_disk_for(".manifest.json.")  # the manifest's temporary file: the log itself fits
    result = in_process("simulate", "--days", "2", "--out", "small/r", "--json")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {Path('small/r') / 'manifest.json'}: No space left on device\n"


def test_init_on_a_full_disk_leaves_no_file_and_keeps_the_old_one(
    tmp_path, monkeypatch, full_disk_for
):
    monkeypatch.chdir(tmp_path)
    full_disk_for("y.toml")
    result = in_process("init", "y.toml")
    assert result.exit_code == 1
    assert result.stderr == "Error: y.toml: No space left on device\n"
    assert list(tmp_path.iterdir()) == []  # no empty y.toml that `init` would then refuse
    (tmp_path / "y.toml").write_text("mine = 1\n")
    forced = in_process("init", "--force", "y.toml")
    assert forced.exit_code == 1 and forced.stderr == result.stderr
    assert (tmp_path / "y.toml").read_text() == "mine = 1\n"  # not truncated
    assert [p.name for p in tmp_path.iterdir()] == ["y.toml"]


def test_init_writes_the_whole_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert in_process("init", "y.toml").exit_code == 0
    from engine.scenario import example_toml

    assert (tmp_path / "y.toml").read_text(encoding="utf-8") == example_toml(
        "busywork simulate y.toml"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["y.toml"]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("full")
    busywork("simulate", "--days", "2", "--out", "run", cwd=work)
    return work


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_to_a_full_disk_is_a_failure_naming_the_file(small_run, fmt):
    out = small_run / f"out-{fmt}"
    out.mkdir()
    (out / f"events.{fmt}").symlink_to("/dev/full")  # every write there: ENOSPC
    result = busywork("export", "run", "--out", out.name, "--format", fmt, cwd=small_run,
                      check=False)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: --out: cannot write {Path(out.name) / f'events.{fmt}'}: No space left on device\n"
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_out_to_a_full_disk_is_a_failure_naming_the_file(small_run, fmt):
    out = small_run / f"q-{fmt}.txt"
    out.symlink_to("/dev/full")
    result = busywork("query", "run", "select 1 as one", "--format", fmt, "--out", out.name,
                      cwd=small_run, check=False)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == f"Error: --out: cannot write {out.name}: No space left on device\n"


def test_duckdb_io_errors_read_as_the_systems_reason(tmp_path):
    from adapters.analytics.query import _duckdb_write_error
    from engine.errors import InvalidInput

    blob = json.dumps({"exception_type": "IO", "exception_message": 'Could not write file '
                       '"/x/events.csv": No space left on device', "errno": "28"})  # fmt: skip
    error = _duckdb_write_error(
        Path("/x/events.csv"),
        Exception(f"IO Error: Async write failed for range [offset=328, size=1482616]: {blob}"),
    )
    assert str(error) == "--out: cannot write /x/events.csv: No space left on device"
    assert not isinstance(error, InvalidInput)
    denied = _duckdb_write_error(
        Path("/x/events.csv"),
        Exception('IO Error: Cannot open file "/x/events.csv": Permission denied'),
    )
    assert isinstance(denied, InvalidInput)  # a path that cannot be written: bad input
