"""Records → Asana JSON: full and compact representations, ``opt_fields`` selection (the
fields of each kind: `render_fields`)."""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox.apierror import bad_request, with_article
from adapters.asana.sandbox.model import Record
from adapters.asana.sandbox.render_fields import (
    COMPACT_FIELDS,
    FIELDS,
    FULL_FIELDS,
    ref_kind,
    shape_of,
)
from adapters.asana.sandbox.render_getters import MISSING, Ref, Viewer

Tree = dict[str, "Tree"]
COMPACT: Tree = {"\0compact": {}}  # a marker tree: "the kind's compact fields"
NEXT_PAGE_FIELDS = frozenset({"offset", "path", "uri"})  # opt_fields may name next_page's


def parse_opt_fields(raw: str | None) -> Tree | None:
    """``"name,assignee.name"`` → ``{"name": {}, "assignee": {"name": {}}}``."""
    if raw is None:
        return None
    tree: Tree = {}
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        node = tree
        for part in item.split("."):
            if not part:
                raise bad_request(f"opt_fields: {item!r} is not a field path")
            node = node.setdefault(part, {})
    return tree


def check_tree(kind: str, tree: Tree, path: str = "") -> None:
    """Every field opt_fields names exists, below references too, whatever the data: a task
    without an assignee refuses ``assignee.nmae`` as one with an assignee does."""
    getters = FIELDS[kind]
    for name, sub in tree.items():
        if name not in getters and not (name in NEXT_PAGE_FIELDS and not path):
            if not path:
                raise bad_request(f"opt_fields: unknown field '{name}' for {with_article(kind)}")
            raise bad_request(
                f"opt_fields: unknown field '{path}{name}' ({with_article(kind)} has no '{name}')"
            )
        if not sub:
            continue
        target, shape = ref_kind(kind, name), shape_of(kind, name)
        if target is not None:
            check_tree(target, sub, f"{path}{name}.")
        elif shape is not None:
            for key, below in sub.items():
                if key not in shape:
                    raise bad_request(f"opt_fields: unknown field '{path}{name}.{key}' (expected "
                                      f"one of {', '.join(shape)})")  # fmt: skip
                below_kind = shape[key]
                if below and below_kind is not None:
                    check_tree(below_kind, below, f"{path}{name}.{key}.")


def render(kind: str, record: Record, viewer: Viewer, tree: Tree | None = None) -> dict[str, Any]:
    """A record as JSON-ready dict: full when ``tree`` is None, else gid + selected fields."""
    getters = FIELDS[kind]
    if tree is None:
        names: tuple[str, ...] | list[str] = FULL_FIELDS[kind]
    elif tree is COMPACT:
        names, tree = COMPACT_FIELDS[kind], None
    elif not tree:
        names = ("gid", "resource_type")
    else:
        names = ["gid"]
        for name in tree:
            if name not in getters and name not in NEXT_PAGE_FIELDS:
                raise bad_request(f"opt_fields: unknown field '{name}' for {with_article(kind)}")
            if name in getters and name != "gid":
                names.append(name)
    out: dict[str, Any] = {}
    for name in names:
        value = getters[name](record, viewer)
        if value is MISSING:
            continue
        out[name] = _value(value, None if tree is None else tree.get(name), viewer)
    return out


def _value(value: Any, sub: Tree | None, viewer: Viewer) -> Any:
    if isinstance(value, Ref):
        target = viewer.store.get(value.kind, value.gid)
        if target is None:  # a reference to something deleted since
            return {"gid": value.gid, "resource_type": value.kind}
        return render(value.kind, target, viewer, COMPACT if sub is None else sub)
    if isinstance(value, list):
        return [_value(v, sub, viewer) for v in value]
    if isinstance(value, dict):
        if sub:  # its keys were checked (check_tree): one missing here does not apply to it
            keys = ["gid", *sub] if "gid" in value and "gid" not in sub else sub
            return {k: _value(value[k], sub.get(k), viewer) for k in keys if k in value}
        return {k: _value(v, None, viewer) for k, v in value.items()}
    return value
