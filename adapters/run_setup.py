"""Starting a run from the command line, shared by ``cli.py`` and the adapters' command modules.

The default runs folder, a scenario with the command-line overrides applied, and a simulation
with a progress bar. Only the standard library is imported at module level (the engine and
the console inside the functions), so ``busywork --help`` stays fast.
"""

from __future__ import annotations

import re
from pathlib import Path

DEFAULT_REPLAYS = Path("replays")

CLAUDE_MODEL_ID = re.compile(r"claude-[a-z0-9][a-z0-9.-]{0,80}")  # every Claude model id's shape
NOT_A_CLAUDE_MODEL = (
    "not a Claude model id; expected one such as 'claude-haiku-5-5' (or leave it empty for the "
    "default)"
)


def claude_model_problem(model: str) -> str | None:
    """What is wrong with a scenario's content_model (or --model), without the value; None
    when it is empty (the default) or shaped like a Claude model id. The one check of the
    command line, scenario files and the web API (which does not echo the value)."""
    if not model or CLAUDE_MODEL_ID.fullmatch(model):
        return None
    return NOT_A_CLAUDE_MODEL


def check_model(where: str, model: str) -> None:
    """InvalidInput naming `where` (--model, or a scenario file's content_model) and the value
    when `model` is not a Claude model id (`claude_model_problem`)."""
    problem = claude_model_problem(model)
    if problem is not None:
        from engine.errors import InvalidInput

        raise InvalidInput(f"{where}: {model!r} is {problem}")


# The argument every command that takes a scenario file names it by (its errors say
# "SCENARIO team.toml: days: …", as a tokens file's say "--tokens tokens.toml: …").
SCENARIO_ARGUMENT = "SCENARIO"


def load_scenario(path: Path | None, days: int | None, seed: int | None, start: str | None):
    """The scenario at SCENARIO (default: the built-in team) with --days, --seed and --start
    applied before it is checked (errors about them name the flag); its content_model must
    be a Claude model id, whatever its content (the web API checks the same)."""
    from engine import scenario as sc
    from engine.errors import InvalidInput

    overrides: dict = {}
    if days is not None:
        overrides["days"] = ("--days", days)
    if seed is not None:
        overrides["seed"] = ("--seed", seed)
    if start is not None:
        from datetime import date

        try:
            overrides["start"] = ("--start", date.fromisoformat(start))
        except ValueError:
            raise InvalidInput(f"--start: {start!r} is not a date; expected YYYY-MM-DD") from None
    scenario = sc.load(path, overrides, argument=SCENARIO_ARGUMENT)
    source = sc.file_source(path, SCENARIO_ARGUMENT) if path is not None else ""
    check_model(f"{source}: content_model" if source else "content_model", scenario.content_model)
    return scenario


# The options kept with a Claude-written run (engine.run.ClaudeOptions), by their flags.
CLAUDE_FLAGS = {
    "llm_budget_usd": ("--llm-budget-usd", "budget_usd"),
    "llm_batch_min": ("--llm-batch-min", "batch_min"),
    "content_cache": ("--content-cache", "cache_dir"),
}


def claude_options(llm: dict):
    """What a new Claude-written run keeps in its manifest so that a resume makes the same
    choices, from `simulate`'s options (the cache as an absolute path: a resume may start in
    another folder). Never the key."""
    from engine.run import ClaudeOptions

    cache = llm["content_cache"]
    return ClaudeOptions(
        budget_usd=llm["llm_budget_usd"],
        batch_min=llm["llm_batch_min"],
        cache_dir=str(cache.absolute()) if cache is not None else None,
    )


def the_runs_claude_options(kept, llm: dict, given: set[str], refusal: str) -> dict:
    """`simulate`'s options with the run's kept Claude options in place of the flags' (a run
    from before they were kept: the defaults). A flag in `given` must say what the run has;
    else InvalidInput(`refusal`, naming the flag and the run's value)."""
    from engine.errors import InvalidInput
    from engine.run import ClaudeOptions

    kept = kept or ClaudeOptions()
    asked = claude_options(llm)
    for name, (flag, field) in CLAUDE_FLAGS.items():
        run_has = getattr(kept, field)
        if name in given and getattr(asked, field) != run_has:
            shown = "none (the default)" if run_has is None else run_has
            raise InvalidInput(f"{refusal} ({flag}: the run has {shown})")
    cache = Path(kept.cache_dir) if kept.cache_dir is not None else None
    changes = {"llm_budget_usd": kept.budget_usd, "llm_batch_min": kept.batch_min}
    return {**llm, **changes, "content_cache": cache}


def content_source(scenario):
    from engine.content.templates import TemplateSource

    return TemplateSource()


def simulate_run(run_dir: Path, manifest, *, quiet: bool, session=None, workers: str = "1"):
    """Simulate into RUN_DIR with a progress bar (none when QUIET); with an Anthropic SESSION,
    Claude writes the content. WORKERS: a number of processes, or "auto"."""
    from adapters.console import simulate_with_progress
    from engine.run import manifest_scenario

    scenario = manifest_scenario(run_dir, manifest)  # a hand-edited one: errors name the file
    content = content_source(scenario)
    if session is not None:
        session.start(run_dir)  # fetches the blueprints ahead of the simulated clock
        content = session.source
    processes = worker_count(workers, scenario, content.name)
    return simulate_with_progress(run_dir, manifest, content, quiet=quiet, workers=processes)


def worker_count(value: str, scenario, content_name: str) -> int:
    """--workers: a positive whole number, or "auto" (engine.parallel.default_workers for the
    resolved `scenario`)."""
    from engine.errors import InvalidInput

    if value == "auto":
        from engine.parallel import default_workers

        return default_workers(scenario, content_name)
    if not value.isdigit() or int(value) < 1:
        raise InvalidInput(
            f"--workers: {value!r} is not a number of processes; expected a whole number "
            "of at least 1, or auto"
        )
    return int(value)
