"""Number types for command-line options: ``WholeNumber`` and ``Number``, click's IntRange and
FloatRange with errors that say what was expected.

click's own say "'abc' is not a valid float range" and "0 is not in the range 1<=x<=3660";
these say "'abc' is not a number of US dollars; expected a number ≥ 0, like 2.50" and
"0 is out of range; expected a whole number from 1 to 3660", like the CLI's other option
errors (``adapters.command_errors.usage_error`` puts the option's name in front). --help shows
the range as "1 to 3660" or "≥ 0".
Every numeric option of every command uses one of these two.
"""

from __future__ import annotations

import math
from typing import Any

import click

from engine.limits import MAX_DAYS


class _Range:
    """What the two types share: the range in words, and the two errors."""

    kind: str  # "a whole number", "a number"
    what: str  # what the option's value is, for "'abc' is not ..."
    example: str | None
    # from click's IntRange or FloatRange, the other base of each type (int or float, or None)
    min: Any
    max: Any
    min_open: bool
    max_open: bool

    def _describe_range(self) -> str:  # click shows it in --help: [default: 30; 1 to 3660]
        low, high = self.min, self.max
        if low is not None and high is not None and not self.min_open and not self.max_open:
            return f"{_number(low)} to {_number(high)}"
        bounds = []
        if low is not None:
            bounds.append(f"{'>' if self.min_open else '≥'} {_number(low)}")
        if high is not None:
            bounds.append(f"{'<' if self.max_open else '≤'} {_number(high)}")
        return " and ".join(bounds)

    def expected(self) -> str:
        """'expected a whole number from 1 to 3660', 'expected a number ≥ 0, like 2.50'."""
        bounds = self._describe_range()
        if " to " in bounds:
            bounds = f"from {bounds}"
        example = f", like {self.example}" if self.example else ""
        return f"expected {self.kind}{' ' + bounds if bounds else ''}{example}"

    def _in_range(self, number) -> bool:
        if self.min is not None and (number <= self.min if self.min_open else number < self.min):
            return False
        return self.max is None or (number < self.max if self.max_open else number <= self.max)

    def convert(self, value, param, ctx):
        try:
            number = self._number_class(value)
        except (TypeError, ValueError, OverflowError):
            number = None
        if number is None or not math.isfinite(number):  # nan and inf are not amounts of anything
            self.fail(f"{value!r} is not {self.what}; {self.expected()}", param, ctx)
        if not self._in_range(number):
            shown = value.strip() if isinstance(value, str) else value  # -1, not -1.0
            self.fail(f"{shown} is out of range; {self.expected()}", param, ctx)
        return number


class WholeNumber(_Range, click.IntRange):
    """A whole-number option within min..max (either may be None)."""

    name = "integer"
    kind = "a whole number"

    def __init__(self, min=None, max=None, *, what: str = "a whole number", example=None):
        super().__init__(min, max)
        self.what, self.example = what, example


class Number(_Range, click.FloatRange):
    """A finite number option within min..max (either may be None; either may be open)."""

    name = "number"
    kind = "a number"

    def __init__(self, min=None, max=None, *, min_open=False, max_open=False,
                 what: str = "a number", example=None):  # fmt: skip
        super().__init__(min, max, min_open=min_open, max_open=max_open)
        self.what, self.example = what, example


def _number(value) -> str:
    """1,000,000, 3660 and 0.01: not 1000000.0 nor 1e-02, nor a port as 65,535."""
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 100_000 else str(int(value))
    return f"{value:,g}"


# The types several options share.
DAYS = WholeNumber(1, MAX_DAYS, what="a number of days")
PORT = WholeNumber(0, 65535, what="a port number")
SECONDS = Number(min=0, what="a number of seconds")
REQUESTS_PER_MINUTE = WholeNumber(1, 1_000_000, what="a number of requests per minute")
SEED = WholeNumber(what="a random seed")
