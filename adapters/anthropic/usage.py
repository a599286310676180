"""What Claude calls cost a run: one JSON line per item in ``<run>/llm_usage.jsonl``.

Each line records one project blueprint's outcome (called, served from cache, fell back and
why) with the tokens and the estimated list-price cost of its calls. It never holds the key.
``summarize`` folds the file for ``busywork stats``; this module imports no SDK.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import msgspec

from adapters.anthropic.prices import Usage, cost_usd

USAGE_FILE = "llm_usage.jsonl"
# Outcomes that mean an API call came back with a message (and was billed).
BILLED = ("ok", "invalid")


class UsageRecord(msgspec.Struct, kw_only=True, omit_defaults=True):
    item: str  # "project 3"
    # ok | invalid | cached | rate_limited | overloaded | timeout | connection | api_error |
    # budget | fallback
    outcome: str
    model: str
    batch: bool = False
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float | None = None
    detail: str = ""


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


_decoder = msgspec.json.Decoder(UsageRecord)
_encoder = msgspec.json.Encoder()


class Ledger:
    """Records outcomes (thread-safe), keeps the running cost, and enforces the budget."""

    def __init__(
        self,
        model: str,
        *,
        budget_usd: float | None = None,
        notice: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.model = model
        self.budget_usd = budget_usd
        self.notice = notice
        self.path: Path | None = None
        self.spent_usd = 0.0
        self.records: list[UsageRecord] = []
        self._lock = threading.Lock()
        self._budget_said = False

    def attach(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / USAGE_FILE

    def record(
        self,
        item: str,
        outcome: str,
        *,
        usage: Usage | None = None,
        batch: bool = False,
        detail: str = "",
    ) -> None:
        usage = usage or Usage()
        cost = cost_usd(self.model, usage, batch=batch) if outcome in BILLED else None
        rec = UsageRecord(
            item=item,
            outcome=outcome,
            model=self.model,
            batch=batch,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_creation_input_tokens=usage.cache_creation_input_tokens,
            cache_read_input_tokens=usage.cache_read_input_tokens,
            cost_usd=round(cost, 6) if cost is not None else None,
            detail=detail[:300],
        )
        with self._lock:
            self.spent_usd += cost or 0.0
            self.records.append(rec)
            if self.path is not None:
                with open(self.path, "ab") as fh:
                    fh.write(_encoder.encode(rec) + b"\n")

    def over_budget(self) -> bool:
        """True once spending reached the budget; says so (once) through ``notice``."""
        if self.budget_usd is None:
            return False
        with self._lock:
            over = self.spent_usd >= self.budget_usd
            say = over and not self._budget_said
            self._budget_said = self._budget_said or over
        if say:
            self.notice(
                f"LLM budget of ${self.budget_usd:.2f} reached (spent about "
                f"${self.spent_usd:.4f}); the rest of the run uses template text."
            )
        return over

    def remaining_usd(self) -> float | None:
        if self.budget_usd is None:
            return None
        with self._lock:
            return max(0.0, self.budget_usd - self.spent_usd)


def fold(records: list[UsageRecord]) -> LlmUsage:
    total = Usage()
    cost: float | None = 0.0
    calls = batch_calls = cached = 0
    fallbacks: dict[str, int] = {}
    models: list[str] = []
    for rec in records:
        if rec.model not in models:
            models.append(rec.model)
        if rec.outcome in BILLED:
            calls += 1
            batch_calls += rec.batch
            total.input_tokens += rec.input_tokens
            total.output_tokens += rec.output_tokens
            total.cache_creation_input_tokens += rec.cache_creation_input_tokens
            total.cache_read_input_tokens += rec.cache_read_input_tokens
            cost = None if cost is None or rec.cost_usd is None else cost + rec.cost_usd
        elif rec.outcome == "cached":
            cached += 1
        if rec.outcome not in ("ok", "cached", "invalid"):
            fallbacks[rec.outcome] = fallbacks.get(rec.outcome, 0) + 1
    return LlmUsage(
        models=models,
        calls=calls,
        batch_calls=batch_calls,
        from_cache=cached,
        fallbacks=dict(sorted(fallbacks.items())),
        input_tokens=total.input_tokens,
        output_tokens=total.output_tokens,
        cache_creation_input_tokens=total.cache_creation_input_tokens,
        cache_read_input_tokens=total.cache_read_input_tokens,
        cost_usd=round(cost, 6) if cost is not None else None,
    )


def summarize(run_dir: Path) -> LlmUsage | None:
    """The run's LLM totals, or None when the run made no use of Claude."""
    path = Path(run_dir) / USAGE_FILE
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        return None
    records = []
    for line in lines:
        try:
            records.append(_decoder.decode(line))
        except msgspec.DecodeError:
            continue  # a torn last line after a crash
    return fold(records)
