"""``busywork clean``: delete what a run created in a target, from its id map.

Deleting a task deletes its comments and subtasks, deleting a project its sections and status
updates, deleting a portfolio its status updates; so only status updates, out-of-office
entries, tasks, portfolios and projects are deleted explicitly, kind by kind in that order and
newest first within a kind (subtasks before their parents). Portfolios go before projects:
Asana deletes a portfolio that still holds projects and leaves the projects alone, and this
way no portfolio is ever left listing projects already gone. A run on a plan without
portfolios (402) created none, so there are none to delete. Custom fields, tags and teams stay
on purpose: they are shared by name and reused by later runs into the same workspace.

Each object is deleted with its creator's token when there is one, else the default token
(also the fallback on a 403). A 404 counts as already deleted. When everything is gone (or
there was nothing to delete) the checkpoint is set aside (``journal.cleaned-<time>.jsonl``,
with its settings as ``target.cleaned-<time>.json``), so a later replay starts afresh, choosing
its settings (the date shift) anew, and a second clean says the run was already cleaned.

Creates a killed replay left in doubt (*intents*) are settled first: see ``clean_settle``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.asana.clean_deletes import KINDS, Deletion, delete_all, kind_of
from adapters.asana.clean_settle import LOCATABLE, LogFacts, settle
from adapters.asana.client import AsanaClient
from adapters.asana.replay_cli import ReplayArgs
from adapters.asana.replay_destination import base_url_for, connect, tokens_for
from adapters.asana.target import AsanaTarget
from engine import events as ev
from engine.errors import BusyworkError, InvalidInput
from engine.log import FileLog
from engine.replay_journal import JOURNAL, META, Journal
from engine.replay_outcomes import TargetSilence
from engine.replay_snapshot import SNAPSHOT

if TYPE_CHECKING:
    from adapters.interrupts import StopSignals

KEPT = "Custom fields, tags and teams are left in place: they are shared and later runs reuse them."
CLEANED = "journal.cleaned-"
CLEANED_META = "target.cleaned-"


class CleanStopped(BusyworkError):
    """Clean stopped before deleting everything: the target stopped answering (exit 1) or a
    Ctrl-C/SIGTERM came (exit 130). The checkpoint is kept: the same command finishes it."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def clean_command(
    run_dir: Path,
    args: ReplayArgs,
    echo: Callable[[str], None],
    confirm: Callable[[str], bool] | None,
    *,
    replay_ended_cleanly: bool = False,
    signals: StopSignals | None = None,
    status: bool = False,
) -> int:
    """Delete what `run_dir` created in the target; the number of objects now gone.
    `replay_ended_cleanly`: the caller saw the last replay end (not killed), so nothing it sent
    can still land and uncertain creates need no wait (e.g. a job stopped before its clean).
    `signals`: the command's (Ctrl-C/SIGTERM stop the deletes: `CleanStopped`, exit 130).
    `status`: show progress on stderr (a status line on a terminal, else a line now and then).
    A target that stopped answering stops it too (`CleanStopped`, exit 1); either way the
    checkpoint is kept and the same command finishes the clean."""
    if args.to == "sandbox":
        raise InvalidInput(  # sandbox is --to's default, so a bare `clean RUN` comes here
            "--to sandbox (the default): an in-process sandbox ends with its replay, and what "
            "the run created there with it, so there is nothing to clean; expected the URL of "
            "a sandbox you serve (such as --to http://127.0.0.1:8765/api/1.0) or --to asana"
        )
    target = connect(base_url_for(args.to), tokens_for(args.destination()), args.destination())
    try:
        return _clean(Path(run_dir), target, echo, confirm, not replay_ended_cleanly,
                      signals=signals, status=status)  # fmt: skip
    finally:
        target.client.close()


def _clean(
    run_dir: Path,
    target: AsanaTarget,
    echo: Callable[[str], None],
    confirm: Callable[[str], bool] | None,
    wait_for_landings: bool = True,
    *,
    signals: StopSignals | None = None,
    status: bool = False,
    silence: TargetSilence | None = TargetSilence(),  # noqa: B008 (frozen)
) -> int:
    folder = run_dir / "targets" / target.name
    if not (folder / JOURNAL).is_file():
        cleaned = sorted(folder.glob(f"{CLEANED}*.jsonl"))
        if cleaned:
            echo(f"Already cleaned: nothing left to delete in {target.name} "
                 f"(checkpoint set aside as {cleaned[-1].name}).")  # fmt: skip
            return 0
        raise InvalidInput(f"{run_dir}: nothing was replayed into {target.name} (no {folder})")
    # Requests of a dead replay may still land until `landing` after its last sign of life.
    last_write = (folder / JOURNAL).stat().st_mtime if wait_for_landings else 0.0
    with Journal(folder) as journal:
        facts = _read_log(run_dir, target, journal)
        target.actors.verify_tokens()
        found = settle(target, journal.ids, facts, last_write, echo)
        applied = [(seq, s, g, k) for seq, s, g in reversed(journal.created)
                   if g and (k := kind_of(s)) is not None]  # fmt: skip
        doomed = sorted(applied + found, key=lambda item: item[3])  # newest first per kind
        if not doomed:
            echo("Nothing to delete.")
            _set_aside(folder)  # nothing of it is left in the target: the next replay starts afresh
            return 0
        if found:
            echo(f"Found {len(found)} objects the interrupted replay created without recording "
                 "them; they are deleted too.")  # fmt: skip
        if confirm is not None and not sys.stdin.isatty():
            raise InvalidInput(
                f"clean: deleting {len(doomed)} objects needs a confirmation and there is no "
                "terminal to ask at; pass --yes to delete without asking"
            )
        if confirm is not None and not confirm(
            f"Delete {len(doomed)} objects this run created in {target.name}?"
        ):
            echo("Nothing deleted.")
            return 0
        state = _run_deletes(run_dir, target.client, doomed, facts.actors, signals=signals,
                             status=status, silence=silence)  # fmt: skip
    echo(_summary(state.deleted, state.gone, state.failed))
    for line in state.failed[:10]:
        echo(f"  {line}")
    if state.stopped:  # the checkpoint is kept: the same command deletes the rest
        code = 130 if state.stopped == "interrupted" else 1
        raise CleanStopped(f"Stopped early: {state.stopped}; {state.not_deleted:,} objects were "
                           "not deleted. Run the same command again to resume.", code)  # fmt: skip
    if state.failed:
        raise BusyworkError(f"clean: {len(state.failed)} objects could not be deleted; "
                            "run it again")  # fmt: skip
    echo(KEPT)
    _set_aside(folder)
    return state.done


def _run_deletes(
    run_dir: Path, client: AsanaClient, doomed, actors: dict[int, str], *,
    signals: StopSignals | None, status: bool, silence: TargetSilence | None,
) -> Deletion:  # fmt: skip
    """`_delete_all` in the background (a status line or a line now and then on stderr, with
    `status`), stopped by Ctrl-C/SIGTERM through `signals` (the delete in flight finishes)."""
    from adapters.asana.replay_status import in_background

    def note(text: str) -> None:
        if status:
            print(f"clean {run_dir.name}: {text}", file=sys.stderr, flush=True)

    return in_background(
        lambda stop, on_start: delete_all(
            client, doomed, actors, stop=stop, silence=silence, on_start=on_start, note=note
        ),  # fmt: skip
        progress=status and sys.stderr.isatty(),
        lines=status,
        label=f"clean {run_dir.name}",
        signals=signals,
        stop=client.stop,  # a stop ends the client's waits (backoff, rate limit) at once
    )


def _set_aside(folder: Path) -> None:
    """Move the checkpoint and its settings out of the way: a later replay into this target
    starts afresh and chooses its settings (the date shift) anew."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    os.replace(folder / JOURNAL, folder / f"{CLEANED}{stamp}.jsonl")
    if (folder / SNAPSHOT).is_file():  # after the journal: see remove_stale_snapshot
        os.replace(folder / SNAPSHOT, folder / f"{CLEANED}{stamp}.snapshot.json")
    if (folder / META).is_file():
        os.replace(folder / META, folder / f"{CLEANED_META}{stamp}.json")


def _summary(deleted: list[int], gone: int, failed: list[str]) -> str:
    parts = [f"{n} {KINDS[k][2]}" for k, n in enumerate(deleted) if n]
    text = f"Deleted {sum(deleted)} objects" + (f" ({', '.join(parts)})" if parts else "")
    if gone:
        text += f"; {gone} already deleted"
    return text + (f"; {len(failed)} failed:" if failed else ".")


def _read_log(run_dir: Path, target: AsanaTarget, journal: Journal) -> LogFacts:
    """Who created what clean deletes (the target learns everyone's email too), and the
    uncertain creates."""
    wanted = {seq for seq, s, g in journal.created if g and kind_of(s) is not None}
    emails: dict[str, str] = {}
    facts = LogFacts()
    for event in FileLog.open_readonly(run_dir).read():
        target.observe(event)
        if isinstance(event, ev.PersonJoined):
            emails[event.person] = event.email.lower()
        uncertain = isinstance(event, LOCATABLE) and journal.uncertain(event.seq)
        if uncertain:
            facts.uncertain.append(event)
        if uncertain or event.seq in wanted:
            facts.actors[event.seq] = emails.get(event.actor, "")
    return facts
