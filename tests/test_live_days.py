"""How a live run plans its days: every `days` a scenario allows runs live (and one past it is
refused as `simulate` refuses it), a run ends at the same local time N days after it started
(past its scenario's last day, across a DST change), and a run planned before live.json
recorded its days resumes as it started."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import pytest

from engine.calendar import origin_of
from engine.content.templates import TemplateSource
from engine.errors import InvalidInput
from engine.live import LIVE, LiveState, load_state, prepare_live, run_live
from engine.log import FileLog
from engine.run import read_manifest, write_manifest
from engine.scenario import default_scenario, resolve
from tests.runner import BUSYWORK, busywork

MONDAY_8AM_LA = datetime(2026, 1, 5, 16, 0, tzinfo=UTC)
LA = ZoneInfo("America/Los_Angeles")
MOST_DAYS = 3660  # the most `days` a scenario allows


def a_scenario(days: int = 1):
    return resolve(msgspec.structs.replace(default_scenario(), days=days))


def test_a_live_run_lasts_the_most_days_a_scenario_allows(tmp_path):
    """It once planned a scenario of N + 1 days, refused for N = 3660 ("days: 3661 is out of
    range"): the extra day is the end of `until_sim`, not the scenario's."""
    manifest, state, note = prepare_live(tmp_path / "live", a_scenario(), TemplateSource(),
                                         days=MOST_DAYS, forever=False, speed=1.0,
                                         now=MONDAY_8AM_LA)  # fmt: skip
    assert note.startswith("Started") and manifest.scenario.days == MOST_DAYS
    end = MONDAY_8AM_LA.astimezone(LA) + timedelta(days=MOST_DAYS)  # PST both
    assert origin_of(manifest.scenario) + timedelta(seconds=state.until_sim) == end
    assert state.days == MOST_DAYS and load_state(tmp_path / "live").days == MOST_DAYS


def test_a_live_day_runs_past_its_scenarios_last_day(tmp_path):
    """A day from Monday 08:00 in Los Angeles ends Tuesday 08:00: the New York half of the team
    works from Tuesday 06:00 Los Angeles time, after the scenario's one day."""
    run_dir = tmp_path / "live"
    manifest, state, _ = prepare_live(run_dir, a_scenario(), TemplateSource(), days=1,
                                      forever=False, speed=2e6, now=MONDAY_8AM_LA)  # fmt: skip
    assert manifest.scenario.days == 1
    run_live(run_dir, manifest, state, TemplateSource(), stop=threading.Event())
    stamps = [e.at for e in FileLog.open_readonly(run_dir).read()]
    tuesday = origin_of(manifest.scenario) + timedelta(days=1)
    assert any(at >= tuesday for at in stamps), stamps[-1]
    assert stamps[-1] < MONDAY_8AM_LA + timedelta(days=1)
    assert read_manifest(run_dir).status == "complete"


@pytest.mark.parametrize(
    ("local_start", "local_end"),
    [  # US clocks go forward on 8 March 2026 and back on 1 November 2026.
        (datetime(2026, 3, 6, 10, 0), datetime(2026, 3, 13, 10, 0)),
        (datetime(2026, 10, 30, 10, 0), datetime(2026, 11, 6, 10, 0)),
    ],
)
def test_a_live_week_across_a_dst_change_ends_at_the_time_it_started(
    tmp_path, local_start, local_end
):
    """Seven days from Friday 10:00 end next Friday at 10:00, not 09:00 or 11:00: a day with a
    DST change has 23 or 25 hours."""
    now = local_start.replace(tzinfo=LA).astimezone(UTC)
    manifest, state, _ = prepare_live(tmp_path / "live", a_scenario(), TemplateSource(), days=7,
                                      forever=False, speed=1.0, now=now)  # fmt: skip
    end = origin_of(manifest.scenario) + timedelta(seconds=state.until_sim)
    assert end.astimezone(LA).replace(tzinfo=None) == local_end


def test_a_live_run_planned_before_live_json_held_its_days_resumes_as_it_started(tmp_path):
    """Its manifest planned one day more than asked and its live.json has no `days`: it still
    resumes with the --days it started with, and runs to its end."""
    run_dir = tmp_path / "live"
    manifest, state, _ = prepare_live(run_dir, a_scenario(), TemplateSource(), days=1,
                                      forever=False, speed=2e6, now=MONDAY_8AM_LA)  # fmt: skip
    manifest.scenario = msgspec.structs.replace(manifest.scenario, days=2)
    write_manifest(run_dir, manifest)
    raw = msgspec.json.decode((run_dir / LIVE).read_bytes())
    del raw["days"]
    (run_dir / LIVE).write_bytes(msgspec.json.encode(raw))
    later = MONDAY_8AM_LA + timedelta(seconds=1)
    with pytest.raises(InvalidInput, match="--days 2: .* a live run started with --days 1; "):
        prepare_live(run_dir, a_scenario(), TemplateSource(), days=2, forever=False, speed=2e6,
                     now=later)  # fmt: skip
    manifest, state, note = prepare_live(run_dir, a_scenario(), TemplateSource(), days=1,
                                         forever=False, speed=2e6, now=later)  # fmt: skip
    assert note.startswith("Resumed") and state.days is None
    run_live(run_dir, manifest, state, TemplateSource(), stop=threading.Event())
    assert read_manifest(run_dir).status == "complete"


# -- the command line ----------------------------------------------------------------------------


def _live_until_running(args: list[str], run_dir: Path, cwd: Path) -> LiveState:
    """Start `busywork live ARGS` into the in-process sandbox, stop it (SIGTERM) once its clock
    ticks, and return its live state."""
    proc = subprocess.Popen(
        [BUSYWORK, "live", *args, "--to", "sandbox", "--speed", "0.01", "--json", "--run",
         str(run_dir)], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while (state := _ticking(run_dir)) is None:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"never ran: {proc.communicate()}")
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and '"stopped":"interrupted"' in out, (out, err)
    return state


def _ticking(run_dir: Path) -> LiveState | None:
    try:
        state = load_state(run_dir)
    except Exception:  # being replaced  # noqa: BLE001
        return None
    return state if state is not None and state.reached_sim != state.anchor_sim else None


@pytest.mark.parametrize("where", ["--days", "file"])
def test_live_runs_the_most_days_a_scenario_allows_from_the_command_line(tmp_path, where):
    (tmp_path / "team.toml").write_text(f"days = {MOST_DAYS}\n" if where == "file" else "")
    days = ["--days", str(MOST_DAYS)] if where == "--days" else []
    state = _live_until_running(["team.toml", *days], tmp_path / "live", tmp_path)
    manifest = read_manifest(tmp_path / "live")
    assert manifest.scenario.days == MOST_DAYS and state.days == MOST_DAYS
    origin = origin_of(manifest.scenario)
    (_, began), *_ = state.quiet
    zone = ZoneInfo(manifest.scenario.timezone)
    start = (origin + timedelta(seconds=began)).astimezone(zone)
    end = (origin + timedelta(seconds=state.until_sim)).astimezone(zone)
    assert (end.date() - start.date()).days == MOST_DAYS
    assert end.replace(tzinfo=None) == start.replace(tzinfo=None) + timedelta(days=MOST_DAYS)


@pytest.mark.parametrize(
    ("toml", "args", "error"),
    [
        (
            "",
            ["--days", "3661"],
            "Error: --days: 3661 is out of range; expected a whole number from 1 to",
        ),
        (f"days = {MOST_DAYS + 1}\n", [], "team.toml: days: 3661 is out of range; expected 1 to"),
    ],
)
def test_live_refuses_days_past_the_most_as_simulate_does(tmp_path, toml, args, error):
    (tmp_path / "team.toml").write_text(toml)
    said = {}
    for command in ("simulate", "live"):
        result = busywork(command, "team.toml", *args, cwd=tmp_path, check=False)
        assert result.returncode == 2, result
        said[command] = result.stderr.splitlines()[-1]
    assert error in said["live"] and said["live"] == said["simulate"]
    assert not (tmp_path / "replays").exists()


def test_a_run_for_ever_in_a_country_of_known_years_says_how_long_a_run_fits(tmp_path):
    """The holidays package knows a country's holidays for some years only. A run for ever
    starts today, so "choose a start in those years" (the advice for `simulate`) made no sense
    for it: it is told how many days fit instead."""
    import holidays

    last_known = holidays.country_holidays("LK").end_year
    now = datetime(last_known, 11, 30, 12, tzinfo=UTC)
    holidays_lk = msgspec.structs.replace(default_scenario().holidays, country="LK")
    scenario = msgspec.structs.replace(default_scenario(), holidays=holidays_lk)
    with pytest.raises(InvalidInput) as refused:
        prepare_live(tmp_path / "live", scenario, TemplateSource(), days=None, forever=True,
                     speed=1.0, now=now)  # fmt: skip
    message = str(refused.value)
    assert message.startswith("holidays.country: 'LK': the holidays package knows"), message
    assert "a run of --days 32 or fewer ends within them" in message, message
    assert "choose a start" not in message, message
    assert not (tmp_path / "live").exists()  # refused before anything is written
    fits = prepare_live(tmp_path / "live", scenario, TemplateSource(), days=32, forever=False,
                        speed=1.0, now=now)  # fmt: skip
    assert fits[0].scenario.days == 32
