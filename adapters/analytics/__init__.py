"""Analytics over any run with DuckDB: views, stats, SQL, export, realism report.

- ``views.open_run(path)``: a DuckDB connection with the views ``events``, ``people``,
  ``projects``, ``tasks``, ``comments`` over a run, finished or still being written.
- ``stats.compute_stats(path)``, ``report.realism_report(path)``: plain data (msgspec Structs).
- ``query.query / write_query``: read-only SQL (SELECT) over the views, locked to the run's own
  files; CSV, JSON out. ``query.export``: every view as Parquet or CSV.
- ``render``: the terminal rendering (rich), kept apart from the data.

How it stays fast: finished segments are sealed to Parquet (``segments``) and the sealed prefix
is summarised once (``summary``); both live under ``<run>/derived/`` and are ignored when stale.
The JSON-lines log stays the source of truth.
"""
