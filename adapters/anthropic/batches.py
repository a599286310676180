"""Backfills through the Message Batches API (half price): submit every missing blueprint as
one batch, poll until it ends (reporting progress), then read the results.

A result that is not a valid script comes back as None (the caller tries it once more as a
single call); a request that errored, expired or was canceled is left out (the caller fetches
it as a single call, with the usual fallback to templates).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from adapters.anthropic.prices import Usage, cost_usd
from adapters.anthropic.prompts import CHARS_PER_TOKEN
from engine.content.blueprint import ProjectScript

if TYPE_CHECKING:
    from adapters.anthropic.fetch import Fetcher


def _affordable(fetcher: Fetcher, indexes: list[int]) -> list[int]:
    """As many items as the remaining budget pays for, by an estimate from the prompt size."""
    remaining = fetcher.ledger.remaining_usd()
    if remaining is None or not indexes:
        return indexes
    prompts = fetcher.prompts
    request = prompts.request(indexes[0])
    chars = len(prompts.system) + len(request["messages"][0]["content"])
    guess = Usage(
        input_tokens=math.ceil(chars / CHARS_PER_TOKEN),
        output_tokens=int(prompts.max_tokens * 0.6),
    )
    each = cost_usd(prompts.model, guess, batch=True)
    if not each:
        return indexes
    return indexes[: int(remaining // each)]


def fetch_batch(
    fetcher: Fetcher,
    indexes: list[int],
    *,
    poll_seconds: float,
    on_progress: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
) -> dict[int, ProjectScript | None]:
    import anthropic

    from adapters.anthropic.fetch import failure_kind

    if fetcher.ledger.over_budget():
        return {}
    chosen = _affordable(fetcher, indexes)
    if not chosen:
        fetcher.ledger.over_budget()
        return {}
    batches = fetcher.client.messages.batches
    requests = [{"custom_id": f"p{i}", "params": fetcher.prompts.request(i)} for i in chosen]
    try:
        batch = batches.create(requests=requests)
        on_progress(f"Message batch {batch.id}: {len(chosen)} project blueprints submitted")
        last = ""
        while batch.processing_status != "ended":
            sleep(poll_seconds)
            batch = batches.retrieve(batch.id)
            counts = batch.request_counts
            finished = counts.succeeded + counts.errored + counts.canceled + counts.expired
            line = f"Message batch {batch.id}: {finished}/{len(chosen)} done"
            if line != last:
                on_progress(line)
                last = line
        results: dict[int, ProjectScript | None] = {}
        for entry in batches.results(batch.id):
            index = int(entry.custom_id.removeprefix("p"))
            result = entry.result
            if result.type == "succeeded":
                results[index] = fetcher.accept(index, result.message, batch=True)
            else:
                fetcher.ledger.record(f"project {index}", "batch_" + result.type, batch=True)
        return results
    except anthropic.APIError as exc:
        kind = failure_kind(exc)
        if kind is None:
            raise
        on_progress(f"Message batch failed ({kind}); fetching blueprints one by one")
        return {}
