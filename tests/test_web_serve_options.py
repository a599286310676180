"""`busywork serve`: options that could never work are refused before it serves (a blank
--api-token, a --cors-origin that is not an origin), its help names --data as the README does,
and Ctrl-C or SIGTERM stops it as `sandbox` stops: `Stopped.`, exit 0."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest
from click.testing import CliRunner

from tests.runner import BUSYWORK, stopped_by_signal


def refused(tmp_path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`busywork serve ARGS`, which must end at once (a server that started is stopped by the
    timeout, and the test fails)."""
    return subprocess.run([BUSYWORK, "serve", "--port", "0", "--data", str(tmp_path), *args],
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})  # fmt: skip


EXPECTED_TOKEN = "expected a token that clients send as Authorization: Bearer TOKEN"


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["--api-token", " "], None, f"--api-token: ' ' is blank; {EXPECTED_TOKEN}"),
        (["--api-token", ""], None, f"--api-token: '' is empty; {EXPECTED_TOKEN}"),
        ([], {"BUSYWORK_API_TOKEN": "  "},
         f"--api-token (from BUSYWORK_API_TOKEN): '  ' is blank; {EXPECTED_TOKEN}"),
    ],
)  # fmt: skip
def test_a_blank_api_token_is_refused(tmp_path, args, env, said):
    result = refused(tmp_path, "--host", "0.0.0.0", *args, env=env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: {said}") and result.stderr.count("\n") == 1


ORIGIN = "expected scheme://host[:port], such as https://tools.example.com"


@pytest.mark.parametrize(
    ("origin", "said"),
    [
        ("not a url", f"'not a url' is not an origin; {ORIGIN}"),
        ("*", f"'*' is not an origin; {ORIGIN}"),
        ("ftp://tools.example.com", f"'ftp://tools.example.com' is not an origin; {ORIGIN}"),
        ("https://tools.example.com/app", f"'https://tools.example.com/app' is more than an origin; {ORIGIN}"),
        ("https://x.example.com:port", "'https://x.example.com:port' does not parse"),
    ],
)  # fmt: skip
def test_a_cors_origin_that_is_not_an_origin_is_refused(tmp_path, origin, said):
    result = refused(tmp_path, "--cors-origin", origin)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: --cors-origin: {said}")
    assert result.stderr.count("\n") == 1


def test_help_names_the_data_folder_as_the_readme_does():
    from cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "--data DIR " in result.stdout and "DIRECTORY" not in result.stdout


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_stop_it_as_the_sandbox_stops(tmp_path, signum):
    args = [BUSYWORK, "serve", "--port", "0", "--data", str(tmp_path / "data"),
            "--cors-origin", "http://127.0.0.1:9/"]  # fmt: skip
    assert stopped_by_signal(args, "Jobs and runs live under", signum) == (0, "Stopped.\n", "")
