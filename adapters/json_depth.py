"""How deeply a JSON request body may nest: the same answer on every Python.

msgspec refuses a value nested past the interpreter's recursion limit, and that limit moved:
Python 3.13 gives C code one of its own, about ten times higher, so a body nested 5,000 deep
decodes there and not on 3.11, and code that then walks it in Python can still hit the lower
one. A fixed limit far above what any request needs (a scenario nests 4 levels, an Asana
request body 4) makes the sandbox and the web API answer the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

MAX_JSON_DEPTH: Final = 64


def nested_deeper_than(body: bytes, value: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `value` (`body` decoded) has objects or arrays nested more than `limit` deep
    (the outermost is level 1)."""
    # Each level opens a bracket: a body with no more brackets than the limit (almost every
    # body) cannot nest deeper, and counting them is one pass in C.
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    todo: list[tuple[object, int]] = [(value, 1)]
    while todo:  # (a loop, not recursion: the walk must not hit the limit it checks for)
        item, depth = todo.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:  # (only the outermost value can be neither: a scalar nests nothing)
            continue
        if depth > limit:
            return True
        todo.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
