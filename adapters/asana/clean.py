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

A replay that was killed (or stopped mid-create) leaves *intents*: creates that may or may not
have happened. Clean settles them as the replay's reconciliation would, by looking the object
up in its container by name (status updates by title and text, out-of-office entries by person
and length), taking only one the run made (`target_adopt`: not owned by another of its events,
made after the intent by the user the run acted as), and deletes what it finds. A
request the dead replay sent may still take effect for a while (`Backoff.landing`): what is not
found is looked for again once that long has passed since the checkpoint's last write. When it
cannot tell (the target does not answer, no token can look), it deletes nothing, keeps the
checkpoint and says to resume the replay first. Residual risk: a retry the dead replay sent
well after its last checkpoint write, landing after that wait, would be left behind.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.asana.clean_deletes import KINDS, Deletion, delete_all
from adapters.asana.client import (
    ApiRejected,
    AsanaClient,
    TokenInvalid,
    Unavailable,
)
from adapters.asana.replay_cli import ReplayArgs
from adapters.asana.replay_destination import base_url_for, connect, tokens_for
from adapters.asana.target import DEFAULT, AsanaTarget
from adapters.asana.target_adopt import Window, adoptable, call_span
from engine import events as ev
from engine.errors import BusyworkError, InvalidInput
from engine.log import FileLog
from engine.replay_deps import ooo_id
from engine.replay_ids import IdMap
from engine.replay_journal import JOURNAL, META, Journal
from engine.replay_outcomes import TargetSilence

if TYPE_CHECKING:
    from adapters.interrupts import StopSignals

KEPT = "Custom fields, tags and teams are left in place: they are shared and later runs reuse them."
CLEANED = "journal.cleaned-"
CLEANED_META = "target.cleaned-"
# Creates whose object clean deletes (the rest go with their parent, or are kept on purpose).
LOCATABLE = (ev.ProjectCreated, ev.TaskCreated, ev.StatusUpdatePosted, ev.PortfolioStatusPosted,
             ev.PortfolioCreated, ev.PersonWentOutOfOffice)  # fmt: skip
NOT_THERE = (402, 403, 404)  # a container gone, or a feature not on this plan: nothing to find


class Undecidable(BusyworkError):
    """Whether an uncertain create happened cannot be told now."""


class CleanStopped(BusyworkError):
    """Clean stopped before deleting everything: the target stopped answering (exit 1) or a
    Ctrl-C/SIGTERM came (exit 130). The checkpoint is kept: the same command finishes it."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class _LogFacts:
    actors: dict[int, str] = field(default_factory=dict)  # seq → email of its actor
    uncertain: list[ev.Event] = field(default_factory=list)  # creates with an intent only


def _kind_of(sim_id: str) -> int | None:
    """The index in KINDS of what `sim_id` names, or None for what clean leaves alone."""
    for index, (prefix, _, _) in enumerate(KINDS):
        if sim_id.startswith(prefix) and sim_id[len(prefix) : len(prefix) + 1].isdigit():
            return index
    return None


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
        raise InvalidInput("--to sandbox: an in-process sandbox is gone after its replay; "
                           "give the URL or asana")  # fmt: skip
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
        target.verify_tokens()
        found = _settle(target, journal.ids, facts, last_write, echo)
        applied = [(seq, s, g, k) for seq, s, g in reversed(journal.created)
                   if g and (k := _kind_of(s)) is not None]  # fmt: skip
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
    if (folder / META).is_file():
        os.replace(folder / META, folder / f"{CLEANED_META}{stamp}.json")


def _summary(deleted: list[int], gone: int, failed: list[str]) -> str:
    parts = [f"{n} {KINDS[k][2]}" for k, n in enumerate(deleted) if n]
    text = f"Deleted {sum(deleted)} objects" + (f" ({', '.join(parts)})" if parts else "")
    if gone:
        text += f"; {gone} already deleted"
    return text + (f"; {len(failed)} failed:" if failed else ".")


def _read_log(run_dir: Path, target: AsanaTarget, journal: Journal) -> _LogFacts:
    """Who created what clean deletes (the target learns everyone's email too), and the
    uncertain creates."""
    wanted = {seq for seq, s, g in journal.created if g and _kind_of(s) is not None}
    emails: dict[str, str] = {}
    facts = _LogFacts()
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


def _settle(
    target: AsanaTarget, ids: IdMap, facts: _LogFacts, last_write: float, echo
) -> list[tuple[int, str, str, int]]:
    """The uncertain creates that happened after all, as (seq, sim id, gid, kind); refuses
    (deleting nothing) when that cannot be told for one of them. What is not there yet may
    still land if the replay stopped recently: looked for again once it no longer can."""
    claimed: set[str] = set()
    found: list[tuple[int, str, str, int]] = []
    problems: list[str] = []

    def look(events: list[ev.Event]) -> list[ev.Event]:
        missing = []
        for event in events:
            try:
                hit = _locate(target, ids, claimed, event, facts.actors.get(event.seq, ""))
            except (Undecidable, Unavailable, ApiRejected, TokenInvalid) as exc:
                problems.append(f"seq {event.seq} ({type(event).__name__}): {exc}")
                continue
            if hit is None:
                missing.append(event)
            else:
                claimed.add(hit[1])
                found.append((event.seq, *hit, _kind_of(hit[0])))  # type: ignore[arg-type]
        return missing

    missing = look(list(reversed(facts.uncertain)))  # newest first, as the rest
    age = time.time() - last_write
    wait = target.client.backoff.landing - age
    if missing and not problems and wait > 0:
        echo(f"{len(missing)} creates of the stopped replay are not there (yet): it wrote its "
             f"checkpoint {age:.0f} s ago and a request it sent may still take effect; looking "
             f"again in {wait:.0f} s.")  # fmt: skip
        time.sleep(wait)
        look(missing)
    if problems:
        raise BusyworkError(
            f"clean: cannot tell whether {len(problems)} objects the interrupted replay may have "
            f"created exist ({problems[0]}); resume the replay first (it settles them), then "
            "clean again. Nothing was deleted; the checkpoint is kept."
        )
    return found


def _locate(
    target: AsanaTarget, ids: IdMap, claimed: set[str], event: ev.Event, email: str
) -> tuple[str, str] | None:
    """(sim id, gid) of the object `event` created, if it exists and nobody else owns it."""
    client = target.client
    key = email if client.has(email) else DEFAULT if client.has(DEFAULT) else None
    if key is None:
        raise Undecidable(f"no token to look with ({email or 'its actor'} has none and the "
                          "tokens file has no default)")  # fmt: skip

    window = Window.of(ids, event.seq, call_span(client), None)  # clean sends no create
    by = "created_at,created_by"

    def first(path: str, params: dict[str, str], same: Callable[[dict[str, Any]], bool],
              timed: bool = True, creator: bool = True) -> str | None:  # fmt: skip
        creators = target.creators(key, ids, event.actor) if creator else None
        try:
            items = list(client.pages(key, path, params))
        except ApiRejected as exc:
            if exc.status in NOT_THERE:
                return None
            raise
        return adoptable(items, same, taken=lambda g: ids.taken(g) or g in claimed,
                         window=window if timed else None, creators=creators)  # fmt: skip

    gid: str | None = None
    match event:
        case ev.ProjectCreated():  # Asana does not say who made a project
            params = {"workspace": target.workspace, "opt_fields": "name,created_at"}
            gid = first("/projects", params, lambda p: p.get("name") == event.name,
                        creator=False)  # fmt: skip
            return (event.project, gid) if gid else None
        case ev.TaskCreated():
            parent, project = ids.get(event.parent), ids.get(event.project)
            where = f"/tasks/{parent}/subtasks" if event.parent else f"/projects/{project}/tasks"
            if parent if event.parent else project:
                gid = first(where, {"opt_fields": f"name,{by}"},
                            lambda t: t.get("name") == event.name)  # fmt: skip
            return (event.task, gid) if gid else None
        case ev.StatusUpdatePosted() | ev.PortfolioStatusPosted():
            parent = ids.get(getattr(event, "project", None) or getattr(event, "portfolio", None))
            if parent:
                gid = first("/status_updates", {"parent": parent, "opt_fields": f"title,text,{by}"},
                            lambda u: (u.get("title"), u.get("text")) == (event.title, event.text))  # fmt: skip
            return (event.status_update, gid) if gid else None
        case ev.PortfolioCreated():
            params = {"workspace": target.workspace, "owner": target.user_of(key),
                      "opt_fields": f"name,{by}"}  # fmt: skip
            gid = first("/portfolios", params, lambda p: p.get("name") == event.name)
            return (event.portfolio, gid) if gid else None
        case ev.PersonWentOutOfOffice():
            user = ids.get(event.person)
            if user:  # by length: the replay may have shifted the dates (--shift-dates)
                days = (event.end_on - event.start_on).days
                params = {"user": user, "workspace": target.workspace,
                          "opt_fields": "start_date,end_date,created_by"}  # fmt: skip
                gid = first("/ooo_entries", params, lambda o: _days(o) == days, timed=False)
            return (ooo_id(event), gid) if gid else None
    return None


def _days(entry: dict[str, Any]) -> int | None:
    try:
        start, end = entry["start_date"], entry["end_date"]
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).days
    except (KeyError, TypeError, ValueError):
        return None
