"""Every path option of every command says the same three things the same way: the option, the
value (quoted) and what was expected, for a file that is not there, a folder where a file
belongs (or a file where a folder does) and a path that cannot be read or made.

In process (click's CliRunner): each refusal comes from the option's own check
(``adapters.path_options.PathOf``, ``engine.files.path_problem``), before the command does any
work."""

from __future__ import annotations

import os
import socket

import pytest
from click.testing import CliRunner

from adapters.asana.sandbox.faults import FAULTS_EXPECTED

SCENARIO = "a scenario file (TOML)"
TOKENS = "a tokens file (TOML)"
RUN = "a run folder such as replays/my-run"
API = ("--to", "http://127.0.0.1:9")

# (the command line, {} where the path goes; the name the error gives; what it expected)
READ = [
    (["simulate", "{}"], "SCENARIO", SCENARIO),
    (["backfill", "{}"], "SCENARIO", SCENARIO),
    (["live", "{}"], "SCENARIO", SCENARIO),
    (["sandbox", "--tokens", "{}"], "--tokens", TOKENS),
    (["replay", "r", *API, "--tokens", "{}"], "--tokens", TOKENS),
    (["backfill", *API, "--tokens", "{}"], "--tokens", TOKENS),
    (["live", *API, "--tokens", "{}"], "--tokens", TOKENS),
    (["clean", "r", *API, "--tokens", "{}"], "--tokens", TOKENS),
    (["serve", "--tokens", "{}"], "--tokens", TOKENS),
    (
        ["sandbox", "--tokens", "tokens.toml", "--faults", "{}"],
        "--faults",
        FAULTS_EXPECTED.removeprefix("expected "),
    ),
]
READ_FOLDER = [
    (["show", "{}"], "RUN", RUN),
    (["stats", "{}"], "RUN", RUN),
    (["query", "{}", "select 1"], "RUN", RUN),
    (["export", "{}", "--out", "x"], "RUN", RUN),
    (["report", "{}"], "RUN", RUN),
    (["replay", "{}"], "RUN", RUN),
    (["clean", "{}", "--yes"], "RUN", RUN),
    (["simulate", "--resume", "{}"], "--resume", RUN),
    (["sandbox", "--for", "{}", "--write-tokens", "new.toml"], "--for", RUN),
]
WRITE_FOLDER = [
    (["simulate", "--out", "{}"], "--out", RUN),
    (["simulate", "--content-cache", "{}"], "--content-cache", "a folder"),
    (["live", "--run", "{}"], "--run", RUN),
    (["sandbox", "--data", "{}"], "--data", "a folder"),
    (["serve", "--data", "{}"], "--data", "a folder"),
    (["export", "r", "--out", "{}"], "--out",
     "a folder to write the files to, such as --out exports/my-run"),
]  # fmt: skip
WRITE_FILE = [
    (["query", "r", "select 1", "--out", "{}"], "--out", "a file"),
    (["sandbox", "--write-tokens", "{}"], "--write-tokens", "a file"),
    (["init", "{}"], "PATH", "a file to write the scenario to"),
]

AS_ROOT = "runs as root, who may read and write any file whatever its mode"


def _refused(tmp_path, monkeypatch, args, value) -> str:
    """The one line the command ends with, exit 2 (bad input)."""
    from cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "tokens.toml").write_text('default = "tok-admin-123"\n')
    result = CliRunner().invoke(main, [value if a == "{}" else a for a in args])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize(("args", "name", "expected"), READ)
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("nofile.toml", "'nofile.toml' is not an existing file"),
        ("a-folder", "'a-folder' is a folder"),
        (
            "a-file/x.toml",
            "'a-file/x.toml' is not an existing file ('a-file' is a file, not a folder)",
        ),
    ],  # fmt: skip
    ids=["missing", "folder", "through-a-file"],
)
def test_a_file_to_read(tmp_path, monkeypatch, args, name, expected, value, problem):
    said = _refused(tmp_path, monkeypatch, args, value)
    assert said == f"Error: {name}: {problem}; expected {expected}\n"


@pytest.mark.parametrize(("args", "name", "expected"), READ_FOLDER)
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("no-run", "'no-run' is not an existing folder"),
        ("a-file", "'a-file' is a file"),
        ("a-file/run", "'a-file/run' is not an existing folder ('a-file' is a file, not a folder)"),
    ],
    ids=["missing", "file", "through-a-file"],
)
def test_a_folder_to_read(tmp_path, monkeypatch, args, name, expected, value, problem):
    said = _refused(tmp_path, monkeypatch, args, value)
    assert said == f"Error: {name}: {problem}; expected {expected}\n"


@pytest.mark.skipif(os.geteuid() == 0, reason=f"chmod 000 does not stop a test that {AS_ROOT}")
@pytest.mark.parametrize(("args", "name", "expected"), READ)
def test_a_file_to_read_that_cannot_be_read(tmp_path, monkeypatch, args, name, expected):
    (tmp_path / "locked.toml").write_text("")
    (tmp_path / "locked.toml").chmod(0)
    said = _refused(tmp_path, monkeypatch, args, "locked.toml")
    assert said == (
        f"Error: {name}: 'locked.toml' cannot be read (Permission denied); expected {expected}\n"
    )


# Stand-ins that refuse root too, where chmod cannot (see `test_a_file_to_read_that_cannot_be_
# read`): the kernel checks the files under /proc/sys against their mode bits for root as well
# (a 0200 file cannot be read, a 0444 file or 0555 folder cannot be written), and a container
# that mounts /proc/sys read-only refuses writes as well. Each test checks its stand-in first
# and skips, saying why, where it does not hold.
UNREADABLE = "/proc/sys/vm/drop_caches"  # mode 0200: written to, never read
UNWRITABLE_FILE = "/proc/sys/kernel/osrelease"  # mode 0444
UNWRITABLE_FOLDER = "/proc/sys/kernel"  # mode 0555


def _needs_unreadable(path: str) -> None:
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    except PermissionError:
        return
    except OSError as exc:
        pytest.skip(f"{path} is not there to stand in for an unreadable file ({exc.strerror})")
    pytest.skip(f"{path} opens for reading here, so it cannot stand in for an unreadable file")


def _needs_unwritable(path: str) -> None:
    if not os.path.exists(path):
        pytest.skip(f"{path} is not there to stand in for a path that cannot be written")
    if os.access(path, os.W_OK):
        pytest.skip(f"{path} can be written here, so it cannot stand in for one that cannot")


@pytest.mark.parametrize(("args", "name", "expected"), READ)
def test_a_file_to_read_that_no_one_may_read(tmp_path, monkeypatch, args, name, expected):
    _needs_unreadable(UNREADABLE)
    said = _refused(tmp_path, monkeypatch, args, UNREADABLE)
    assert said == (
        f"Error: {name}: {UNREADABLE!r} cannot be read (Permission denied); expected {expected}\n"
    )


@pytest.mark.parametrize(("args", "name", "expected"), READ)
def test_a_file_to_read_that_cannot_be_opened(tmp_path, monkeypatch, args, name, expected):
    """A file that no one can open, root included (which the chmod test above needs): a
    socket's name in the file system."""
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "a.toml"))
        said = _refused(tmp_path, monkeypatch, args, "a.toml")
    assert said == (
        f"Error: {name}: 'a.toml' cannot be read (No such device or address); expected {expected}\n"
    )


@pytest.mark.parametrize(
    ("args", "name", "expected", "value", "problem"),
    [
        *[(*option, "a-file", "'a-file' is a file") for option in WRITE_FOLDER],
        *[(*option, "a-folder", "'a-folder' is a folder") for option in WRITE_FILE],
        *[
            (
                *option,
                "a-file/new",
                "'a-file/new' cannot be created ('a-file' is a file, not a folder)",
            )
            for option in WRITE_FOLDER + WRITE_FILE
        ],
    ],  # fmt: skip
)
def test_a_path_to_write(tmp_path, monkeypatch, args, name, expected, value, problem):
    said = _refused(tmp_path, monkeypatch, args, value)
    assert said == f"Error: {name}: {problem}; expected {expected}\n"


@pytest.mark.skipif(os.geteuid() == 0, reason=f"chmod 000 does not stop a test that {AS_ROOT}")
@pytest.mark.parametrize(("args", "name", "expected"), WRITE_FOLDER + WRITE_FILE)
def test_a_path_to_write_that_cannot_be_written(tmp_path, monkeypatch, args, name, expected):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0o500)  # listable, but nothing can be made in it
    said = _refused(tmp_path, monkeypatch, args, "locked/new")
    assert said == (
        f"Error: {name}: 'locked/new' cannot be created ('locked' cannot be written); expected "
        f"{expected}\n"
    )


@pytest.mark.parametrize(("args", "name", "expected"), WRITE_FOLDER + WRITE_FILE)
def test_a_path_to_write_in_a_folder_no_one_may_write(tmp_path, monkeypatch, args, name, expected):
    _needs_unwritable(UNWRITABLE_FOLDER)
    new = f"{UNWRITABLE_FOLDER}/new"
    said = _refused(tmp_path, monkeypatch, args, new)
    assert said == (
        f"Error: {name}: {new!r} cannot be created ({UNWRITABLE_FOLDER!r} cannot be written); "
        f"expected {expected}\n"
    )


@pytest.mark.parametrize(
    ("args", "name", "expected", "value"),
    [*[(*option, UNWRITABLE_FOLDER) for option in WRITE_FOLDER],
     *[(*option, UNWRITABLE_FILE) for option in WRITE_FILE]],
)  # fmt: skip
def test_a_path_to_write_that_no_one_may_write(tmp_path, monkeypatch, args, name, expected, value):
    _needs_unwritable(value)
    said = _refused(tmp_path, monkeypatch, args, value)
    assert said == (
        f"Error: {name}: {value!r} cannot be written (Permission denied); expected {expected}\n"
    )
