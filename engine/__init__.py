"""The pure core: scenario, events, log, simulation and replay planning (no network, database
or web library). Its hot modules may run compiled; see engine.compiled."""

from engine.compiled import activate as _activate

_activate(__path__)
