"""Run folders from the command line: default folders claimed atomically, empty paths refused,
commands for the user to type quoted for the shell, an interrupted demo says how to finish its
run, a resume says what it cut, an empty run's summary reads well."""

from __future__ import annotations

import json
import shlex
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.runner import BUSYWORK, busywork, sigint_as_from_a_terminal


def in_process(*args: str):
    from cli import main

    return CliRunner().invoke(main, list(args))


# -- 1. default folders ----------------------------------------------------------------------


def test_new_run_dir_claims_its_folder(tmp_path):
    """Two runs started in the same second (parallel `simulate`s, a web job beside them) get
    two folders: the name is claimed by making the folder, not by looking first."""
    from engine.content.templates import TemplateSource
    from engine.run import create_run, new_run_dir
    from engine.scenario import default_scenario, resolve

    scenario = resolve(default_scenario())
    now = datetime(2026, 1, 5, 8, 0, 0, tzinfo=UTC)
    replays = tmp_path / "replays"
    claimed = [new_run_dir(scenario, replays, now) for _ in range(3)]
    assert [p.name for p in claimed] == [
        "default-product-team-20260105-080000",
        "default-product-team-20260105-080000-2",
        "default-product-team-20260105-080000-3",
    ]
    assert all(p.is_dir() and not any(p.iterdir()) for p in claimed)
    for path in claimed:  # each claimed folder takes its run
        assert create_run(path, scenario, TemplateSource()).run_id == path.name


def test_a_run_folder_keeps_a_names_accented_letters_without_their_accents(tmp_path):
    import msgspec

    from engine.run import new_run_dir
    from engine.scenario import default_scenario, resolve

    scenario = msgspec.structs.replace(resolve(default_scenario()), name="Équipe 🚀 Nørd 日本")
    now = datetime(2026, 1, 5, 8, 0, 0, tzinfo=UTC)
    assert new_run_dir(scenario, tmp_path, now).name == "equipe-nord-20260105-080000"


def test_a_live_run_of_a_long_name_gets_a_folder_the_system_can_make(tmp_path):
    import msgspec

    from adapters.asana.live_folder import live_run_dir
    from engine.scenario import default_scenario, resolve

    base = resolve(default_scenario())
    long = live_run_dir(msgspec.structs.replace(base, name="x" * 300), tmp_path)
    long.mkdir()  # not "File name too long"
    # A name that always worked keeps its folder, so its live run is still resumed.
    kept = "y" * (255 - len("-live"))
    assert live_run_dir(msgspec.structs.replace(base, name=kept), tmp_path).name == f"{kept}-live"


def test_parallel_simulates_without_out_all_succeed(tmp_path):
    procs = [
        subprocess.Popen([BUSYWORK, "simulate", "--days", "1", "--seed", str(seed), "--json"],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for seed in range(4)
    ]  # fmt: skip
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    folders = {json.loads(out)["run_dir"] for _, out, _ in results}
    assert len(folders) == 4


# -- 5. empty paths --------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--out", "--resume"])
def test_an_empty_run_folder_is_refused(tmp_path, monkeypatch, flag):
    monkeypatch.chdir(tmp_path)
    args = ["simulate", "--days", "1", "--out", ""] if flag == "--out" else ["simulate", flag, ""]
    result = in_process(*args)
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: {flag}: '' is empty; expected a run folder such as replays/my-run\n"
    )
    assert list(tmp_path.iterdir()) == []  # no manifest.json in the current folder


# -- 6. commands to type, quoted ---------------------------------------------------------------


def next_command(text: str) -> list[str]:
    return shlex.split(text.rsplit("Next: ", 1)[1])


def test_printed_commands_quote_paths_for_the_shell(tmp_path):
    run = "sp ace/it's run"
    out = busywork("simulate", "--days", "1", "--out", run, cwd=tmp_path).stdout
    assert next_command(out.strip().splitlines()[-1])[1:] == ["show", run, "--tail", "20"]
    (tmp_path / "ini dir ☃").mkdir()
    said = busywork("init", "ini dir ☃/x.toml", cwd=tmp_path).stdout
    assert next_command(said) == ["busywork", "simulate", "ini dir ☃/x.toml"]


def interrupt(args: list[str], cwd: Path, started: str) -> subprocess.CompletedProcess:
    """Run busywork, Ctrl-C it once `started` (a glob under cwd) exists."""
    proc = subprocess.Popen(
        [BUSYWORK, *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, preexec_fn=sigint_as_from_a_terminal,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not any(cwd.glob(started)) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(args, proc.returncode, "", stderr)


def test_interrupted_simulate_quotes_the_run_to_resume(tmp_path):
    run = "sp ace/int run"
    result = interrupt(["simulate", "--days", "3000", "--out", run, "--json"], tmp_path,
                       "sp ace/int run/events/*.jsonl")  # fmt: skip
    assert result.returncode == 130, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Interrupted. Finish it with: ")
    assert shlex.split(last.split(": ", 1)[1]) == ["busywork", "simulate", "--resume", run]


# -- 11. Ctrl-C in demo -------------------------------------------------------------------------


def test_ctrl_c_in_demo_says_how_to_finish_its_run(tmp_path):
    result = interrupt(["demo", "--days", "3000", "--no-serve"], tmp_path,
                       "replays/*/events/*.jsonl")  # fmt: skip
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    (run,) = (tmp_path / "replays").iterdir()
    assert result.stderr.strip().splitlines()[-1] == (
        f"Interrupted. Finish it with: busywork simulate --resume replays/{run.name}"
    )
    assert json.loads((run / "manifest.json").read_text())["status"] == "running"


# -- 9. what a resume cut is said ----------------------------------------------------------------


def test_resume_says_it_cut_an_undecodable_last_line(tmp_path):
    busywork("simulate", "--days", "2", "--out", "run", cwd=tmp_path)
    run = tmp_path / "run"
    segment = run / "events" / "00000001.jsonl"
    whole = segment.read_bytes()
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["status"] = "running"
    (run / "manifest.json").write_text(json.dumps(manifest))
    n = manifest["events"]
    bad = f'{{"type":"PersonJoined","seq":{n + 1},"at":"2026-01-05T14:20:05Z","actor":"u1"}}\n'
    segment.write_bytes(whole + bad.encode())
    result = busywork("simulate", "--resume", "run", "--json", cwd=tmp_path)
    assert result.stderr == (
        f"Note: {Path('run/events/00000001.jsonl')}: cut torn last line {n + 1} ({len(bad)} "
        "bytes, cannot decode: Object missing required field `person`); the log now ends at "
        f"seq {n}\n"
    )
    assert segment.read_bytes() == whole


# -- 13. an empty run ------------------------------------------------------------------------------


def test_an_empty_runs_summaries_read_well(tmp_path):
    # 2026-01-05 is a Monday, the only manager's day off: nobody acts in a one-day run.
    (tmp_path / "off.toml").write_text(
        'days = 1\n[[people]]\nname = "Mona Off"\nrole = "manager"\n'
        'days_off = ["mon", "sat", "sun"]\n'
    )
    lines = busywork("simulate", "off.toml", "--out", "zero", cwd=tmp_path).stdout.splitlines()
    assert lines[1].startswith("0 events; ") and lines[1].endswith(" s wall, 0 events/s")
    stats = busywork("stats", "zero", cwd=tmp_path).stdout.splitlines()
    assert stats[0] == "Run zero: 0 events"
    one = busywork("simulate", "--days", "1", "--out", "one", cwd=tmp_path).stdout.splitlines()
    assert " events, Mon 05 Jan 2026 " in one[1]  # a run with events keeps its span


def test_an_empty_backfill_says_why_nothing_happened(tmp_path):
    # A one-day backfill is yesterday (UTC), made a holiday of its only person.
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    (tmp_path / "off.toml").write_text(
        'timezone = "UTC"\n[holidays]\ncountry = ""\n'
        f'dates = ["{yesterday}"]\n'
        '[[people]]\nname = "Mona Off"\nrole = "manager"\ntimezone = "UTC"\ndays_off = []\n'
    )
    result = busywork("backfill", "off.toml", "--days", "1", cwd=tmp_path)
    assert "Note: nobody works on the run's days (holidays), so nothing happened" in result.stdout


def test_a_live_resume_tells_what_it_cut(tmp_path):
    """`busywork live` reopens its log for writing too: what opening it cut is said."""
    import threading

    import msgspec

    from engine.content.templates import TemplateSource
    from engine.live import prepare_live, run_live
    from engine.scenario import default_scenario, resolve

    scenario = resolve(msgspec.structs.replace(default_scenario(), days=1))
    run_dir = tmp_path / "live"
    monday_8am_la = datetime(2026, 1, 5, 16, 0, tzinfo=UTC)
    manifest, state, _ = prepare_live(run_dir, scenario, TemplateSource(), days=1,
                                      forever=False, speed=2e6, now=monday_8am_la)  # fmt: skip
    run_live(run_dir, manifest, state, TemplateSource(), stop=threading.Event())
    segment = run_dir / "events" / "00000001.jsonl"
    segment.write_bytes(segment.read_bytes() + b'{"type":"PersonJoined"}\n')
    notes: list[str] = []
    stopped = threading.Event()
    stopped.set()  # a stop ends the catch-up at once: only opening the log matters here
    run_live(run_dir, manifest, state, TemplateSource(), stop=stopped, on_note=notes.append)
    assert len(notes) == 1 and "cut torn last line" in notes[0] and "cannot decode" in notes[0]
