"""Terminal rendering where a terminal is needed to see it: progress bars draw only when stderr
is a terminal, so the command runs on a real pseudo-terminal.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess

from tests.runner import BUSYWORK


def _run_on_a_terminal(*args: str, cwd) -> tuple[int, str]:
    parent, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen([BUSYWORK, *args], cwd=cwd, stdin=child, stdout=child, stderr=child,
                            env=env)  # fmt: skip
    os.close(child)
    chunks = []
    try:
        while True:
            try:
                data = os.read(parent, 65536)
            except OSError:  # EIO: the command ended and closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(parent)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_simulate_draws_a_progress_bar_on_a_terminal_then_the_summary(tmp_path):
    code, text = _run_on_a_terminal("simulate", "--days", "20", "--seed", "3", "--out", "r",
                                    cwd=tmp_path)  # fmt: skip
    assert code == 0, text
    assert "simulating" in text and "day " in text and " events " in text, text
    # busywork as the user can type it here: its name on PATH, else the path it was run by.
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    command = "busywork" if shutil.which("busywork") else BUSYWORK
    assert f"Next: {command} show r --tail 20" in plain, plain


def test_simulate_json_on_a_terminal_has_no_progress_bar(tmp_path):
    code, text = _run_on_a_terminal("simulate", "--days", "2", "--json", "--out", "r",
                                    cwd=tmp_path)  # fmt: skip
    assert code == 0, text
    assert "simulating" not in text and '"run_dir":"r"' in text, text


# Live runs start now: people who work every day and around the clock act whatever the date.
ALWAYS_AT_WORK = "".join(
    f'[[people]]\nname = "Person {i}"\nrole = "{role}"\nhours = "00:00-24:00"\ndays_off = []\n\n'
    for i, role in enumerate(("manager", "individual_contributor", "individual_contributor"))
)


def test_live_shows_its_progress_on_a_terminal(tmp_path):
    # One simulated day at 20,000x: about four seconds of wall time into an in-process sandbox.
    (tmp_path / "team.toml").write_text(ALWAYS_AT_WORK)
    code, text = _run_on_a_terminal("live", "team.toml", "--to", "sandbox", "--days", "1",
                                    "--speed", "20000", "--run", "r", cwd=tmp_path)  # fmt: skip
    assert code == 0, text
    assert "live r" in text and "req/s" in text and "late" in text, text
