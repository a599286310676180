"""A Ctrl-C while `busywork` is still importing its commands (its first tenth of a second) ends
as a Ctrl-C in a command does: "Interrupted." and exit 130, not a traceback out of whichever
import it landed in. Once the commands are loaded, Ctrl-C is Python's KeyboardInterrupt again
(the commands turn it into a clean stop)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Holds the import of click (cli's first heavy import) until the test has sent its SIGINT: the
# interrupt lands inside cli's imports on any machine, however fast.
STALLED_IMPORT = """
import sys, time

class StallClick:
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            print("importing click", flush=True)
            time.sleep(60)
        return None

sys.meta_path.insert(0, StallClick())
sys.argv = ["busywork", "--help"]
from cli import main
main()
"""


def ctrl_c_while_loading(script: str) -> tuple[int, str, str]:
    """Run `script` (which stalls cli's import of click, saying so), send it a Ctrl-C once it
    stalls; its exit code, stdout and stderr."""
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    try:
        assert proc.stdout.readline() == "importing click\n"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    return proc.returncode, out, err


def test_a_ctrl_c_while_the_commands_load_ends_without_a_traceback():
    code, out, err = ctrl_c_while_loading(STALLED_IMPORT)
    assert (code, err) == (130, "Interrupted.\n"), err
    assert out == ""


def test_once_loaded_ctrl_c_is_a_keyboard_interrupt_again():
    check = (
        "import signal, cli; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    )
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert result.stdout == "True\n", result.stderr


def test_an_ignored_ctrl_c_stays_ignored_while_the_commands_load():
    """A background job of a shell without job control starts with SIGINT ignored: a Ctrl-C
    at the terminal is not for it, also while it loads."""
    ignoring = "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    stall_briefly = STALLED_IMPORT.replace("time.sleep(60)", "time.sleep(1)")
    code, out, err = ctrl_c_while_loading(ignoring + stall_briefly)
    assert code == 0, err
    assert out.startswith("Usage: busywork"), out
