"""``busywork clean``: delete what a run created in a target, newest first, from its id map.

Deleting a task deletes its comments and subtasks; deleting a project deletes its sections
and status updates; so only tasks, status updates, out-of-office entries and projects are
deleted explicitly (newest first: subtasks before their parents, tasks before projects).
Each object is deleted with its creator's token when there is one, else the default token.
A 404 counts as already deleted. When everything is gone the checkpoint is set aside
(``journal.cleaned-<time>.jsonl``), so a later replay starts afresh.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from adapters.asana.client import ApiRejected, TokenInvalid, Unavailable
from adapters.asana.replay_cli import ReplayArgs
from adapters.asana.replay_job import base_url_for, connect, tokens_for
from adapters.asana.target import DEFAULT, AsanaTarget
from engine.errors import BusyworkError, InvalidInput
from engine.log import FileLog
from engine.replay_journal import JOURNAL, Journal

KINDS = (("su", "/status_updates/"), ("ooo", "/ooo_entries/"), ("t", "/tasks/"),
         ("p", "/projects/"))  # fmt: skip


def _path_for(sim_id: str) -> str | None:
    for prefix, path in KINDS:
        if sim_id.startswith(prefix) and sim_id[len(prefix) : len(prefix) + 1].isdigit():
            return path
    return None


def clean_command(
    run_dir: Path,
    args: ReplayArgs,
    echo: Callable[[str], None],
    confirm: Callable[[str], bool] | None,
) -> int:
    if args.to == "sandbox":
        raise InvalidInput("--to sandbox: an in-process sandbox is gone after its replay; "
                           "give the URL or asana")  # fmt: skip
    target = connect(base_url_for(args.to), tokens_for(args.destination()), args.destination())
    folder = Path(run_dir) / "targets" / target.name
    if not (folder / JOURNAL).is_file():
        raise InvalidInput(f"{run_dir}: nothing was replayed into {target.name} (no {folder})")
    with Journal(folder) as journal:
        doomed = [(seq, s, g, p) for seq, s, g in reversed(journal.created)
                  if g and (p := _path_for(s)) is not None]  # fmt: skip
        if not doomed:
            echo("Nothing to delete.")
            return 0
        if confirm is not None and not confirm(
            f"Delete {len(doomed)} objects this run created in {target.name}?"
        ):
            echo("Nothing deleted.")
            return 0
        actors = _actors(run_dir, {seq for seq, *_ in doomed})
        deleted, failed = _delete_all(target, doomed, actors)
    echo(f"Deleted {deleted} objects" + (f"; {len(failed)} failed:" if failed else "."))
    for line in failed[:10]:
        echo(f"  {line}")
    if failed:
        raise BusyworkError(f"clean: {len(failed)} objects could not be deleted; run it again")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    os.replace(folder / JOURNAL, folder / f"journal.cleaned-{stamp}.jsonl")
    target.client.close()
    return deleted


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


def _delete_all(target: AsanaTarget, doomed, actors: dict[int, str]) -> tuple[int, list[str]]:
    client = target.client
    deleted, failed = 0, []
    for seq, sim_id, gid, path in doomed:
        email = actors.get(seq, "")
        key = email if client.has(email) else DEFAULT
        try:
            client.call(key, "DELETE", path + gid)
            deleted += 1
        except ApiRejected as exc:
            if exc.status == 404:
                deleted += 1  # already gone (e.g. a subtask deleted with its parent)
            elif exc.status == 403 and key != DEFAULT and client.has(DEFAULT):
                client.call(DEFAULT, "DELETE", path + gid)
                deleted += 1
            else:
                failed.append(f"{sim_id} ({gid}): {exc}")
        except (TokenInvalid, Unavailable) as exc:
            failed.append(f"{sim_id} ({gid}): {exc}")
    return deleted, failed
