"""A live run's clock, kept in ``live.json`` next to its log: the time mapping, its quiet
windows, how far it got and where it ends (see `engine.live`). Read by the web's jobs and the
reports too; damage or a hand edit is named, never a traceback."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import msgspec

from engine.errors import BusyworkError
from engine.files import replace_json

LIVE = "live.json"
MAX_SIM_SECONDS = 1e12  # ~31,700 years: far past any run, well inside timedelta


class LiveState(msgspec.Struct, kw_only=True):
    speed: float
    anchor_wall: datetime
    anchor_sim: float
    forever: bool = False
    quiet: list[tuple[float, float]] = []
    reached_sim: float = 0.0  # how far the simulation got (a heartbeat)
    # Where a run of `--days N` ends: N simulated days after it started (None: the scenario's
    # horizon, as in live state written before this field existed).
    until_sim: float | None = None
    # N of a run of `--days N`. None: --forever, or live state written before this field, whose
    # manifest planned one day more than asked (see engine.live_plan._started_with).
    days: int | None = None

    def sim_at(self, wall: datetime) -> float:
        return self.anchor_sim + (wall - self.anchor_wall).total_seconds() * self.speed


def load_state(run_dir: Path) -> LiveState | None:
    """The live state of the run in `run_dir` (None: not a live run); damage is named."""
    path = run_dir / LIVE
    if not path.is_file():
        return None
    try:
        state = msgspec.json.decode(path.read_bytes(), type=LiveState)
    except msgspec.DecodeError as exc:
        raise BusyworkError(f"{path}: damaged live state: {exc}") from None
    problem = _state_problem(state)
    if problem:
        raise BusyworkError(f"{path}: damaged live state: {problem}")
    return state


def _state_problem(state: LiveState) -> str:
    """What is impossible in a decoded live state ("" when nothing): written by this module,
    so only damage or a hand edit gets here."""
    if not 0 < state.speed < math.inf:  # NaN fails too
        return f"speed {state.speed!r}; expected a positive finite number"
    sims = [("anchor_sim", state.anchor_sim), ("reached_sim", state.reached_sim)]
    if state.until_sim is not None:
        sims.append(("until_sim", state.until_sim))
    sims += [(f"quiet[{i}]", t) for i, window in enumerate(state.quiet) for t in window]
    for name, value in sims:
        if not 0 <= value <= MAX_SIM_SECONDS:  # NaN fails too
            return f"{name} {value!r}; expected 0 to {MAX_SIM_SECONDS:,.0f} simulated seconds"
    return ""


def save_state(run_dir: Path, state: LiveState) -> None:
    replace_json(run_dir / LIVE, state)
