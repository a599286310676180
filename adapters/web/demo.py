"""`busywork demo`'s dashboard: the demo run as a completed job, beside its sandbox.

The demo simulates and replays on its own (``cli.py``); afterwards its run is registered as a
completed job (a ``job.json`` like any other job's) in the data directory the dashboard reads,
so the dashboard shows it with its activity feed and charts, and a restarted ``busywork
serve`` lists it too. The job points at the sandbox's browse page while the sandbox runs; the
link is cleared when the demo ends (the in-memory sandbox is gone then).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from adapters.interrupts import serve_until_interrupted
from adapters.web import store
from adapters.web.spec import JobSpec, TargetSpec
from adapters.web.store import JobState, ReplayCounters
from engine.calendar import end_of
from engine.errors import BusyworkError
from engine.run import read_manifest

Echo = Callable[[str], None]


def register_run(run_dir: Path, summary, browse_url: str) -> JobState:
    """Write the demo run's job file: a completed backfill into the in-process sandbox."""
    manifest = read_manifest(run_dir)
    scenario = manifest.scenario
    now = datetime.now(UTC).replace(microsecond=0)
    spec = JobSpec(name=f"demo: {scenario.name}", scenario={"days": scenario.days},
                   mode="backfill", speed="max", target=TargetSpec(kind="sandbox"),
                   start=False)  # fmt: skip
    replay = ReplayCounters(
        target=summary.target, applied=summary.applied + summary.already_done,
        failed=summary.failed, skipped=summary.skipped, parked=summary.parked,
        requests=summary.requests, retries=summary.retries, rate_limited=summary.rate_limited,
        invalid_tokens=list(summary.invalid_tokens), browse_url=browse_url,
    )  # fmt: skip
    state = JobState(
        id=run_dir.name, name=spec.name, spec=spec, status="completed", created_at=now,
        started_at=now, ended_at=now, uptime_seconds=summary.wall_seconds,
        sim_seconds=end_of(scenario), events=manifest.events, replay=replay,
    )  # fmt: skip
    store.save(run_dir, state)
    return state


def forget_sandbox(run_dir: Path) -> None:
    """The sandbox has stopped: drop its browse link from the job file (if the job is kept)."""
    if not store.job_path(run_dir).exists():
        return  # deleted from the dashboard meanwhile
    state = store.load(run_dir)
    if state.replay is not None and state.replay.browse_url:
        state.replay.browse_url = ""
        store.save(run_dir, state)


def serve_dashboard(
    data_dir: Path,
    *,
    port: int,
    serving: Callable[[str], None],
    host: str = "127.0.0.1",
    live_sandbox_runs: frozenset[str] = frozenset(),
) -> None:
    """Serve the dashboard for `data_dir` while `serving(url)` runs. When `port` is taken, any
    free port is used instead. The runs in `live_sandbox_runs` keep their sandbox's browse link
    (the sandbox runs beside the dashboard)."""
    from adapters.web.app import WebConfig
    from adapters.web.serve import ServerThread, build_app

    server = None
    for attempt in dict.fromkeys((port, 0)):
        app, _ = build_app(data_dir, None, WebConfig(), live_sandbox_runs=live_sandbox_runs)
        try:
            server = ServerThread(app, host=host, port=attempt).start()
            break
        except BusyworkError:
            if attempt == 0:
                raise
    assert server is not None
    try:
        serving(server.url + "/")
    finally:
        server.stop()


def demo_dashboard(
    run_dir: Path,
    data_dir: Path,
    sandbox,
    summary,
    *,
    port: int,
    echo: Echo,
    seconds: float | None = None,
) -> None:
    """Register the run, serve the dashboard next to the sandbox until Ctrl-C, SIGTERM or
    `seconds` have passed (tests); then drop the sandbox link."""
    from adapters.asana.replay_outcome import exit_code

    browse = sandbox.root_url + "/"
    register_run(run_dir, summary, browse)

    def serving(url: str) -> None:
        def announce() -> None:
            echo(f"Dashboard:  {url}#job={run_dir.name}")
            echo(f"Sandbox:    {browse}")
            echo("Serving both; press Ctrl-C to stop.")

        serve_until_interrupted(announce, exit_code(summary), seconds)

    try:
        serve_dashboard(data_dir, port=port, serving=serving,
                        live_sandbox_runs=frozenset({run_dir.name}))  # fmt: skip
    finally:
        forget_sandbox(run_dir)
