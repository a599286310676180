"""Custom fields: workspace definitions and typed values on tasks (settings: api_field_settings).

A premium feature: on the free plan creating fields, options and settings, and setting values
on tasks, answer 402 (reading what is there does not). A field's name must be unique in the
workspace and must not be a built-in task property's (``Due date``, ``Assignee``, ...: 400).
"""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.api_field_settings import field_gids
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import (
    CustomField,
    EnumOption,
    Project,
    Workspace,
)
from adapters.asana.sandbox.plans import CUSTOM_FIELDS, require_paid
from engine.scenario_checks import TASK_PROPERTY_NAMES, is_task_property_name

FIELD_SUBTYPES = ("enum", "number", "date", "text")
OPTION_COLORS = ("none", "red", "orange", "yellow-orange", "yellow", "yellow-green", "green",
                 "blue-green", "aqua", "blue", "indigo", "purple", "magenta", "hot-pink", "pink",
                 "cool-gray")  # fmt: skip
OPTION_SPEC: dict[str, v.Checker] = {
    "name": v.name,
    "color": v.one_of(*OPTION_COLORS),
    "enabled": v.boolean,
}


def _precision(path: str, value: Any, lookup: v.Lookup) -> int:
    if lookup.form:
        value = v.number(path, value, lookup)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise bad_request(f"{path}: must be an integer from 0 to 6, got {value!r}")
    return value


def _subtype(path: str, value: Any, lookup: v.Lookup) -> str:
    if value in ("multi_enum", "people", "reference"):
        raise bad_request(f"{path}: {value!r} fields are not supported by the sandbox")
    return v.one_of(*FIELD_SUBTYPES)(path, value, lookup)


FIELD_SPEC: dict[str, v.Checker] = {
    "workspace": v.ref("workspace"),
    "name": v.name,
    "resource_subtype": _subtype,
    "description": v.text,
    "precision": _precision,
    "enum_options": v.objects(OPTION_SPEC, required=("name",)),
    "format": v.one_of("none", "custom", "currency", "percentage", "identifier", "duration"),
    "has_notifications_enabled": v.boolean,
    "type": v.rejected("deprecated; send resource_subtype"),
}
MAX_OPTIONS = 500  # Asana's cap per field, disabled options included


def create_custom_field(call: Call) -> Answer:
    call.allow_query()
    require_paid(call, CUSTOM_FIELDS)
    data = call.data(FIELD_SPEC, required=("workspace", "name", "resource_subtype"))
    if is_task_property_name(data["name"]):
        raise bad_request(
            f"data.name: {data['name']!r} conflicts with the name of a built-in task property "
            f"({', '.join(TASK_PROPERTY_NAMES)}); choose another name"
        )
    kind = data["resource_subtype"]
    options = data.get("enum_options", [])
    if kind == "enum" and not options:
        raise bad_request("data.enum_options: an enum field needs at least one option")
    if kind != "enum" and "enum_options" in data:
        raise bad_request(f"data.enum_options: only enum fields have options (this is {kind})")
    if kind != "number" and "precision" in data:
        raise bad_request(f"data.precision: only number fields have a precision (this is {kind})")
    names = [o["name"] for o in options]
    if len(set(names)) != len(names):
        raise bad_request("data.enum_options: option names must be unique")
    if len(options) > MAX_OPTIONS:
        raise bad_request(f"data.enum_options: at most {MAX_OPTIONS} options, got {len(options)}")
    taken = {f.name.lower() for f in call.store.all("custom_field") if isinstance(f, CustomField)}
    if data["name"].lower() in taken:
        raise bad_request(f"data.name: a custom field named {data['name']!r} already exists")
    field = CustomField(
        gid=call.store.new_gid(),
        name=data["name"],
        workspace=data["workspace"],
        resource_subtype=kind,
        created_by=call.user_gid,
        description=data.get("description", ""),
        precision=data.get("precision", 0),
        enum_options=[
            EnumOption(
                gid=call.store.new_gid(),
                name=o["name"],
                color=o.get("color", "none"),
                enabled=o.get("enabled", True),
            )
            for o in options
        ],  # fmt: skip
    )
    call.store.put("custom_field", field)
    return call.one("custom_field", field, status=201)


def get_custom_field(call: Call, custom_field_gid: str) -> Answer:
    call.allow_query()
    return call.one(
        "custom_field", call.store.require("custom_field", custom_field_gid, CustomField)
    )


def list_workspace_custom_fields(call: Call, workspace_gid: str) -> Answer:
    call.allow_query(paged=True)
    call.store.require("workspace", workspace_gid, Workspace)
    fields = [f for f in call.store.all("custom_field") if isinstance(f, CustomField)
              and f.workspace == workspace_gid]  # fmt: skip
    return call.many("custom_field", fields)


NEW_OPTION_SPEC: dict[str, v.Checker] = {
    **OPTION_SPEC,
    "insert_before": v.text,
    "insert_after": v.text,
}


def create_enum_option(call: Call, custom_field_gid: str) -> Answer:
    """Add an option to an enum field: at the end, or before/after one of its options."""
    call.allow_query()
    require_paid(call, CUSTOM_FIELDS)
    field = call.store.require("custom_field", custom_field_gid, CustomField)
    data = call.data(NEW_OPTION_SPEC, required=("name",))
    if field.resource_subtype != "enum":
        raise bad_request(f"custom_field: only enum fields have options ({field.name!r} is "
                          f"{field.resource_subtype})")  # fmt: skip
    if "insert_before" in data and "insert_after" in data:
        raise bad_request("data.insert_before: send insert_before or insert_after, not both")
    gids = [o.gid for o in field.enum_options]
    position = len(gids)
    for key, offset in (("insert_before", 0), ("insert_after", 1)):
        if key in data:
            if data[key] not in gids:
                raise bad_request(f"data.{key}: '{data[key]}' is not an option of {field.name!r}")
            position = gids.index(data[key]) + offset
    if any(o.name == data["name"] for o in field.enum_options):
        raise bad_request(f"data.name: {field.name!r} already has an option {data['name']!r}")
    if len(gids) >= MAX_OPTIONS:
        raise bad_request(f"custom_field: {field.name!r} already has {MAX_OPTIONS} options "
                          "(disabled ones count too)")  # fmt: skip
    # Asana: a new option is always enabled, whatever the request says.
    option = EnumOption(gid=call.store.new_gid(), name=data["name"],
                        color=data.get("color", "none"))  # fmt: skip
    field.enum_options.insert(position, option)
    call.store.put("custom_field", field)
    return call.one("enum_option", option, status=201)  # type: ignore[arg-type]


# -- values on tasks ---------------------------------------------------------------------------


def custom_field_values(path: str, value: Any, lookup: v.Lookup) -> dict[str, Any]:
    """``{field_gid: value}`` → stored values (None clears); the type follows the field."""
    if not isinstance(value, dict):
        raise bad_request(f"{path}: expected an object of custom field gid → value")
    if value:
        require_paid(lookup, CUSTOM_FIELDS)
    out: dict[str, Any] = {}
    for gid, raw in value.items():
        field = lookup.store.get("custom_field", gid)
        if not isinstance(field, CustomField):
            raise bad_request(f"{path}.{gid}: unknown custom_field '{gid}'")
        cleared = raw is None or (lookup.form and raw == "null")
        out[gid] = None if cleared else _typed(f"{path}.{gid}", field, raw, lookup)
    return out


def _typed(path: str, field: CustomField, raw: Any, lookup: v.Lookup) -> Any:
    kind = field.resource_subtype
    if kind == "enum":
        option = next((o for o in field.enum_options if o.gid == raw), None)
        if option is None:
            names = ", ".join(f"{o.gid} ({o.name})" for o in field.enum_options)
            raise bad_request(f"{path}: {raw!r} is not an enum option of {field.name!r}: {names}")
        if not option.enabled:
            raise bad_request(f"{path}: enum option {raw!r} is disabled")
        return raw
    if kind == "number":
        if lookup.form:
            raw = v.number(path, raw, lookup)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise bad_request(f"{path}: {field.name!r} is a number field; got {raw!r}")
        return raw
    if kind == "date":
        if isinstance(raw, dict):
            extra = set(raw) - {"date"}
            if extra or "date" not in raw:
                raise bad_request(f'{path}: expected {{"date": "YYYY-MM-DD"}}, got {raw!r}')
            raw = raw["date"]
        return v.day(path, raw, lookup)
    return v.text(path, raw, lookup)


def check_fields_on_projects(call: Call, values: dict[str, Any], projects: list[str]) -> None:
    """Asana accepts values only for fields set on one of the task's projects."""
    allowed: set[str] = set()
    for gid in projects:
        allowed.update(field_gids(call.store, call.store.require("project", gid, Project)))
    for gid in values:
        if gid not in allowed:
            raise bad_request(
                f"data.custom_fields.{gid}: custom field is not on any of the task's projects "
                "(add it with POST /projects/{project_gid}/addCustomFieldSetting)"
            )
