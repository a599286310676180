"""Asana's deprecation notices: the ``Asana-Change`` response header.

Asana announces a breaking change by sending, on responses, ``Asana-Change:
name=<change>;info=<link>`` with ``;affected=true`` when that very request would be affected;
the header may come several times, once per ongoing change (requests joins repeated headers
with ", "). The client notes each distinct change (by name) once, and on which request it
was first seen (first affected, when any is), so a replay can say what busywork must change
before Asana flips the default."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

HEADER = "Asana-Change"
MAX_TEXT = 200  # characters kept of a name or link: a header is not for essays
# Where requests joined two of the headers: a comma before a field of the next one.
_NEXT_CHANGE = re.compile(r",\s*(?=(?:name|info|affected)=)", re.IGNORECASE)
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


@dataclass
class AsanaChange:
    name: str
    info: str  # Asana's link to the change's notice ("" when it sent none)
    affected: bool  # whether a request of ours would be affected
    what: str  # "METHOD /path" of the first such request (of the first sighting when none is)

    def note(self) -> str:
        see = f"; see {self.info}" if self.info else ""
        if self.affected:
            return (f"Asana-Change {self.name}: Asana is changing behaviour this replay uses "
                    f"({self.what}){see}")  # fmt: skip
        return f"Asana-Change {self.name}: Asana announces a change (no request affected){see}"


def parse(value: str) -> list[tuple[str, str, bool]]:
    """``"name=a;info=https://x;affected=true, name=b;info=…"`` → [(name, info, affected)];
    entries without a name are dropped."""
    changes = []
    for entry in _NEXT_CHANGE.split(value):
        fields: dict[str, str] = {}
        for part in entry.split(";"):
            key, _, val = part.partition("=")
            fields.setdefault(key.strip().lower(), val.strip())
        name = _clean(fields.get("name", ""))
        if name:
            affected = fields.get("affected", "").lower() == "true"
            changes.append((name, _clean(fields.get("info", "")), affected))
    return changes


def _clean(text: str) -> str:
    return _UNPRINTABLE.sub("?", text)[:MAX_TEXT]


class ChangeNotices:
    """The changes seen by one client. `on_change(change)` is called once per distinct name,
    when first seen; `redact` removes secrets from what a server sent (it could echo a token)."""

    def __init__(
        self,
        redact: Callable[[str], str],
        on_change: Callable[[AsanaChange], None] | None = None,
    ) -> None:
        self._redact = redact
        self.on_change = on_change
        self._seen: dict[str, AsanaChange] = {}
        self._lock = threading.Lock()

    def observe(self, value: str | None, what: str) -> None:
        """Note the changes a response's ``Asana-Change`` header (`value`) announces; `what`:
        the request's ``METHOD /path``."""
        if not value:
            return
        for name, info, affected in parse(self._redact(value)):
            with self._lock:
                known = self._seen.get(name)
                if known is None:
                    change = self._seen[name] = AsanaChange(name, info, affected, what)
                elif affected and not known.affected:
                    known.affected, known.what = True, what
                    continue
                else:
                    continue
            if self.on_change is not None:
                self.on_change(change)

    @property
    def seen(self) -> list[AsanaChange]:
        with self._lock:
            return list(self._seen.values())

    def notes(self) -> list[str]:
        """One line per distinct change, for a replay's summary."""
        return [change.note() for change in self.seen]
