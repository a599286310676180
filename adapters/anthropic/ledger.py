"""The running ledger of one run's Claude use: records outcomes to ``<run>/llm_usage.jsonl``
(thread-safe), knows each project's decision, and enforces the budget.

Attached to a run folder that already has a ledger (a resumed run, a restarted web job), it
reloads it first: the money already spent counts against the budget, earlier decisions stand,
and batches submitted but never read are collected instead of bought again.

The budget: a call reserves an upper bound of its cost before it starts and settles for the
real cost when it ends; no call starts once spent + reserved reaches the budget. With several
calls in flight the budget is thus overshot by at most one call's bound.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from adapters.anthropic.prices import Usage, cost_usd
from adapters.anthropic.usage import (
    BATCH_SUBMITTED,
    BILLED,
    ENCODER,
    FINAL,
    USAGE_FILE,
    UsageRecord,
    decisions,
    pending_batches,
    project_of,
    read_records,
)


def usd(amount: float) -> str:
    """Dollars as the user wrote them, at least to the cent: 0.005 -> "0.005", 2 -> "2.00"."""
    text = format(Decimal(repr(amount)).normalize(), "f")
    whole, _, cents = text.partition(".")
    return f"{whole}.{cents.ljust(2, '0')}"


def _cut_torn_tail(path: Path) -> None:
    """Drop a half-written last line (a crash mid-write), so the next record starts clean."""
    try:
        with open(path, "rb+") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size == 0:
                return
            fh.seek(size - 1)
            if fh.read(1) == b"\n":
                return
            fh.seek(0)
            keep = fh.read().rfind(b"\n") + 1
            fh.truncate(keep)
    except FileNotFoundError:
        return


class Ledger:
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
        self.earlier = 0  # how many of the records an earlier session wrote
        self._reserved = 0.0
        self._in_flight = 0  # calls holding a reservation
        self._decided: dict[int, str] = {}
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)  # a reservation was settled
        self._budget_said = False

    def attach(self, run_dir: Path) -> None:
        """Write to the run's ledger from now on, after reloading what it holds."""
        path = Path(run_dir) / USAGE_FILE
        if path == self.path:
            return
        _cut_torn_tail(path)
        earlier = read_records(path)
        with self._lock:
            self.path = path
            self.records = earlier + self.records
            self.earlier = len(earlier)
            self.spent_usd = sum(r.cost_usd or 0.0 for r in self.records)
            self._decided = decisions(self.records)
            if self.records[len(earlier) :]:  # recorded before the run folder was known
                with open(path, "ab") as fh:
                    fh.writelines(ENCODER.encode(r) + b"\n" for r in self.records[len(earlier) :])

    def record(
        self,
        item: str,
        outcome: str,
        *,
        usage: Usage | None = None,
        batch: bool = False,
        detail: str = "",
        covers: list[int] | None = None,
        batch_id: str = "",
        reserved: float | None | bool = False,
    ) -> None:
        """Append one outcome (durably, before the caller acts on it). `reserved`: the
        estimate (a number, or None for an unpriced model) this call held by ``reserve``, now
        settled for its real cost; False when it held none."""
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
            covers=covers or [],
            batch_id=batch_id,
        )
        index = project_of(item)
        with self._settled:
            self.spent_usd += cost or 0.0
            if reserved is not False and self.budget_usd is not None:
                self._settle(reserved or 0.0)
            self.records.append(rec)
            if index is not None and outcome in FINAL:
                self._decided.setdefault(index, outcome)
            if self.path is not None:
                with open(self.path, "ab") as fh:
                    fh.write(ENCODER.encode(rec) + b"\n")

    def decision(self, index: int) -> str | None:
        """The project's decided outcome, or None while it has none."""
        with self._lock:
            return self._decided.get(index)

    def pending_batches(self) -> dict[str, list[int]]:
        with self._lock:
            return pending_batches(self.records)

    def batch_items(self, batch_id: str) -> set[int]:
        """The projects whose result from this batch is on record already."""
        with self._lock:
            items = (project_of(r.item) for r in self.records if r.batch_id == batch_id)
            return {i for i in items if i is not None}

    def record_batch(self, batch_id: str, covers: list[int]) -> None:
        self.record(f"batch {batch_id}", BATCH_SUBMITTED, batch=True, covers=covers)

    # -- the budget ------------------------------------------------------------------------

    def reserve(self, estimate_usd: float | None) -> bool:
        """Hold `estimate_usd` for a call about to start; False (and a notice, once) when the
        budget is spent. While only calls in flight hold the rest of it, wait for them to
        settle first. Release it with ``release`` or ``record(..., reserved=...)``."""
        if self.budget_usd is None:
            return True
        with self._settled:
            while self._in_flight and self.budget_usd <= self.spent_usd + self._reserved:
                if self.spent_usd >= self.budget_usd:
                    break
                self._settled.wait()
            allowed = self.spent_usd < self.budget_usd
            if allowed:
                self._reserved += estimate_usd or 0.0
                self._in_flight += 1
        if not allowed:
            self._say_budget()
        return allowed

    def release(self, estimate_usd: float | None) -> None:
        """Give back a reservation whose call cost nothing (it failed before an answer)."""
        if self.budget_usd is None:
            return
        with self._settled:
            self._settle(estimate_usd or 0.0)

    def _settle(self, estimate_usd: float) -> None:
        self._in_flight = max(0, self._in_flight - 1)
        self._reserved = max(0.0, self._reserved - estimate_usd) if self._in_flight else 0.0
        self._settled.notify_all()

    def over_budget(self) -> bool:
        """True once spending reached the budget; says so (once) through ``notice``."""
        if self.budget_usd is None:
            return False
        with self._lock:
            over = self.spent_usd >= self.budget_usd
        if over:
            self._say_budget()
        return over

    def remaining_usd(self) -> float | None:
        if self.budget_usd is None:
            return None
        with self._lock:
            return max(0.0, self.budget_usd - self.spent_usd - self._reserved)

    def _say_budget(self) -> None:
        with self._lock:
            if self._budget_said:
                return
            self._budget_said = True
            spent = self.spent_usd
        self.notice(
            f"LLM budget of ${usd(self.budget_usd or 0.0)} reached (spent about "
            f"${spent:.4f}); the rest of the run uses template text."
        )
