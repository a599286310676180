"""Events → Asana calls for the workspace objects beyond tasks, comments and custom fields
(mixed into `AsanaTarget`): tags, dependencies, approvals, teams, project members and
portfolios. Custom fields and their values: `target_fields`.

- Tags are looked up by name first (a second run into the same workspace reuses what the first
  made).
- Teams are found by name in the workspace, or created where the workspace allows it (one
  thread at a time, so two people of one team never make two teams); a person joins with
  ``addUser``, projects go into their team with their members and the run's custom fields.
  Asana lets only a team's members add people to it: a 403 there leaves the person a user of
  the workspace (their work is replayed) outside the team, and one note per team says who.
- Portfolios, task dependencies and custom fields are paid features: the plan's first refusal
  (402 Payment Required, or a 403 that says premium or payment) becomes one note (summary and
  journal), then every later event of that feature is skipped without another request and
  the replay goes on. Custom fields are not skipped but mapped to "" (see `target_fields`):
  projects and tasks need them, and go on without them.
"""

from __future__ import annotations

import threading
from typing import Any

from adapters.asana.client import ApiRejected
from adapters.asana.target_adopt import Look
from adapters.asana.target_host import TargetHost
from engine import events as ev
from engine.replay_ids import IdMap
from engine.replay_target import Skip

NO_TEAM_STATUSES = (400, 402, 403, 404)
# Words of a 403 that refuses for the plan rather than for the user's rights.
PLAN_WORDS = ("premium", "payment", "paid plan", "paid feature", "upgrade", "free user",
              "free plan", "free workspace", "free tier")  # fmt: skip
# Paid features: what a refusal note and the skips call them.
FEATURES = {"portfolio": "portfolios", "dependency": "task dependencies",
            "custom field": "custom fields"}  # fmt: skip
MAX_NAMED = 10  # people named in one team note


def refused_for_plan(exc: ApiRejected) -> bool:
    """Whether Asana refused because the workspace's plan lacks the feature."""
    if exc.status == 402:
        return True
    text = str(exc).lower()
    return exc.status == 403 and any(word in text for word in PLAN_WORDS)


class WorkspaceMixin(TargetHost):
    """Handlers and helpers; `AsanaTarget` provides client, workspace, _key, _gid, _user,
    _create, _window, creators, _adopt, _post_status and _put_task, `FieldsMixin` provides
    _field_values and _add_field_settings."""

    def _init_workspace(self) -> None:
        self._teams: dict[str, str | None] = {}  # team name → gid (None: cannot have it)
        self._team_lock = threading.Lock()
        self._notes: list[str] = []
        self._note_lock = threading.Lock()
        self._plan_refusals: dict[str, str] = {}  # paid feature → its note, once refused
        self._outside_teams: dict[str, tuple[str, list[str]]] = {}  # team → (why, emails)
        self._decided: set[str] = set()  # approvals decided (so complete) as of the log so far
        self._already_complete: set[int] = set()  # seqs of TaskCompleted with nothing to do

    def _workspace_handlers(self) -> dict[type, Any]:
        return {
            ev.TagCreated: self._tag_created,
            ev.TagAdded: self._tag_added,
            ev.DependencyAdded: self._dependency_added,
            ev.ApprovalDecided: self._approval_decided,
            ev.PortfolioCreated: self._portfolio_created,
            ev.PortfolioItemAdded: self._portfolio_item_added,
            ev.PortfolioStatusPosted: self._portfolio_status_posted,
        }

    def _observe_workspace(self, event: ev.Event) -> None:
        match event:
            case ev.ApprovalDecided():
                self._decided.add(event.task)
            case ev.TaskReopened():
                self._decided.discard(event.task)
            case ev.TaskCompleted() if event.task in self._decided:
                # Asana completes an approval with its decision, and completing it again
                # would turn a rejection into "approved": nothing to send.
                self._already_complete.add(event.seq)

    def _team_notes(self) -> list[str]:
        with self._note_lock:
            teams = {name: (why, sorted(emails)) for name, (why, emails) in
                     self._outside_teams.items()}  # fmt: skip
        notes = []
        for name, (why, emails) in teams.items():
            named = ", ".join(emails[:MAX_NAMED])
            more = f" and {len(emails) - MAX_NAMED} more" if len(emails) > MAX_NAMED else ""
            notes.append(f"team {name!r}: {len(emails)} people could not be added ({why}); they "
                         "are users of the workspace and their work is replayed, outside the "
                         f"team: {named}{more}")  # fmt: skip
        return notes

    def _note(self, text: str) -> bool:
        """Remember `text` for the summary; False when it was already noted."""
        with self._note_lock:
            if text in self._notes:
                return False
            self._notes.append(text)
            return True

    # -- tags and dependencies -----------------------------------------------------------------

    def _tag_created(self, e: ev.TagCreated, ids: IdMap, _: bool) -> dict[str, str]:
        key = self._key(e.actor)

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
            gid = self._create(key, "/tags", data, find, self._window(ids, e.seq), False,
                               ids=ids, seq=e.seq)  # fmt: skip
        return {e.tag: gid}

    def _tag_added(self, e: ev.TagAdded, ids: IdMap, _: bool) -> dict[str, str]:
        key = self._key(e.actor)
        self.client.call(key, "POST", f"/tasks/{self._gid(ids, e.task)}/addTag",
                         data={"tag": self._gid(ids, e.tag)})  # fmt: skip
        return {}

    def _dependency_added(self, e: ev.DependencyAdded, ids: IdMap, _: bool) -> dict[str, str]:
        self._skip_if_refused("dependency")  # before anything else: no request, no token
        key = self._key(e.actor)
        path = f"/tasks/{self._gid(ids, e.task)}/addDependencies"
        data = {"dependencies": [self._gid(ids, e.depends_on)]}
        self._plan_call("dependency", lambda: self.client.call(key, "POST", path, data=data))
        return {}

    def _approval_decided(self, e: ev.ApprovalDecided, ids: IdMap, _: bool) -> dict[str, str]:
        # As the approver's token: the decision shows as theirs.
        return self._put_task(self._key(e.actor), ids, e.task, {"approval_status": e.status})

    def _task_fields(self, e: ev.TaskCreated, ids: IdMap) -> dict[str, Any]:
        """Subtype, tags and custom field values of a new task."""
        data: dict[str, Any] = {}
        if e.subtype != "default_task":
            data["resource_subtype"] = e.subtype
        if e.subtype == "approval":
            data["approval_status"] = "pending"
        if e.tags:
            data["tags"] = [self._gid(ids, t) for t in e.tags]
        values = self._field_values(ids, e.custom_fields) if e.custom_fields else {}
        if values:  # none when the plan has no custom fields
            data["custom_fields"] = values
        return data

    # -- teams and members ---------------------------------------------------------------------

    def _team_named(self, key: str, name: str) -> str | None:
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
                self._note(f"team {name!r} cannot be found or created here ({exc}); its "
                           "people join no team and its projects go to the default team")  # fmt: skip
                gid = None
            self._teams[name] = gid
            return gid

    def _join_team(self, e: ev.PersonJoined, user: str) -> None:
        if not e.team or not user:
            return
        try:
            key = self._key(e.actor)
        except Skip:
            return  # nobody can act for them; they stay out of the team
        team = self._team_named(key, e.team)
        if team is None:
            return
        try:
            self.client.call(key, "POST", f"/teams/{team}/addUser", data={"user": user},
                             params={"opt_fields": "user"})  # fmt: skip
        except ApiRejected as exc:
            # Only a member may add people to the team: they stay users of the workspace.
            if exc.status != 403:
                raise
            with self._note_lock:
                why, emails = self._outside_teams.setdefault(e.team, (str(exc), []))
                emails.append(e.email.lower())

    def _project_team(self, key: str, e: ev.ProjectCreated) -> str | None:
        team = self._team_named(key, e.team) if e.team else None
        return team or self.team

    def _project_extras(self, key: str, ids: IdMap, e: ev.ProjectCreated, project: str,
                        uncertain: bool) -> None:  # fmt: skip
        """Members and custom fields of a project just created (or found again)."""
        members = list(dict.fromkeys(g for g in (self._user(ids, m) for m in e.members) if g))
        if members:
            # The spec types ``members`` as one comma-separated string, not an array.
            self.client.call(key, "POST", f"/projects/{project}/addMembers",
                             data={"members": ",".join(members)},
                             params={"opt_fields": "name"})  # fmt: skip
        if e.custom_fields:
            self._add_field_settings(key, ids, project, e.custom_fields, uncertain)

    # -- paid features: portfolios, dependencies, custom fields ------------------------------------

    def _skip_if_refused(self, feature: str) -> None:
        """`Skip` (final) once the plan refused `feature`."""
        note = self._plan_refusals.get(feature)
        if note:
            raise Skip(f"{feature} events are skipped: {note}")

    def _refuse(self, feature: str, exc: ApiRejected) -> tuple[str, bool]:
        """Record the plan's refusal of `feature`: its note, and whether this was the first."""
        with self._note_lock:
            first = feature not in self._plan_refusals
            if first:
                self._plan_refusals[feature] = (f"{FEATURES[feature]} are not available on "
                                                f"this plan ({exc})")  # fmt: skip
            note = self._plan_refusals[feature]
        return note, self._note(note) and first

    def _plan_call(self, feature: str, call):
        """Run a call of a paid feature; the plan's refusal turns this and every later event
        of the feature into a skip."""
        self._skip_if_refused(feature)
        try:
            return call()
        except ApiRejected as exc:
            if not refused_for_plan(exc):
                raise
            note, first = self._refuse(feature, exc)
            if first:
                raise Skip(f"{note}; this and every later {feature} event are skipped") from None
            raise Skip(f"{feature} events are skipped: {note}") from None

    def _portfolio_created(self, e: ev.PortfolioCreated, ids: IdMap, uncertain: bool):
        key = self._key(e.actor)
        data = {"name": e.name, "workspace": self.workspace}

        def find(look: Look) -> str | None:
            params = {"workspace": self.workspace, "owner": self.user_of(key),
                      "opt_fields": "name,created_at,created_by"}  # fmt: skip
            items = self.client.pages(key, "/portfolios", params)
            return self._adopt(ids, items, lambda p: p.get("name") == e.name, look,
                               self.creators(key, ids, e.actor))  # fmt: skip

        window = self._window(ids, e.seq)

        def create() -> str:
            return self._create(key, "/portfolios", data, find, window, uncertain, ids=ids,
                                seq=e.seq)  # fmt: skip

        return {e.portfolio: self._plan_call("portfolio", create)}

    def _portfolio_item_added(self, e: ev.PortfolioItemAdded, ids: IdMap, _: bool):
        key = self._key(e.actor)
        path = f"/portfolios/{self._gid(ids, e.portfolio)}/addItem"
        data = {"item": self._gid(ids, e.project)}
        self._plan_call("portfolio", lambda: self.client.call(key, "POST", path, data=data))
        return {}

    def _portfolio_status_posted(self, e: ev.PortfolioStatusPosted, ids: IdMap, uncertain: bool):
        key = self._key(e.actor)
        post = lambda: self._post_status(key, ids, e, e.portfolio, uncertain)  # noqa: E731
        return {e.status_update: self._plan_call("portfolio", post)}
