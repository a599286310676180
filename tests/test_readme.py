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


# A feed line as the README shows it: `Tue 16:58 (PST) Farid Haddad commented on '…': "…"`.
FEED_LINE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d \([A-Z]{3,4}\) \S")


def feed_sample() -> list[str]:
    """The sample lines the README gives right after the quickstart's commands."""
    section = README.read_text(encoding="utf-8").split("## Quickstart", 1)[1]
    return re.search(r"readable feed.*?```\n(.*?)```", section, re.S).group(1).splitlines()


def test_quickstart_runs(tmp_path):
    commands = quickstart_commands()
    assert [argv[:2] for argv in commands] == [
        ["busywork", "init"], ["busywork", "simulate"], ["busywork", "show"], ["busywork", "show"]
    ]  # fmt: skip
    outputs = [busywork(*argv[1:], cwd=tmp_path).stdout for argv in commands]
    assert (tmp_path / "replays" / "my-team" / "manifest.json").exists()
    tail, carol = outputs[2].splitlines(), outputs[3].splitlines()
    assert len(tail) == 5  # --tail 5
    assert len(carol) == 3  # --tail 3: Carol comments in every month-long run
    assert all(" Carol Nguyen commented on '" in line for line in carol)
    for line in [*tail, *carol, *feed_sample()]:
        assert FEED_LINE.match(line), line
