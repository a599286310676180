"""Backfills through the Message Batches API (half price): submit every missing blueprint as
one batch, record it in the run's ledger, poll until it ends (reporting progress), then read
the results.

The batch is on record before the first poll, so a run killed while it waits does not buy its
blueprints again: the resumed run collects the same batch (``collect_batch``). A result that is
not a valid script comes back as None (the caller tries it once more as a single call); a
request that errored, expired or was canceled is left out (the caller fetches it as a single
call, with the usual fallback to templates).

A submission that got no answer (timeouts, no connection) counts towards the circuit breaker
like a blueprint call (breaker.py): against a dead endpoint the single calls that follow it
stop sooner. A batch that cannot be polled is not counted: it is bought, so the run stops and
a resume collects it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from adapters.anthropic.waiting import WAIT_NOTICE_SECONDS, said_while_waiting
from engine.content.project_script import ProjectScript
from engine.errors import BusyworkError, command_line

if TYPE_CHECKING:
    from adapters.anthropic.fetch import Fetcher

# Polls that may fail in a row (each after the SDK's own retries) before the run stops.
POLL_FAILURES = 3
BATCH_TIMEOUT_SECONDS = 60.0  # per request; the results come as a stream of lines


def _affordable(fetcher: Fetcher, indexes: list[int]) -> list[int]:
    """As many items as the remaining budget surely pays for (by each one's cost bound)."""
    remaining = fetcher.ledger.remaining_usd()
    if remaining is None or not indexes:
        return indexes
    chosen, total = [], 0.0
    for index in indexes:
        total += fetcher.prompts.cost_bound_usd(index, batch=True) or 0.0
        if total > remaining:
            break
        chosen.append(index)
    return chosen


def _bound(fetcher: Fetcher, indexes: list[int]) -> float | None:
    """The most a batch of these projects can cost (None: a model not in the price table)."""
    bounds = [fetcher.prompts.cost_bound_usd(i, batch=True) for i in indexes]
    return None if None in bounds else sum(b for b in bounds if b is not None)


def _api(fetcher: Fetcher) -> Any:
    import anthropic

    return fetcher.client.with_options(
        timeout=anthropic.Timeout(BATCH_TIMEOUT_SECONDS, connect=5.0)
    ).messages.batches


def fetch_batch(
    fetcher: Fetcher,
    indexes: list[int],
    *,
    poll_seconds: float,
    on_progress: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    wait_notice_seconds: float = WAIT_NOTICE_SECONDS,
) -> dict[int, ProjectScript | None]:
    import anthropic

    from adapters.anthropic.fetch import NOT_JSON, answered_failure, describe_failure

    if fetcher.ledger.over_budget():
        return {}
    chosen = _affordable(fetcher, indexes)
    if not chosen:
        return {}
    requests = [{"custom_id": f"p{i}", "params": fetcher.prompts.request(i)} for i in chosen]
    waiting = _waiting(fetcher, "submitting a message batch", on_progress, wait_notice_seconds)
    # On record before it leaves: a batch submitted by a process killed before it learnt the
    # batch's id cannot be collected, so it counts at its bound.
    call = fetcher.ledger.send("batch", _bound(fetcher, chosen), batch=True, covers=chosen)
    try:
        with waiting:
            batch = _api(fetcher).create(requests=requests)
    except (anthropic.APIError, NOT_JSON) as exc:
        kind = answered_failure(exc, fetcher.ledger, "batch", call)
        if kind is None:
            raise
        why = describe_failure(exc, fetcher.endpoint)
        fetcher.ledger.record("batch", kind, batch=True, detail=why, call=call)
        on_progress(f"Message batch not submitted ({why}); fetching blueprints one by one")
        fetcher.breaker.outcome(kind)
        return {}
    fetcher.breaker.outcome("answered")
    fetcher.ledger.record_batch(batch.id, chosen, call=call)
    on_progress(f"Message batch {batch.id}: {len(chosen)} project blueprints submitted")
    return collect_batch(
        fetcher,
        batch.id,
        chosen,
        poll_seconds=poll_seconds,
        on_progress=on_progress,
        sleep=sleep,
        wait_notice_seconds=wait_notice_seconds,
    )


def _waiting(fetcher: Fetcher, what: str, on_progress: Callable[[str], None], every: float):
    def line(seconds: int) -> str:
        return f"Still waiting for Claude at {fetcher.endpoint} ({what}, {seconds} s so far)..."

    return said_while_waiting(on_progress, every, line)


def collect_batch(
    fetcher: Fetcher,
    batch_id: str,
    covers: list[int],
    *,
    poll_seconds: float,
    on_progress: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    wait_notice_seconds: float = WAIT_NOTICE_SECONDS,
) -> dict[int, ProjectScript | None]:
    """Wait for a submitted batch to end and take its results, each recorded once with its
    cost. A batch the API no longer has is recorded as lost; one it cannot be asked about for a
    while stops the run (it stays on record, and a resumed run collects it)."""
    import anthropic

    api = _api(fetcher)
    waiting = _waiting(fetcher, f"message batch {batch_id}", on_progress, wait_notice_seconds)
    try:
        with waiting:
            results = _take_results(
                fetcher, api, batch_id, covers, poll_seconds, on_progress, sleep
            )
    except anthropic.NotFoundError:
        fetcher.ledger.record(
            f"batch {batch_id}", "batch_lost", batch=True, detail="the API no longer has it"
        )
        on_progress(f"Message batch {batch_id}: the API no longer has it; fetching one by one")
        return {}
    fetcher.ledger.record(f"batch {batch_id}", "batch_collected", batch=True)
    return results


def _take_results(fetcher, api, batch_id, covers, poll_seconds, on_progress, sleep):
    """Poll until the batch ends, then record each result not on record yet."""
    _wait(fetcher, api, batch_id, len(covers), poll_seconds, on_progress, sleep)
    seen = fetcher.ledger.batch_items(batch_id)  # read before a crash cut the reading short
    results: dict[int, ProjectScript | None] = {}
    for entry in _stream(fetcher, api, batch_id):
        index = _index(entry, covers)
        if index is None or index in seen:
            continue  # not a result of ours (the SDK does not check a line's shape)
        result = getattr(entry, "result", None)
        kind = getattr(result, "type", None)
        if kind == "succeeded":
            results[index] = fetcher.accept(index, result.message, batch=True, batch_id=batch_id)
        else:  # errored, expired, canceled, or not a result: fetched as a single call
            fetcher.ledger.record(
                f"project {index}", f"batch_{kind or 'unreadable'}", batch=True, batch_id=batch_id
            )
    return results


def _index(entry: Any, covers: list[int]) -> int | None:
    """The project a result line answers ("p3": 3), when it is one the batch asked for."""
    custom_id = getattr(entry, "custom_id", None)
    number = custom_id.removeprefix("p") if isinstance(custom_id, str) else ""
    return int(number) if number.isdigit() and int(number) in covers else None


def _unreachable(fetcher: Fetcher, batch_id: str, exc: Exception) -> BusyworkError:
    from adapters.anthropic.fetch import describe_failure

    resume = (
        command_line("simulate", "--resume", fetcher.ledger.path.parent)
        if fetcher.ledger.path
        else "busywork simulate --resume RUN"
    )
    return BusyworkError(
        f"Message batch {batch_id}: cannot read it from the Anthropic API "
        f"({describe_failure(exc, fetcher.endpoint)}); it stays on record and "
        f"`{resume}` collects it"
    )


def _wait(fetcher, api, batch_id, count, poll_seconds, on_progress, sleep) -> None:
    """Poll until the batch ends, saying how far it got when that changes."""
    import anthropic

    from adapters.anthropic.fetch import NOT_JSON, failure_kind

    failures, last = 0, ""
    while True:
        try:
            batch = api.retrieve(batch_id)
            failures = 0
        except anthropic.NotFoundError:
            raise
        except (anthropic.APIError, NOT_JSON) as exc:
            if failure_kind(exc) is None:
                raise
            failures += 1
            if failures >= POLL_FAILURES:
                raise _unreachable(fetcher, batch_id, exc) from None
            sleep(poll_seconds)
            continue
        c = batch.request_counts
        line = f"Message batch {batch_id}: {c.succeeded + c.errored + c.canceled + c.expired}/"
        line += f"{count} done"
        if line != last:
            on_progress(line)
            last = line
        if batch.processing_status == "ended":
            return
        sleep(poll_seconds)


def _stream(fetcher, api, batch_id):
    """The batch's result lines; a connection lost half-way stops the run (see _unreachable)."""
    import anthropic

    from adapters.anthropic.fetch import NOT_JSON, failure_kind

    try:
        yield from api.results(batch_id)
    except anthropic.NotFoundError:
        raise
    except (anthropic.APIError, NOT_JSON) as exc:
        if failure_kind(exc) is None:
            raise
        raise _unreachable(fetcher, batch_id, exc) from None
