"""What Claude calls cost a run, and what each project got: ``<run>/llm_usage.jsonl``.

One JSON line per outcome: a call (billed, with its tokens and estimated list-price cost), a
cache hit, a fallback to templates and why, a Message Batch submitted or collected. A
project's first *final* outcome is its decision: Claude's script ("ok", "cached") or template
text (any fallback kind). It is written before the simulation uses it, so a resumed run makes
the same choice and never buys a decided project again. The file never holds the key.
``summarize`` folds it for ``busywork stats``, ``describe`` words the totals at the end of
``busywork simulate``; this module imports no SDK.

Each request that may be billed (a blueprint call, a batch submission) is on record as "sent"
before it leaves, with its upper-bound cost and a call id that its answer's record repeats. A
"sent" record whose answer never came (the process was killed or interrupted meanwhile) is
*unanswered*: the API may have billed it, so it counts as a call costing its bound.

A torn last line (a crash mid-write) is ignored; a damaged line before it is an error, as in
the event log: skipping it could lose a batch that was paid for.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from engine.errors import BusyworkError

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
SENT = "sent"  # a request about to leave; its answer's record carries the same call id


class UsageRecord(msgspec.Struct, kw_only=True, omit_defaults=True):
    item: str  # "project 3" or "batch msgbatch_..."
    # ok | invalid | cached | rate_limited | overloaded | timeout | connection | api_error |
    # budget | fallback | unreachable | batch_errored | batch_expired | batch_canceled |
    # batch_submitted | batch_collected | batch_lost | sent | key_rejected
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
    call: str = ""  # "sent" and its answer: the request's id
    bound_usd: float | None = None  # "sent": the most the request can cost


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
    # Of `calls` and `cost_usd`: requests sent but never answered, each counted at its bound.
    unanswered_calls: int = 0
    unanswered_cost_usd: float | None = 0.0
    # Of `cost_usd`: Message Batches submitted (so bought) whose results are not read yet
    # (``simulate --resume`` collects them), at their bound less what was read of them.
    uncollected_batches: int = 0
    uncollected_blueprints: int = 0
    uncollected_cost_usd: float | None = 0.0


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


def uncollected_cost(records: list[UsageRecord], pending: dict[str, list[int]]) -> float | None:
    """The most the `pending` batches can still cost: each one's bound (its "sent" record)
    less what its results already on record cost (a crash may have cut their reading short)."""
    bounds = {r.call: r.bound_usd for r in records if r.outcome == SENT and r.call}
    total: float | None = 0.0
    for rec in records:
        batch_id = rec.item.partition(" ")[2]
        if rec.outcome != BATCH_SUBMITTED or batch_id not in pending:
            continue
        bound = bounds.get(rec.call)
        if bound is None or total is None:
            return None
        read = sum(r.cost_usd or 0.0 for r in records if r.batch_id == batch_id)
        total += max(0.0, bound - read)
    return total


def unanswered(records: list[UsageRecord]) -> list[UsageRecord]:
    """The "sent" records whose answer is not on record."""
    answered = {r.call for r in records if r.call and r.outcome != SENT}
    return [r for r in records if r.outcome == SENT and r.call not in answered]


def charged_project(rec: UsageRecord) -> int | None:
    """The project an unanswered request's bound is charged to, for the budget's order: its
    own, or a batch's first (the batch was bought before any of its projects)."""
    index = project_of(rec.item)
    return index if index is not None else min(rec.covers, default=None)


class UsageDamaged(BusyworkError):
    """A line of a usage file that is not its torn last line does not decode."""


def read_records(path: Path) -> list[UsageRecord]:
    """The records in a usage file (none when it does not exist); a torn last line is ignored,
    a damaged line before it raises UsageDamaged naming the file and line."""
    try:
        lines = Path(path).read_bytes().splitlines()
    except FileNotFoundError:
        return []
    records = []
    for number, line in enumerate(lines, 1):
        try:
            records.append(DECODER.decode(line))
        except msgspec.DecodeError as exc:
            if number == len(lines):
                break  # torn by a crash mid-write
            raise UsageDamaged(
                f"{path}, line {number}: damaged ({exc}); expected one JSON usage record per "
                "line (the file records what the run paid for, so it is not read past it)"
            ) from None
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
    lost = unanswered(records)
    lost_cost: float | None = 0.0
    for rec in lost:
        calls += 1
        batch_calls += rec.batch
        lost_cost = (
            None if lost_cost is None or rec.bound_usd is None else lost_cost + rec.bound_usd
        )
    cost = None if cost is None or lost_cost is None else cost + lost_cost
    # A batch awaiting collection is bought: its results will be billed, read or not.
    pending = pending_batches(records)
    pending_cost = uncollected_cost(records, pending)
    cost = None if cost is None or pending_cost is None else cost + pending_cost
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
        unanswered_calls=len(lost),
        unanswered_cost_usd=round(lost_cost, 6) if lost_cost is not None else None,
        uncollected_batches=len(pending),
        uncollected_blueprints=sum(len(covers) for covers in pending.values()),
        uncollected_cost_usd=round(pending_cost, 6) if pending_cost is not None else None,
    )


def summarize(run_dir: Path) -> LlmUsage | None:
    """The run's LLM totals, or None when the run made no use of Claude."""
    path = Path(run_dir) / USAGE_FILE
    if not path.exists():
        return None
    return fold(read_records(path))


def _cost(usage: LlmUsage) -> str:
    if usage.cost_usd is None:
        return "unknown cost"
    text = f"est. ${usage.cost_usd:.4f}"
    if usage.unanswered_calls and usage.unanswered_cost_usd is not None:
        text += (
            f", of which ${usage.unanswered_cost_usd:.4f} for {usage.unanswered_calls} "
            "sent but never answered, each counted at its most"
        )
    if usage.uncollected_batches and usage.uncollected_cost_usd is not None:
        batches = "batch" if usage.uncollected_batches == 1 else "batches"
        text += (
            f", of which ${usage.uncollected_cost_usd:.4f} for {usage.uncollected_batches} "
            f"Message {batches} not collected yet, counted at the most"
        )
    return text


def describe(usage: LlmUsage, this_session: LlmUsage | None = None) -> str:
    """One line for the end of `busywork simulate`: the whole run's use of Claude (and this
    session's calls when it resumed an earlier attempt)."""
    fallbacks = sum(usage.fallbacks.values())
    tokens = usage.input_tokens + usage.output_tokens + usage.cache_read_input_tokens
    tokens += usage.cache_creation_input_tokens
    line = (
        f"Claude ({', '.join(usage.models)}): {usage.calls} calls "
        f"({usage.batch_calls} batched), {usage.from_cache} from cache, "
        f"{fallbacks} fell back to templates; {tokens:,} tokens, {_cost(usage)}"
    )
    if this_session is not None:
        line += f" (whole run; this session: {this_session.calls} calls, {_cost(this_session)})"
    return line
