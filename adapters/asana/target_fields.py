"""Events → Asana calls for custom fields (`Fields`): the fields themselves, their enum
options, the values tasks get, and the fields' settings on projects.

- A field is looked up by name first (Asana wants a field's name unique in the workspace; a
  second run into the same workspace reuses what the first made). A field of the same name but
  another type is refused with a message saying so. A reused enum field gets the options it
  lacks (``POST /custom_fields/{gid}/enum_options``, each next to its neighbour in the log's
  order; a disabled one is noted, not duplicated). Enum option gids go to the id map as
  ``<field>:<option name>`` so values can be set after a restart.
- Custom fields are a premium feature. The plan's first refusal (402, or a 403 that says
  premium or payment) becomes one note; that field and every later one is mapped to "" (not in
  this workspace) without another request, so the projects and tasks that name them (which
  wait for them) are still created, without the fields and values; a value change is skipped.
  Mapped, not skipped: a skipped field would take every project that shows it down with it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from adapters.asana.client import ApiRejected
from adapters.asana.target_people import Actors
from adapters.asana.target_shared import Handler, Notes, Place, Plan, gid_of, refused_for_plan
from engine import events as ev
from engine.replay_ids import IdMap
from engine.replay_target import Rejected, Skip

FIELD = "custom field"  # the paid feature, as `Plan` knows it

FIELD_FIELDS = "name,resource_subtype,enum_options"  # options come whole, gid included


def option_key(field: str, option: str) -> str:
    """The id-map key of an enum option of a custom field."""
    return f"{field}:{option}"


def _place(
    wanted: tuple[str, ...], i: int, there: dict[str | None, dict[str, Any]]
) -> dict[str, str]:
    """Where option `wanted[i]` goes: after the nearest earlier one of `wanted` the field has,
    else before the nearest later one, else at the end."""
    before = next((there[n] for n in reversed(wanted[:i]) if n in there), None)
    if before is not None:
        return {"insert_after": before["gid"]}
    after = next((there[n] for n in wanted[i + 1 :] if n in there), None)
    return {"insert_before": after["gid"]} if after is not None else {}


class Fields:
    def __init__(self, place: Place, actors: Actors, plan: Plan, notes: Notes) -> None:
        self.place, self.client, self.workspace = place, place.client, place.workspace
        self.actors, self.plan, self.notes = actors, plan, notes
        self._kinds: dict[str, tuple[str, int]] = {}  # field id → (kind, precision)

    def handlers(self) -> dict[type, Handler]:
        return {
            ev.CustomFieldCreated: self._custom_field_created,
            ev.CustomFieldChanged: self._custom_field_changed,
        }

    def observe(self, event: ev.CustomFieldCreated) -> None:
        self._kinds[event.field] = (event.kind, event.precision)

    def _fields_named(self, key: str, name: str) -> list[dict[str, Any]]:
        items = self.client.pages(key, f"/workspaces/{self.workspace}/custom_fields",
                                  {"opt_fields": FIELD_FIELDS})  # fmt: skip
        return [f for f in items if str(f.get("name", "")).lower() == name.lower()]

    def _custom_field_created(self, e: ev.CustomFieldCreated, ids: IdMap, _: bool):
        if self.plan.refused(FIELD):
            return {e.field: ""}  # not in this workspace: no request
        key = self.actors.key(e.actor)
        try:
            return self._make_field(key, e)
        except ApiRejected as exc:
            if not refused_for_plan(exc):
                raise
            self.plan.refuse(FIELD, exc)
            return {e.field: ""}

    def _make_field(self, key: str, e: ev.CustomFieldCreated) -> dict[str, str]:
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
                    self.notes.note(f"custom field {e.name!r}: option {name!r} is disabled in "
                                    "the workspace, so no task can be given it")  # fmt: skip
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
                if refused_for_plan(exc):
                    raise
                raise Rejected(f"custom field {e.name!r}: cannot add option {name!r}: {exc}",
                               exc.status) from None  # fmt: skip
            options.append(option)

    def _field_value(self, ids: IdMap, field: str, value: ev.FieldValue | None) -> Any:
        """A log value as Asana takes it for this field's type."""
        if value is None:
            return None
        kind, precision = self._kinds.get(field, ("text", 0))
        if kind == "enum":
            gid = ids.get(option_key(field, str(value)))
            if not gid:
                raise Rejected(f"custom field {field}: option {value!r} does not exist here")
            return gid
        if kind == "number":
            number = float(value)
            return int(number) if precision == 0 and number.is_integer() else round(number, 6)
        if kind == "date":  # the spec types every value as a string: "YYYY-MM-DD" for dates
            return self.place.day(date.fromisoformat(str(value)))
        return str(value)

    def values(self, ids: IdMap, values: dict[str, ev.FieldValue]) -> dict[str, Any]:
        """Values as Asana takes them, leaving out fields this workspace does not have."""
        if self.plan.refused(FIELD):
            return {}
        return {gid_of(ids, f): self._field_value(ids, f, v) for f, v in values.items()
                if ids.get(f) != ""}  # fmt: skip

    def _custom_field_changed(self, e: ev.CustomFieldChanged, ids: IdMap, _: bool):
        if ids.get(e.field) == "" and not self.plan.refused(FIELD):  # refused by an earlier run
            raise Skip(f"custom field {e.field} is not in this workspace (custom fields were "
                       "not available on its plan)")  # fmt: skip
        self.plan.skip_if_refused(FIELD)
        values = self.values(ids, {e.field: e.value})  # type: ignore[dict-item]
        key = self.actors.key(e.actor)
        return self.plan.call(
            FIELD, lambda: self.place.put_task(key, ids, e.task, {"custom_fields": values})
        )

    def add_settings(self, key: str, ids: IdMap, project: str, fields, check: bool):
        """Put the run's custom fields on a project; `check`: some may be there already."""
        path = f"/projects/{project}/custom_field_settings"

        def present() -> set[str]:
            items = self.client.pages(key, path, {"opt_fields": "custom_field"})
            return {(s.get("custom_field") or {}).get("gid", "") for s in items}

        wanted = [gid_of(ids, f) for f in fields if ids.get(f) != ""]
        if not wanted or self.plan.refused(FIELD):
            return  # the plan has no custom fields: the project goes without them
        try:
            there = present() if check else set()
            for gid in wanted:
                if gid in there:
                    continue

                def added(g: str = gid) -> dict[str, Any] | None:
                    return {} if g in present() else None

                self.client.call(key, "POST", f"/projects/{project}/addCustomFieldSetting",
                                 data={"custom_field": gid}, reconcile=added)  # fmt: skip
        except ApiRejected as exc:
            if not refused_for_plan(exc):
                raise
            self.plan.refuse(FIELD, exc)  # the project stays, without its fields
