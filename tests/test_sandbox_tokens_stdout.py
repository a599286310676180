"""`busywork sandbox --for RUN --write-tokens /dev/stdout > tokens.toml`: stdout holds the tokens
file alone (the status lines and the server's own go to stderr), as `busywork init /dev/stdout`
holds the scenario alone; and the tokens it holds are the ones the sandbox serves. A terminal
is refused: tokens are never shown."""

from __future__ import annotations

import os
import signal
import subprocess

import requests

from adapters.asana.tokens import load_tokens
from tests.replay_checks import synthetic_run
from tests.runner import BUSYWORK, read_until


def test_write_tokens_to_stdout_gives_stdout_the_tokens_file_alone(tmp_path):
    run_dir = synthetic_run(tmp_path / "run", people=2, tasks=1, comments=0)
    tokens_path = tmp_path / "tokens.toml"
    with open(tokens_path, "w") as stdout:
        proc = subprocess.Popen(
            [BUSYWORK, "sandbox", "--for", str(run_dir), "--write-tokens", "/dev/stdout",
             "--port", "0"], cwd=tmp_path, stdout=stdout, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        said = read_until(proc.stderr, "Serving")
        tokens = load_tokens(tokens_path)  # the whole of stdout parses as a tokens file
        api = next(line.split()[-1] for line in said if line.startswith("Asana API:"))
        for token in [tokens.default, *tokens.people.values()]:
            me = requests.get(f"{api}/users/me", headers={"Authorization": f"Bearer {token}"},
                              timeout=10)  # fmt: skip
            assert me.status_code == 200  # the sandbox serves the tokens written
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=30)[1]
        assert proc.returncode == 0, rest
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(tokens.people) == 2 and tokens.default
    assert (
        said[0] == "Wrote tokens for 2 people and the admin to /dev/stdout\n"
        and rest == "Stopped.\n"
    )
    assert load_tokens(tokens_path) == tokens  # nothing after it either
    for token in [tokens.default, *tokens.people.values()]:
        assert token not in "".join(said) + rest


def test_write_tokens_to_a_terminal_is_refused(tmp_path):
    run_dir = synthetic_run(tmp_path / "run", people=2, tasks=1, comments=0)
    leader, terminal = os.openpty()
    try:
        result = subprocess.run(
            [BUSYWORK, "sandbox", "--for", str(run_dir), "--write-tokens", "/dev/stdout",
             "--port", "0"], cwd=tmp_path, stdout=terminal, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL, timeout=60,
        )  # fmt: skip
    finally:
        os.close(terminal)
        os.close(leader)
    assert result.returncode == 2
    assert result.stderr == (
        "Error: --write-tokens /dev/stdout: stdout is a terminal, and tokens are never shown; "
        "redirect it to a file (> tokens.toml), or name the file\n"
    )
