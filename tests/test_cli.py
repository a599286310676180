"""The command line, run as a user runs it: a real subprocess in a scratch folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runner import BUSYWORK, busywork

ROOT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("cli")
    busywork("simulate", "--days", "10", "--out", "replays/ten", cwd=work)
    return work / "replays" / "ten"


def test_help_lists_the_commands(tmp_path):
    out = busywork("--help", cwd=tmp_path).stdout
    for command in ("init", "simulate", "show", "demo"):
        assert command in out


def test_help_lists_the_core_commands_in_whole_sentences(tmp_path):
    out = busywork("--help", cwd=tmp_path).stdout  # 80 columns: no terminal
    listed = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    for command in ("demo", "init", "show", "simulate"):
        assert listed[command].endswith(".") and not listed[command].endswith("..."), out


def test_help_does_not_import_heavy_libraries(tmp_path):
    code = (
        "import sys, cli; heavy = {'requests', 'duckdb', 'anthropic', 'simpy', 'rich', 'holidays'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_simulate_json_summary(tmp_path):
    result = busywork(
        "simulate", "--days", "5", "--seed", "3", "--out", "r", "--json", cwd=tmp_path
    )
    summary = json.loads(result.stdout)
    for key in ("run_dir", "events", "first_at", "last_at", "wall_seconds", "events_per_second"):
        assert key in summary
    assert summary["events"] > 0
    lines = (tmp_path / "r" / "events" / "00000001.jsonl").read_text().splitlines()
    assert len(lines) == summary["events"]
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["seed"] == 3
    assert manifest["content_source"] == "templates"
    assert manifest["scenario"]["days"] == 5


def test_default_run_folder_is_under_replays(tmp_path):
    summary = json.loads(busywork("simulate", "--days", "2", "--json", cwd=tmp_path).stdout)
    run = Path(summary["run_dir"])
    assert run.parent == Path("replays")
    assert (tmp_path / run / "manifest.json").exists()


def test_show_tail_type_and_person(run_dir):
    cwd = run_dir.parent.parent
    tail = busywork("show", str(run_dir), "--tail", "5", cwd=cwd).stdout.splitlines()
    assert len(tail) == 5
    comments = busywork("show", str(run_dir), "--type", "CommentAdded", "--tail", "20", cwd=cwd)
    assert all(" commented on '" in line for line in comments.stdout.splitlines())
    alice = busywork("show", str(run_dir), "--person", "Alice Chen", cwd=cwd).stdout.splitlines()
    assert alice and all("Alice Chen " in line for line in alice)
    nobody = busywork("show", str(run_dir), "--person", "Alice Chan", cwd=cwd, check=False)
    assert nobody.returncode == 2 and nobody.stdout == ""
    assert nobody.stderr.startswith(
        "Error: --person: 'Alice Chan' is nobody in this run (did you mean 'Alice Chen'?); "
    )
    assert "expected a person's id, name or email like u" in nobody.stderr
    first = busywork("show", str(run_dir), cwd=cwd).stdout.splitlines()[0]
    assert " joined as " in first and "(P" in first or "(E" in first


def test_show_tail_takes_any_count_and_says_so_plainly(run_dir):
    cwd = run_dir.parent.parent
    everything = busywork("show", str(run_dir), cwd=cwd).stdout
    huge = busywork("show", str(run_dir), "--tail", str(10**20), cwd=cwd)
    assert huge.stdout == everything  # more than the run holds: all of it, not an error
    helped = busywork("show", "--help", cwd=cwd).stdout
    assert "--tail N" in helped and "[≥ 0]" in helped and str(sys.maxsize) not in helped


def test_simulate_help_says_what_the_readme_says(tmp_path):
    helped = busywork("simulate", "--help", cwd=tmp_path).stdout
    assert "--out DIR " in helped and "replays/<name>-<time>" in helped


def test_resume_names_the_options_to_drop(run_dir):
    cwd = run_dir.parent.parent
    args = ("simulate", "--resume", str(run_dir), "--days", "3", "--seed", "7")
    result = busywork(*args, cwd=cwd, check=False)
    assert result.returncode == 2 and result.stdout == ""
    said = "Error: --resume takes its scenario from the run; drop --days, --seed\n"
    assert result.stderr == said


def test_init_writes_a_scenario_that_simulates(tmp_path):
    busywork("init", "team.toml", cwd=tmp_path)
    assert "[[people]]" in (tmp_path / "team.toml").read_text()
    # It says how to run it by its own name (it said scenario.toml whatever the name).
    assert "# Run it with:  busywork simulate team.toml [" in (tmp_path / "team.toml").read_text()
    again = busywork("init", "team.toml", cwd=tmp_path, check=False)
    assert again.returncode == 2
    assert "already exists; use --force" in again.stderr
    busywork("simulate", "team.toml", "--days", "2", "--out", "t", cwd=tmp_path)


def test_init_force_writes_through_a_link_or_device_rather_than_replacing_it(tmp_path):
    """`init --force` over a symbolic link writes into the file it points to, and over a device
    (`/dev/stdout`) or a pipe writes into it, as `query --out` does: renaming a new file over
    the path would replace the link or the device itself (as root, /dev/stdout's link; a
    device is not written here, lest a regression replace it on the machine running this)."""
    import os

    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "team.toml"
    target.write_text("old\n")
    (tmp_path / "team.toml").symlink_to(target)
    busywork("init", "team.toml", "--force", cwd=tmp_path)
    assert (tmp_path / "team.toml").is_symlink()
    assert "[[people]]" in target.read_text()
    os.mkfifo(tmp_path / "pipe.toml")
    reader = subprocess.Popen(["cat", "pipe.toml"], cwd=tmp_path, stdout=subprocess.PIPE)
    busywork("init", "pipe.toml", "--force", cwd=tmp_path)
    assert b"[[people]]" in reader.communicate(timeout=30)[0]
    assert (tmp_path / "pipe.toml").is_fifo()  # still the pipe


def test_init_to_stdout_writes_the_scenario_alone(tmp_path):
    """`busywork init /dev/stdout > my.toml` (or `| tee`): stdout holds the TOML and nothing
    else, and the file the shell just made is not refused as one that already exists."""
    import tomllib

    piped = busywork("init", "/dev/stdout", cwd=tmp_path)
    assert tomllib.loads(piped.stdout)["people"] and piped.stderr == ""
    with open(tmp_path / "my.toml", "w") as out:
        subprocess.run([BUSYWORK, "init", "/dev/stdout"], cwd=tmp_path, stdout=out, check=True)
    text = (tmp_path / "my.toml").read_text()
    assert tomllib.loads(text)["people"] and "Wrote" not in text
    assert "busywork simulate /dev/stdout" not in text  # a name that would not run it
    busywork("simulate", "my.toml", "--days", "1", "--out", "r", cwd=tmp_path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["simulate", "nope.toml"],
            "SCENARIO: 'nope.toml' is not an existing file; expected a scenario file (TOML)",
        ),
        (["simulate", "bad.toml"], "bad.toml: industy: unknown key (did you mean 'industry'?)"),
        (
            ["simulate", "--start", "someday"],
            "--start: 'someday' is not a date; expected YYYY-MM-DD",
        ),
        (
            ["show", "missing-run"],
            "RUN: 'missing-run' is not an existing folder; expected a run folder such as "
            "replays/my-run",
        ),
        (["simulate", "--resume", "missing-run"], "--resume: 'missing-run' is not an existing"),
        (["simulate", "--workers", "0"], "--workers: '0' is not a number of processes"),
        (["simulate", "--workers", "two"], "expected a whole number of at least 1, or auto"),
        (["init", ""], "PATH: '' is empty; expected a file to write the scenario to"),
        (
            ["init", "--force", "."],
            "PATH: '.' is a folder; expected a file to write the scenario to",
        ),
        # commands declared in adapters/*/commands.py go through the same error handling
        (["backfill", "nope.toml"], "SCENARIO: 'nope.toml' is not an existing file"),
        (["live", "bad.toml", "--days", "1"], "industy: unknown key"),
        (["replay", "missing-run"], "missing-run"),
        (["clean", ".", "--yes"], "--to sandbox (the default): an in-process sandbox ends"),
        (["stats", "missing-run"], "RUN: 'missing-run' is not an existing folder"),
        (["report", "missing-run"], "missing-run"),
        (
            ["serve", "--tokens", "missing.toml", "--port", "0"],
            "--tokens: 'missing.toml' is not an",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    (tmp_path / "bad.toml").write_text('industy = "finance"\n')
    result = busywork(*args, cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize(
    "args",
    [
        # /proc is a folder, so the option's own check passes; making anything in it fails.
        ["simulate", "--days", "1", "--out", "/proc/busywork-run"],  # cannot make the run folder
        ["init", "/proc/busywork-team.toml"],  # cannot write the scenario
    ],
)
def test_a_failed_file_operation_is_one_line_with_the_path_and_exit_1(tmp_path, args):
    result = busywork(*args, cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: {args[-1]}") and result.stderr.count("\n") == 1


def test_show_rejects_unknown_type(run_dir):
    result = busywork("show", str(run_dir), "--type", "TaskExploded", cwd=run_dir, check=False)
    assert result.returncode == 2
    assert "--type: 'TaskExploded' is not an event type" in result.stderr


def test_show_suggests_the_type_meant_in_another_letter_case(run_dir):
    result = busywork("show", str(run_dir), "--type", "commentadded", cwd=run_dir, check=False)
    assert result.returncode == 2
    assert "'commentadded' is not an event type (did you mean 'CommentAdded'?)" in result.stderr


def test_out_folder_must_be_new(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("keep me")
    result = busywork("simulate", "--days", "1", "--out", "taken", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr == ("Error: taken: already exists and is not empty (no manifest.json: "
                             "not a run); choose a new folder for the run\n")  # fmt: skip
    assert (tmp_path / "taken" / "x").read_text() == "keep me"


def test_demo_prints_summary_and_activity(tmp_path):
    out = busywork("demo", "--days", "3", cwd=tmp_path).stdout
    assert "events" in out and "Latest activity:" in out
    assert list((tmp_path / "replays").iterdir())


def test_serve_on_port_0_says_which_port_it_got_and_a_taken_port_is_an_error(tmp_path):
    import re
    import socket
    import urllib.request

    proc = subprocess.Popen([BUSYWORK, "serve", "--port", "0"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        first = proc.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", first).group(1))
        assert port > 0, first
        with socket.create_connection(("127.0.0.1", port)):  # it listens there
            pass
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/jobs", timeout=10) as answer:
            assert answer.status == 200
        taken = busywork("serve", "--port", str(port), cwd=tmp_path, check=False)
        assert taken.returncode == 1 and "Traceback" not in taken.stderr
        assert f"--port {port}: cannot listen on 127.0.0.1: Address already in use" in taken.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_output_into_a_pipe_that_closes_early_ends_quietly(run_dir):
    """`busywork show RUN | head -1`: the reader closing the pipe is not an error."""
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    writer = subprocess.run([BUSYWORK, "show", str(run_dir)], stdout=reader.stdin,
                            stderr=subprocess.PIPE, text=True, check=False)  # fmt: skip
    reader.stdin.close()
    assert len(reader.stdout.read()) == 10 and reader.wait() == 0
    reader.stdout.close()
    assert writer.returncode == 0, writer.stderr
    assert writer.stderr == ""


def test_a_warning_is_one_line_for_the_user():
    # e.g. "the compiled engine modules … were built from other source" (engine.compiled)
    check = "import cli, warnings; warnings.warn('the build is stale', RuntimeWarning)"
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT_DIR, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT_DIR)})  # fmt: skip
    assert result.stderr == "Warning: the build is stale\n", result.stderr
