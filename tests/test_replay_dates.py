"""`--shift-dates` (and `backfill`, which always shifts) keeps the shift of the replay's first run
into a target: a run resumed, or sent again with `--retry-failed`, on a later day shifts due and
start dates as the first did, so the workspace's dates come from one shift. A later run that
asks otherwise follows the stored choice and says so in one note.

The replays run in-process (`replay_command`, which takes the day as `today`) against the real
sandbox, behind a gate that refuses every task create on the first run, so the tasks (and their
due dates) are sent by the second run, days later.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, timedelta
from pathlib import Path

import pytest

from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_cli import ReplayArgs, replay_command
from adapters.asana.replay_destination import Destination, connect
from engine import events as ev
from engine.backfill import shift_to_today
from engine.errors import BusyworkError, LogCorrupted
from engine.replay_journal import META, Journal
from engine.run import read_manifest
from tests.replay_checks import (
    FAST,
    Gate,
    events_of,
    make_run,
    run_people,
    tokens_of,
    write_tokens_file,
)

FIRST_DAY = date(2026, 3, 2)
LATER_DAY = FIRST_DAY + timedelta(days=3)  # the day the replay is resumed


def _task_creates(method: str, path: str) -> bool:
    return method == "POST" and path.endswith("/tasks")


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=2)


@pytest.fixture
def setup(run_dir, make_sandbox, tmp_path):
    """A sandbox with the run's people, their tokens file and a gate refusing task creates."""
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    with Gate(sandbox.root_url, _task_creates) as gate:
        yield sandbox, tokens, gate


def _replay(gate: Gate, tokens: Path, run_dir: Path, today: date, **flags):
    """One `busywork replay` into the gate on `today`: (summary, lines it printed)."""
    lines: list[str] = []
    args = ReplayArgs(to=gate.base_url, tokens_file=tokens, landing_seconds=FAST.landing, **flags)
    return replay_command(run_dir, args, lines.append, today=today), lines


def _settings(run_dir: Path) -> dict:
    (folder,) = (run_dir / "targets").iterdir()
    return json.loads((folder / META).read_text())


def _due_dates(run_dir: Path, sandbox) -> dict[str, tuple[date, date]]:
    """Each task's last due date in the log, and in the sandbox (task id → (log, sandbox))."""
    due: dict[str, date] = {}
    for e in events_of(run_dir):
        if isinstance(e, ev.TaskCreated | ev.DueDateChanged) and e.due_on is not None:
            due[e.task] = e.due_on
    (folder,) = (run_dir / "targets").iterdir()
    with Journal(folder) as journal:
        gids = {task: journal.ids.get(task) for task in due}
    found = {task: sandbox.store.get("task", gid) for task, gid in gids.items()}
    return {task: (due[task], date.fromisoformat(found[task].due_on)) for task in due}


def test_a_replay_resumed_on_a_later_day_keeps_the_first_runs_shift(run_dir, setup, capsys):
    sandbox, tokens, gate = setup
    shift = shift_to_today(read_manifest(run_dir).scenario, FIRST_DAY)
    first, _ = _replay(gate, tokens, run_dir, FIRST_DAY, shift_dates=True)
    assert first.stopped and first.failed, first  # every task create was refused
    assert _settings(run_dir)["shift_dates"] is True
    assert _settings(run_dir)["date_shift_days"] == shift

    gate.refusing = False
    done, _ = _replay(gate, tokens, run_dir, LATER_DAY, shift_dates=True, retry_failed=True)
    assert not done.stopped and done.failed == done.parked == 0, done.errors
    dates = _due_dates(run_dir, sandbox)
    assert len(dates) > 10  # the tasks with due dates were all sent by this later run
    assert {task: got - logged for task, (logged, got) in dates.items()} == dict.fromkeys(
        dates, timedelta(days=shift)
    )  # not the later day's shift, which is 3 days more
    assert "Note: --shift-dates" not in capsys.readouterr().err  # asked as it started

    # Without the flag, the shift stays (one note says so), and nothing is sent twice.
    again, _ = _replay(gate, tokens, run_dir, LATER_DAY)
    err = capsys.readouterr().err
    assert err.count("Note: --shift-dates: this replay into ") == 1, err
    assert f"started with it, so its due and start dates keep that shift (+{shift} days)" in err
    assert again.applied == 0 and again.already_done == again.events
    assert _settings(run_dir)["date_shift_days"] == shift


def test_a_replay_started_unshifted_stays_unshifted(run_dir, setup, capsys):
    sandbox, tokens, gate = setup
    first, _ = _replay(gate, tokens, run_dir, FIRST_DAY)
    assert first.stopped and _settings(run_dir)["shift_dates"] is False
    gate.refusing = False
    done, _ = _replay(gate, tokens, run_dir, LATER_DAY, shift_dates=True, retry_failed=True)
    assert not done.stopped and done.failed == 0, done.errors
    err = capsys.readouterr().err
    assert err.count("Note: --shift-dates: not applied: this replay into ") == 1, err
    assert "started without it, so its due and start dates stay as simulated" in err
    dates = _due_dates(run_dir, sandbox)
    assert dates and all(logged == got for logged, got in dates.values())
    assert (_settings(run_dir)["shift_dates"], _settings(run_dir)["date_shift_days"]) == (False, 0)


# -- the settings file: older checkpoints, damage --------------------------------------------------


def _target(sandbox, shift: int):
    tokens = tokens_of([], sandbox.admin_token)
    return connect(sandbox.base_url, tokens, Destination(backoff=FAST), date_shift_days=shift)


def test_an_older_checkpoint_keeps_the_shift_of_its_next_run(sandbox, tmp_path):
    target = _target(sandbox, 5)
    folder = tmp_path / "run" / "targets" / target.name
    folder.mkdir(parents=True)
    old = {"kind": "asana", "base_url": sandbox.base_url, "workspace": target.workspace,
           "run": "run"}  # fmt: skip
    (folder / META).write_text(json.dumps(old))  # as written before the shift was kept
    (folder / "journal.jsonl").write_text('{"k":"A","seq":1,"ids":{"u1":"g1"}}\n')
    try:
        open_journal(tmp_path / "run", target, "asana").close()
        assert target.options.date_shift_days == 5
        later = _target(sandbox, 8)  # the next day's run: the one before it chose 5
        try:
            open_journal(tmp_path / "run", later, "asana").close()
            assert later.options.date_shift_days == 5
        finally:
            later.client.close()
    finally:
        target.client.close()
    stored = json.loads((folder / META).read_text())
    assert stored == {**old, "shift_dates": True, "date_shift_days": 5}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"shift_dates": true, "date_shift_days": "3"}', "date_shift_days '3'"),
        ('{"shift_dates": "yes", "date_shift_days": 3}', "shift_dates 'yes'"),
        ('{"shift_dates": true, "date_shift_days": 1e9}', "date_shift_days 1000000000.0"),
    ],
)
def test_damaged_shift_settings_are_named_not_guessed(sandbox, tmp_path, text, expected):
    target = _target(sandbox, 2)
    folder = tmp_path / "run" / "targets" / target.name
    folder.mkdir(parents=True)
    (folder / META).write_text(text)
    (folder / "journal.jsonl").write_text('{"k":"A","seq":1,"ids":{"u1":"g1"}}\n')  # kept
    try:
        with pytest.raises(BusyworkError, match=f"{META}: damaged replay settings: .*{expected}"):
            open_journal(tmp_path / "run", target, "asana")
    finally:
        target.client.close()
    with Journal(folder):  # the refused open left the checkpoint unlocked
        pass


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_an_unreadable_settings_file_is_named(tmp_path, text):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / META).write_text(text)
    with pytest.raises(LogCorrupted, match=f"{folder / META}: damaged replay settings: "):
        Journal(folder, {"kind": "test"}, keep=("shift_dates",))
