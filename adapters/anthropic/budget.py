"""The budget, granted in project order so that concurrency changes speed, never choices.

The rule: a call for project k may start iff what projects 0..k (its own earlier tries
included) have spent is still below the budget. It depends only on the projects' indexes and
recorded costs, not on which call finished first, so a run with a budget buys the same
projects however its calls are timed, and a resumed run (whose ledger holds the costs recorded
before the crash) decides the rest as the uninterrupted run did. Spending passes the budget by
at most the last call granted.

Deciding exactly would mean waiting for every earlier call to finish. Instead, while earlier
projects' calls are in flight, each counts at its upper bound (bound x the tries it may still
make): when even that worst case leaves room for project k's own bound, the rule surely grants
k and the call starts at once. Only near the end of the budget does k wait for the earlier
calls to settle. Costs are whole micro-dollars, so sums do not depend on their order.
"""

from __future__ import annotations

import math
import threading
from decimal import Decimal

from engine.errors import BusyworkError

MICRO = 1_000_000


def micro_usd(amount: float | None) -> int:
    """Dollars as whole micro-dollars (recorded costs are rounded to 6 decimals)."""
    return round((amount or 0.0) * MICRO)


class GrantsStopped(BusyworkError):
    """The run is closing: a call still waiting for its turn is not made (nor recorded)."""


class _InFlight:
    """A project whose fetch runs: None bound until it reaches the gate."""

    __slots__ = ("bound", "tries_left")

    def __init__(self) -> None:
        self.bound: int | None = None
        self.tries_left = 0

    def worst(self) -> int:
        return (self.bound or 0) * self.tries_left


class BudgetGate:
    def __init__(self, budget_usd: float | None) -> None:
        self.budget = None
        if budget_usd is not None:  # exact: $0.005 is 5,000 micro-dollars, not 5,000.0000001
            self.budget = math.ceil(Decimal(repr(budget_usd)) * MICRO)
        self._spent: dict[int, int] = {}  # project -> what its calls cost so far
        self._running: dict[int, _InFlight] = {}
        self._changed = threading.Condition()
        self._stopped = False

    def load(self, spent: dict[int, int]) -> None:
        """What an earlier attempt of the run spent, per project."""
        with self._changed:
            self._spent = dict(spent)
            self._changed.notify_all()

    def expect(self, index: int) -> None:
        """Project `index` is to be fetched: later projects wait for its turn at the gate.
        Called in index order (the prefetcher submits in that order)."""
        with self._changed:
            self._running.setdefault(index, _InFlight())

    def grant(self, index: int, bound_usd: float | None, tries_left: int) -> bool:
        """Whether project `index` may make a call that costs at most `bound_usd`, holding
        `tries_left` such calls as its worst case. Waits for earlier projects' turns; raises
        GrantsStopped when the run closes meanwhile."""
        if self.budget is None:
            return True
        bound = max(1, math.ceil((bound_usd or 0.0) * MICRO))
        with self._changed:
            mine = self._running.setdefault(index, _InFlight())
            mine.bound = None  # at the gate: undecided
            while not self._stopped:
                allowed = self._decide(index, bound)
                if allowed is not None:
                    mine.bound, mine.tries_left = bound, tries_left if allowed else 0
                    self._changed.notify_all()
                    return allowed
                self._changed.wait()
            raise GrantsStopped(f"project {index}: the run is closing; no call is made")

    def _decide(self, index: int, bound: int) -> bool | None:
        """True/False by the rule, or None while earlier projects leave it open."""
        assert self.budget is not None  # `grant` grants everything without one
        earlier = [p for i, p in self._running.items() if i < index]
        if any(p.bound is None for p in earlier):
            return None  # an earlier project has not had its turn yet
        known = sum(cost for i, cost in self._spent.items() if i <= index)
        if known + sum(p.worst() for p in earlier) + bound <= self.budget:
            return True  # granted however the earlier calls in flight end
        if any(p.tries_left for p in earlier):
            return None  # too close to call: wait for them to settle
        return known < self.budget

    def spend(self, index: int, cost: int, *, settles: bool) -> None:
        """Project `index` spent `cost`; with `settles`, one of its granted calls ended."""
        with self._changed:
            self._spent[index] = self._spent.get(index, 0) + cost
            running = self._running.get(index)
            if settles and running is not None:
                running.tries_left = max(0, running.tries_left - 1)
            self._changed.notify_all()

    def finish(self, index: int) -> None:
        """Project `index`'s fetch ended (decided, or stopped by an error)."""
        with self._changed:
            if self._running.pop(index, None) is not None:
                self._changed.notify_all()

    def stop(self) -> None:
        """Let every call still waiting for its turn go (with GrantsStopped)."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
