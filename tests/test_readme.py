"""The README's quickstart, executed: every `$ busywork ...` line in its console block."""

import re
import shlex
from pathlib import Path

from tests.runner import busywork

README = Path(__file__).resolve().parent.parent / "README.md"


def quickstart_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quickstart", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.S).group(1)
    commands = [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    return [shlex.split(c) for c in commands if c.startswith("busywork ")]


def test_quickstart_runs(tmp_path):
    commands = quickstart_commands()
    assert len(commands) >= 3
    outputs = [busywork(*argv[1:], cwd=tmp_path).stdout for argv in commands]
    assert (tmp_path / "replays" / "my-team" / "manifest.json").exists()
    assert len(outputs[2].splitlines()) == 5  # --tail 5
    assert all("Carol Nguyen commented on" in line for line in outputs[3].splitlines())
