"""Events → Asana calls for the workspace objects beyond people, teams, projects, tasks and
custom fields (`Workspace`): tags, dependencies, approvals and portfolios.

- Tags are looked up by name first (a second run into the same workspace reuses what the first
  made).
- Portfolios and task dependencies are paid features (see `target_shared`).
"""

from __future__ import annotations

from adapters.asana.target_adopt import Look
from adapters.asana.target_create import Creator
from adapters.asana.target_people import Actors
from adapters.asana.target_projects import Projects
from adapters.asana.target_shared import Handler, Place, Plan, gid_of
from engine import events as ev
from engine.replay_ids import IdMap


class Workspace:
    def __init__(self, place: Place, actors: Actors, creator: Creator, plan: Plan,
                 projects: Projects) -> None:  # fmt: skip
        self.place, self.client, self.workspace = place, place.client, place.workspace
        self.actors, self.creator, self.plan, self.projects = actors, creator, plan, projects

    def handlers(self) -> dict[type, Handler]:
        return {
            ev.TagCreated: self._tag_created,
            ev.TagAdded: self._tag_added,
            ev.DependencyAdded: self._dependency_added,
            ev.ApprovalDecided: self._approval_decided,
            ev.PortfolioCreated: self._portfolio_created,
            ev.PortfolioItemAdded: self._portfolio_item_added,
            ev.PortfolioStatusPosted: self._portfolio_status_posted,
        }

    # -- tags, dependencies and approvals --------------------------------------------------------

    def _tag_created(self, e: ev.TagCreated, ids: IdMap, _: bool) -> dict[str, str]:
        key = self.actors.key(e.actor)

        def find(_: Look | None = None) -> str | None:  # whoever made it: tags are shared
            items = self.client.pages(key, "/tags",
                                      {"workspace": self.workspace, "opt_fields": "name"})  # fmt: skip
            return next((t["gid"] for t in items if t.get("name") == e.name), None)

        data = {"name": e.name, "workspace": self.workspace}
        if e.color:
            data["color"] = e.color
        gid = find()  # reuse by name: a second run into the workspace shares the vocabulary
        if gid is None:
            # Found by name whenever it was made: a send needs no window of its own.
            gid = self.creator.create(key, "/tags", data, find, self.creator.window(ids, e.seq),
                                      False, ids=ids, seq=e.seq)  # fmt: skip
        return {e.tag: gid}

    def _tag_added(self, e: ev.TagAdded, ids: IdMap, _: bool) -> dict[str, str]:
        key = self.actors.key(e.actor)
        self.client.call(key, "POST", f"/tasks/{gid_of(ids, e.task)}/addTag",
                         data={"tag": gid_of(ids, e.tag)})  # fmt: skip
        return {}

    def _dependency_added(self, e: ev.DependencyAdded, ids: IdMap, _: bool) -> dict[str, str]:
        self.plan.skip_if_refused("dependency")  # before anything else: no request, no token
        key = self.actors.key(e.actor)
        path = f"/tasks/{gid_of(ids, e.task)}/addDependencies"
        data = {"dependencies": [gid_of(ids, e.depends_on)]}
        self.plan.call("dependency", lambda: self.client.call(key, "POST", path, data=data))
        return {}

    def _approval_decided(self, e: ev.ApprovalDecided, ids: IdMap, _: bool) -> dict[str, str]:
        # As the approver's token: the decision shows as theirs.
        key = self.actors.key(e.actor)
        return self.place.put_task(key, ids, e.task, {"approval_status": e.status})

    # -- portfolios (a paid feature) -----------------------------------------------------------

    def _portfolio_created(self, e: ev.PortfolioCreated, ids: IdMap, uncertain: bool):
        key = self.actors.key(e.actor)
        data = {"name": e.name, "workspace": self.workspace}

        def find(look: Look) -> str | None:
            params = {"workspace": self.workspace, "owner": self.actors.user_of(key),
                      "opt_fields": "name,created_at,created_by"}  # fmt: skip
            items = self.client.pages(key, "/portfolios", params)
            return self.creator.adopt(ids, items, lambda p: p.get("name") == e.name, look,
                                      self.creator.creators(key, ids, e.actor))  # fmt: skip

        window = self.creator.window(ids, e.seq)

        def create() -> str:
            return self.creator.create(key, "/portfolios", data, find, window, uncertain,
                                       ids=ids, seq=e.seq)  # fmt: skip

        return {e.portfolio: self.plan.call("portfolio", create)}

    def _portfolio_item_added(self, e: ev.PortfolioItemAdded, ids: IdMap, _: bool):
        key = self.actors.key(e.actor)
        path = f"/portfolios/{gid_of(ids, e.portfolio)}/addItem"
        data = {"item": gid_of(ids, e.project)}
        self.plan.call("portfolio", lambda: self.client.call(key, "POST", path, data=data))
        return {}

    def _portfolio_status_posted(self, e: ev.PortfolioStatusPosted, ids: IdMap, uncertain: bool):
        key = self.actors.key(e.actor)
        post = lambda: self.projects.post_status(key, ids, e, e.portfolio, uncertain)  # noqa: E731
        return {e.status_update: self.plan.call("portfolio", post)}
