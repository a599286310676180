"""Fetching one blueprint: the run's earlier decision first, then the run's own copy and the
shared cache (``run_copy.py``), then one call (retried once on invalid output); on any API
trouble after the SDK's own retries, with the budget spent, or once the endpoint stopped
answering (``breaker``), None: that project falls back to templates. Every outcome goes to the
ledger before it is returned, and every blueprint to the cache and the run's copy before that,
so a resumed run makes the same choice with the same text."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from adapters.anthropic.breaker import UNREACHABLE, Breaker
from adapters.anthropic.cache import ScriptCache
from adapters.anthropic.environment import without_userinfo
from adapters.anthropic.ledger import Ledger
from adapters.anthropic.prices import Usage
from adapters.anthropic.prompts import Prompts
from adapters.anthropic.run_copy import Blueprints
from adapters.anthropic.usage import FELL_BACK
from engine.content.project_script import InvalidScript, ProjectScript, decode_script
from engine.errors import BusyworkError

ATTEMPTS = 2  # a call whose output is invalid is made once more, then templates take over


class KeyRejected(BusyworkError):
    """The API refused the key (401/403): the run cannot use Claude at all."""


# An answer with status 200 that is not JSON (a proxy's error page): the SDK raises this.
NOT_JSON = json.JSONDecodeError
NOT_JSON_KIND = "api_error"


def usage_of(message: Any) -> Usage:
    u = getattr(message, "usage", None)
    if u is None:  # an answer that is not a message bills nothing we could count
        return Usage()
    return Usage(
        input_tokens=u.input_tokens or 0,
        output_tokens=u.output_tokens or 0,
        cache_creation_input_tokens=getattr(u, "cache_creation_input_tokens", 0) or 0,
        cache_read_input_tokens=getattr(u, "cache_read_input_tokens", 0) or 0,
    )


def parse_message(message: Any) -> tuple[ProjectScript, bytes]:
    """The checked script in a Messages API answer (structured JSON in its text blocks, or a
    tool_use input), and its JSON for the cache. Raises InvalidScript."""
    if getattr(message, "stop_reason", None) == "max_tokens":
        raise InvalidScript("the answer was cut off at max_tokens")
    content = getattr(message, "content", None)
    if not isinstance(content, list):  # JSON, but not a message (the SDK does not check)
        raise InvalidScript("the answer is not a message (no content blocks)")
    for block in content:
        if getattr(block, "type", None) == "tool_use":
            raw = msgspec.json.encode(block.input)
            break
    else:
        text = "".join(b.text for b in message.content if getattr(b, "type", None) == "text")
        raw = text.encode()
    script = decode_script(raw)
    return script, msgspec.json.encode(script)


def failure_kind(exc: Exception) -> str | None:
    """The usage outcome for an SDK exception after its retries (None: not an API failure)."""
    import anthropic

    if isinstance(exc, NOT_JSON):
        return NOT_JSON_KIND
    if isinstance(exc, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
        raise KeyRejected(
            f"the Anthropic API rejected ANTHROPIC_API_KEY ({exc.status_code}); "
            "check the key, or unset it to use template text"
        ) from None
    if isinstance(exc, anthropic.RateLimitError):
        return "rate_limited"
    if isinstance(exc, anthropic.OverloadedError):
        return "overloaded"
    if isinstance(exc, anthropic.APITimeoutError):
        return "timeout"
    if isinstance(exc, anthropic.APIConnectionError):
        return "connection"
    if isinstance(exc, anthropic.APIStatusError):
        return "api_error"
    return None


def answered_failure(exc: Exception, ledger: Ledger, item: str, call: str) -> str | None:
    """`failure_kind`, with a rejected key on record as the answer to `call` (it cost
    nothing) before KeyRejected stops the run."""
    try:
        return failure_kind(exc)
    except KeyRejected:
        ledger.record(item, "key_rejected", call=call)
        raise


def endpoint(client: Any) -> str:
    """The API's base URL as the client uses it, without any user or password in it."""
    url = client.base_url
    if getattr(url, "userinfo", b""):
        url = url.copy_with(username=None, password=None)
    return without_userinfo(str(url)).rstrip("/")


def describe_failure(exc: Exception, where: str) -> str:
    """'APIConnectionError at http://...' / 'RateLimitError 429': what went wrong, never the key."""
    if isinstance(exc, NOT_JSON):
        return f"an answer that is not JSON from {where}"
    status = getattr(exc, "status_code", None)
    if status:
        return f"{type(exc).__name__} {status}"
    return f"{type(exc).__name__} at {where}"


class Fetcher:
    def __init__(
        self,
        client: Any,
        prompts: Prompts,
        cache: ScriptCache,
        ledger: Ledger,
        *,
        on_warning: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.client = client
        self.prompts = prompts
        self.cache = cache
        # The run's own copy first (once `attach`ed), then the shared cache.
        self.blueprints = Blueprints(cache, on_warning=on_warning)
        self.ledger = ledger
        self.endpoint = endpoint(client)
        self.breaker = Breaker(self.endpoint, on_warning)

    def attach(self, run_dir: Path) -> None:
        """Keep each blueprint the run uses in its folder too, and read from there first."""
        self.blueprints.attach(run_dir)

    def patience(self) -> str:
        """How long a blueprint call may take before its project falls back (for a waiting line)."""
        timeout = self.client.timeout
        read = getattr(timeout, "read", timeout)
        tries = self.client.max_retries + 1
        count = "1 try" if tries == 1 else f"{tries} tries"
        if not isinstance(read, int | float):
            return f"after {count}, template text is used"
        return f"after {count} of up to {read:g} s each, template text is used"

    def give_up(self, index: int) -> bool:
        """With the breaker open, decide that the project, whose call is still in flight, uses
        template text; False when its call was decided meanwhile (use what it got)."""
        item = f"project {index}"
        return self.ledger.record(
            item, UNREACHABLE, detail=self.breaker.reason(), unless_decided=True
        )

    def cached(self, index: int) -> ProjectScript | None:
        """The project's blueprint from the run's copy or the shared cache, if either has it."""
        return self.blueprints.get(self.prompts.key(self.prompts.request(index)))

    def decided(self, index: int) -> tuple[bool, ProjectScript | None]:
        """(True, script or None) when the run already decided this project; a decided script
        that neither the run's copy nor the cache holds any more counts as undecided (fetched
        again)."""
        decision = self.ledger.decision(index)
        if decision is None:
            return False, None
        if decision in FELL_BACK:
            return True, None
        script = self.cached(index)
        return script is not None, script

    def accept(
        self,
        index: int,
        message: Any,
        *,
        batch: bool,
        settles: bool = False,
        batch_id: str = "",
        call: str = "",
    ) -> ProjectScript | None:
        """Record a returned message (the answer to `call`, when it was a single call); cache
        and return its script when it is valid."""
        item = f"project {index}"
        try:
            script, data = parse_message(message)
        except InvalidScript as exc:
            self.ledger.record(
                item,
                "invalid",
                usage=usage_of(message),
                batch=batch,
                detail=str(exc),
                settles=settles,
                batch_id=batch_id,
                call=call,
            )
            return None
        # Kept first (the cache, the run's copy): a crash between them and the record leaves a
        # hit, not a paid-for loss.
        self.blueprints.put(self.prompts.key(self.prompts.request(index)), data)
        self.ledger.record(
            item,
            "ok",
            usage=usage_of(message),
            batch=batch,
            settles=settles,
            batch_id=batch_id,
            call=call,
        )
        return script

    def fetch(self, index: int) -> ProjectScript | None:
        """The project's script, or None for template text (the outcome on record first)."""
        try:
            return self._fetch(index)
        finally:
            self.ledger.finish(index)  # later projects need not wait for this one's turn

    def _fetch(self, index: int) -> ProjectScript | None:
        import anthropic

        done, script = self.decided(index)
        if done:
            return script
        item = f"project {index}"
        request = self.prompts.request(index)
        hit = self.blueprints.get(self.prompts.key(request))
        if hit is not None:
            self.ledger.record(item, "cached")
            return hit
        estimate = self.prompts.cost_bound_usd(index)
        # Invalid answers on record (a batch's, an earlier attempt's) count as tries.
        tries = ATTEMPTS - self.ledger.invalid_answers(index)
        for tried in range(tries):
            if self.breaker.open:
                self.ledger.record(item, UNREACHABLE, detail=self.breaker.reason())
                return None
            if not self.ledger.grant(index, estimate, tries - tried):
                self.ledger.record(item, "budget")
                return None
            call = self.ledger.send(item, estimate)  # on record before it leaves
            try:
                message = self.client.messages.create(**request)
            except (anthropic.APIError, NOT_JSON) as exc:
                self.ledger.release(index)
                kind = answered_failure(exc, self.ledger, item, call)
                if kind is None:
                    raise
                self.ledger.record(
                    item, kind, detail=describe_failure(exc, self.endpoint), call=call
                )
                self.breaker.outcome(kind)
                return None
            except BaseException:  # not answered: on record as sent, it counts at its bound
                self.ledger.release(index)
                raise
            self.breaker.outcome("answered")
            script = self.accept(index, message, batch=False, settles=True, call=call)
            if script is not None:
                return script
        self.ledger.record(item, "fallback", detail=f"invalid output {ATTEMPTS} times")
        return None


__all__ = ["Fetcher", "KeyRejected", "endpoint", "failure_kind", "parse_message"]
