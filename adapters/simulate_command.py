"""The ``simulate`` command: a scenario into a new run folder (or an interrupted run finished),
with Claude's session opened first when the scenario asks for Claude.

Registered on the group in ``cli.py``, whose ``BusyworkGroup`` turns library errors into a
message and an exit code. Only click and the standard library are imported here; the engine and
the Anthropic SDK are imported inside the command, so ``busywork --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from adapters.number_options import DAYS, SECONDS, SEED, Number, WholeNumber
from adapters.path_options import FOLDER_TO_WRITE, NEW_RUN_FOLDER, RUN_FOLDER, SCENARIO_FILE


@click.command("simulate", short_help="Simulate a scenario into a new run folder under replays/.")
@click.argument("scenario", required=False, type=SCENARIO_FILE)
@click.option("--days", type=DAYS, help="Simulated days (overrides the scenario).")
@click.option("--seed", type=SEED, help="Random seed (overrides the scenario).")
@click.option(
    "--start", metavar="DATE", help="First simulated day, YYYY-MM-DD (overrides the scenario)."
)
@click.option(
    "--out",
    type=NEW_RUN_FOLDER,
    metavar="DIR",
    help="Run folder to create (default: replays/<name>-<time>).",
)
@click.option(
    "--resume",
    "resume",
    type=RUN_FOLDER,
    metavar="RUN",
    help="Finish an interrupted run folder instead of starting a new one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
@click.option(
    "--content",
    "content_kind",
    type=click.Choice(["templates", "anthropic"]),
    help="Where text comes from (overrides the scenario): offline templates, or Claude "
    "(reads ANTHROPIC_API_KEY; templates when it is not set).",
)
@click.option("--model", help="Claude model for --content anthropic (overrides the scenario; "
              "default: claude-haiku-5-5).")  # fmt: skip
@click.option(
    "--content-cache",
    type=FOLDER_TO_WRITE,
    metavar="DIR",
    help="Cache of Claude-written blueprints (default: busywork/anthropic under $XDG_CACHE_HOME, "
    "or ~/.cache).",
)
@click.option(
    "--llm-budget-usd",
    type=Number(min=0, what="a number of US dollars", example="2.50"),
    metavar="USD",
    help="Stop calling Claude once this much (estimated) is spent; templates write the rest.",
)
@click.option(
    "--llm-batch-min",
    type=WholeNumber(min=1, what="a number of blueprints"),
    default=20,
    show_default=True,
    help="Use the Message Batches API (half price) when this many blueprints are needed.",
)
@click.option("--llm-poll-seconds", type=SECONDS, default=10.0, hidden=True)
# Tests: a short per-call read timeout, and how often a wait on Claude is said (default 60 s).
@click.option(
    "--llm-timeout-seconds",
    type=Number(min=0, min_open=True, what="a number of seconds"),
    hidden=True,
)
@click.option("--llm-wait-notice-seconds", type=SECONDS, hidden=True)
@click.option(
    "--workers",
    default="auto",
    show_default=True,
    metavar="N|auto",
    help="Processes to simulate in: teams run side by side and the log comes out the same. "
    "auto: one per core (at most one per team) for runs of 20,000 person-days or more.",
)
def simulate(
    scenario: Path | None, days, seed, start, out, resume, as_json, workers, **llm
) -> None:
    """Simulate SCENARIO (default: the built-in team) into a new run under replays/.

    The clock is accelerated: a month of a 12-person team takes about a second. The run
    folder holds manifest.json and events/*.jsonl; `busywork show RUN` reads it back.
    With --content anthropic, Claude writes projects, tasks and comment threads (one call
    per project, cached; usage and estimated cost go to the run's llm_usage.jsonl).
    """
    from adapters.interrupts import StopSignals

    StopSignals()  # SIGTERM as Ctrl-C: Claude calls in flight get their grace and are counted
    from adapters.run_setup import (
        CLAUDE_FLAGS,
        DEFAULT_REPLAYS,
        claude_options,
        content_source,
        load_scenario,
        simulate_run,
        the_runs_claude_options,
    )
    from engine import run as runs
    from engine.errors import InvalidInput

    if resume is not None:
        scenario_options = {
            "SCENARIO": scenario, "--days": days, "--seed": seed, "--start": start,
            "--out": out, "--content": llm["content_kind"], "--model": llm["model"],
        }  # fmt: skip
        extra = [name for name, value in scenario_options.items() if value is not None]
        if extra:  # name what to drop: the user may not see which option shapes the run
            raise InvalidInput(f"--resume takes its scenario from the run; drop {', '.join(extra)}")
        manifest = runs.read_manifest(resume)
        run_dir = resume
        # A run Claude wrote goes the whole way: its resume checks the key, the options and the
        # ledger, and re-simulates from the cache, buying nothing.
        if manifest.claude is None and _already_complete(run_dir, manifest, as_json):
            return
        # The run's budget, batch threshold and cache, so the resume makes the same choices.
        given = {name for name in CLAUDE_FLAGS if _given(name)}
        llm = the_runs_claude_options(manifest.claude, llm, given, RESUME_TAKES_ALL)
        _, session = _open_llm(manifest.scenario, llm, resuming=resume)
    else:
        sc = load_scenario(scenario, days, seed, start)
        sc, session = _open_llm(sc, llm)
        run_dir = out or runs.new_run_dir(sc, DEFAULT_REPLAYS)
        content = session.source if session is not None else content_source(sc)
        claude = claude_options(llm) if session is not None else None
        manifest = runs.create_run(run_dir, sc, content, claude=claude)
    finished = interrupted = False
    try:
        summary = simulate_run(run_dir, manifest, quiet=as_json, session=session, workers=workers)
        finished = True
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if session is not None:  # after Ctrl-C or an error, with a short grace for calls in flight
            from adapters.anthropic.usage import describe

            usage = session.close(wait=finished)
            if session.started:  # its run's ledger was read: the totals mean something
                click.echo(describe(usage, session.session_usage()), err=True)
    if interrupted:  # what is on disk stays: the last line says how to finish it
        from adapters.console import interrupted_simulation

        sys.exit(interrupted_simulation(run_dir))
    from adapters.console import print_json, print_summary

    if as_json:  # (the same object for every run: "events": 0 says it for a script)
        print_json(summary)
    else:
        from engine.quiet_run import why_no_events

        print_summary(summary, note=why_no_events(manifest.scenario) if not summary.events else "")


RESUME_TAKES_ALL = "--resume takes its scenario from the run; drop the other options"


def _already_complete(run_dir: Path, manifest, as_json: bool) -> bool:
    """Say so of a run that has nothing left to simulate (after cutting a torn last line, as
    a resume does), rather than simulate it all again to append nothing."""
    from adapters.console import print_json, print_note
    from engine.run import events_and_span
    from engine.run_state import already_complete

    summary = already_complete(run_dir, manifest, on_note=print_note)
    if summary is None:
        return False
    if as_json:  # the object a resume prints: resumed_from = events, nothing simulated
        print_json(summary)
    else:
        span = events_and_span(summary.events, summary.first_at, summary.last_at)
        click.echo(f"{run_dir}: already complete ({span}); nothing to resume")
    return True


def _given(name: str) -> bool:
    """Whether the option was given (not left at its default)."""
    from click.core import ParameterSource

    source = click.get_current_context().get_parameter_source(name)
    return source not in (None, ParameterSource.DEFAULT)


def _open_llm(scenario, llm: dict, resuming: Path | None = None):
    """Apply --content/--model; when the scenario then asks for Claude, open a session (its
    key checked with one call). Returns (scenario, session or None); without a key a new run
    falls back to templates, with a one-line notice, and a resumed Claude run stops."""
    import msgspec

    from engine import scenario as sc
    from engine.errors import BusyworkError, InvalidInput

    if llm["model"]:
        from adapters.run_setup import check_model

        check_model("--model", llm["model"])  # a Claude model id, as the web API requires
    changes = {}
    if llm["content_kind"]:
        changes["content"] = llm["content_kind"]
    if llm["model"]:
        changes["content_model"] = llm["model"]
    if changes:
        try:
            scenario = sc.resolve(msgspec.structs.replace(scenario, **changes))
        except InvalidInput as exc:  # name the flag the value came from
            text = str(exc)
            if llm["model"] and text.startswith("content_model: "):
                raise InvalidInput("--model: " + text.removeprefix("content_model: ")) from None
            raise
    if scenario.content != "anthropic":
        if llm["model"]:
            raise InvalidInput(
                f"--model: only used with --content anthropic (the scenario's content is "
                f"{scenario.content!r})"
            )
        return scenario, None
    from adapters.anthropic.session import (
        KEY_VARIABLE,
        LlmOptions,
        UnknownModel,
        api_key,
        open_session,
    )

    if resuming is not None and api_key() is None:
        raise BusyworkError(
            f"{resuming}: this run's text was written by Claude; set {KEY_VARIABLE} to resume"
        )
    options = LlmOptions(
        cache_dir=llm["content_cache"],
        budget_usd=llm["llm_budget_usd"],
        batch_min=llm["llm_batch_min"],
        poll_seconds=llm["llm_poll_seconds"],
        timeout_seconds=llm["llm_timeout_seconds"],
    )
    if llm["llm_wait_notice_seconds"] is not None:
        options.wait_notice_seconds = llm["llm_wait_notice_seconds"]

    def say(text: str) -> None:  # progress and warnings alike, on stderr
        click.echo(text, err=True)

    try:
        session = open_session(scenario, options, on_progress=say, on_warning=say)
    except UnknownModel as exc:
        if llm["model"]:
            raise InvalidInput("--model: " + str(exc).removeprefix("content_model: ")) from None
        raise
    if session is None:
        say(f"{KEY_VARIABLE} is not set; using template text instead of Claude.")
        scenario = msgspec.structs.replace(scenario, content="templates")
    return scenario, session
