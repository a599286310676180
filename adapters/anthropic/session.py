"""One run's use of Claude: the SDK client, the key check, the prefetcher and the ledger.

The CLI builds a session when a scenario says ``content = "anthropic"``; the session's
``source`` is the engine's ``BlueprintSource`` with the template source behind it. The key is
read from ANTHROPIC_API_KEY only, handed to the SDK, and never stored, logged or echoed.

The session reports in human-readable lines through two callbacks, so that a caller chooses
what to keep by where a line arrives, never by its wording: ``on_warning`` for what changes the
content the run gets (the budget ran out; the endpoint stopped answering, so template text is
used from then on), ``on_progress`` for everything else (status lines, batch progress, and
waits on Claude).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from pathlib import Path

import msgspec

from adapters.anthropic.cache import ScriptCache, default_cache_dir
from adapters.anthropic.client import make_client
from adapters.anthropic.environment import (
    KEY_VARIABLE,
    URL_VARIABLE,
    api_key,
    check_base_url,
)
from adapters.anthropic.fetch import NOT_JSON, Fetcher, KeyRejected, endpoint
from adapters.anthropic.ledger import Ledger
from adapters.anthropic.prefetch import Prefetcher
from adapters.anthropic.prices import DEFAULT_MODEL
from adapters.anthropic.prompts import Prompts
from adapters.anthropic.usage import LlmUsage, fold
from adapters.anthropic.waiting import WAIT_NOTICE_SECONDS
from engine.content.blueprint import BlueprintSource
from engine.content.templates import TemplateSource
from engine.errors import BusyworkError, InvalidInput
from engine.scenario import Scenario

# Projects per day of simulation are measured on this many days at most, then extrapolated.
ESTIMATE_DAYS = 120
# Blueprints bought ahead: this share of the estimate (the dry run writes template projects,
# and a run with Claude's may start a project or so fewer); the rest are fetched as needed.
PLANNED_SHARE = 0.9
# A blueprint call's read timeout: a fixed part, plus the time to write all of max_tokens at
# this many tokens a second (the answer comes in one piece, when it is all written).
READ_SECONDS = 10.0
TOKENS_PER_SECOND = 100.0
CONNECT_SECONDS = 5.0
GRACE_SECONDS = 5.0
SAY_SLOW_SECONDS = 3.0  # a key check still unanswered after this long is said to be waiting


class LlmOptions(msgspec.Struct, kw_only=True):
    cache_dir: Path | None = None
    budget_usd: float | None = None
    batch_min: int = 20  # backfills needing at least this many blueprints use a batch
    workers: int = 4
    poll_seconds: float = 10.0
    # Per blueprint call (None: by the request's size, see READ_SECONDS).
    timeout_seconds: float | None = None
    check_timeout_seconds: float = 10.0  # the key check is one small request
    max_retries: int = 2
    wait_notice_seconds: float = WAIT_NOTICE_SECONDS  # how often a wait on Claude is said
    # After Ctrl-C, how long the calls in flight may take to be answered and recorded.
    grace_seconds: float = GRACE_SECONDS


class UnknownModel(InvalidInput):
    """The API does not know the model (``model`` holds the id)."""

    def __init__(self, message: str, model: str) -> None:
        super().__init__(message)
        self.model = model


def model_for(scenario: Scenario) -> str:
    return scenario.content_model or DEFAULT_MODEL


def expected_projects(scenario: Scenario) -> int:
    """How many projects the run will create, from a quick template-content dry run of its
    first days; beyond them, at the rate of the later half of those days (the first weeks
    start more projects than the weeks after)."""
    from engine.organisation import simulate

    days = min(scenario.days, ESTIMATE_DAYS)
    created: list[float] = []
    origin: list = []

    def sink(event) -> None:
        if not origin:
            origin.append(event.at)
        if type(event).__name__ == "ProjectCreated":
            created.append((event.at - origin[0]).total_seconds() / 86400)

    simulate(msgspec.structs.replace(scenario, days=days), TemplateSource(), sink)
    if scenario.days <= days:
        return len(created)
    later = sum(day >= days / 2 for day in created) / (days / 2)
    return len(created) + math.ceil(later * (scenario.days - days))


def call_timeout(max_tokens: int, seconds: float | None = None):
    import anthropic

    read = seconds if seconds is not None else READ_SECONDS + max_tokens / TOKENS_PER_SECOND
    return anthropic.Timeout(read, connect=min(read, CONNECT_SECONDS))


def about_the_model(exc: Exception) -> bool:
    """Whether a 404 is the Anthropic API's "not_found_error" about the model (its JSON error
    body, whose message names the model), not a server that has no such path at all."""
    body = getattr(exc, "body", None)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or error.get("type") != "not_found_error":
        return False
    message = str(error.get("message") or "")
    request = getattr(exc, "request", None)
    path = request.url.path if request is not None else ""
    if path and path in message:  # "no route GET /v1/...": about the path, not the model
        return False
    return not message or "model" in message.lower()


class LlmSession:
    def __init__(
        self,
        scenario: Scenario,
        key: str,
        options: LlmOptions | None = None,
        *,
        on_progress: Callable[[str], None] = lambda _: None,
        on_warning: Callable[[str], None] = lambda _: None,
    ) -> None:
        check_base_url()
        self.options = options = options or LlmOptions()
        self.scenario = scenario
        self.model = model_for(scenario)
        self.on_progress = on_progress
        prompts = Prompts(scenario, self.model)
        self.client = make_client(
            key,
            timeout=call_timeout(prompts.max_tokens, options.timeout_seconds),
            max_retries=options.max_retries,
        )
        self.endpoint = endpoint(self.client)
        self.ledger = Ledger(self.model, budget_usd=options.budget_usd, on_warning=on_warning)
        cache = ScriptCache(options.cache_dir or default_cache_dir())
        self.fetcher = Fetcher(self.client, prompts, cache, self.ledger, on_warning=on_warning)
        self.prefetcher = Prefetcher(
            self.fetcher,
            workers=options.workers,
            batch_min=options.batch_min,
            poll_seconds=options.poll_seconds,
            on_progress=on_progress,
            wait_notice_seconds=options.wait_notice_seconds,
        )
        self.source = BlueprintSource(self.prefetcher, TemplateSource(), name="anthropic")

    def check_key(self) -> None:
        """One cheap call (read the model's record) so a bad key or model fails before the run
        starts. Raises KeyRejected (401/403), UnknownModel, or BusyworkError (API down)."""
        import anthropic

        seconds = self.options.check_timeout_seconds
        client = self.client.with_options(
            timeout=anthropic.Timeout(seconds, connect=min(seconds, CONNECT_SECONDS)),
            max_retries=min(1, self.options.max_retries),
        )
        # A slow answer is said once, so a silent endpoint does not look like a hang.
        slow = threading.Timer(
            SAY_SLOW_SECONDS,
            self.on_progress,
            [f"Waiting for the Anthropic API at {self.endpoint} to answer the key check..."],
        )
        slow.daemon = True
        slow.start()
        try:
            info = client.models.retrieve(self.model)
        except NOT_JSON:  # a 200 answer that is not JSON: a web server, not the API
            raise self._not_the_api("an answer that is not JSON") from None
        except (anthropic.AuthenticationError, anthropic.PermissionDeniedError) as exc:
            raise KeyRejected(
                f"the Anthropic API rejected {KEY_VARIABLE} ({exc.status_code}); check the key, "
                "or unset it to use template text"
            ) from None
        except anthropic.NotFoundError as exc:
            if not about_the_model(exc):
                raise self._not_the_api("404 Not Found") from None
            raise UnknownModel(
                f"content_model: {self.model!r} is not a model the Anthropic API knows; "
                f"expected a model id such as {DEFAULT_MODEL!r}",
                self.model,
            ) from None
        except anthropic.APIError as exc:
            status = getattr(exc, "status_code", None)
            why = f"{type(exc).__name__}{f' {status}' if status else ''}"
            raise BusyworkError(
                f"cannot reach the Anthropic API at {self.endpoint} to check the key ({why}); "
                "try again, or unset the key to use template text"
            ) from None
        finally:
            slow.cancel()
        if getattr(info, "type", None) != "model":  # the SDK takes any text as an answer
            raise self._not_the_api("something other than a model's record")

    def _not_the_api(self, answer: str) -> BusyworkError:
        """An answer the API would not give about the model (a 404 without its error body, a
        web page): the base URL points elsewhere."""
        said = f"it answered {answer} to GET /v1/models/{self.model}"
        if URL_VARIABLE not in os.environ:
            return BusyworkError(
                f"the endpoint at {self.endpoint} is not the Anthropic API ({said}); try again "
                "later, or unset the key to use template text"
            )
        return InvalidInput(
            f"{URL_VARIABLE}: {self.endpoint} is not the Anthropic API ({said}); expected one "
            "such as https://api.anthropic.com, or unset it"
        )

    def start(self, run_dir: Path) -> None:
        """Record usage with the run (reloading what an earlier attempt recorded) and keep its
        blueprints in its folder (reading an earlier attempt's first), then fetch the run's
        blueprints ahead of the clock."""
        self.fetcher.attach(run_dir)
        self.ledger.attach(run_dir)
        expected = expected_projects(self.scenario)
        self.prefetcher.prepare(max(1, math.floor(PLANNED_SHARE * expected)) if expected else 0)

    def close(self, *, wait: bool = True) -> LlmUsage:
        """Stop fetching (with `wait`, after the calls in flight; without, after a short grace
        for them) and total the whole run."""
        dead = self.fetcher.breaker.open  # a dead endpoint's calls only time out
        grace = 0.0 if dead else self.options.grace_seconds
        wait = wait and not dead
        self.prefetcher.close(wait=wait, grace_seconds=grace)
        if wait:
            self.client.close()
        # Calls still in flight stay on record as sent, as the totals below count them.
        return fold(self.ledger.close())

    @property
    def started(self) -> bool:
        """Whether the session read and writes a run's ledger (its totals mean something)."""
        return self.ledger.path is not None

    def session_usage(self) -> LlmUsage | None:
        """This session's part of the totals when the run had an earlier attempt, else None."""
        if not self.ledger.earlier:
            return None
        return fold(self.ledger.records[self.ledger.earlier :])


def open_session(
    scenario: Scenario,
    options: LlmOptions | None = None,
    *,
    on_progress: Callable[[str], None] = lambda _: None,
    on_warning: Callable[[str], None] = lambda _: None,
) -> LlmSession | None:
    """A checked session, or None when no key is set (the caller says so, in its own words:
    the command line and a web job word it for their users)."""
    key = api_key()
    if key is None:
        return None
    session = LlmSession(scenario, key, options, on_progress=on_progress, on_warning=on_warning)
    try:
        session.check_key()
    except BaseException:
        session.close(wait=False)
        raise
    return session
