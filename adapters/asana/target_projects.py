"""Events → Asana calls for projects (`Projects`): the project, with its members and custom
fields, its board's sections and its status updates (a portfolio's too).

A project is a board whose sections are the run's: the "Untitled section" Asana adds becomes
the first, and one renamed by a try whose answer was lost is taken back, not made again. A
"complete" status update completes the project, so ProjectCompleted needs no call. Its team:
`target_teams`.
"""

from __future__ import annotations

from typing import Any

from adapters.asana.target_adopt import Look, renamed_first
from adapters.asana.target_create import Creator
from adapters.asana.target_fields import Fields
from adapters.asana.target_people import Actors
from adapters.asana.target_shared import Handler, Place, gid_of, user_gid
from adapters.asana.target_teams import Teams
from engine import events as ev
from engine.replay_ids import IdMap

UNTITLED = "Untitled section"


class Projects:
    def __init__(self, place: Place, actors: Actors, creator: Creator, teams: Teams,
                 fields: Fields) -> None:  # fmt: skip
        self.place, self.client, self.workspace = place, place.client, place.workspace
        self.actors, self.creator, self.teams, self.fields = actors, creator, teams, fields

    def handlers(self) -> dict[type, Handler]:
        return {
            ev.ProjectCreated: self._project_created,
            ev.SectionCreated: self._section_created,
            ev.StatusUpdatePosted: self._status_update_posted,
            ev.ProjectCompleted: lambda e, ids, _: {},
        }

    def _project_created(self, e: ev.ProjectCreated, ids: IdMap, uncertain: bool):
        key = self.actors.key(e.actor)
        data: dict[str, Any] = {"name": e.name, "notes": e.notes, "default_view": "board"}
        team = self.teams.of_project(key, e)
        # Made in its team with createProjectForTeam: `team` in a POST /projects body is
        # deprecated (Asana-Change). Without a team (no organization), in the workspace.
        where = f"/teams/{team}/projects" if team else "/projects"
        if not team:
            data["workspace"] = self.workspace
        if owner := user_gid(ids, e.owner):
            data["owner"] = owner
        if e.due_on:
            data["due_on"] = self.place.day(e.due_on)

        def find(look: Look) -> str | None:  # Asana does not say who made a project
            params = {"opt_fields": "name,created_at", "archived": "false"}
            if not team:
                params["workspace"] = self.workspace
            items = self.client.pages(key, where, params)
            return self.creator.adopt(ids, items, lambda p: p.get("name") == e.name, look)

        window = self.creator.window(ids, e.seq)
        project = self.creator.create(key, where, data, find, window, uncertain, ids=ids,
                                      seq=e.seq)  # fmt: skip
        self._members_and_fields(key, ids, e, project, uncertain)
        return {e.project: project}

    def _section_created(self, e: ev.SectionCreated, ids: IdMap, uncertain: bool):
        key = self.actors.key(e.actor)
        project = gid_of(ids, e.project)
        path = f"/projects/{project}/sections"
        window = self.creator.window(ids, e.seq)

        def same(section: dict[str, Any]) -> bool:
            return section.get("name") == e.name

        def find(look: Look, existing: list[dict[str, Any]] | None = None) -> str | None:
            if existing is None:
                existing = list(self.client.pages(key, path, {"opt_fields": "name,created_at"}))
            gid = self.creator.adopt(ids, existing, same, look)
            if gid is None and uncertain:  # an earlier try may have renamed the Untitled one
                gid = ids.claim(lambda taken: renamed_first(existing, same, taken=taken))
            return gid

        existing = list(self.client.pages(key, path, {"opt_fields": "name,created_at"}))
        # Looking first makes a retry after an unknown outcome safe, and reuses Asana's own
        # "Untitled section" (made with this run's project) as the first column instead of
        # leaving it empty on the board.
        look = Look(window.before_sending())
        gid = find(look, existing)
        if gid is None:
            gid = ids.claim(lambda taken: next((s["gid"] for s in existing
                            if s.get("name") == UNTITLED and not taken(s["gid"])), None))  # fmt: skip
            if gid is not None:
                self.client.call(key, "PUT", f"/sections/{gid}", data={"name": e.name})
        if gid is None:
            gid = self.creator.create(key, path, {"name": e.name}, find, window, uncertain,
                                      ids=ids, seq=e.seq, looked=look)  # fmt: skip
        return {e.section: gid}

    def _status_update_posted(self, e: ev.StatusUpdatePosted, ids: IdMap, uncertain: bool):
        key = self.actors.key(e.actor)
        return {e.status_update: self.post_status(key, ids, e, e.project, uncertain)}

    def post_status(
        self,
        key: str,
        ids: IdMap,
        e: ev.StatusUpdatePosted | ev.PortfolioStatusPosted,
        parent_id: str,
        uncertain: bool,
    ) -> str:
        """Post `e` on the project or portfolio `parent_id`; the status update's gid."""
        parent = gid_of(ids, parent_id)
        data = {"parent": parent, "status_type": e.status_type, "title": e.title, "text": e.text}

        def find(look: Look) -> str | None:
            params = {"parent": parent, "opt_fields": "title,text,created_at,created_by"}
            items = self.client.pages(key, "/status_updates", params)
            same = lambda s: (s.get("title"), s.get("text")) == (e.title, e.text)  # noqa: E731
            creators = self.creator.creators(key, ids, e.actor)
            return self.creator.adopt(ids, items, same, look, creators)

        window = self.creator.window(ids, e.seq)
        return self.creator.create(key, "/status_updates", data, find, window, uncertain,
                                   ids=ids, seq=e.seq)  # fmt: skip

    def _members_and_fields(self, key: str, ids: IdMap, e: ev.ProjectCreated, project: str,
                            uncertain: bool) -> None:  # fmt: skip
        """Members and custom fields of a project just created (or found again)."""
        members = list(dict.fromkeys(g for g in (user_gid(ids, m) for m in e.members) if g))
        if members:
            # The spec types ``members`` as one comma-separated string, not an array.
            self.client.call(key, "POST", f"/projects/{project}/addMembers",
                             data={"members": ",".join(members)},
                             params={"opt_fields": "name"})  # fmt: skip
        if e.custom_fields:
            self.fields.add_settings(key, ids, project, e.custom_fields, uncertain)
