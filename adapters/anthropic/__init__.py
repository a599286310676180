"""Claude-written content: project blueprints fetched ahead of the simulation, cached on disk
(and kept in the run folder, for its resume), batched for big backfills, budgeted, with the
template source as fallback.

Importing this package does not import the ``anthropic`` SDK; only a session does.
"""
