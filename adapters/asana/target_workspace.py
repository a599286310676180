"""Events → Asana calls for the workspace objects beyond tasks and comments (mixed into
`AsanaTarget`): custom fields and their values, tags, dependencies, milestones, approvals,
teams, project members and portfolios.

- Custom fields and tags are looked up by name first (Asana wants a field's name unique in the
  workspace; a second run into the same workspace reuses what the first made). A field of the
  same name but another type is refused with a message saying so. A reused enum field gets
  the options it lacks (``POST /custom_fields/{gid}/enum_options``, each next to its neighbour
  in the log's order; a disabled one is noted, not duplicated). Enum option gids go to the id
  map as ``<field>:<option name>`` so values can be set after a restart.
- Teams are found by name in the workspace, or created where the workspace allows it (one
  thread at a time, so two people of one team never make two teams); a person joins with
  ``addUser``, projects go into their team with their members and the run's custom fields.
- Portfolios are a paid feature: the first 402 becomes one note (summary and journal), then
  every portfolio event is skipped without another request and the replay goes on.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from adapters.asana.client import ApiRejected
from engine import events as ev
from engine.replay_journal import IdMap
from engine.replay_target import Rejected, Skip

FIELD_FIELDS = "name,resource_subtype,enum_options"  # options come whole, gid included
NO_TEAM_STATUSES = (400, 402, 403, 404)


def option_key(field: str, option: str) -> str:
    """The id-map key of an enum option of a custom field."""
    return f"{field}:{option}"


def _place(wanted: tuple[str, ...], i: int, there: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Where option `wanted[i]` goes: after the nearest earlier one of `wanted` the field has,
    else before the nearest later one, else at the end."""
    before = next((there[n] for n in reversed(wanted[:i]) if n in there), None)
    if before is not None:
        return {"insert_after": before["gid"]}
    after = next((there[n] for n in wanted[i + 1 :] if n in there), None)
    return {"insert_before": after["gid"]} if after is not None else {}


class WorkspaceMixin:
    """Handlers and helpers; `AsanaTarget` provides client, workspace, _key, _gid, _user,
    _day, _create and _first_free."""

    def _init_workspace(self) -> None:
        self._field_kinds: dict[str, tuple[str, int]] = {}  # field id → (kind, precision)
        self._teams: dict[str, str | None] = {}  # team name → gid (None: cannot have it)
        self._team_lock = threading.Lock()
        self._me: dict[str, str] = {}  # token key → that token's user gid
        self._notes: list[str] = []
        self._note_lock = threading.Lock()
        self._portfolios_refused = ""  # the 402 note, once one came
        self._decided: set[str] = set()  # approvals decided (so complete) as of the log so far
        self._already_complete: set[int] = set()  # seqs of TaskCompleted with nothing to do

    def _workspace_handlers(self) -> dict[type, Any]:
        return {
            ev.CustomFieldCreated: self._custom_field_created,
            ev.CustomFieldChanged: self._custom_field_changed,
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
            case ev.CustomFieldCreated():
                self._field_kinds[event.field] = (event.kind, event.precision)
            case ev.ApprovalDecided():
                self._decided.add(event.task)
            case ev.TaskReopened():
                self._decided.discard(event.task)
            case ev.TaskCompleted() if event.task in self._decided:
                # Asana completes an approval with its decision, and completing it again
                # would turn a rejection into "approved": nothing to send.
                self._already_complete.add(event.seq)

    def _note(self, text: str) -> bool:
        """Remember `text` for the summary; False when it was already noted."""
        with self._note_lock:
            if text in self._notes:
                return False
            self._notes.append(text)
            return True

    # -- custom fields -------------------------------------------------------------------------

    def _fields_named(self, key: str, name: str) -> list[dict[str, Any]]:
        items = self.client.pages(key, f"/workspaces/{self.workspace}/custom_fields",
                                  {"opt_fields": FIELD_FIELDS})  # fmt: skip
        return [f for f in items if str(f.get("name", "")).lower() == name.lower()]

    def _custom_field_created(self, e: ev.CustomFieldCreated, ids: IdMap, _: bool):
        key = self._key(e.actor)
        found = self._fields_named(key, e.name)
        if found:  # reuse (a field name is unique in an Asana workspace)
            field = found[0]
            if field.get("resource_subtype") != e.kind:
                raise Rejected(
                    f"custom field {e.name!r} already exists in the workspace as a "
                    f"{field.get('resource_subtype')} field, not {e.kind}; rename one of them"
                )
            if e.kind == "enum":
                self._add_missing_options(key, e, field)
        else:
            data: dict[str, Any] = {"workspace": self.workspace, "name": e.name,
                                    "resource_subtype": e.kind}  # fmt: skip
            if e.kind == "enum":
                data["enum_options"] = [{"name": o} for o in e.options]
            if e.kind == "number":
                data["precision"] = e.precision

            def reconcile() -> dict[str, Any] | None:
                again = self._fields_named(key, e.name)
                return again[0] if again else None

            field = self.client.call(key, "POST", "/custom_fields", data=data,
                                     params={"opt_fields": FIELD_FIELDS}, reconcile=reconcile)  # fmt: skip
        out = {e.field: field["gid"]}
        for option in field.get("enum_options") or []:
            if option.get("name") in e.options and option.get("enabled", True):
                out[option_key(e.field, option["name"])] = option["gid"]
        return out

    def _add_missing_options(self, key: str, e: ev.CustomFieldCreated, field: dict[str, Any]):
        """Give a reused enum field the options of `e` it lacks, each placed next to its
        neighbour in `e`. Exactly once: the field was just read, and a retry after an unknown
        outcome (or a resumed replay, which reads it again) looks for the option by name."""
        options: list[dict[str, Any]] = field.setdefault("enum_options", [])
        path = f"/custom_fields/{field['gid']}/enum_options"
        for i, name in enumerate(e.options):
            there = {o.get("name"): o for o in options}
            if name in there:
                if not there[name].get("enabled", True):
                    self._note(f"custom field {e.name!r}: option {name!r} is disabled in the "
                               "workspace, so no task can be given it")  # fmt: skip
                continue
            data: dict[str, Any] = {"name": name, **_place(e.options, i, there)}

            def find(name: str = name) -> dict[str, Any] | None:
                again = self.client.get(key, f"/custom_fields/{field['gid']}",
                                        {"opt_fields": "enum_options"})  # fmt: skip
                return next((o for o in again.get("enum_options") or []
                             if o.get("name") == name), None)  # fmt: skip

            params = {"opt_fields": "name,enabled"}
            try:
                option = self.client.call(key, "POST", path, data=data, params=params,
                                          reconcile=find)  # fmt: skip
            except ApiRejected as exc:
                raise Rejected(f"custom field {e.name!r}: cannot add option {name!r}: {exc}",
                               exc.status) from None  # fmt: skip
            options.append(option)

    def _field_value(self, ids: IdMap, field: str, value: ev.FieldValue | None) -> Any:
        """A log value as Asana takes it for this field's type."""
        if value is None:
            return None
        kind, precision = self._field_kinds.get(field, ("text", 0))
        if kind == "enum":
            gid = ids.get(option_key(field, str(value)))
            if not gid:
                raise Rejected(f"custom field {field}: option {value!r} does not exist here")
            return gid
        if kind == "number":
            number = float(value)
            return int(number) if precision == 0 and number.is_integer() else round(number, 6)
        if kind == "date":  # the spec types every value as a string: "YYYY-MM-DD" for dates
            return self._day(date.fromisoformat(str(value)))
        return str(value)

    def _field_values(self, ids: IdMap, values: dict[str, ev.FieldValue]) -> dict[str, Any]:
        return {self._gid(ids, f): self._field_value(ids, f, v) for f, v in values.items()}

    def _custom_field_changed(self, e: ev.CustomFieldChanged, ids: IdMap, _: bool):
        values = self._field_values(ids, {e.field: e.value})  # type: ignore[dict-item]
        return self._put_task(self._key(e.actor), ids, e.task, {"custom_fields": values})

    def _add_field_settings(self, key: str, ids: IdMap, project: str, fields, check: bool):
        """Put the run's custom fields on a project; `check`: some may be there already."""
        path = f"/projects/{project}/custom_field_settings"

        def present() -> set[str]:
            items = self.client.pages(key, path, {"opt_fields": "custom_field"})
            return {(s.get("custom_field") or {}).get("gid", "") for s in items}

        there = present() if check else set()
        for field in fields:
            gid = self._gid(ids, field)
            if gid in there:
                continue
            self.client.call(key, "POST", f"/projects/{project}/addCustomFieldSetting",
                             data={"custom_field": gid},
                             reconcile=lambda g=gid: {} if g in present() else None)  # fmt: skip

    # -- tags and dependencies -----------------------------------------------------------------

    def _tag_created(self, e: ev.TagCreated, ids: IdMap, _: bool) -> dict[str, str]:
        key = self._key(e.actor)

        def find() -> str | None:
            items = self.client.pages(key, "/tags",
                                      {"workspace": self.workspace, "opt_fields": "name"})  # fmt: skip
            return next((t["gid"] for t in items if t.get("name") == e.name), None)

        data = {"name": e.name, "workspace": self.workspace}
        if e.color:
            data["color"] = e.color
        gid = find()  # reuse by name: a second run into the workspace shares the vocabulary
        if gid is None:
            gid = self._create(key, "/tags", data, find, False)
        return {e.tag: gid}

    def _tag_added(self, e: ev.TagAdded, ids: IdMap, _: bool) -> dict[str, str]:
        key = self._key(e.actor)
        self.client.call(key, "POST", f"/tasks/{self._gid(ids, e.task)}/addTag",
                         data={"tag": self._gid(ids, e.tag)})  # fmt: skip
        return {}

    def _dependency_added(self, e: ev.DependencyAdded, ids: IdMap, _: bool) -> dict[str, str]:
        key = self._key(e.actor)
        self.client.call(key, "POST", f"/tasks/{self._gid(ids, e.task)}/addDependencies",
                         data={"dependencies": [self._gid(ids, e.depends_on)]})  # fmt: skip
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
        if e.custom_fields:
            data["custom_fields"] = self._field_values(ids, e.custom_fields)
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
        if team is not None:
            self.client.call(key, "POST", f"/teams/{team}/addUser", data={"user": user},
                             params={"opt_fields": "user"})  # fmt: skip

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

    # -- portfolios (paid) ---------------------------------------------------------------------

    def _portfolio_call(self, call):
        """Run a portfolio call; a 402 turns this and every later portfolio event into a skip."""
        if self._portfolios_refused:
            raise Skip(f"portfolio events are skipped: {self._portfolios_refused}")
        try:
            return call()
        except ApiRejected as exc:
            if exc.status != 402:
                raise
            note = f"portfolios are not available on this plan ({exc})"
            self._portfolios_refused = note
            if self._note(note):
                raise Skip(f"{note}; this and every later portfolio event are skipped") from None
            raise Skip(f"portfolio events are skipped: {note}") from None

    def _my_gid(self, key: str) -> str:
        if key not in self._me:
            self._me[key] = self.client.get(key, "/users/me", {"opt_fields": "name"})["gid"]
        return self._me[key]

    def _portfolio_created(self, e: ev.PortfolioCreated, ids: IdMap, uncertain: bool):
        key = self._key(e.actor)
        data = {"name": e.name, "workspace": self.workspace}

        def find() -> str | None:
            params = {"workspace": self.workspace, "owner": self._my_gid(key),
                      "opt_fields": "name"}  # fmt: skip
            items = self.client.pages(key, "/portfolios", params)
            return self._first_free(ids, items, lambda p: p.get("name") == e.name)

        create = lambda: self._create(key, "/portfolios", data, find, uncertain)  # noqa: E731
        return {e.portfolio: self._portfolio_call(create)}

    def _portfolio_item_added(self, e: ev.PortfolioItemAdded, ids: IdMap, _: bool):
        key = self._key(e.actor)
        path = f"/portfolios/{self._gid(ids, e.portfolio)}/addItem"
        data = {"item": self._gid(ids, e.project)}
        self._portfolio_call(lambda: self.client.call(key, "POST", path, data=data))
        return {}

    def _portfolio_status_posted(self, e: ev.PortfolioStatusPosted, ids: IdMap, uncertain: bool):
        key = self._key(e.actor)
        portfolio = self._gid(ids, e.portfolio)
        data = {"parent": portfolio, "status_type": e.status_type, "title": e.title,
                "text": e.text}  # fmt: skip

        def find() -> str | None:
            items = self.client.pages(key, "/status_updates",
                                      {"parent": portfolio, "opt_fields": "title,text"})  # fmt: skip
            return self._first_free(
                ids, items, lambda s: s.get("title") == e.title and s.get("text") == e.text
            )

        create = lambda: self._create(key, "/status_updates", data, find, uncertain)  # noqa: E731
        return {e.status_update: self._portfolio_call(create)}
