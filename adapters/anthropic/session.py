"""One run's use of Claude: the SDK client, the key check, the prefetcher and the ledger.

The CLI builds a session when a scenario says ``content = "anthropic"``; the session's
``source`` is the engine's ``BlueprintSource`` with the template source behind it. The key is
read from ANTHROPIC_API_KEY only, handed to the SDK, and never stored, logged or echoed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

import msgspec

from adapters.anthropic.cache import ScriptCache, default_cache_dir
from adapters.anthropic.fetch import Fetcher, KeyRejected, Prefetcher
from adapters.anthropic.prices import DEFAULT_MODEL
from adapters.anthropic.prompts import Prompts
from adapters.anthropic.usage import Ledger, LlmUsage, fold
from engine.content.blueprint import BlueprintSource
from engine.content.templates import TemplateSource
from engine.errors import BusyworkError
from engine.scenario import Scenario

KEY_VARIABLE = "ANTHROPIC_API_KEY"
# Projects per day of simulation are measured on this many days at most, then extrapolated.
ESTIMATE_DAYS = 120


class LlmOptions(msgspec.Struct, kw_only=True):
    cache_dir: Path | None = None
    budget_usd: float | None = None
    batch_min: int = 20  # backfills needing at least this many blueprints use a batch
    workers: int = 4
    poll_seconds: float = 10.0
    timeout_seconds: float = 120.0
    max_retries: int = 2


def api_key() -> str | None:
    return os.environ.get(KEY_VARIABLE) or None


def model_for(scenario: Scenario) -> str:
    return scenario.content_model or DEFAULT_MODEL


def expected_projects(scenario: Scenario) -> int:
    """How many projects the run will create, from a quick template-content dry run."""
    from engine.organisation import simulate

    days = min(scenario.days, ESTIMATE_DAYS)
    count = 0

    def sink(event) -> None:
        nonlocal count
        count += type(event).__name__ == "ProjectCreated"

    simulate(msgspec.structs.replace(scenario, days=days), TemplateSource(), sink)
    return math.ceil(count * scenario.days / days)


class LlmSession:
    def __init__(
        self,
        scenario: Scenario,
        key: str,
        options: LlmOptions | None = None,
        *,
        notice: Callable[[str], None] = lambda _: None,
    ) -> None:
        import anthropic  # slow import (~2.6 s): only when Claude is really used

        self.options = options = options or LlmOptions()
        self.scenario = scenario
        self.model = model_for(scenario)
        self.notice = notice
        self.client = anthropic.Anthropic(
            api_key=key, timeout=options.timeout_seconds, max_retries=options.max_retries
        )
        self.ledger = Ledger(self.model, budget_usd=options.budget_usd, notice=notice)
        cache = ScriptCache(options.cache_dir or default_cache_dir())
        self.fetcher = Fetcher(self.client, Prompts(scenario, self.model), cache, self.ledger)
        self.prefetcher = Prefetcher(
            self.fetcher,
            workers=options.workers,
            batch_min=options.batch_min,
            poll_seconds=options.poll_seconds,
            on_batch=notice,
        )
        self.source = BlueprintSource(self.prefetcher, TemplateSource(), name="anthropic")

    def check_key(self) -> None:
        """One cheap call (read the model's record) so a bad key or model fails before the run
        starts. Raises KeyRejected (401/403) or BusyworkError (unknown model, API down)."""
        import anthropic

        try:
            self.client.models.retrieve(self.model)
        except (anthropic.AuthenticationError, anthropic.PermissionDeniedError) as exc:
            raise KeyRejected(
                f"the Anthropic API rejected {KEY_VARIABLE} ({exc.status_code}); check the key, "
                "or unset it to use template text"
            ) from None
        except anthropic.NotFoundError:
            raise BusyworkError(
                f"content_model: {self.model!r} is not a model the Anthropic API knows; "
                f"expected a model id such as {DEFAULT_MODEL!r}"
            ) from None
        except anthropic.APIError as exc:
            raise BusyworkError(
                f"cannot reach the Anthropic API to check the key ({type(exc).__name__}); "
                "try again, or unset the key to use template text"
            ) from None

    def start(self, run_dir: Path) -> None:
        """Record usage with the run, then fetch the run's blueprints ahead of the clock."""
        self.ledger.attach(run_dir)
        self.prefetcher.prepare(expected_projects(self.scenario))

    def close(self) -> LlmUsage:
        self.prefetcher.close()
        self.client.close()
        return fold(self.ledger.records)


def open_session(
    scenario: Scenario,
    options: LlmOptions | None = None,
    *,
    notice: Callable[[str], None] = lambda _: None,
) -> LlmSession | None:
    """A checked session, or None (with a one-line notice) when no key is set."""
    key = api_key()
    if key is None:
        notice(f"{KEY_VARIABLE} is not set; using template text instead of Claude.")
        return None
    session = LlmSession(scenario, key, options, notice=notice)
    try:
        session.check_key()
    except BaseException:
        session.close()
        raise
    return session


def describe(usage: LlmUsage) -> str:
    """One line for the end of `busywork simulate`."""
    cost = "unknown cost" if usage.cost_usd is None else f"est. ${usage.cost_usd:.4f}"
    fallbacks = sum(usage.fallbacks.values())
    tokens = usage.input_tokens + usage.output_tokens + usage.cache_read_input_tokens
    tokens += usage.cache_creation_input_tokens
    return (
        f"Claude ({', '.join(usage.models)}): {usage.calls} calls "
        f"({usage.batch_calls} batched), {usage.from_cache} from cache, "
        f"{fallbacks} fell back to templates; {tokens:,} tokens, {cost}"
    )
