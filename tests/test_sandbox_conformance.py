"""Conformance with Asana's official OpenAPI spec, and the official ``asana`` SDK (v5).

Every exchange of a scenario that calls every sandbox route is recorded by the app's
observer. Requests the sandbox accepted and all responses are validated with jsonschema
against the spec's schemas, made strict: ``$ref``/``allOf`` resolved, OpenAPI's ``nullable``
honoured, dates checked, and no properties beyond the spec's (``additionalProperties``
false), so a field the sandbox invents fails. In requests, properties the spec marks
read-only are not checked: Asana accepts ``memberships`` on create although the spec marks
it read-only.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from jsonschema import Draft7Validator, FormatChecker

from adapters.asana.sandbox import routes
from tests.sandbox_fixtures import session_for

FORMATS = FormatChecker(formats=())
EVENTS = re.compile(r"/events|/workspaces/\d+/events")  # the two event streams' paths


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or date.fromisoformat(value) is not None


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value) is not None


class StrictSchemas:
    """Spec schemas turned into strict JSON Schema, memoised per (ref, mode)."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec
        self._memo: dict[tuple[str, str], dict[str, Any]] = {}
        self._active: set[tuple[str, str]] = set()

    def resolve_ref(self, ref: str) -> dict[str, Any]:
        node: Any = self.spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def strict(self, schema: dict[str, Any], mode: str, field: bool = False) -> dict[str, Any]:
        """``mode``: "request", "response", or "expanded" (a response to a request with
        opt_fields, which may select any field of the full record: Compact → Response)."""
        if "$ref" in schema:
            ref = schema["$ref"]
            full = ref.removesuffix("Compact") + "Response"
            if mode == "expanded" and field and ref.endswith("Compact") and self._exists(full):
                schema = {"$ref": full}
            key = (schema["$ref"], mode if field else mode + "-composed")
            if key in self._memo:
                return self._memo[key]
            if key in self._active:  # a recursive schema: accept anything below this point
                return {}
            self._active.add(key)
            result = self.strict(self.resolve_ref(schema["$ref"]), mode)
            self._active.discard(key)
            self._memo[key] = result
            return result
        schema = dict(schema)
        if "allOf" in schema:
            parts = [self.strict(p, mode) for p in schema.pop("allOf")]
            schema = self._merge([*parts, self.strict(schema, mode)])
        out: dict[str, Any] = {}
        for key in ("type", "enum", "format", "required", "minimum", "maximum"):
            if key in schema:
                out[key] = schema[key]
        if "properties" in schema:
            props = {}
            for name, sub in schema["properties"].items():
                read_only = sub.get("readOnly") or self._deref(sub).get("readOnly")
                props[name] = (
                    {} if mode == "request" and read_only else self.strict(sub, mode, True)
                )
            out["properties"] = props
            out["additionalProperties"] = False
            out.setdefault("type", "object")
        if "items" in schema:
            out["items"] = self.strict(schema["items"], mode, True)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                out[key] = [self.strict(s, mode) for s in schema[key]]
        if schema.get("nullable") or schema.get("x-nullable"):
            out["x-nullable"] = True  # kept for allOf merging; jsonschema ignores it
            if "type" in out:
                out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else out["type"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        return out

    def _exists(self, ref: str) -> bool:
        return ref.rsplit("/", 1)[-1] in self.spec["components"]["schemas"]

    def _deref(self, schema: dict[str, Any]) -> dict[str, Any]:
        return self.resolve_ref(schema["$ref"]) if "$ref" in schema else schema

    @staticmethod
    def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        nullable = False
        for part in parts:
            nullable |= isinstance(part.get("type"), list) and "null" in part["type"]
            for key, value in part.items():
                if key == "properties":
                    merged.setdefault("properties", {}).update(value)
                elif key == "required":
                    merged["required"] = sorted({*merged.get("required", []), *value})
                elif key in ("type", "enum") and key in merged:
                    continue
                else:
                    merged[key] = value
        if nullable or any(p.get("x-nullable") for p in parts):
            t = merged.get("type", "object")
            merged["type"] = t if isinstance(t, list) else [t, "null"]
        return merged


class Conformance:
    def __init__(self, spec: dict[str, Any]):
        self.schemas = StrictSchemas(spec)
        self.paths = spec["paths"]
        self._templates = [
            (re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", p) + "$"), p) for p in self.paths
        ]

    def template(self, path: str) -> str:
        matches = [t for regex, t in self._templates if regex.match(path)]
        assert matches, f"{path}: no such path in Asana's spec"
        return max(matches, key=lambda t: sum("{" not in seg for seg in t.split("/")))

    def operation(self, method: str, path: str) -> dict[str, Any]:
        item = self.paths[self.template(path)]
        assert method.lower() in item, f"{method} {path}: not an operation in Asana's spec"
        return item[method.lower()]

    def check_request(self, method: str, path: str, body: dict[str, Any]) -> None:
        content = self.operation(method, path)["requestBody"]["content"]
        schema = (content.get("application/json") or content["multipart/form-data"])["schema"]
        self._validate(self.schemas.strict(schema, "request"), body, f"request {method} {path}")

    def check_response(
        self, method: str, path: str, status: int, body: dict[str, Any], opt_fields: bool = False
    ) -> None:
        responses = self.operation(method, path)["responses"]
        response = responses.get(status) or responses.get(str(status))
        if response is None:  # e.g. 429/503 on an operation that does not list them
            response = {"$ref": "#/components/responses/" + {
                400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
                429: "TooManyRequests", 500: "InternalServerError"}.get(status, "BadRequest")}  # fmt: skip
        if "$ref" in response:
            response = self.schemas.resolve_ref(response["$ref"])
        schema = response["content"]["application/json"]["schema"]
        mode = "expanded" if opt_fields else "response"
        self._validate(self.schemas.strict(schema, mode), body, f"{status} {method} {path}")

    @staticmethod
    def _validate(schema: dict[str, Any], instance: Any, where: str) -> None:
        errors = sorted(
            Draft7Validator(schema, format_checker=FORMATS).iter_errors(instance), key=str
        )
        if errors:
            e = errors[0]
            at = "/".join(map(str, e.absolute_path))
            raise AssertionError(f"{where}: {at}: {e.message[:300]} ({len(errors)} errors)")


@pytest.fixture(scope="session")
def conformance(asana_spec) -> Conformance:
    return Conformance(asana_spec)


def _exercise_every_route(sb) -> None:
    """Call every route at least once, with typical successes and failures."""
    s, b, ws = session_for(sb), sb.base_url, sb.workspace_gid
    ok = lambda r: r.json()["data"]  # noqa: E731
    s.get(f"{b}/users/me")
    s.get(f"{b}/users", params={"workspace": ws, "opt_fields": "name,email"})
    s.get(f"{b}/workspaces", params={"limit": 1})
    s.get(f"{b}/workspaces/{ws}")
    s.get(f"{b}/workspaces/{ws}/users")
    s.get(f"{b}/workspaces/{ws}/users/bob@example.com", params={"opt_fields": "email"})
    s.get(f"{b}/workspaces/{ws}/users/nobody@example.com")  # 404: not in the workspace
    s.get(f"{b}/workspaces/{ws}/teams")
    s.get(f"{b}/teams/{sb.team_gid}")
    # In an organization these two need the (deprecated) team: the spec's only way there.
    p = ok(s.post(f"{b}/projects", json={"data": {"name": "P", "workspace": ws, "notes": "n",
                                                   "team": sb.team_gid, "due_on": "2030-01-02",
                                                   "color": "light-blue"}}))  # fmt: skip
    s.post(f"{b}/workspaces/{ws}/projects", json={"data": {"name": "W", "default_view": "board",
                                                             "team": sb.team_gid}})  # fmt: skip
    s.post(
        f"{b}/teams/{sb.team_gid}/projects",
        json={"data": {"name": "T", "privacy_setting": "private"}},
    )
    s.get(f"{b}/projects", params={"workspace": ws, "limit": 2})
    s.get(f"{b}/workspaces/{ws}/projects", params={"archived": "false"})
    s.get(f"{b}/teams/{sb.team_gid}/projects")
    s.get(f"{b}/projects/{p['gid']}")
    sync = s.get(f"{b}/events", params={"resource": p["gid"]}).json()["sync"]  # 412: the first
    s.put(f"{b}/projects/{p['gid']}", json={"data": {"archived": True, "owner": None}})
    sec = ok(s.post(f"{b}/projects/{p['gid']}/sections", json={"data": {"name": "Doing"}}))
    spare = ok(s.post(f"{b}/projects/{p['gid']}/sections", json={"data": {"name": "Spare",
                                                                          "insert_before": sec["gid"]}}))  # fmt: skip
    s.get(f"{b}/projects/{p['gid']}/sections")
    s.get(f"{b}/sections/{sec['gid']}")
    s.put(f"{b}/sections/{spare['gid']}", json={"data": {"name": "Spare 2"}})
    s.delete(f"{b}/sections/{spare['gid']}")
    t = ok(s.post(f"{b}/tasks", json={"data": {
        "name": "T", "notes": "n", "projects": [p["gid"]], "assignee": "me", "due_on": "2024-02-02",
        "start_on": "2024-02-01", "followers": ["bob@example.com"], "completed": False}}))  # fmt: skip
    s.post(f"{b}/tasks", json={"data": {"name": "M", "memberships": [
        {"project": p["gid"], "section": sec["gid"]}], "liked": True}})  # fmt: skip
    s.post(f"{b}/sections/{sec['gid']}/addTask", json={"data": {"task": t["gid"]}})
    s.get(f"{b}/sections/{sec['gid']}/tasks", params={"limit": 1})
    s.get(f"{b}/projects/{p['gid']}/tasks", params={"opt_fields": "name,memberships.section.name"})
    s.get(f"{b}/tasks", params={"project": p["gid"], "limit": 5})
    s.get(f"{b}/tasks/{t['gid']}")
    s.put(f"{b}/tasks/{t['gid']}", json={"data": {"completed": True, "assignee": "carol@example.com",
                                                  "due_on": "2024-03-01", "start_on": None, "name": "T2",
                                                  "notes": "m", "liked": True}})  # fmt: skip
    s.put(
        f"{b}/tasks/{t['gid']}",
        json={"data": {"assignee": None, "completed": False, "due_on": None}},
    )
    sub = ok(
        s.post(f"{b}/tasks/{t['gid']}/subtasks", json={"data": {"name": "S", "assignee": "me"}})
    )
    s.get(f"{b}/tasks/{t['gid']}/subtasks")
    s.post(
        f"{b}/tasks/{t['gid']}/addFollowers", json={"data": {"followers": ["carol@example.com"]}}
    )
    s.post(
        f"{b}/tasks/{t['gid']}/removeFollowers", json={"data": {"followers": ["carol@example.com"]}}
    )
    s.post(
        f"{b}/tasks/{sub['gid']}/addProject",
        json={"data": {"project": p["gid"], "section": sec["gid"]}},
    )
    story = ok(s.post(f"{b}/tasks/{t['gid']}/stories", json={"data": {"text": "Looks good"}}))
    s.get(f"{b}/tasks/{t['gid']}/stories")
    for st in s.get(f"{b}/tasks/{t['gid']}/stories").json()["data"]:
        s.get(f"{b}/stories/{st['gid']}")
    s.get(f"{b}/stories/{story['gid']}")
    su = ok(s.post(f"{b}/status_updates", json={"data": {"parent": p["gid"], "status_type": "on_track",
                                                          "title": "W1", "text": "fine"}}))  # fmt: skip
    s.get(f"{b}/status_updates", params={"parent": p["gid"]})
    s.get(f"{b}/status_updates/{su['gid']}")
    s.get(f"{b}/projects/{p['gid']}")  # now with a current status update
    s.delete(f"{b}/status_updates/{su['gid']}")
    ooo = ok(s.post(f"{b}/ooo_entries", json={"data": {"user": "me", "workspace": ws,
                                                        "start_date": "2024-05-01", "end_date": "2024-05-02"}}))  # fmt: skip
    s.get(f"{b}/ooo_entries", params={"user": "me", "workspace": ws})
    s.get(f"{b}/ooo_entries/{ooo['gid']}")
    s.delete(f"{b}/ooo_entries/{ooo['gid']}")
    s.post(f"{b}/batch", json={"data": {"actions": [
        {"method": "get", "relative_path": f"/tasks/{t['gid']}", "options": {"fields": ["name"]}},
        {"method": "post", "relative_path": f"/tasks/{t['gid']}/stories", "data": {"text": "b"}}]}})  # fmt: skip
    s.get(f"{b}/events", params={"resource": p["gid"], "sync": sync})
    s.get(f"{b}/events", params={"resource": t["gid"], "sync": sync,
                                 "opt_fields": "action,change.field,change.new_value,user.name"})  # fmt: skip
    ws_sync = s.get(f"{b}/workspaces/{ws}/events").json()["sync"]  # 412: the first
    doc = ok(s.post(f"{b}/attachments", data={"parent": t["gid"]},
                    files={"file": ("notes.txt", b"n", "text/plain")}))  # fmt: skip
    s.post(f"{b}/attachments", data={"parent": p["gid"], "resource_subtype": "external",
                                     "url": "https://example.com/brief", "name": "Brief"})  # fmt: skip
    s.get(f"{b}/attachments", params={"parent": p["gid"], "limit": 1})
    s.get(f"{b}/attachments", params={"parent": t["gid"], "opt_fields": "name,size,parent.name"})
    s.get(f"{b}/attachments/{doc['gid']}")
    s.get(f"{b}/attachments/{doc['gid']}", params={"opt_fields": "host,parent.created_by"})
    s.post(f"{b}/attachments", data={"parent": t["gid"]})  # 400: no file
    s.delete(f"{b}/attachments/{doc['gid']}")
    s.get(f"{b}/workspaces/{ws}/events", params={"sync": ws_sync})
    # Failures: each is answered with Asana's error shape.
    s.get(f"{b}/events", params={"resource": "1"})
    s.get(f"{b}/tasks/1")
    s.put(f"{b}/tasks/{t['gid']}", json={"data": {"assignee": "zz"}})
    s.post(f"{b}/tasks", json={"name": "no envelope"})
    s.delete(f"{b}/tasks/{sub['gid']}")
    s.delete(f"{b}/projects/{p['gid']}")
    s.get(f"{b}/events", params={"resource": t["gid"], "sync": sync})  # deleted, and removed
    s.get(f"{b}/attachments/{doc['gid']}")  # 404: deleted


def _exercise_workspace_routes(sb) -> None:
    """Custom fields, tags, dependencies, subtypes, teams, members and portfolios."""
    s, b, ws = session_for(sb), sb.base_url, sb.workspace_gid
    ok = lambda r: r.json()["data"]  # noqa: E731
    prio = ok(s.post(f"{b}/custom_fields", json={"data": {
        "workspace": ws, "name": "Priority", "resource_subtype": "enum",
        "enum_options": [{"name": "Low", "color": "blue"}, {"name": "High"}]}}))  # fmt: skip
    effort = ok(s.post(f"{b}/custom_fields", json={"data": {
        "workspace": ws, "name": "Effort", "resource_subtype": "number", "precision": 1}}))  # fmt: skip
    due = ok(s.post(f"{b}/custom_fields", json={"data": {
        "workspace": ws, "name": "Due quarter", "resource_subtype": "date"}}))  # fmt: skip
    note = ok(s.post(f"{b}/custom_fields", json={"data": {
        "workspace": ws, "name": "Note", "resource_subtype": "text", "description": "d"}}))  # fmt: skip
    s.get(f"{b}/custom_fields/{prio['gid']}")
    s.post(f"{b}/custom_fields/{prio['gid']}/enum_options", json={"data": {
        "name": "Medium", "color": "green", "insert_after": prio["enum_options"][0]["gid"]}})  # fmt: skip
    s.get(f"{b}/workspaces/{ws}/custom_fields")
    team = ok(s.post(f"{b}/teams", json={"data": {"name": "Ops", "organization": ws,
                                                   "description": "x", "visibility": "public"}}))  # fmt: skip
    s.get(f"{b}/teams/{team['gid']}")
    s.post(f"{b}/teams/{team['gid']}/addUser", json={"data": {"user": "bob@example.com"}})
    s.get(f"{b}/teams/{team['gid']}/users")
    s.get(f"{b}/teams/{team['gid']}/team_memberships", params={"limit": 1})
    s.get(f"{b}/users/bob@example.com/team_memberships", params={"workspace": ws})
    s.get(
        f"{b}/users/me/teams", params={"organization": ws, "opt_fields": "name,organization.name"}
    )
    p = ok(s.post(f"{b}/teams/{team['gid']}/projects", json={"data": {"name": "WS"}}))
    s.post(f"{b}/projects/{p['gid']}/addMembers", json={"data": {"members": "bob@example.com"}})
    members = ok(s.get(f"{b}/projects/{p['gid']}/project_memberships", params={"limit": 1}))
    s.get(f"{b}/projects/{p['gid']}/project_memberships",
          params={"user": "bob@example.com", "opt_fields": "parent.name,member.name,access_level"})  # fmt: skip
    s.get(f"{b}/project_memberships/{members[0]['gid']}")
    s.get(f"{b}/project_memberships/{members[0]['gid']}",
          params={"opt_fields": "project.name,parent,user.name,write_access,access_level"})  # fmt: skip
    s.get(f"{b}/project_memberships/1-2")  # 404
    for field in (prio, effort, due, note):
        s.post(f"{b}/projects/{p['gid']}/addCustomFieldSetting",
               json={"data": {"custom_field": field["gid"], "is_important": True}})  # fmt: skip
    s.get(f"{b}/projects/{p['gid']}/custom_field_settings")
    tag = ok(s.post(f"{b}/tags", json={"data": {"name": "urgent", "workspace": ws,
                                                 "color": "dark-red"}}))  # fmt: skip
    tag2 = ok(s.post(f"{b}/workspaces/{ws}/tags", json={"data": {"name": "later"}}))
    s.get(f"{b}/tags/{tag['gid']}")
    s.get(f"{b}/tags", params={"workspace": ws})
    high = prio["enum_options"][1]["gid"]
    t = ok(s.post(f"{b}/tasks", json={"data": {"name": "A", "projects": [p["gid"]],
        "tags": [tag["gid"]], "custom_fields": {prio["gid"]: high, effort["gid"]: 2.5,
        due["gid"]: {"date": "2026-03-31"}, note["gid"]: "n"}}}))  # fmt: skip
    m = ok(s.post(f"{b}/tasks", json={"data": {"name": "M", "projects": [p["gid"]],
                                               "resource_subtype": "milestone"}}))  # fmt: skip
    a = ok(s.post(f"{b}/tasks", json={"data": {"name": "Approve", "projects": [p["gid"]],
        "resource_subtype": "approval", "approval_status": "pending", "assignee": "me"}}))  # fmt: skip
    s.put(f"{b}/tasks/{t['gid']}", json={"data": {"custom_fields": {prio["gid"]: None,
                                                                    effort["gid"]: 3}}})  # fmt: skip
    s.put(f"{b}/tasks/{a['gid']}", json={"data": {"approval_status": "changes_requested"}})
    s.get(f"{b}/tasks/{t['gid']}")
    s.get(f"{b}/tasks/{a['gid']}", params={"opt_fields": "approval_status,custom_fields.name"})
    s.post(f"{b}/tasks/{t['gid']}/addTag", json={"data": {"tag": tag2["gid"]}})
    s.post(f"{b}/tasks/{t['gid']}/removeTag", json={"data": {"tag": tag2["gid"]}})
    s.get(f"{b}/tasks/{t['gid']}/tags")
    s.get(f"{b}/workspaces/{ws}/tags")
    s.get(f"{b}/tags/{tag['gid']}/tasks", params={"opt_fields": "name,custom_fields.display_value"})
    s.get(f"{b}/tasks/{t['gid']}/projects")
    s.post(f"{b}/tasks/{m['gid']}/addDependencies", json={"data": {"dependencies": [t["gid"]]}})
    s.post(f"{b}/tasks/{a['gid']}/addDependents", json={"data": {"dependents": [m["gid"]]}})
    s.get(f"{b}/tasks/{m['gid']}/dependencies")
    s.get(f"{b}/tasks/{t['gid']}/dependents")
    s.get(f"{b}/tasks/{m['gid']}/stories")
    my_tasks = ok(s.get(f"{b}/users/me/user_task_list", params={"workspace": ws}))
    s.get(f"{b}/user_task_lists/{my_tasks['gid']}", params={"opt_fields": "name,owner"})
    s.get(f"{b}/user_task_lists/{my_tasks['gid']}/tasks", params={"completed_since": "now",
                                                                   "limit": 1})  # fmt: skip
    s.get(f"{b}/user_task_lists/{my_tasks['gid']}/tasks",
          params={"opt_fields": "name,assignee.name,completed,due_on,projects.name"})  # fmt: skip
    s.get(f"{b}/user_task_lists/1/tasks")  # 404
    s.get(f"{b}/workspaces/{ws}/tasks/search", params={
        "text": "a", "assignee.any": "me", "projects.any": p["gid"], "completed": "false",
        "is_subtask": "false", "sort_by": "created_at", "sort_ascending": "true"})  # fmt: skip
    s.get(f"{b}/workspaces/{ws}/tasks/search",
          params={"tags.any": tag["gid"], "limit": 1, "opt_fields": "name,tags.name,due_on"})  # fmt: skip
    s.get(f"{b}/workspaces/{ws}/tasks/search", params={"sort_by": "name"})  # 400
    s.get(f"{b}/projects/{p['gid']}/task_counts", params={"opt_fields": "num_tasks,num_milestones,"
          "num_completed_milestones,num_incomplete_tasks"})  # fmt: skip
    s.get(f"{b}/projects/{p['gid']}/task_counts")  # no fields unless asked for: {"data": {}}
    pf = ok(s.post(f"{b}/portfolios", json={"data": {"name": "All", "workspace": ws,
                                                      "color": "dark-blue", "public": True}}))  # fmt: skip
    s.put(f"{b}/portfolios/{pf['gid']}", json={"data": {"color": "light-teal", "archived": False,
                                                       "start_on": "2030-01-01", "due_on": "2030-02-01"}})  # fmt: skip
    s.put(f"{b}/portfolios/{pf['gid']}", json={"data": {"color": "none"}})  # 400: not Asana's
    plain = ok(s.post(f"{b}/portfolios", json={"data": {"name": "Plain", "workspace": ws}}))
    s.get(f"{b}/portfolios/{plain['gid']}")  # a colour the spec allows, though none was sent
    s.post(f"{b}/portfolios/{pf['gid']}/addItem", json={"data": {"item": p["gid"]}})
    s.get(f"{b}/portfolios/{pf['gid']}/items")
    s.post(f"{b}/portfolios/{pf['gid']}/addCustomFieldSetting",
           json={"data": {"custom_field": prio["gid"], "is_important": True}})  # fmt: skip
    s.get(f"{b}/portfolios/{pf['gid']}/custom_field_settings")
    s.get(f"{b}/portfolios", params={"workspace": ws, "owner": "me"})
    su = ok(s.post(f"{b}/status_updates", json={"data": {"parent": pf["gid"],
                                                          "status_type": "at_risk", "text": "t"}}))  # fmt: skip
    s.get(f"{b}/status_updates", params={"parent": pf["gid"]})
    s.get(f"{b}/portfolios/{pf['gid']}")  # with its current status update
    s.get(f"{b}/status_updates/{su['gid']}")
    s.delete(f"{b}/portfolios/{pf['gid']}")
    s.delete(f"{b}/portfolios/{pf['gid']}")  # 404: already deleted
    # Failures: wrong value types, a duplicate option, cycles, fields not on the task's project,
    # an endpoint of Asana's the sandbox does not serve.
    s.get(f"{b}/goals/1")
    s.put(f"{b}/tasks/{t['gid']}", json={"data": {"custom_fields": {effort["gid"]: "x"}}})
    s.post(f"{b}/custom_fields/{prio['gid']}/enum_options", json={"data": {"name": "Low"}})
    s.post(f"{b}/tasks/{t['gid']}/addDependencies", json={"data": {"dependencies": [m["gid"]]}})
    s.post(f"{b}/tasks", json={"data": {"name": "X", "workspace": ws,
                                        "custom_fields": {note["gid"]: "n"}}})  # fmt: skip


@pytest.fixture(scope="module")
def exchanges(asana_spec) -> list[tuple[str, str, Any, int, Any, bool]]:
    import msgspec

    from adapters.asana.sandbox import Sandbox, SandboxConfig
    from adapters.asana.sandbox.forms import decode_form
    from tests.sandbox_fixtures import default_people

    recorded: list[tuple[str, str, Any, int, Any, bool]] = []

    def observe(request, status, body):
        form = decode_form(request.headers.get("content-type", ""), request.body)
        if form is not None:  # an upload's fields, flat as the spec's multipart schema has them
            sent = {**form.envelope["data"], **{name: "<file>" for name in form.files}}
        else:
            sent = msgspec.json.decode(request.body) if request.body else None
        path = request.path.removeprefix("/api/1.0")
        recorded.append((request.method, path, sent, status, body, "opt_fields" in request.query))

    with Sandbox(SandboxConfig(people=default_people())) as sb:
        sb.app.observer = observe
        _exercise_every_route(sb)
        _exercise_workspace_routes(sb)
        assert not sb.internal_errors
    return recorded


def test_every_route_is_exercised_and_in_the_spec(exchanges, conformance):
    called = {(m, conformance.template(p)) for m, p, *_ in exchanges}
    for method, pattern, _ in routes.TABLE:
        assert (method, pattern) in called or (method, pattern.replace("{user_gid}", "me")) in {
            (m, p) for m, p, *_ in exchanges}, f"{method} {pattern} not exercised"  # fmt: skip
        conformance.operation(method, re.sub(r"\{\w+\}", "1", pattern))
    assert ("POST", "/batch") in called
    assert {x[3] for x in exchanges} >= {200, 201, 400, 404}


def test_accepted_requests_conform(exchanges, conformance):
    checked = 0
    for method, path, sent, status, *_ in exchanges:
        if sent is not None and status < 300:
            conformance.check_request(method, path, sent)
            checked += 1
    assert checked >= 20  # every accepted write of the scenario


def test_responses_conform(exchanges, conformance):
    for method, path, _, status, body, opt_fields in exchanges:
        if method == "GET" and EVENTS.fullmatch(path):
            body = _without_events_spec_gaps(status, body)
        conformance.check_response(method, path, status, body, opt_fields)
    answers = [(x[3], x[4]) for x in exchanges if x[0] == "GET" and EVENTS.fullmatch(x[1])]
    assert {status for status, _ in answers} == {200, 404, 412}
    kinds = {(e["action"], e["resource"]["resource_type"]) for s, body in answers if s == 200
             for e in body["data"] if "resource" in e}  # fmt: skip
    assert kinds >= {("added", "task"), ("changed", "task"), ("added", "story"),
                     ("changed", "project"), ("deleted", "task"), ("removed", "task"),
                     ("added", "attachment"), ("deleted", "attachment")}  # fmt: skip


def _without_events_spec_gaps(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """An events answer without what Asana sends but the spec's schemas leave out, as its own
    words say: the 412's fresh token (the `sync` parameter: the API will "include a fresh sync
    token in the response"), and an event's null `parent` (`EventResponse.parent`: "The parent
    will be `null` for other event types" than added/removed)."""
    body = dict(body)
    if status == 412:
        assert isinstance(body.pop("sync"), str)
    elif status == 200:
        events = []
        for event in body["data"]:
            if event.get("parent", {}) is None:
                assert event["action"] not in ("added", "removed"), event
                event = {k: v for k, v in event.items() if k != "parent"}
            events.append(event)
        body["data"] = events
    return body


def test_error_and_limit_responses_conform(make_sandbox, conformance):
    from adapters.asana.sandbox import FaultPlan, Limits

    sb = make_sandbox(limits=Limits(quota=1, window=60), faults=FaultPlan(rates={"500": 1.0}))
    s = session_for(sb)
    url = f"{sb.base_url}/users/me"
    for expected in (500, 429):
        r = s.get(url)
        assert r.status_code == expected
        conformance.check_response("GET", "/users/me", r.status_code, r.json())
    r = s.get(url, headers={"Authorization": "Bearer wrong"})
    conformance.check_response("GET", "/users/me", 401, r.json())


def test_strict_schemas_catch_invented_fields(conformance):
    with pytest.raises(AssertionError, match="Additional properties"):
        conformance.check_response("GET", "/tasks/1", 200, {"data": {"gid": "1", "colour": "x"}})
    with pytest.raises(AssertionError, match="is not of type"):
        conformance.check_response(
            "GET", "/tasks/1", 200, {"data": {"gid": "1", "completed": "no"}}
        )
    conformance.check_response("GET", "/tasks/1", 200, {"data": {"gid": "1", "assignee": None}})


def test_official_sdk_round_trip(sandbox, asana_spec):
    import asana

    config = asana.Configuration()
    config.host = sandbox.base_url
    config.access_token = sandbox.tokens["alice@example.com"]
    client = asana.ApiClient(config)
    project = asana.ProjectsApi(client).create_project_for_team(
        {"data": {"name": "SDK"}}, sandbox.team_gid, {}
    )
    section = asana.SectionsApi(client).create_section_for_project(
        project["gid"], {"body": {"data": {"name": "Doing"}}})  # fmt: skip
    tasks_api = asana.TasksApi(client)
    body = {"data": {"name": "Task", "memberships": [{"project": project["gid"], "section": section["gid"]}],
                     "assignee": "bob@example.com", "due_on": "2024-06-01"}}  # fmt: skip
    task = tasks_api.create_task(body, {})
    more = [
        tasks_api.create_task({"data": {"name": f"more {i}", "projects": [project["gid"]]}}, {})[
            "gid"
        ]
        for i in range(5)
    ]
    subtask = tasks_api.create_subtask_for_task({"data": {"name": "Sub"}}, task["gid"], {})
    comment = asana.StoriesApi(client).create_story_for_task(
        {"data": {"text": "Hi"}}, task["gid"], {}
    )
    status = asana.StatusUpdatesApi(client).create_status_for_object(
        {"data": {"parent": project["gid"], "status_type": "on_track", "text": "ok", "title": "W"}}, {})  # fmt: skip
    got = tasks_api.get_task(
        task["gid"], {"opt_fields": "name,assignee.name,memberships.section.name"}
    )
    assert got["assignee"]["name"] == "Bob Brown"
    assert got["memberships"][0]["section"]["name"] == "Doing"
    pages: list[str] = []
    sandbox.app.observer = lambda request, status, body: pages.append(request.query)
    listed = list(tasks_api.get_tasks_for_project(project["gid"], {"limit": 2}))
    sandbox.app.observer = None
    # "Untitled section" (where "more" went) comes before "Doing"; three pages, then the end.
    assert [t["gid"] for t in listed] == [*more, task["gid"]]
    assert len(pages) == 3 and "offset=" in pages[-1]
    subtasks = list(tasks_api.get_subtasks_for_task(task["gid"], {"limit": 1}))
    assert [t["gid"] for t in subtasks] == [subtask["gid"]]
    stories = list(asana.StoriesApi(client).get_stories_for_task(task["gid"], {}))
    assert comment["gid"] in {x["gid"] for x in stories}
    updates = list(asana.StatusUpdatesApi(client).get_statuses_for_object(project["gid"], {}))
    assert [u["gid"] for u in updates] == [status["gid"]]
    with pytest.raises(asana.rest.ApiException) as info:
        tasks_api.get_task("1", {})
    assert info.value.status == 404


def test_payment_required_conforms(make_sandbox, conformance):
    sb = make_sandbox(plan="free")
    s, ws = session_for(sb), sb.workspace_gid
    r = s.post(f"{sb.base_url}/portfolios", json={"data": {"name": "All", "workspace": ws}})
    assert r.status_code == 402
    conformance.check_response("POST", "/portfolios", 402, r.json())
    r = s.get(f"{sb.base_url}/workspaces/{ws}/tasks/search", params={"text": "x"})
    assert r.status_code == 402
    conformance.check_response("GET", f"/workspaces/{ws}/tasks/search", 402, r.json())
