"""Run the installed `busywork` command as a user would: a real subprocess."""

import subprocess
import sys
from pathlib import Path

BUSYWORK = str(Path(sys.executable).parent / "busywork")


def busywork(
    *args: str, cwd: Path, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [BUSYWORK, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(f"busywork {' '.join(args)} failed:\n{result.stderr}")
    return result
