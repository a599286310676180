"""Time zones come from one pinned database: the `tzdata` package, never the machine's.

Where people work and when their clocks change decide every moment of a run, so the same
scenario and seed must see the same zone rules on every machine. Python's ``zoneinfo`` reads
the system's files (/usr/share/zoneinfo) first and falls back to `tzdata`; machines differ
in what they have (another release, none at all on Windows or a slim container). Importing
``engine`` calls `use_pinned_zones`, which points ``zoneinfo`` at the `tzdata` package only
(its version is locked in uv.lock), for the whole process: the simulation, the analytics (its
local hours, see adapters.analytics.zone_offsets) and the web app read the same rules. A run's
manifest records the database's version (`version`).
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from engine.errors import BusyworkError


def use_pinned_zones() -> None:
    """Make ``zoneinfo.ZoneInfo`` read only the `tzdata` package (idempotent)."""
    if zoneinfo.TZPATH:
        zoneinfo.reset_tzpath(to=())
        zoneinfo.ZoneInfo.clear_cache()  # zones loaded before now came from the machine


@cache
def version() -> str:
    """The IANA release of the pinned database, e.g. "2026f"."""
    try:
        import tzdata
    except ImportError:  # a broken install: every zone would be unknown
        raise BusyworkError(
            "the tzdata package is not installed; busywork reads time zones from it "
            "(reinstall busywork with its dependencies, e.g. `uv sync`)"
        ) from None
    return str(tzdata.IANA_VERSION)
