"""Run the installed `busywork` command as a user would: a real subprocess."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

BUSYWORK = str(Path(sys.executable).parent / "busywork")


def busywork(
    *args: str, cwd: Path, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [BUSYWORK, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,  # no terminal: a command that would ask must refuse instead
    )  # fmt: skip
    if check and result.returncode != 0:
        raise AssertionError(f"busywork {' '.join(args)} failed:\n{result.stderr}")
    return result


def environment(*, pure_python: bool) -> dict[str, str]:
    """This process's environment for a subprocess that runs the engine's compiled modules
    (when built) or, with `pure_python`, their source (see engine/compiled.py)."""
    from engine.compiled import PURE_PYTHON_VARIABLE

    env = {k: v for k, v in os.environ.items() if k != PURE_PYTHON_VARIABLE}
    if pure_python:
        env[PURE_PYTHON_VARIABLE] = "1"
    return env


def sigint_as_from_a_terminal() -> None:
    """A subprocess `preexec_fn`: Ctrl-C (SIGINT) reaches the child even when this test run
    was started where SIGINT is ignored (a background job of a shell without job control),
    as the child would otherwise inherit that and never see the test's SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stopped_by_signal(args: list[str], ready: str, signum: int) -> tuple[int, str, str]:
    """Start a command that serves (with Ctrl-C delivered as from a terminal), wait until it
    prints a line starting with `ready`, send `signum`, and return (exit code, rest of its
    stdout, its stderr)."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, preexec_fn=sigint_as_from_a_terminal)  # fmt: skip
    try:
        assert proc.stdout is not None
        read_until(proc.stdout, ready)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err


def read_until(stream: Iterable[str], marker: str, lines: list[str] | None = None) -> list[str]:
    """Read a subprocess's `stream` line by line (appending to `lines`) until a line starting
    with `marker`: a command that serves says so before it blocks. The lines read; an
    AssertionError holding them when the stream ends first (the command ended, or never got
    there)."""
    lines = [] if lines is None else lines
    for line in stream:
        lines.append(line)
        if line.startswith(marker):
            return lines
    raise AssertionError(f"never printed {marker!r}; it printed:\n{''.join(lines)}")
