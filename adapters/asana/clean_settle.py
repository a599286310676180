"""Settling the creates an interrupted replay left in doubt, for ``busywork clean``.

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

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from adapters.asana.clean_deletes import kind_of
from adapters.asana.client import ApiRejected, TokenInvalid, Unavailable
from adapters.asana.target import DEFAULT, AsanaTarget
from adapters.asana.target_adopt import Window, adoptable, call_span
from engine import events as ev
from engine.errors import BusyworkError
from engine.replay_deps import ooo_id
from engine.replay_ids import IdMap

# Creates whose object clean deletes (the rest go with their parent, or are kept on purpose).
LOCATABLE = (ev.ProjectCreated, ev.TaskCreated, ev.StatusUpdatePosted, ev.PortfolioStatusPosted,
             ev.PortfolioCreated, ev.PersonWentOutOfOffice)  # fmt: skip
NOT_THERE = (402, 403, 404)  # a container gone, or a feature not on this plan: nothing to find


class Undecidable(BusyworkError):
    """Whether an uncertain create happened cannot be told now."""


@dataclass
class LogFacts:
    """What clean reads in the run's log: who made each create it deletes or looks for, and
    the uncertain creates."""

    actors: dict[int, str] = field(default_factory=dict)  # seq → email of its actor
    uncertain: list[ev.Event] = field(default_factory=list)  # creates with an intent only


def settle(
    target: AsanaTarget, ids: IdMap, facts: LogFacts, last_write: float, echo
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
                found.append((event.seq, *hit, kind_of(hit[0])))  # type: ignore[arg-type]
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
        creators = target.creator.creators(key, ids, event.actor) if creator else None
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
            params = {"workspace": target.workspace, "owner": target.actors.user_of(key),
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
