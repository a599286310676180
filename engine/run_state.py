"""How far a run on disk got, as its readers and its resume tell the user.

A run whose manifest is not "complete" is still being written, or was stopped before its end:
figures over it cover only what is written (`unfinished_note`). A complete run's log ends at
its last event; bytes after that without a newline (a torn line: a copy cut short, a stray
write) are left out by every reader, and said (`torn_tail_note`); `simulate --resume` on such
a run cuts them and has nothing else to do (`already_complete`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import msgspec

from engine.errors import command_line
from engine.live_state import LIVE
from engine.log import FileLog
from engine.log_segments import last_line, list_segments
from engine.run import Manifest, Summary

COMPLETE = "complete"


class _TypeOnly(msgspec.Struct):
    type: str


_TYPE_DECODER = msgspec.json.Decoder(_TypeOnly)


def finish_command(run_dir: Path) -> str:
    """How to go on with an unfinished run: a live run with `busywork live` (its clock is the
    wall's, so `simulate --resume` cannot), any other with `simulate --resume`."""
    if (Path(run_dir) / LIVE).is_file():
        return f"`{command_line('live', '--run', run_dir)}` (with its --to)"
    return f"`{command_line('simulate', '--resume', run_dir)}`"


def unfinished_note(run_dir: Path, status: object) -> str | None:
    """What to say of figures over a run that is not complete (None when it is)."""
    if status == COMPLETE:
        return None
    return (
        f"{run_dir}: the run is not finished (status {status!r}: still being written, or "
        f"stopped before its end), so this covers only the events written so far; go on "
        f"with {finish_command(run_dir)}"
    )


def torn_tail_note(run_dir: Path, status: object) -> str | None:
    """What to say of a complete run whose last segment ends in bytes without a newline (None
    when it does not). A run being written may end so at any moment: nothing to say then."""
    if status != COMPLETE:
        return None
    segments = list_segments(Path(run_dir) / "events")
    if not segments:
        return None
    path = segments[-1][1]
    _line, _start, rest = last_line(path)
    if not rest:
        return None
    return (
        f"{path}: a torn last line ({len(rest):,} byte{'' if len(rest) == 1 else 's'} "
        "without a newline) after the run's "
        f"last event is left out; `{command_line('simulate', '--resume', run_dir)}` cuts it"
    )


def already_complete(
    run_dir: Path, manifest: Manifest, on_note: Callable[[str], None]
) -> Summary | None:
    """The summary of a complete run whose log holds every event its manifest counts, after
    cutting a torn last line (told to `on_note`), as a writer's open does; None when there is
    something to simulate (the run is not complete, or its log lost events at its end)."""
    if manifest.status != COMPLETE:
        return None
    started = time.perf_counter()
    with FileLog(run_dir) as log:
        if log.repaired is not None:
            on_note(log.repaired)
        if log.last_seq != manifest.events:
            return None
        counts = Counter(_TYPE_DECODER.decode(line).type for line in log.read_lines())
    return Summary(
        run_dir=str(run_dir),
        run_id=manifest.run_id,
        events=manifest.events,
        first_at=manifest.first_at,
        last_at=manifest.last_at,
        wall_seconds=round(time.perf_counter() - started, 3),
        events_per_second=0.0,
        resumed_from=manifest.events,
        counts=dict(sorted(counts.items())),
    )
