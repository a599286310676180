"""The README's quickstart, executed: every `$ busywork ...` line in its console block."""

import json
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


# A feed line as the README shows it: `Tue 03 Feb 16:58 (PST) Farid Haddad commented on '…': "…"`.
FEED_LINE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d [A-Z][a-z]{2} \d\d:\d\d \([A-Z]{3,4}\) \S"
)


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
    # The sample is what the quickstart prints: the last lines of its `--tail 5`, as they are.
    sample = feed_sample()
    assert sample == tail[-len(sample) :], (sample, tail)


def scenario_errors() -> list[str]:
    """The error lines the README's scenario section quotes (a scenario file's mistakes, then
    a flag's)."""
    section = README.read_text(encoding="utf-8").split("## The scenario", 1)[1].split("\n## ")[0]
    blocks = re.findall(r"```\n(Error: .*?)```", section, re.S)
    return [line for block in blocks for line in block.splitlines()]


def test_scenario_errors_as_quoted(tmp_path):
    """Each quoted error, made the way its line says, reads as quoted (a line ending in "..."
    up to there), on one line, exit 2."""
    busywork("init", "my-team.toml", cwd=tmp_path)
    default = (tmp_path / "my-team.toml").read_text(encoding="utf-8")
    people = default.split("[[people]]")  # people[3] is people[4] here: [0] is the rest
    mistakes = {
        "people[3].timezone": "[[people]]".join(
            [*people[:4], people[4].replace('"America/Los_Angeles"', '"Mars/Base"'), *people[5:]]
        ),
        "industy": default.replace("\nindustry = ", "\nindusty = "),
        "people: team 'Platform'": default.replace(
            'name = "Carol Nguyen"', 'name = "Carol Nguyen"\nteam = "Platform"'
        ),
    }
    quoted = scenario_errors()
    assert len(quoted) == 4, quoted
    for line in quoted:
        if line.startswith("Error: --start: "):
            (tmp_path / "my-team.toml").write_text(default, encoding="utf-8")
            result = busywork("simulate", "my-team.toml", "--start", "9000-12-30",
                              cwd=tmp_path, check=False)  # fmt: skip
        else:
            [text] = [text for key, text in mistakes.items() if f" {key}" in line]
            (tmp_path / "my-team.toml").write_text(text, encoding="utf-8")
            result = busywork("simulate", "my-team.toml", cwd=tmp_path, check=False)
        assert result.returncode == 2, result.stderr
        [said] = result.stderr.splitlines()
        if line.endswith("..."):
            assert said.startswith(line.removesuffix("...")), (said, line)
        else:
            assert said == line


def section_commands(heading: str) -> list[list[str]]:
    """The `busywork ...` lines of the first ```sh block under `heading`, comments cut."""
    section = README.read_text(encoding="utf-8").split(f"## {heading}", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    lines = [shlex.split(line, comments=True) for line in block.splitlines()]
    return [argv for argv in lines if argv[:1] == ["busywork"]]


def test_questions_about_a_run_run_as_shown(tmp_path):
    """The DuckDB section's commands, on the quickstart's run: each exits 0 (the default month
    passes every realism check, so `report --strict` too) and writes what it says."""
    for argv in quickstart_commands()[:2]:  # init, simulate into replays/my-team
        busywork(*argv[1:], cwd=tmp_path)
    commands = section_commands("Questions about a run (DuckDB)")
    assert [argv[1] for argv in commands] == [
        "stats", "stats", "query", "export", "report", "report"
    ]  # fmt: skip
    stats, as_json, query, _, report, strict = (
        busywork(*argv[1:], cwd=tmp_path).stdout for argv in commands
    )
    assert stats.startswith("Run my-team: ") and json.loads(as_json)["run_id"] == "my-team"
    assert query.splitlines()[0] == "type,count_star()"
    assert (tmp_path / "exports" / "events.parquet").is_file()
    assert "All checks pass." in report and "All checks pass." in strict
