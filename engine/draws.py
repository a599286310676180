"""The random draws people make at every moment, compiled with the other hot modules.

Each helper returns exactly what the `random.Random` method it stands for returns, drawing the
same numbers from the same stream (tests/test_draws.py holds them to it). random.py's
``choice``, ``randrange`` and ``randint`` are interpreted Python: a call costs more than
the compiled code that makes it.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def below(rng: random.Random, n: int) -> int:
    """A whole number in [0, n), n > 0: rng.randrange(n)."""
    k = n.bit_length()
    r = rng.getrandbits(k)
    while r >= n:  # the rejection sampling random.Random._randbelow does
        r = rng.getrandbits(k)
    return r


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One of `items`: rng.choice(items)."""
    if not items:
        raise IndexError("cannot choose from an empty sequence")
    return items[below(rng, len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """A whole number in [low, high], low <= high: rng.randint(low, high)."""
    return low + below(rng, high - low + 1)


def uniform(rng: random.Random, low: float, high: float) -> float:
    """A number between low and high: rng.uniform(low, high)."""
    return low + (high - low) * rng.random()


def weighted(rng: random.Random, items: Sequence[T], cumulative: Sequence[float]) -> T:
    """One of `items`, weighted: rng.choices(items, cum_weights=cumulative)[0], which is also
    rng.choices(items, weights)[0] when `cumulative` is itertools.accumulate(weights)."""
    return items[bisect_right(cumulative, rng.random() * (cumulative[-1] + 0.0), 0, len(items) - 1)]
