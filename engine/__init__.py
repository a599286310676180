"""The pure core: scenario, events, log, simulation and replay planning (no network, database
or web library). Its hot modules may run compiled; see engine.compiled. Time zones come from
the pinned tzdata package, not the machine's (engine.zones)."""

from engine.compiled import activate as _activate
from engine.zones import use_pinned_zones as _use_pinned_zones

_use_pinned_zones()
_activate(__path__)
