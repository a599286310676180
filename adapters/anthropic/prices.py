"""The one price table: US dollars per million tokens, list prices, and what each model allows.

Checked against Anthropic's pricing pages (October 2026). Cache writes are the 5-minute kind
(1.25 x input) and cache reads 0.1 x input unless a row says otherwise; the Message Batches API
halves every price. Claude Haiku 5.5's prices hold for prompts up to 100,000 tokens, which a
blueprint prompt never reaches.
"""

from __future__ import annotations

import msgspec

DEFAULT_MODEL = "claude-haiku-5-5"
BATCH_DISCOUNT = 0.5


class ModelPrice(msgspec.Struct, frozen=True, kw_only=True):
    input: float
    output: float
    cache_write: float
    cache_read: float
    # Shortest prompt prefix the model caches; shorter prefixes are sent without cache_control.
    min_cache_tokens: int = 1024
    # Whether the model takes output_config.effort (adaptive-thinking models).
    effort: bool = False


def _price(
    input: float, output: float, *, read: float | None = None, min_cache: int, effort: bool
) -> ModelPrice:
    return ModelPrice(
        input=input,
        output=output,
        cache_write=input * 1.25,
        cache_read=read if read is not None else input * 0.1,
        min_cache_tokens=min_cache,
        effort=effort,
    )


PRICES: dict[str, ModelPrice] = {
    "claude-haiku-5-5": _price(0.10, 0.50, min_cache=512, effort=True),
    "claude-sonnet-5-5": _price(2.0, 10.0, read=0.10, min_cache=1024, effort=True),
    "claude-opus-5-5": _price(4.0, 20.0, min_cache=1024, effort=True),
    "claude-haiku-4-5": _price(1.0, 5.0, min_cache=4096, effort=False),
    "claude-sonnet-4-5": _price(3.0, 15.0, min_cache=1024, effort=False),
    "claude-sonnet-4-6": _price(3.0, 15.0, min_cache=1024, effort=True),
    "claude-opus-4-5": _price(5.0, 25.0, min_cache=4096, effort=True),
    "claude-opus-4-6": _price(5.0, 25.0, min_cache=4096, effort=True),
}


class Usage(msgspec.Struct, kw_only=True):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0


def price_of(model: str) -> ModelPrice | None:
    """The row for a model id, also for dated ids ("claude-haiku-4-5-20251001")."""
    if model in PRICES:
        return PRICES[model]
    for name, row in PRICES.items():
        if model.startswith(name + "-"):
            return row
    return None


def cost_usd(model: str, usage: Usage, *, batch: bool = False) -> float | None:
    """Estimated list-price cost of one call, or None for a model not in the table."""
    row = price_of(model)
    if row is None:
        return None
    dollars = (
        usage.input_tokens * row.input
        + usage.output_tokens * row.output
        + usage.cache_creation_input_tokens * row.cache_write
        + usage.cache_read_input_tokens * row.cache_read
    ) / 1_000_000
    return dollars * (BATCH_DISCOUNT if batch else 1.0)
