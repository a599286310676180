"""The Asana commands: ``sandbox``, and ``replay``, ``backfill``, ``live`` and ``clean`` with their
shared destination options.

Registered on the group in ``cli.py``, whose ``BusyworkGroup`` turns library errors into a
message and an exit code. Only click and the standard library are imported here; requests, the
sandbox and the engine are imported inside the commands, so ``busywork --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from adapters.number_options import DAYS, PORT, REQUESTS_PER_MINUTE, SEED, Number
from adapters.path_options import (
    FILE_TO_WRITE,
    FOLDER_TO_WRITE,
    NEW_RUN_FOLDER,
    RUN_FOLDER,
    SCENARIO_FILE,
    TOKENS_FILE,
)
from engine.limits import MAX_SPEED, MIN_SPEED

# -- sandbox ---------------------------------------------------------------------------------


@click.command("sandbox")
@click.option("--port", type=PORT, default=8765, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (IPv4 or IPv6, e.g. ::1).")  # fmt: skip
@click.option(
    "--tokens",
    "tokens_file",
    type=TOKENS_FILE,
    help="Tokens file (TOML): default = token, [people] email = token. Required, unless --for "
    "RUN --write-tokens FILE makes one.",
)
@click.option(
    "--for",
    "for_run",
    type=RUN_FOLDER,
    metavar="RUN",
    help="Create a user and a token for every person in this run folder.",
)
@click.option(
    "--write-tokens",
    "write_tokens_file",
    type=FILE_TO_WRITE,
    metavar="FILE",
    help="With --for: where to write the new tokens file.",
)
@click.option("--force", is_flag=True, help="With --write-tokens: replace an existing tokens file.")
@click.option(
    "--data",
    "data_dir",
    type=FOLDER_TO_WRITE,
    metavar="DIR",
    help="Keep the workspace in DIR across restarts (default: in memory); one sandbox at a "
    "time per DIR.",
)
@click.option("--rate-limit", type=REQUESTS_PER_MINUTE, metavar="N",
              help="Requests per minute per token (overrides --plan).")  # fmt: skip
@click.option(
    "--plan",
    type=click.Choice(["paid", "free"]),
    default="paid",
    show_default=True,
    help="Asana plan to imitate: paid (1,500 requests/min per token) or free (150/min; "
    "portfolios, custom fields and task dependencies answer 402).",
)
@click.option(
    "--faults", metavar="SPEC|FILE", help='Inject faults, e.g. "500=0.05,reset=0.02,seed=7".'
)
def sandbox(**options) -> None:
    """Serve a local Asana (REST API under /api/1.0, browse page at /).

    Prints the base URL, the workspace gid and the users; never the tokens. Ctrl-C or SIGTERM
    stops it in order (requests being served are answered first) and exits 0.
    """
    from adapters.asana.sandbox.run import SandboxOptions, run_sandbox

    run_sandbox(SandboxOptions(**options), echo=click.echo)


# -- replay into Asana (requests; imported only by these commands) ---------------------------

RETRY_HELP = ("Also send the events that failed in an earlier run, and those not sent because "
              "they depend on one (not those the target skipped on purpose).")  # fmt: skip


def _destination_options(func):
    """--to, --tokens, --workspace, --team, limits and who-acts options, shared by the replay
    family of commands."""
    options = [
        click.option("--to", default="sandbox", show_default=True, metavar="sandbox|asana|URL",
                     help="In-process sandbox, app.asana.com, or an API base URL."),
        click.option("--tokens", "tokens_file", type=TOKENS_FILE,
                     help="Tokens file (TOML): default = token, [people] email = token."),
        click.option("--workspace", metavar="GID", help="Workspace (default: the only one)."),
        click.option("--team", metavar="GID",
                     help="Team the run's projects are in (default: the workspace's first)."),
        click.option("--plan", type=click.Choice(["paid", "free"]), default="paid",
                     show_default=True,
                     help="Asana plan: paid (1,500 requests/min per token) or free (150/min; "
                          "with --to sandbox, portfolios, custom fields and task dependencies "
                          "also answer 402, as on Asana's free plan)."),
        click.option("--rate-limit", type=REQUESTS_PER_MINUTE, metavar="N",
                     help="Requests per minute per token (overrides --plan)."),
        click.option("--unmapped", type=click.Choice(["default", "skip"]), default="default",
                     show_default=True, help="People without a token: act via default, or skip."),
        click.option("--on-invalid-token", type=click.Choice(["skip", "default"]),
                     default="skip", show_default=True,
                     help="After a 401: skip that person's events, or use the default token."),
        # How long a write in doubt may still land (README "Exactly once"); tests shorten it.
        click.option("--landing-seconds", type=Number(0, 3600, what="a number of seconds"),
                     default=90.0, hidden=True),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


@click.command()
@click.argument("run", type=RUN_FOLDER)
@_destination_options
@click.option("--speed", default="max", show_default=True, metavar="realtime|N|max",
              help="realtime (=1), N times faster (0.01 to 1,000,000), or as fast as rate "
                   "limits allow.")  # fmt: skip
@click.option("--shift-dates", is_flag=True, help="Shift due/start dates so the run ends today.")
@click.option("--follow", is_flag=True, help="Follow a run that is still being written.")
@click.option("--serve", is_flag=True, help="With --to sandbox: keep serving until Ctrl-C.")
@click.option("--retry-failed", is_flag=True, help=RETRY_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary.")
def replay(run: Path, **options) -> None:
    """Replay RUN into Asana or a sandbox, exactly once; run it again to resume.

    Progress is checkpointed in RUN/targets/<target>/. Tokens are never printed. Exits 1 when
    events failed (or depend on one that failed); --retry-failed sends them again.
    """
    from adapters.interrupts import StopSignals

    signals = StopSignals()  # first: no Ctrl-C or SIGTERM from here on finds the default action
    from adapters.asana.replay_cli import ReplayArgs, replay_command
    from adapters.asana.replay_outcome import exit_code

    summary = replay_command(run, ReplayArgs(**options), echo=click.echo, signals=signals)
    sys.exit(exit_code(summary))


@click.command()
@click.argument("scenario", required=False, type=SCENARIO_FILE)
@click.option("--days", type=DAYS, default=14, show_default=True,
              help="Simulate this many days before now.")  # fmt: skip
@click.option("--seed", type=SEED, help="Random seed (overrides the scenario).")
@_destination_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary.")
def backfill(scenario: Path | None, days: int, seed: int | None, **options) -> None:
    """Simulate the last --days days and replay them at max pace (point-in-time backfill).

    Asana cannot back-date created_at, so history is compressed into now; due and start
    dates are shifted so that simulated now is real now.
    """
    from adapters.interrupts import StopSignals

    signals = StopSignals()  # first: no Ctrl-C or SIGTERM from here on finds the default action
    from adapters.asana.replay_cli import ReplayArgs, backfill_command
    from adapters.asana.replay_outcome import exit_code
    from adapters.run_setup import DEFAULT_REPLAYS, load_scenario

    as_json = options.pop("as_json")
    args = ReplayArgs(**options, shift_dates=True, as_json=as_json)
    sc = load_scenario(scenario, None, seed, None)
    summary = backfill_command(sc, days, args, click.echo, DEFAULT_REPLAYS, signals)
    sys.exit(exit_code(summary))


@click.command()
@click.argument("scenario", required=False, type=SCENARIO_FILE)
@_destination_options
@click.option(
    "--days",
    type=DAYS,
    help="Run this many simulated days from now (default: the scenario's days).",
)
@click.option("--forever", is_flag=True, help="Run until stopped (Ctrl-C or SIGTERM).")
@click.option("--speed", type=Number(MIN_SPEED, MAX_SPEED, what="a speed"), default=1.0,
              show_default=True, help="Simulated seconds per real second.")  # fmt: skip
@click.option("--run", "run_dir", type=NEW_RUN_FOLDER, metavar="DIR",
              help="Run folder (default: replays/<scenario>-live); resumed if it exists.")  # fmt: skip
@click.option("--retry-failed", is_flag=True, help=RETRY_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary at the end.")
def live(scenario: Path | None, days, forever, speed, run_dir, **options) -> None:
    """Simulate in real time (or N× faster) while replaying each event as it happens.

    Stop with Ctrl-C or SIGTERM; the same command resumes, and a long gap shows in the
    story (people apologise for the delay).
    """
    from adapters.interrupts import StopSignals

    signals = StopSignals()  # first: no Ctrl-C or SIGTERM from here on finds the default action
    from adapters.asana.live_cli import LiveArgs, live_command
    from adapters.asana.replay_cli import ReplayArgs
    from adapters.asana.replay_outcome import exit_code
    from adapters.run_setup import DEFAULT_REPLAYS, load_scenario

    as_json = options.pop("as_json")
    sc = load_scenario(scenario, None, None, None)
    replay_args = ReplayArgs(**options, as_json=as_json)
    live_args = LiveArgs(days=days, forever=forever, speed=speed, run_dir=run_dir,
                         scenario_file=scenario)  # fmt: skip
    summary = live_command(sc, live_args, replay_args, DEFAULT_REPLAYS, echo=click.echo,
                           signals=signals)  # fmt: skip
    sys.exit(exit_code(summary))


@click.command()
@click.argument("run", type=RUN_FOLDER)
@_destination_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def clean(run: Path, yes: bool, **options) -> None:
    """Delete from the target everything RUN created there, newest first.

    Ctrl-C or SIGTERM lets the delete in flight finish, prints what was deleted and exits 130;
    a target that stopped answering stops it (exit 1). The same command finishes the clean.
    """
    from adapters.interrupts import StopSignals

    signals = StopSignals()  # first: no Ctrl-C or SIGTERM from here on finds the default action
    from adapters.asana.clean import CleanStopped, clean_command
    from adapters.asana.replay_cli import ReplayArgs

    try:
        clean_command(run, ReplayArgs(**options), echo=click.echo,
                      confirm=None if yes else click.confirm, signals=signals,
                      status=True)  # fmt: skip
    except CleanStopped as exc:  # said as replay says it, not as an error
        click.echo(str(exc))
        sys.exit(exc.exit_code)
