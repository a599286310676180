"""Custom field settings: which workspace fields a project or portfolio shows.

A premium feature (402 on the free plan). Asana's spec: "Each portfolio has a max of 1500 items
and, like projects, a maximum of 20 custom fields." It documents no error for going past that;
the sandbox answers the 21st setting as Asana answers a request it cannot carry out: 400 with
its usual ``{"errors": [{"message": ...}]}``.
"""

from __future__ import annotations

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import CustomFieldSetting, Portfolio, Project
from adapters.asana.sandbox.plans import CUSTOM_FIELDS, require_paid
from adapters.asana.sandbox.store import Store
from engine.scenario_checks import MAX_CUSTOM_FIELDS_PER_PROJECT

SETTING_SPEC: dict[str, v.Checker] = {
    "custom_field": v.ref("custom_field"),
    "is_important": v.boolean,
    "insert_before": v.ref("custom_field"),
    "insert_after": v.ref("custom_field"),
}


def field_gids(store: Store, parent: Project | Portfolio) -> list[str]:
    """The custom fields set on `parent`, in its order."""
    settings = (store.get("custom_field_setting", g) for g in parent.custom_field_settings)
    return [s.custom_field for s in settings if isinstance(s, CustomFieldSetting)]


def _add(call: Call, kind: str, parent: Project | Portfolio) -> Answer:
    data = call.data(SETTING_SPEC, required=("custom_field",))
    on_parent = field_gids(call.store, parent)
    if data["custom_field"] in on_parent:
        raise bad_request(f"data.custom_field: '{data['custom_field']}' is already on this {kind}")
    if len(on_parent) >= MAX_CUSTOM_FIELDS_PER_PROJECT:
        raise bad_request(
            f"data.custom_field: {kind} '{parent.gid}' already has {len(on_parent)} custom "
            f"fields; expected at most {MAX_CUSTOM_FIELDS_PER_PROJECT} per {kind} (Asana's limit)"
        )
    if "insert_before" in data and "insert_after" in data:
        raise bad_request("data.insert_before: send insert_before or insert_after, not both")
    position = len(on_parent)
    for key, offset in (("insert_before", 0), ("insert_after", 1)):
        if key in data:
            if data[key] not in on_parent:
                raise bad_request(f"data.{key}: custom field '{data[key]}' is not on this {kind}")
            position = on_parent.index(data[key]) + offset
    setting = CustomFieldSetting(gid=call.store.new_gid(), parent=parent.gid,
                                 custom_field=data["custom_field"],
                                 is_important=data.get("is_important", False))  # fmt: skip
    parent.custom_field_settings.insert(position, setting.gid)
    call.store.put("custom_field_setting", setting)
    call.store.put(kind, parent)
    return call.one("custom_field_setting", setting)


def _list(call: Call, parent: Project | Portfolio) -> Answer:
    settings = [call.store.records["custom_field_setting"][g] for g in parent.custom_field_settings]
    return call.many("custom_field_setting", settings)


def add_project_setting(call: Call, project_gid: str) -> Answer:
    call.allow_query()
    require_paid(call, CUSTOM_FIELDS)
    return _add(call, "project", call.store.require("project", project_gid, Project))


def list_project_settings(call: Call, project_gid: str) -> Answer:
    call.allow_query(paged=True)
    return _list(call, call.store.require("project", project_gid, Project))


def add_portfolio_setting(call: Call, portfolio_gid: str) -> Answer:
    call.allow_query()
    require_paid(call)  # the free plan has no portfolios, let alone their fields
    return _add(call, "portfolio", call.store.require("portfolio", portfolio_gid, Portfolio))


def list_portfolio_settings(call: Call, portfolio_gid: str) -> Answer:
    call.allow_query(paged=True)
    require_paid(call)
    return _list(call, call.store.require("portfolio", portfolio_gid, Portfolio))
