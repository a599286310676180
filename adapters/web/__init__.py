"""`busywork serve`: the jobs API and the browser dashboard.

- ``spec``: what a job is (scenario, mode, target, pacing) and how a request is checked.
- ``store``: a job's state file (``<run>/job.json``), next to its run.
- ``sim``: one simulation that can be advanced step by step (paced or flat out).
- ``scheduler``: one thread and one heap of due times that paces every live simulation.
- ``runner``: the jobs themselves (start, pause, resume, stop, delete, resume after restart).
  It imports no web library; the web layer only reads its state and calls its methods.
- ``job``: one job's life and state; ``job_drive``: how it runs (paced steps or flat out);
  ``job_sim``: its simulation and live counters; ``job_delivery``: where its events go (a
  replay into a target); ``job_tally``: how its replays' figures add up.
- ``activity``: a run's log as readable, filterable activity items (each job keeps an index of
  the names its log created, so pages and streams read only the end of a long log).
- ``app`` / ``routes`` / ``sse``: the Litestar app (REST API under ``/api``, OpenAPI under
  ``/schema``, the dashboard at ``/`` from ``static/``); ``serve``: uvicorn around it.
- ``guards``: no cross-site requests, JSON bodies only; ``destinations``: where the server's
  tokens may be sent (Asana, loopback, ``--allow-url``).
- ``datalock``: one ``busywork serve`` per data folder (a lock file held while it runs).
"""
