"""Fetching blueprints: cache first, then one call (retried once on invalid output), and on
any API trouble after the SDK's own retries, None: that project falls back to templates.

``Prefetcher`` is the engine's ``ScriptProvider``: it fetches ahead of the simulation on a
small thread pool (or as one Message Batch for big backfills), and ``script(i)`` waits only
for project ``i``'s own result, so the run is the same whatever order calls finish in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import msgspec

from adapters.anthropic.cache import ScriptCache
from adapters.anthropic.prices import Usage
from adapters.anthropic.prompts import Prompts
from adapters.anthropic.usage import Ledger
from engine.content.blueprint import InvalidScript, ProjectScript, decode_script
from engine.errors import BusyworkError

ATTEMPTS = 2  # a call whose output is invalid is made once more, then templates take over


class KeyRejected(BusyworkError):
    """The API refused the key (401/403): the run cannot use Claude at all."""


def usage_of(message: Any) -> Usage:
    u = message.usage
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
    for block in message.content:
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


def _detail(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    return f"{type(exc).__name__}" + (f" {status}" if status else "")


class Fetcher:
    def __init__(self, client: Any, prompts: Prompts, cache: ScriptCache, ledger: Ledger) -> None:
        self.client = client
        self.prompts = prompts
        self.cache = cache
        self.ledger = ledger

    def cached(self, index: int) -> ProjectScript | None:
        return self.cache.get(self.prompts.key(self.prompts.request(index)))

    def accept(self, index: int, message: Any, *, batch: bool) -> ProjectScript | None:
        """Record a returned message; cache and return its script when it is valid."""
        item = f"project {index}"
        try:
            script, data = parse_message(message)
        except InvalidScript as exc:
            self.ledger.record(
                item, "invalid", usage=usage_of(message), batch=batch, detail=str(exc)
            )
            return None
        self.ledger.record(item, "ok", usage=usage_of(message), batch=batch)
        self.cache.put(self.prompts.key(self.prompts.request(index)), data)
        return script

    def fetch(self, index: int, *, attempts: int = ATTEMPTS) -> ProjectScript | None:
        import anthropic

        item = f"project {index}"
        request = self.prompts.request(index)
        hit = self.cache.get(self.prompts.key(request))
        if hit is not None:
            self.ledger.record(item, "cached")
            return hit
        for _ in range(attempts):
            if self.ledger.over_budget():
                self.ledger.record(item, "budget")
                return None
            try:
                message = self.client.messages.create(**request)
            except anthropic.APIError as exc:
                kind = failure_kind(exc)
                if kind is None:
                    raise
                self.ledger.record(item, kind, detail=_detail(exc))
                return None
            script = self.accept(index, message, batch=False)
            if script is not None:
                return script
        self.ledger.record(item, "fallback", detail=f"invalid output {attempts} times")
        return None


class Prefetcher:
    """Serves scripts by project index, fetched ahead on a bounded pool."""

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        workers: int = 4,
        batch_min: int = 20,
        poll_seconds: float = 10.0,
        on_batch: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.fetcher = fetcher
        self.batch_min = batch_min
        self.poll_seconds = poll_seconds
        self.on_batch = on_batch
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="blueprint")
        self._futures: dict[int, Future[ProjectScript | None]] = {}
        self._lock = threading.Lock()
        self._planned = 0
        self._retry_once: set[int] = set()  # batch items whose output was invalid

    def _submit(self, index: int) -> Future[ProjectScript | None]:
        with self._lock:
            future = self._futures.get(index)
            if future is None:
                attempts = 1 if index in self._retry_once else ATTEMPTS
                future = self._pool.submit(self.fetcher.fetch, index, attempts=attempts)
                self._futures[index] = future
            return future

    def _done(self, index: int, script: ProjectScript | None) -> None:
        future: Future[ProjectScript | None] = Future()
        future.set_result(script)
        with self._lock:
            self._futures[index] = future

    def prepare(self, expected: int) -> None:
        """Start fetching projects 0..expected-1: as a Message Batch when at least
        ``batch_min`` are missing from the cache, else on the pool. The first call runs alone
        so the others can read the shared system prompt from the prompt cache."""
        from adapters.anthropic.batches import fetch_batch

        self._planned = expected
        missing = []
        for index in range(expected):
            hit = self.fetcher.cached(index)
            if hit is None:
                missing.append(index)
            else:
                self.fetcher.ledger.record(f"project {index}", "cached")
                self._done(index, hit)
        if missing and len(missing) >= self.batch_min:
            results = fetch_batch(
                self.fetcher, missing, poll_seconds=self.poll_seconds, on_progress=self.on_batch
            )
            for index, script in results.items():
                if script is not None:
                    self._done(index, script)
                else:  # invalid output: one more try as a single call
                    self._retry_once.add(index)
            missing = [i for i in missing if i not in self._futures]
        if missing:
            self._submit(missing[0]).result()
            for index in missing[1:]:
                self._submit(index)

    def script(self, index: int) -> ProjectScript | None:
        future = self._submit(index)
        if index >= self._planned:  # past the estimate: keep one project ahead
            self._planned = index + 2
            self._submit(index + 1)
        return future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["Fetcher", "KeyRejected", "Prefetcher", "parse_message"]
