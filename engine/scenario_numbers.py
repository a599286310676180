"""Numbers out of range in a scenario, said as the file wrote them.

msgspec makes a whole number written for a float field (`burstiness = 2`) into 2.0, so a check
of the resolved scenario would say "2.0 is out of range" about a value the user wrote as 2. The
checks raise `OutOfRange`, which keeps the field's path; ``scenario.from_dict``, which still
has the table that was read, has it say the number as written there (`OutOfRange.as_written`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.errors import InvalidInput

_PATH_PART_RE = re.compile(r"[^.\[\]]+|\[(\d+)\]")


class OutOfRange(InvalidInput):
    """`where: value is out of range; expected {expected}{why}`, its parts kept."""

    def __init__(self, where: str, value: float, expected: str, why: str = "") -> None:
        self.where, self.value, self.expected, self.why = where, value, expected, why
        super().__init__(f"{where}: {value!r} is out of range; expected {expected}{why}")

    def as_written(self, raw: Mapping[str, Any]) -> OutOfRange:
        """The same error, its number as `raw` (the table read) holds it at `where`."""
        written = written_at(raw, self.where)
        if _is_number(written) and written == self.value:
            return OutOfRange(self.where, written, self.expected, self.why)
        return self


def check_range(where: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise OutOfRange(where, value, f"{low} to {high}")


def written_at(raw: object, where: str, missing: object = None) -> object:
    """What `raw` (a scenario's tables, as read) holds at the field path `where`
    (`people[2].hours`), or `missing` when it holds nothing there."""
    node: object = raw
    for part in _PATH_PART_RE.finditer(where):
        if part.group(1) is not None:
            index = int(part.group(1))
            if not isinstance(node, list) or index >= len(node):
                return missing
            node = node[index]
        elif isinstance(node, Mapping) and part.group(0) in node:
            node = node[part.group(0)]
        else:
            return missing
    return node


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
