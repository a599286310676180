"""`busywork show` on runs that are not whole: a complete run missing events, an unknown time
zone in the log, a damaged manifest or an events file in place of the folder (every command says
the same), a resume while another process writes the run, and --person for someone
in the scenario who has not acted yet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.runner import busywork

# Every command that reads a run's folder (each must say the same of the same damage).
COMMANDS_ON_A_RUN = (["show", "run"], ["stats", "run"], ["report", "run"],
                     ["export", "run", "--out", "x"], ["query", "run", "select 1"],
                     ["simulate", "--resume", "run"])  # fmt: skip


def simulate(path: Path, raw: dict, **log_options) -> Path:
    from engine.content.templates import TemplateSource
    from engine.run import create_run, simulate_run
    from engine.scenario import from_dict

    manifest = create_run(path, from_dict(raw), TemplateSource())
    simulate_run(path, manifest, TemplateSource(), log_options=log_options or None)
    return path


def segments(run: Path) -> list[Path]:
    return sorted((run / "events").glob("*.jsonl"), key=lambda p: int(p.stem))


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:
    """A complete 4-day run in several small segments, simulated once; tests damage copies."""
    run = simulate(tmp_path_factory.mktemp("seg") / "run", {"days": 4, "seed": 3},
                   segment_bytes=40_000)  # fmt: skip
    assert len(segments(run)) >= 3
    return run


@pytest.fixture
def run(segmented, tmp_path) -> Path:
    return Path(shutil.copytree(segmented, tmp_path / "run"))


def _drop_last_segment(run: Path) -> None:
    segments(run)[-1].unlink()


def _tear_last_line(run: Path) -> None:
    last = segments(run)[-1]
    last.write_bytes(last.read_bytes()[:-10])


def _empty_last_segment(run: Path) -> None:
    segments(run)[-1].write_bytes(b"")


def _remove_events(run: Path) -> None:
    shutil.rmtree(run / "events")


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (_drop_last_segment, "are missing"),
        (_tear_last_line, "event {n} is missing"),
        (_empty_last_segment, "are missing"),
        (_remove_events, "run/events: missing; run/manifest.json says the complete run has {n:,}"),
    ],
    ids=["segment-lost", "torn-line", "emptied-segment", "no-events-folder"],
)
def test_show_refuses_a_complete_run_missing_events(run, damage, said):
    n = json.loads((run / "manifest.json").read_text())["events"]
    damage(run)
    result = busywork("show", "run", "--tail", "1", cwd=run.parent, check=False)
    assert result.returncode == 1, result.stdout
    assert result.stdout == ""  # not a partial feed printed as if whole
    assert result.stderr.startswith("Error: run/events")
    assert said.format(n=n) in result.stderr
    assert f"says the complete run has {n:,}" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_show_and_stats_name_a_lost_segment_alike(run):
    _drop_last_segment(run)
    show = busywork("show", "run", cwd=run.parent, check=False)
    stats = busywork("stats", "run", cwd=run.parent, check=False)
    assert show.returncode == stats.returncode == 1
    assert show.stderr == stats.stderr  # one check, shared


def test_a_run_still_being_written_may_be_short(run):
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["status"] = "running"
    (run / "manifest.json").write_text(json.dumps(manifest))
    _drop_last_segment(run)
    result = busywork("show", "run", "--tail", "1", cwd=run.parent)
    assert len(result.stdout.splitlines()) == 1


# -- time zones ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return simulate(tmp_path_factory.mktemp("small") / "run", {"days": 2, "seed": 4})


def test_an_unknown_time_zone_in_the_log_names_file_line_and_zone(small, tmp_path):
    run = Path(shutil.copytree(small, tmp_path / "run"))
    segment = segments(run)[0]
    lines = segment.read_bytes().split(b"\n")
    joined = [i for i, line in enumerate(lines) if b'"PersonJoined"' in line]
    third = joined[2]  # line third + 1 of the file
    person = json.loads(lines[third])["person"]
    record = json.loads(lines[third])
    lines[third] = lines[third].replace(record["timezone"].encode(), b"Mars/Base")
    segment.write_bytes(b"\n".join(lines))
    result = busywork("show", "run", "--tail", "3", cwd=tmp_path, check=False)
    assert result.returncode == 1  # a damaged run
    assert result.stderr == (
        f"Error: {Path('run/events') / segment.name}, line {third + 1} (seq {record['seq']}): "
        f"{person}'s time zone 'Mars/Base' is not a time zone this system knows; expected an "
        "IANA name like 'Europe/Berlin'\n"
    )


def test_report_names_an_unknown_time_zone_in_the_manifest(small, tmp_path):
    run = Path(shutil.copytree(small, tmp_path / "run"))
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["scenario"]["people"][1]["timezone"] = "Mars/Base"
    (run / "manifest.json").write_text(json.dumps(manifest))
    result = busywork("report", "run", cwd=tmp_path, check=False)
    # As `simulate --resume` names a hand-edited scenario (tests/test_resume.py).
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"Error: {Path('run') / 'manifest.json'}: scenario.people[1].timezone: 'Mars/Base' is not "
        "a known time zone; expected an IANA name like 'Europe/Berlin'\n"
    )


# -- damaged manifests: one reader, one message, exit 1 -------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "damaged manifest: JSON is malformed"),
        (None, "damaged manifest: Object missing required field `scenario`"),
    ],
    ids=["not-json", "no-scenario"],
)
def test_every_command_says_the_same_of_a_damaged_manifest(small, tmp_path, content, expected):
    run = Path(shutil.copytree(small, tmp_path / "run"))
    if content is None:
        manifest = json.loads((run / "manifest.json").read_text())
        del manifest["scenario"]
        content = json.dumps(manifest)
    (run / "manifest.json").write_text(content)
    said = set()
    for command in COMMANDS_ON_A_RUN:
        result = busywork(*command, cwd=tmp_path, check=False)
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr.startswith(f"Error: {Path('run') / 'manifest.json'}: {expected}")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        said.add(result.stderr)
    assert len(said) == 1


def test_every_command_says_the_same_of_an_events_file_in_place_of_the_folder(small, tmp_path):
    run = Path(shutil.copytree(small, tmp_path / "run"))
    shutil.rmtree(run / "events")
    (run / "events").write_text("not a folder")
    said = set()
    for command in COMMANDS_ON_A_RUN:
        result = busywork(*command, cwd=tmp_path, check=False)
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr.startswith(
            f"Error: {Path('run') / 'events'}: is a file, not a folder; expected the run's folder"
        ), (command, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        said.add(result.stderr)
    assert len(said) == 1
    assert (run / "events").read_text() == "not a folder"


def test_a_resume_while_another_process_writes_the_run_says_what_to_do(small, tmp_path):
    from engine.log_file import FileLog

    run = Path(shutil.copytree(small, tmp_path / "run"))
    writer = FileLog(run)  # as a `simulate --resume` or a live run holds it
    try:
        result = busywork("simulate", "--resume", "run", cwd=tmp_path, check=False)
    finally:
        writer.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "another busywork (a simulate, live or serve job) is writing this run" in result.stderr
    assert "read-only" not in result.stderr  # a library's word, nothing a user can do


# -- --person ---------------------------------------------------------------------------------


def test_person_in_the_scenario_who_has_not_acted_has_an_empty_feed(tmp_path):
    # 2026-01-05 is a Monday, Mona's day off: a one-day run where nobody acts.
    raw = {"days": 1, "people": [{"name": "Mona Off", "role": "manager",
                                  "days_off": ["mon", "sat", "sun"]}]}  # fmt: skip
    simulate(tmp_path / "run", raw)
    for who in ("Mona Off", "mona.off@example.com", "mona off"):
        result = busywork("show", "run", "--person", who, cwd=tmp_path)
        assert result.returncode == 0 and result.stdout == ""
        assert result.stderr == f"Note: nothing by {who!r} in this run yet\n"
    nobody = busywork("show", "run", "--person", "Mona Of", cwd=tmp_path, check=False)
    assert nobody.returncode == 2
    assert nobody.stderr.startswith("Error: --person: 'Mona Of' is nobody in this run")
