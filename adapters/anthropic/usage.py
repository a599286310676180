"""What Claude calls cost a run, and what each project got: ``<run>/llm_usage.jsonl``.

One JSON line per outcome: a call (billed, with its tokens and estimated list-price cost), a
cache hit, a fallback to templates and why, a Message Batch submitted or collected. A
project's first *final* outcome is its decision: Claude's script ("ok", "cached") or template
text (any fallback kind). It is written before the simulation uses it, so a resumed run makes
the same choice and never buys a decided project again. The file never holds the key.
``summarize`` folds it for ``busywork stats``; this module imports no SDK.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

USAGE_FILE = "llm_usage.jsonl"
# Outcomes that mean an API call came back with a message (and was billed).
BILLED = ("ok", "invalid")
SCRIPTED = ("ok", "cached")
FELL_BACK = (
    "rate_limited",
    "overloaded",
    "timeout",
    "connection",
    "api_error",
    "budget",
    "fallback",
    "unreachable",  # the endpoint had stopped answering (see breaker.py)
)
FINAL = SCRIPTED + FELL_BACK
# Outcomes of a whole batch (item "batch <id>"): submitted, then collected or lost.
BATCH_SUBMITTED = "batch_submitted"
BATCH_ENDS = ("batch_collected", "batch_lost")


class UsageRecord(msgspec.Struct, kw_only=True, omit_defaults=True):
    item: str  # "project 3" or "batch msgbatch_..."
    # ok | invalid | cached | rate_limited | overloaded | timeout | connection | api_error |
    # budget | fallback | unreachable | batch_errored | batch_expired | batch_canceled |
    # batch_submitted | batch_collected | batch_lost
    outcome: str
    model: str
    batch: bool = False
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float | None = None
    detail: str = ""
    covers: list[int] = []  # batch_submitted: the project indexes the batch asks for
    batch_id: str = ""  # a batch item's outcome: the batch it came from


class LlmUsage(msgspec.Struct, kw_only=True):
    """The totals ``busywork stats`` shows."""

    models: list[str]
    calls: int
    batch_calls: int
    from_cache: int
    fallbacks: dict[str, int]
    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int
    # None when a model is not in the price table.
    cost_usd: float | None


DECODER = msgspec.json.Decoder(UsageRecord)
ENCODER = msgspec.json.Encoder()


def project_of(item: str) -> int | None:
    """3 for "project 3"; None for any other item."""
    name, _, number = item.partition(" ")
    return int(number) if name == "project" and number.isdigit() else None


def decisions(records: list[UsageRecord]) -> dict[int, str]:
    """Each project's first final outcome."""
    decided: dict[int, str] = {}
    for rec in records:
        index = project_of(rec.item)
        if index is not None and rec.outcome in FINAL and index not in decided:
            decided[index] = rec.outcome
    return decided


def pending_batches(records: list[UsageRecord]) -> dict[str, list[int]]:
    """Batches submitted (and paid for) whose results were never read: id -> indexes."""
    pending: dict[str, list[int]] = {}
    for rec in records:
        kind, _, batch_id = rec.item.partition(" ")
        if kind != "batch":
            continue
        if rec.outcome == BATCH_SUBMITTED:
            pending[batch_id] = rec.covers
        elif rec.outcome in BATCH_ENDS:
            pending.pop(batch_id, None)
    return pending


def read_records(path: Path) -> list[UsageRecord]:
    """The records in a usage file (none when it does not exist); a torn line is skipped."""
    try:
        lines = Path(path).read_bytes().splitlines()
    except FileNotFoundError:
        return []
    records = []
    for line in lines:
        try:
            records.append(DECODER.decode(line))
        except msgspec.DecodeError:
            continue  # a torn last line after a crash
    return records


def fold(records: list[UsageRecord]) -> LlmUsage:
    """Calls, tokens and cost over every billed call; cache hits and fallbacks over each
    project's decision (a project that fell back once and then got its script counts once)."""
    tokens = dict.fromkeys(
        ("input", "output", "cache_creation_input", "cache_read_input"), 0
    )  # fmt: skip
    cost: float | None = 0.0
    calls = batch_calls = 0
    models: list[str] = []
    for rec in records:
        if rec.model not in models:
            models.append(rec.model)
        if rec.outcome in BILLED:
            calls += 1
            batch_calls += rec.batch
            for name in tokens:
                tokens[name] += getattr(rec, f"{name}_tokens")
            cost = None if cost is None or rec.cost_usd is None else cost + rec.cost_usd
    fallbacks: dict[str, int] = {}
    decided = decisions(records).values()
    for outcome in decided:
        if outcome in FELL_BACK:
            fallbacks[outcome] = fallbacks.get(outcome, 0) + 1
    return LlmUsage(
        models=models,
        calls=calls,
        batch_calls=batch_calls,
        from_cache=sum(outcome == "cached" for outcome in decided),
        fallbacks=dict(sorted(fallbacks.items())),
        input_tokens=tokens["input"],
        output_tokens=tokens["output"],
        cache_creation_input_tokens=tokens["cache_creation_input"],
        cache_read_input_tokens=tokens["cache_read_input"],
        cost_usd=round(cost, 6) if cost is not None else None,
    )


def summarize(run_dir: Path) -> LlmUsage | None:
    """The run's LLM totals, or None when the run made no use of Claude."""
    path = Path(run_dir) / USAGE_FILE
    if not path.exists():
        return None
    return fold(read_records(path))
