"""The checkpoint of a run in a target, in ``<run>/targets/<target-id>/`` (`target_id`:
server and workspace, never a token): opening (and locking) it, keeping the date shift its
first run chose, and refusing one whose objects are gone from the target.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeGuard

from adapters.asana.client import ApiRejected
from adapters.asana.target import DEFAULT, AsanaTarget
from engine.errors import BusyworkError, InvalidInput
from engine.replay_journal import META, Journal
from engine.scenario_checks import FIRST_DAY

# The largest date shift a run can need: from its first possible day (scenario_checks) to the
# last day Python has. A stored shift beyond it could not have been written: damage.
MAX_SHIFT_DAYS = (date.max - FIRST_DAY).days


def target_folder(run_dir: Path, target: AsanaTarget) -> Path:
    return Path(run_dir) / "targets" / target.name


# Settings of a replay into one target that its first run chooses and every later run keeps.
KEPT_SETTINGS = ("shift_dates", "date_shift_days")


def open_journal(
    run_dir: Path,
    target: AsanaTarget,
    kind: str,
    *,
    shift_dates: bool | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Journal:
    """Open (and lock) the target's checkpoint. The date shift is the one the replay's first
    run into this target chose (`keep_date_shift`): `target` is set to it. `shift_dates`: whether
    this run asked to shift dates (None: whether `target` shifts them); `on_note(text)` is told
    when that differs from the first run's choice, which is kept."""
    shift = target.options.date_shift_days
    asked = bool(shift) if shift_dates is None else shift_dates
    if not _plausible_shift(shift):  # never store what the next run would call damage
        raise InvalidInput(f"--shift-dates: a shift of {shift:+,} days; expected at most "
                           f"{MAX_SHIFT_DAYS:,} days either way")  # fmt: skip
    meta = {"kind": kind, "base_url": target.client.base_url, "workspace": target.workspace,
            "run": Path(run_dir).name, "shift_dates": asked,
            "date_shift_days": shift}  # fmt: skip
    journal = Journal(target_folder(run_dir, target), meta, keep=KEPT_SETTINGS)
    try:
        note = keep_date_shift(target, journal, asked, shift)
        check_fresh(target, journal)
    except BaseException:
        journal.close()
        raise
    if note and on_note is not None:
        on_note(note)
    return journal


def _plausible_shift(days: object) -> TypeGuard[int]:
    return type(days) is int and abs(days) <= MAX_SHIFT_DAYS


def keep_date_shift(target: AsanaTarget, journal: Journal, asked: bool, asked_days: int) -> str:
    """Give `target` the date shift stored with the checkpoint (the first run's, so that every
    due and start date of the workspace comes from one shift, whatever day a later run is on);
    a note when this run asked otherwise (`asked`, which would shift by `asked_days`) and that
    changes its dates ("" when not: e.g. a backfill's shift of 0 days)."""
    stored, days = journal.meta.get("shift_dates"), journal.meta.get("date_shift_days")
    if not isinstance(stored, bool) or not _plausible_shift(days):
        raise BusyworkError(
            f"{journal.folder / META}: damaged replay settings: shift_dates {stored!r}, "
            f"date_shift_days {days!r}; expected true or false, and a whole number of days "
            f"from -{MAX_SHIFT_DAYS:,} to {MAX_SHIFT_DAYS:,}"
        )
    if days != target.options.date_shift_days:
        target.options = dataclasses.replace(target.options, date_shift_days=days)
    if stored == asked or days == asked_days:
        return ""
    if stored:
        return (f"--shift-dates: this replay into {target.name} started with it, so its due and "
                f"start dates keep that shift ({days:+,} days) on every run; to replay them "
                "unshifted, `busywork clean` the run and replay it again")  # fmt: skip
    return (f"--shift-dates: not applied: this replay into {target.name} started without it, so "
            "its due and start dates stay as simulated on every run; to shift them, `busywork "
            "clean` the run and replay it again with --shift-dates")  # fmt: skip


def check_fresh(target: AsanaTarget, journal: Journal) -> None:
    """Refuse a checkpoint whose objects are gone (a workspace reset, a restarted in-memory
    sandbox): resuming from it would skip events whose objects no longer exist."""
    project = next(
        ((s, g) for _, s, g in journal.created if s[:1] == "p" and s[1:].isdigit() and g), None
    )  # projects only: portfolios (pf…) are not on every plan
    if project is None:
        return
    client = target.client
    key = DEFAULT if client.has(DEFAULT) else next(k for k in client.keys if client.has(k))
    try:
        client.get(key, f"/projects/{project[1]}", {"opt_fields": "name"})
    except ApiRejected as exc:
        if exc.status == 404:
            raise BusyworkError(
                f"{journal.folder}: project {project[0]} (gid {project[1]}) is gone from the "
                "target, so this checkpoint is stale; run `busywork clean` or delete the folder"
            ) from None
        raise
