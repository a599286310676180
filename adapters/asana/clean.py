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
(also the fallback on a 403). A 404 counts as already deleted. When everything is gone the
checkpoint is set aside (``journal.cleaned-<time>.jsonl``), so a later replay starts afresh and
a second clean says the run was already cleaned.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from adapters.asana.client import ApiRejected, AsanaClient, TokenInvalid, Unavailable
from adapters.asana.replay_cli import ReplayArgs
from adapters.asana.replay_job import base_url_for, connect, tokens_for
from adapters.asana.target import DEFAULT, AsanaTarget
from engine.errors import BusyworkError, InvalidInput
from engine.log import FileLog
from engine.replay_journal import JOURNAL, Journal

# (sim id prefix, API path, plural name), in the order the kinds are deleted.
KINDS = (("su", "/status_updates/", "status updates"),
         ("ooo", "/ooo_entries/", "out-of-office entries"),
         ("t", "/tasks/", "tasks"),
         ("pf", "/portfolios/", "portfolios"),
         ("p", "/projects/", "projects"))  # fmt: skip
KEPT = "Custom fields, tags and teams are left in place: they are shared and later runs reuse them."
CLEANED = "journal.cleaned-"


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
) -> int:
    """Delete what `run_dir` created in the target; the number of objects now gone."""
    if args.to == "sandbox":
        raise InvalidInput("--to sandbox: an in-process sandbox is gone after its replay; "
                           "give the URL or asana")  # fmt: skip
    target = connect(base_url_for(args.to), tokens_for(args.destination()), args.destination())
    try:
        return _clean(Path(run_dir), target, echo, confirm)
    finally:
        target.client.close()


def _clean(
    run_dir: Path,
    target: AsanaTarget,
    echo: Callable[[str], None],
    confirm: Callable[[str], bool] | None,
) -> int:
    folder = run_dir / "targets" / target.name
    if not (folder / JOURNAL).is_file():
        cleaned = sorted(folder.glob(f"{CLEANED}*.jsonl"))
        if cleaned:
            echo(f"Already cleaned: nothing left to delete in {target.name} "
                 f"(checkpoint set aside as {cleaned[-1].name}).")  # fmt: skip
            return 0
        raise InvalidInput(f"{run_dir}: nothing was replayed into {target.name} (no {folder})")
    with Journal(folder) as journal:
        newest_first = [(seq, s, g, k) for seq, s, g in reversed(journal.created)
                        if g and (k := _kind_of(s)) is not None]  # fmt: skip
        doomed = sorted(newest_first, key=lambda item: item[3])  # stable: newest first per kind
        if not doomed:
            echo("Nothing to delete.")
            return 0
        if confirm is not None and not confirm(
            f"Delete {len(doomed)} objects this run created in {target.name}?"
        ):
            echo("Nothing deleted.")
            return 0
        actors = _actors(run_dir, {seq for seq, *_ in doomed})
        deleted, gone, failed = _delete_all(target.client, doomed, actors)
    echo(_summary(deleted, gone, failed))
    for line in failed[:10]:
        echo(f"  {line}")
    if failed:
        raise BusyworkError(f"clean: {len(failed)} objects could not be deleted; run it again")
    echo(KEPT)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    os.replace(folder / JOURNAL, folder / f"{CLEANED}{stamp}.jsonl")
    return sum(deleted) + gone


def _summary(deleted: list[int], gone: int, failed: list[str]) -> str:
    parts = [f"{n} {KINDS[k][2]}" for k, n in enumerate(deleted) if n]
    text = f"Deleted {sum(deleted)} objects" + (f" ({', '.join(parts)})" if parts else "")
    if gone:
        text += f"; {gone} already deleted"
    return text + (f"; {len(failed)} failed:" if failed else ".")


def _actors(run_dir: Path, seqs: set[int]) -> dict[int, str]:
    """seq → the email of the person who created the object."""
    emails: dict[str, str] = {}
    actors: dict[int, str] = {}
    for event in FileLog.open_readonly(run_dir).read():
        if type(event).__name__ == "PersonJoined":
            emails[event.person] = event.email.lower()  # type: ignore[attr-defined]
        if event.seq in seqs:
            actors[event.seq] = emails.get(event.actor, "")
    return actors


def _delete_all(
    client: AsanaClient, doomed, actors: dict[int, str]
) -> tuple[list[int], int, list[str]]:
    """(deleted per kind, already deleted, failures)."""
    deleted, gone, failed = [0] * len(KINDS), 0, []
    for seq, sim_id, gid, kind in doomed:
        email = actors.get(seq, "")
        key = email if client.has(email) else DEFAULT
        try:
            if _delete(client, key, KINDS[kind][1] + gid):
                deleted[kind] += 1
            else:
                gone += 1  # e.g. a subtask deleted with its parent, or an earlier clean
        except (ApiRejected, TokenInvalid, Unavailable) as exc:
            failed.append(f"{sim_id} ({gid}): {exc}")
    return deleted, gone, failed


def _delete(client: AsanaClient, key: str, path: str) -> bool:
    """True when deleted now, False when it was already gone (404)."""
    try:
        client.call(key, "DELETE", path)
        return True
    except ApiRejected as exc:
        if exc.status == 404:
            return False
        if exc.status == 403 and key != DEFAULT and client.has(DEFAULT):
            return _delete(client, DEFAULT, path)  # the creator may lack the right; an admin not
        raise
