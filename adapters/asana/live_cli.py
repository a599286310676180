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

from adapters.asana.replay_cli import (
    ReplayArgs,
    Retry,
    in_background,
    note_unmapped,
    print_summary,
    wait_for,
)
from adapters.asana.replay_job import (
    base_url_for,
    check_speed,
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
    from engine.live import prepare_live

    if live.days and live.forever:
        raise InvalidInput("--days and --forever: choose one")
    check_speed(live.speed)
    run_dir = live.run_dir or live_run_dir(scenario, replays)
    _check_live_folder(run_dir, given=live.run_dir is not None)
    dest = args.destination()
    target = None
    if args.to != "sandbox":  # reach the target before a run folder is made for it
        target = connect(base_url_for(args.to), tokens_for(dest), dest)
    sandbox = None
    try:
        content = TemplateSource()
        manifest, state, note = prepare_live(run_dir, scenario, content, days=live.days,
                                             forever=live.forever, speed=live.speed)  # fmt: skip
        if not args.as_json:
            echo(note)
        if target is None:
            sandbox, tokens = scenario_sandbox(manifest)
            if not args.as_json:
                echo(f"Browse:     {sandbox.root_url}/  (while this command runs)")
            target = connect(sandbox.base_url, tokens, dest)
            target.name = sandbox_target_name()
        note_unmapped(target, (p.email for p in manifest.scenario.people))
        summary = _run(run_dir, manifest, state, content, target, args,
                       "sandbox" if sandbox else args.to)  # fmt: skip
    finally:
        if target is not None:
            target.client.close()
        if sandbox is not None:
            sandbox.stop()
    hint = (
        "The in-process sandbox stopped with this command; the same command resumes the "
        "simulation and replays it into a new one."
        if sandbox is not None
        else "Run the same command again to resume."
    )
    retry = Retry("the same command", whole_run=True) if sandbox is not None else None
    print_summary(summary, echo, as_json=args.as_json, resume=hint, retry=retry)
    return summary


def _check_live_folder(run_dir: Path, *, given: bool) -> None:
    """A live run resumes in its own folder; any other non-empty folder is refused, naming
    the option that chose it."""
    from engine.live import LIVE

    if not run_dir.is_dir() or not any(run_dir.iterdir()) or (run_dir / LIVE).is_file():
        return
    what = "a run, but not a live one" if (run_dir / "manifest.json").is_file() else "not a run"
    choose = "pick another --run" if given else "choose a folder with --run"
    raise InvalidInput(f"--run {run_dir}: {what} (no {LIVE}), so live cannot resume it; {choose}")


def _run(run_dir, manifest, state, content, target, args: ReplayArgs, kind: str):
    """The simulation in one thread, the replay following its log in another, until both end;
    Ctrl-C or SIGTERM stops both."""
    from engine.live import run_live

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

    journal = open_journal(run_dir, target, kind)
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
                retry_failed=args.retry_failed,
            ),  # fmt: skip
            progress=not args.as_json and sys.stderr.isatty(),
            label=f"live {run_dir.name}",
            stop=stop,
        )
    finally:
        stop.set()
        wait_for(sim_done)
        journal.close()
    if failure:
        raise failure[0]
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
