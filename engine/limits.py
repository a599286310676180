"""Bounds that the command line, the web API and the engine share, so each is written once.

A replay's speed (simulated seconds per real second): slower would leave the next event months
away, faster is what ``max`` is for; both keep the clocks' arithmetic finite. A scenario's
days: ten years at most."""

MIN_SPEED = 0.01
MAX_SPEED = 1_000_000.0
MAX_DAYS = 3660
