"""``busywork live``: the simulation runs on the wall clock in one thread while the replay
follows its log in another; Ctrl-C or SIGTERM stops both cleanly, and the same command
resumes both (see `engine.live`)."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adapters.asana.replay_cli import ReplayArgs, in_background, print_summary
from adapters.asana.replay_job import (
    base_url_for,
    connect,
    open_journal,
    run_replay,
    sandbox_target_name,
    tokens_for,
)
from engine.errors import InvalidInput
from engine.replay_report import ReplaySummary
from engine.scenario import Scenario


@dataclass(frozen=True)
class LiveArgs:
    days: int | None = None
    forever: bool = False
    speed: float = 1.0
    run_dir: Path | None = None


def live_run_dir(scenario: Scenario, replays: Path) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", scenario.name.lower()).strip("-") or "run"
    return replays / f"{slug}-live"


def live_command(
    scenario: Scenario,
    live: LiveArgs,
    args: ReplayArgs,
    replays: Path,
    echo: Callable[[str], None],
) -> ReplaySummary:
    from engine.content.templates import TemplateSource
    from engine.live import prepare_live, run_live

    if live.days and live.forever:
        raise InvalidInput("--days and --forever: choose one")
    run_dir = live.run_dir or live_run_dir(scenario, replays)
    content = TemplateSource()
    manifest, state, note = prepare_live(run_dir, scenario, content, days=live.days,
                                         forever=live.forever, speed=live.speed)  # fmt: skip
    if not args.as_json:
        echo(note)
    dest = args.destination()
    sandbox = None
    if args.to == "sandbox":
        sandbox, tokens = scenario_sandbox(manifest)
        base_url = sandbox.base_url
        if not args.as_json:
            echo(f"Browse:     {sandbox.root_url}/")
    else:
        base_url, tokens = base_url_for(args.to), tokens_for(dest)
    stop = threading.Event()
    sim_done = threading.Event()
    failure: list[BaseException] = []

    def simulate() -> None:
        try:
            run_live(run_dir, manifest, state, content, stop=stop)
        except BaseException as exc:  # reported by the main thread
            failure.append(exc)
            stop.set()
        finally:
            sim_done.set()

    try:
        target = connect(base_url, tokens, dest)
        if sandbox is not None:
            target.name = sandbox_target_name()
        journal = open_journal(run_dir, target, "sandbox" if sandbox else args.to)
        sim = threading.Thread(target=simulate, name="live-sim", daemon=True)
        sim.start()
        try:
            summary = in_background(
                lambda stop_, on_start: run_replay(
                    run_dir,
                    target,
                    journal,
                    speed=None,
                    follow=True,
                    stop=stop_,
                    follow_until=sim_done,
                    on_start=on_start,
                ),  # fmt: skip
                progress=not args.as_json and sys.stderr.isatty(),
                label=f"live {run_dir.name}",
                stop=stop,
            )
        finally:
            stop.set()
            sim.join()
            journal.close()
            target.client.close()
    finally:
        if sandbox is not None:
            sandbox.stop()
    if failure:
        raise failure[0]
    print_summary(summary, echo, as_json=args.as_json)
    return summary


def scenario_sandbox(manifest):
    """An in-process sandbox whose users are the scenario's people (a live run may not have
    had anyone join yet). Returns (started sandbox, tokens)."""
    import secrets

    from adapters.asana.sandbox import Sandbox, SandboxConfig, SandboxPerson
    from adapters.asana.tokens import Tokens
    from engine.scenario import resolve

    people = [(p.email.lower(), p.name) for p in resolve(manifest.scenario).people]
    tokens = Tokens({e: secrets.token_urlsafe(18) for e, _ in people},
                    default=secrets.token_urlsafe(18))  # fmt: skip
    config = SandboxConfig(
        people=[SandboxPerson(e, n, tokens.people[e]) for e, n in people],
        admin_token=tokens.default,
    )
    return Sandbox(config).start(), tokens
