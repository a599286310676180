"""Who chooses a replay's date shift: `busywork clean` hands the choice back to the next replay
(shifted → unshifted and back), a run far from today (any year a scenario allows) keeps the
shift its first run computed, and a stored shift of 0 days (a backfill's) needs no note.

The replays run in-process (`replay_command`, which takes the day as `today`) against the real
sandbox, served on a port as a user's target would be.
"""

from __future__ import annotations

import json
import secrets
import shutil
from datetime import date, timedelta
from pathlib import Path

import msgspec
import pytest

from adapters.asana.clean import clean_command
from adapters.asana.replay_checkpoint import MAX_SHIFT_DAYS, open_journal
from adapters.asana.replay_cli import ReplayArgs, replay_command
from engine import events as ev
from engine import run as runs
from engine.backfill import run_end, shift_to_today
from engine.content.templates import TemplateSource
from engine.errors import InvalidInput
from engine.replay_journal import META
from engine.run import read_manifest
from engine.scenario import default_scenario, resolve
from tests.replay_checks import (
    FAST,
    Gate,
    events_of,
    make_run,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.test_replay_dates import _due_dates, _target

TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=2)


@pytest.fixture(scope="module")
def far_run(tmp_path_factory) -> Path:
    """A run in the year 3100 (no holiday calendar reaches that far)."""
    base = default_scenario()
    scenario = resolve(msgspec.structs.replace(
        base, start=date(3100, 1, 4), days=2, seed=3,
        holidays=msgspec.structs.replace(base.holidays, country=""),
    ))  # fmt: skip
    folder = tmp_path_factory.mktemp("runs") / "far"
    runs.simulate_run(folder, runs.create_run(folder, scenario, TemplateSource()), TemplateSource())
    return folder


def _sandbox_for(run_dir: Path, make_sandbox, tmp_path: Path):
    """A sandbox with the run's people, and their tokens file."""
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    return sandbox, tokens


def _replay(sandbox, tokens: Path, run_dir: Path, today: date, **flags):
    """One replay on `today` into `sandbox` (or a `Gate` in front of one): its summary."""
    args = ReplayArgs(to=sandbox.base_url, tokens_file=tokens, landing_seconds=FAST.landing,
                      **flags)  # fmt: skip
    return replay_command(run_dir, args, lambda _line: None, today=today)


def _clean(sandbox, tokens: Path, run_dir: Path) -> None:
    args = ReplayArgs(to=sandbox.base_url, tokens_file=tokens, landing_seconds=FAST.landing)
    clean_command(run_dir, args, lambda _line: None, None, replay_ended_cleanly=True)


def _settings(run_dir: Path) -> tuple[object, object]:
    (folder,) = (run_dir / "targets").iterdir()
    stored = json.loads((folder / META).read_text())
    return stored["shift_dates"], stored["date_shift_days"]


def test_clean_lets_the_next_replay_choose_the_shift_afresh(
    template_run, make_sandbox, tmp_path, capsys
):
    run_dir = Path(shutil.copytree(template_run, tmp_path / "run"))
    shift = shift_to_today(read_manifest(run_dir).scenario, TODAY)
    sandbox, tokens = _sandbox_for(run_dir, make_sandbox, tmp_path)
    done = _replay(sandbox, tokens, run_dir, TODAY, shift_dates=True)
    assert not done.stopped and done.failed == 0, done.errors
    assert _settings(run_dir) == (True, shift)
    _clean(sandbox, tokens, run_dir)
    (folder,) = (run_dir / "targets").iterdir()
    assert not (folder / META).exists()  # set aside with the checkpoint

    # Shifted, cleaned, replayed without the flag: unshifted, and no note about a shift.
    done = _replay(sandbox, tokens, run_dir, TODAY)
    assert not done.stopped and done.applied + done.skipped == done.events, done.errors
    assert "--shift-dates" not in capsys.readouterr().err
    assert _settings(run_dir) == (False, 0)
    dates = _due_dates(run_dir, sandbox)
    assert dates and all(logged == got for logged, got in dates.values())

    # And the other way round: unshifted, cleaned, replayed with it: shifted.
    _clean(sandbox, tokens, run_dir)
    done = _replay(sandbox, tokens, run_dir, TODAY, shift_dates=True)
    assert not done.stopped and done.failed == 0, done.errors
    assert "--shift-dates" not in capsys.readouterr().err
    assert _settings(run_dir) == (True, shift)
    dates = _due_dates(run_dir, sandbox)
    assert all(got - logged == timedelta(days=shift) for logged, got in dates.values())


def test_a_run_in_the_year_3100_keeps_the_shift_its_first_run_chose(
    far_run, make_sandbox, tmp_path, capsys
):
    run_dir = Path(shutil.copytree(far_run, tmp_path / "run"))
    shift = shift_to_today(read_manifest(run_dir).scenario, TODAY)
    assert shift < -391_000  # further than the thousand years once taken for damage
    sandbox, tokens = _sandbox_for(run_dir, make_sandbox, tmp_path)
    first = _replay(sandbox, tokens, run_dir, TODAY, shift_dates=True)
    assert not first.stopped and first.failed == 0, first.errors
    assert _settings(run_dir) == (True, shift)
    again = _replay(sandbox, tokens, run_dir, TODAY + timedelta(days=1), shift_dates=True)
    assert again.already_done == again.events and again.applied == 0
    assert "damaged" not in capsys.readouterr().err
    dates = _due_dates(run_dir, sandbox)
    assert dates and all(got - logged == timedelta(days=shift) for logged, got in dates.values())
    assert all(got.year == TODAY.year for _, got in dates.values() if got <= TODAY)


def test_a_shift_no_run_could_need_is_refused_before_anything_is_stored(sandbox, tmp_path):
    target = _target(sandbox, MAX_SHIFT_DAYS + 1)
    try:
        with pytest.raises(InvalidInput, match="^--shift-dates: a shift of "):
            open_journal(tmp_path / "run", target, "asana", shift_dates=True)
    finally:
        target.client.close()
    assert not list((tmp_path / "run").glob("targets/*/" + META))


def test_a_stored_shift_of_zero_days_needs_no_note(template_run, make_sandbox, tmp_path, capsys):
    run_dir = Path(shutil.copytree(template_run, tmp_path / "run"))
    end = run_end(read_manifest(run_dir).scenario)  # as a backfill's: the run ends today
    sandbox, tokens = _sandbox_for(run_dir, make_sandbox, tmp_path)
    first = _replay(sandbox, tokens, run_dir, end, shift_dates=True)
    assert not first.stopped and _settings(run_dir) == (True, 0)
    again = _replay(sandbox, tokens, run_dir, end + timedelta(days=2))  # the resume command
    assert again.already_done == again.events
    assert "Note: --shift-dates" not in capsys.readouterr().err
    due = [e for e in events_of(run_dir) if isinstance(e, ev.TaskCreated) and e.due_on]
    assert due  # the run has due dates that a shift would move


def test_a_clean_with_nothing_to_delete_also_hands_the_choice_back(
    template_run, make_sandbox, tmp_path, capsys
):
    run_dir = Path(shutil.copytree(template_run, tmp_path / "run"))
    sandbox, tokens = _sandbox_for(run_dir, make_sandbox, tmp_path)
    containers = ("/projects", "/portfolios")
    creates = lambda method, path: method == "POST" and path.endswith(containers)  # noqa: E731
    with Gate(sandbox.root_url, creates) as gate:  # no project or portfolio is made
        first = _replay(gate, tokens, run_dir, TODAY, shift_dates=True)
        assert first.stopped and first.applied < first.events
        lines: list[str] = []
        args = ReplayArgs(to=gate.base_url, tokens_file=tokens, landing_seconds=FAST.landing)
        clean_command(run_dir, args, lines.append, None, replay_ended_cleanly=True)
        assert lines == ["Nothing to delete."]
        (folder,) = (run_dir / "targets").iterdir()
        assert not (folder / META).exists() and not (folder / "journal.jsonl").exists()
        gate.refusing = False
        done = _replay(gate, tokens, run_dir, TODAY)
    assert not done.stopped and done.failed == 0, done.errors
    assert _settings(run_dir) == (False, 0) and "--shift-dates" not in capsys.readouterr().err
