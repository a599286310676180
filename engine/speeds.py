"""The bounds of a replay's speed (simulated seconds per real second), one pair for the command
line, the web API and the replay itself: slower would leave the next event months away, faster
is what ``max`` is for; both keep the clocks' arithmetic finite."""

MIN_SPEED = 0.01
MAX_SPEED = 1_000_000.0
