"""The workspace's teams (`Teams`, for the handlers of `AsanaTarget`), which people join and
projects go into.

Teams are found by name in the workspace, or created where the workspace allows it (one thread
at a time, so two people of one team never make two teams); a person joins with ``addUser``,
a project goes into its team. Asana lets only a team's members add people to it: a 403 there
leaves the person a user of the workspace (their work is replayed) outside the team, and one
note per team says who.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from adapters.asana.client import ApiRejected
from adapters.asana.target_shared import Notes, Place, named_people
from engine import events as ev
from engine.replay_target import Skip

if TYPE_CHECKING:  # `target_people` adds people to their teams with `Teams`
    from adapters.asana.target_people import Actors

NO_TEAM_STATUSES = (400, 402, 403, 404)


class Teams:
    def __init__(self, place: Place, actors: Actors, notes: Notes, default: str | None) -> None:
        self.client, self.workspace = place.client, place.workspace
        self.actors, self.notes = actors, notes
        self.default = default  # the team of a project the log gives none (--team)
        self._teams: dict[str, str | None] = {}  # team name → gid (None: cannot have it)
        self._team_lock = threading.Lock()
        self._outside: dict[str, tuple[str, list[str]]] = {}  # team → (why, emails)
        self._outside_lock = threading.Lock()

    def notes_outside(self) -> list[str]:
        """One note per team some people could not be added to."""
        with self._outside_lock:
            teams = {name: (why, sorted(emails)) for name, (why, emails) in
                     self._outside.items()}  # fmt: skip
        notes = []
        for name, (why, emails) in teams.items():
            notes.append(f"team {name!r}: {len(emails)} people could not be added ({why}); they "
                         "are users of the workspace and their work is replayed, outside the "
                         f"team: {named_people(emails)}")  # fmt: skip
        return notes

    def named(self, key: str, name: str) -> str | None:
        """The gid of the workspace's team `name`, made if missing and allowed (None if not)."""
        with self._team_lock:
            if name in self._teams:
                return self._teams[name]

            def find() -> dict[str, str] | None:
                items = self.client.pages(key, f"/workspaces/{self.workspace}/teams",
                                          {"opt_fields": "name"})  # fmt: skip
                return next((t for t in items if t.get("name") == name), None)

            try:
                team = find()  # always look first: teams are shared, never journaled
                if team is None:
                    data = {"name": name, "organization": self.workspace}
                    team = self.client.call(key, "POST", "/teams", data=data,
                                            params={"opt_fields": "name"}, reconcile=find)  # fmt: skip
                gid = team["gid"]
            except ApiRejected as exc:
                if exc.status not in NO_TEAM_STATUSES:
                    raise
                self.notes.note(f"team {name!r} cannot be found or created here ({exc}); its "
                                "people join no team and its projects go to the default team")  # fmt: skip
                gid = None
            self._teams[name] = gid
            return gid

    def join(self, e: ev.PersonJoined, user: str) -> None:
        if not e.team or not user:
            return
        try:
            key = self.actors.key(e.actor)
        except Skip:
            return  # nobody can act for them; they stay out of the team
        team = self.named(key, e.team)
        if team is None:
            return
        try:
            self.client.call(key, "POST", f"/teams/{team}/addUser", data={"user": user},
                             params={"opt_fields": "user"})  # fmt: skip
        except ApiRejected as exc:
            # Only a member may add people to the team: they stay users of the workspace.
            if exc.status != 403:
                raise
            with self._outside_lock:
                why, emails = self._outside.setdefault(e.team, (str(exc), []))
                emails.append(e.email.lower())

    def of_project(self, key: str, e: ev.ProjectCreated) -> str | None:
        team = self.named(key, e.team) if e.team else None
        return team or self.default
