"""What the OpenAPI document says of a request body beyond its fields' types: that a field it
does not name is refused (the structs' ``forbid_unknown_fields``), and which fields each kind of
target takes, from the server's own `TAKES` table (a `oneOf`, one branch per kind)."""

from __future__ import annotations

from typing import Any, get_type_hints

import msgspec

# Litestar's own schema of a msgspec struct, extended (not public API; the lock file pins it).
from litestar._openapi.schema_generation.plugins import StructSchemaPlugin
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.typing import FieldDefinition

from adapters.web.spec import ASANA_ONLY, TAKES, AsanaTarget, TargetSpec, kinds_taking

# What the server takes as left out (`TargetSpec.__post_init__` strips text, then drops "" and
# {}): Python's ``\s``, as the server's ``str.strip``.
_BLANK_TEXT = r"^\s*$"


class RequestSchemas(StructSchemaPlugin):
    """A request struct that refuses unknown fields: ``additionalProperties: false``; a target:
    its fields by kind, too."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return super().is_plugin_supported_field(field_definition) and bool(
            msgspec.inspect.type_info(field_definition.type_).forbid_unknown_fields  # type: ignore[attr-defined]
        )

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        if field_definition.type_ is TargetSpec:
            _by_kind(schema, schema_creator)
        return schema


def _by_kind(schema: Schema, schema_creator: Any) -> None:
    """Each field named with the kinds that take it, and a branch per kind holding just those
    (and blank ones of the rest, as a form sends them)."""
    schema.description = (
        "Where a job's events go. The fields a kind of target takes: "
        + "; ".join(f"{kind}: {', '.join(names) or 'no field'}" for kind, names in TAKES.items())
        + ". Any other field is refused, the error naming it, though a blank one (as a form "
        'sends it: "", {}) counts as left out. `kind` defaults to none.'
    )
    for name, property_schema in (schema.properties or {}).items():
        if name != "kind" and isinstance(property_schema, Schema):
            blank = " (blank or left out with the others)" if name in ASANA_ONLY else ""
            property_schema.description = f"Only with target {kinds_taking(name)}{blank}."
    fields = _asana_fields(schema_creator)
    schema.one_of = [_branch(kind, names, fields) for kind, names in TAKES.items()]


def _asana_fields(schema_creator: Any) -> dict[str, Schema]:
    """Each of an asana target's fields as the document gives it, its default too."""
    hints = get_type_hints(AsanaTarget)
    defaults = msgspec.structs.asdict(AsanaTarget())
    return {
        name: schema_creator.for_field_definition(
            FieldDefinition.from_kwarg(annotation=hints[name], name=name, default=defaults[name])
        )
        for name in TAKES["asana"]
    }


def _branch(kind: str, names: tuple[str, ...], fields: dict[str, Schema]) -> Schema:
    properties: dict[str, Any] = {"kind": Schema(type=OpenAPIType.STRING, enum=[kind])}
    for name in TAKES["asana"]:
        if name in names:
            properties[name] = fields[name]
        elif name in ASANA_ONLY:  # blank: as good as left out
            properties[name] = (
                Schema(type=OpenAPIType.STRING, pattern=_BLANK_TEXT)
                if isinstance(fields[name].default, str)
                else Schema(type=OpenAPIType.OBJECT, max_properties=0)
            )
    default_kind = msgspec.structs.asdict(TargetSpec())["kind"]
    return Schema(
        title=f"{kind} target",
        type=OpenAPIType.OBJECT,
        properties=properties,
        required=None if kind == default_kind else ["kind"],
        additional_properties=False,
    )
