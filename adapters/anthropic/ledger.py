"""The running ledger of one run's Claude use: records outcomes to ``<run>/llm_usage.jsonl``
(thread-safe), knows each project's decision, and enforces the budget.

Attached to a run folder that already has a ledger (a resumed run, a restarted web job), it
reloads it first: the money already spent counts against the budget, earlier decisions stand,
and batches submitted but never read are collected instead of bought again.

The budget is granted in project order (``budget.BudgetGate``): whether a project gets a call
depends on what the projects before it spent, never on which call finished first.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import msgspec

from adapters.anthropic.budget import BudgetGate, micro_usd
from adapters.anthropic.prices import Usage, cost_usd
from adapters.anthropic.usage import (
    BATCH_SUBMITTED,
    BILLED,
    DECODER,
    ENCODER,
    FINAL,
    SENT,
    USAGE_FILE,
    UsageRecord,
    charged_project,
    decisions,
    pending_batches,
    project_of,
    read_records,
    unanswered,
)


def usd(amount: float) -> str:
    """Dollars as the user wrote them, at least to the cent: 0.005 -> "0.005", 2 -> "2.00"."""
    text = format(Decimal(repr(amount)).normalize(), "f")
    whole, _, cents = text.partition(".")
    return f"{whole}.{cents.ljust(2, '0')}"


def _cut_torn_tail(path: Path) -> None:
    """Drop a torn last line (a crash mid-write: no newline, or not a record), so the next
    record starts clean and the torn one never ends up in the middle."""
    try:
        with open(path, "rb+") as fh:
            data = fh.read()
            if not data:
                return
            keep = data.rstrip(b"\n").rfind(b"\n") + 1  # where the last line starts
            if data.endswith(b"\n"):
                try:
                    DECODER.decode(data[keep:])
                    return
                except msgspec.DecodeError:
                    pass
            fh.truncate(keep)
    except FileNotFoundError:
        return


class Ledger:
    def __init__(
        self,
        model: str,
        *,
        budget_usd: float | None = None,
        on_warning: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.model = model
        self.budget_usd = budget_usd
        self.on_warning = on_warning  # the budget ran out: the rest of the run gets templates
        self.path: Path | None = None
        self.spent_usd = 0.0
        self.records: list[UsageRecord] = []
        self.earlier = 0  # how many of the records an earlier session wrote
        self.gate = BudgetGate(budget_usd)
        self._decided: dict[int, str] = {}
        self._invalid: dict[int, int] = {}  # project -> answers that were not a valid script
        self._lock = threading.Lock()
        self._budget_said = False
        self._closed = False

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
            # A request an earlier attempt sent but never saw answered may have been billed:
            # it counts at its bound, against the budget too.
            lost = unanswered(earlier)
            self.spent_usd = sum(r.cost_usd or 0.0 for r in self.records)
            self.spent_usd += sum(r.bound_usd or 0.0 for r in lost)
            self._decided = decisions(self.records)
            spent: dict[int, int] = {}
            self._invalid = {}
            for rec in self.records:
                if (index := project_of(rec.item)) is not None:
                    spent[index] = spent.get(index, 0) + micro_usd(rec.cost_usd)
                    self._invalid[index] = self._invalid.get(index, 0) + (rec.outcome == "invalid")
            for rec in lost:
                if (index := charged_project(rec)) is not None:
                    spent[index] = spent.get(index, 0) + micro_usd(rec.bound_usd)
            self.gate.load(spent)
            if self.records[len(earlier) :]:  # recorded before the run folder was known
                self._write(*self.records[len(earlier) :])

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
        settles: bool = False,
        unless_decided: bool = False,
        call: str = "",
    ) -> bool:
        """Append one outcome (durably, before the caller acts on it). `settles`: this is the
        answer to a call the budget granted (``grant``). With `unless_decided`, nothing is
        appended (and False returned) when the project has its decision already. `call`: the
        id ``send`` gave the request this answers."""
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
            call=call,
        )
        index = project_of(item)
        with self._lock:
            if self._closed or (unless_decided and index in self._decided):
                return False
            self.spent_usd += cost or 0.0
            self.records.append(rec)
            if index is not None and outcome in FINAL:
                self._decided.setdefault(index, outcome)
            if index is not None and outcome == "invalid":
                self._invalid[index] = self._invalid.get(index, 0) + 1
            self._write(rec)
            if index is not None:  # on record first: the gate's next grant may rely on it
                self.gate.spend(index, micro_usd(rec.cost_usd), settles=settles)
        return True

    def send(self, item: str, bound_usd: float | None, *, batch: bool = False, covers=None) -> str:
        """Put a request on record before it leaves (see usage.py); returns the call id that
        its answer's ``record`` must carry. A request whose answer never is recorded counts
        as a call costing `bound_usd`."""
        call = uuid.uuid4().hex[:16]
        rec = UsageRecord(
            item=item,
            outcome=SENT,
            model=self.model,
            batch=batch,
            covers=covers or [],
            call=call,
            bound_usd=round(bound_usd, 6) if bound_usd is not None else None,
        )
        with self._lock:
            if not self._closed:
                self.records.append(rec)
                self._write(rec)
        return call

    def close(self) -> list[UsageRecord]:
        """Record nothing more (a call answered after this stays counted as the totals taken
        now count it); returns every record."""
        with self._lock:
            self._closed = True
            return list(self.records)

    def in_flight(self) -> int:
        """How many single calls this session sent and has not seen answered yet (a batch is
        submitted by the thread an interrupt stops: it is never still in flight after one)."""
        with self._lock:
            return sum(not r.batch for r in unanswered(self.records[self.earlier :]))

    def _write(self, *records: UsageRecord) -> None:
        """Append to the file (when attached) and make it durable: fsync costs about a
        millisecond, a call to Claude seconds. Called with the lock held."""
        if self.path is None:
            return
        with open(self.path, "ab") as fh:
            fh.writelines(ENCODER.encode(r) + b"\n" for r in records)
            fh.flush()
            os.fsync(fh.fileno())

    def invalid_answers(self, index: int) -> int:
        """How many answers for the project (single or batched) were not a valid script."""
        with self._lock:
            return self._invalid.get(index, 0)

    def decision(self, index: int) -> str | None:
        """The project's decided outcome, or None while it has none."""
        with self._lock:
            return self._decided.get(index)

    def had_batch(self) -> bool:
        """Whether the run submitted a Message Batch already."""
        with self._lock:
            return any(r.outcome == BATCH_SUBMITTED for r in self.records)

    def pending_batches(self) -> dict[str, list[int]]:
        with self._lock:
            return pending_batches(self.records)

    def batch_items(self, batch_id: str) -> set[int]:
        """The projects whose result from this batch is on record already."""
        with self._lock:
            items = (project_of(r.item) for r in self.records if r.batch_id == batch_id)
            return {i for i in items if i is not None}

    def record_batch(self, batch_id: str, covers: list[int], call: str = "") -> None:
        self.record(f"batch {batch_id}", BATCH_SUBMITTED, batch=True, covers=covers, call=call)

    # -- the budget ------------------------------------------------------------------------

    def grant(self, index: int, bound_usd: float | None, tries_left: int = 1) -> bool:
        """Whether project `index` may make a call costing at most `bound_usd` (in project
        order, see ``BudgetGate``); False (and a warning, once) when the budget is spent. A
        granted call ends with ``record(..., settles=True)`` or ``release``."""
        allowed = self.gate.grant(index, bound_usd, tries_left)
        if not allowed:
            self._say_budget()
        return allowed

    def release(self, index: int) -> None:
        """A granted call for the project ended without an answer (it cost nothing)."""
        self.gate.spend(index, 0, settles=True)

    def expect(self, index: int) -> None:
        """The project will be fetched: later projects wait for its turn at the budget."""
        self.gate.expect(index)

    def finish(self, index: int) -> None:
        """The project's fetch ended."""
        self.gate.finish(index)

    def stop_granting(self) -> None:
        """The run is closing: calls still waiting for their turn are not made."""
        self.gate.stop()

    def over_budget(self) -> bool:
        """True once spending reached the budget; says so (once) through ``on_warning``."""
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
            return max(0.0, self.budget_usd - self.spent_usd)

    def _say_budget(self) -> None:
        with self._lock:
            if self._budget_said:
                return
            self._budget_said = True
            spent = self.spent_usd
        self.on_warning(
            f"LLM budget of ${usd(self.budget_usd or 0.0)} reached (spent about "
            f"${spent:.4f}); the rest of the run uses template text."
        )
