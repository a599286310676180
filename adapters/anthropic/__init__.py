"""Claude-written content: project blueprints fetched ahead of the simulation, cached on disk,
batched for big backfills, budgeted, with the template source as fallback.

Importing this package does not import the ``anthropic`` SDK; only a session does.
"""
