"""How a custom field and its value look on a task: the definition, the typed value
(``enum_value``, ``number_value``, ``date_value`` or ``text_value``) and the display value."""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox.model import CustomField, CustomFieldSetting, Task
from adapters.asana.sandbox.store import Store


def enum_options(field: CustomField) -> list[dict[str, Any]]:
    return [{"gid": o.gid, "resource_type": "enum_option", "name": o.name, "color": o.color,
             "enabled": o.enabled} for o in field.enum_options]  # fmt: skip


def task_custom_fields(task: Task, store: Store) -> list[dict[str, Any]]:
    """The fields of the task's projects (in project order), each with the task's value."""
    gids: dict[str, None] = {}
    for m in task.memberships:
        project = store.get("project", m.project)
        for setting_gid in getattr(project, "custom_field_settings", ()):
            setting = store.get("custom_field_setting", setting_gid)
            if isinstance(setting, CustomFieldSetting):
                gids[setting.custom_field] = None
    gids.update(dict.fromkeys(task.custom_fields))
    fields = [f for g in gids if isinstance(f := store.get("custom_field", g), CustomField)]
    return [field_value(f, task.custom_fields.get(f.gid)) for f in fields]


def field_value(field: CustomField, value: Any) -> dict[str, Any]:
    """A custom field as it appears on a task: definition, typed value and display value."""
    out: dict[str, Any] = {"gid": field.gid, "resource_type": "custom_field",
                           "name": field.name, "resource_subtype": field.resource_subtype,
                           "type": field.resource_subtype, "enabled": True}  # fmt: skip
    kind, display = field.resource_subtype, None
    if kind == "enum":
        options = enum_options(field)
        chosen = next((o for o in options if o["gid"] == value), None)
        out.update(enum_options=options, enum_value=chosen)
        display = chosen["name"] if chosen else None
    elif kind == "number":
        out.update(number_value=value, precision=field.precision)
        display = None if value is None else f"{value:.{field.precision}f}"
    elif kind == "date":
        out["date_value"] = None if value is None else {"date": value}
        display = value
    else:
        out["text_value"] = value
        display = value
    out["display_value"] = display
    return out
