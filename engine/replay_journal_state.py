"""What a replay checkpoint's records say (`engine.replay_journal` describes them): the events
applied, settled for good or open again, the intents still open, the objects created and the id
map; built from the records, or from a snapshot of it (`engine.replay_snapshot`) and the
records after it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from engine.journal_records import FAILED_KINDS, Record
from engine.replay_ids import IdMap
from engine.replay_snapshot import Snapshot
from engine.seq_ranges import SeqRanges


class CheckpointState:
    def __init__(self, announce: Callable[[int, Iterable[str]], None]) -> None:
        """`announce(seq, seen)`: checkpoints an intent (see `IdMap`)."""
        self.ids = IdMap(announce)
        self.applied = SeqRanges()  # a run per gap, not an entry per event
        self.final: dict[int, Record] = {}  # F, D and S records
        # F or D events open again (a retry in flight when a run was killed, or a dependent
        # whose failed event has since been sent again), by the kind they had: the next run
        # sends them, and they count as retried once sent.
        self.reopened: dict[int, str] = {}
        self.created: list[tuple[int, str, str]] = []  # (seq, sim id, target id), in order
        self._intents: set[int] = set()

    def _reopen_dependents(self) -> None:
        """A D record stands while the event it names still failed; once that event was applied
        or is being sent again (see `engine.replay_journal`), the dependent is open again."""
        for seq, record in list(self.final.items()):
            if record.k == "D" and (record.cause in self.applied or record.cause in self._intents):
                del self.final[seq]
                self.reopened[seq] = "D"

    def _remember(self, record: Record) -> None:
        if record.k == "I":
            self._intents.add(record.seq)
            if record.at is not None:
                self.ids.intend(record.seq, record.at, record.seen)
            earlier = self.final.pop(record.seq, None)  # a retry in flight: open again
            if earlier is not None and earlier.k in FAILED_KINDS:
                self.reopened[record.seq] = earlier.k
            return
        self._intents.discard(record.seq)
        self.reopened.pop(record.seq, None)
        if record.k == "A":
            self.final.pop(record.seq, None)  # a retried event got through
            self.applied.add(record.seq)
            self.ids.settle(record.seq)
            self.ids.update(record.ids)
            self.created.extend((record.seq, s, t) for s, t in record.ids.items())
        else:
            self.final[record.seq] = record

    def _restore(self, snapshot: Snapshot) -> None:
        self.applied = SeqRanges.from_runs(snapshot.applied)
        self.final = {record.seq: record for record in snapshot.final}
        self.reopened = dict(snapshot.reopened)
        self._intents = set(snapshot.open)
        for seq, intents in snapshot.intended:
            for at, seen in intents:
                self.ids.intend(seq, at, seen)
        self.created = snapshot.created
        self.ids.update({sim_id: target_id for _, sim_id, target_id in snapshot.created})

    def _snapshot(self, gen: int) -> Snapshot:
        """What the records say, as snapshot `gen`."""
        intended = self.ids.intended_by_seq()
        return Snapshot(
            gen=gen, applied=self.applied.as_runs(), final=list(self.final.values()),
            reopened=list(self.reopened.items()), open=sorted(self._intents),
            intended=[(seq, [(i.at, sorted(i.seen)) for i in intents])
                      for seq, intents in sorted(intended.items())],
            created=self.created,
        )  # fmt: skip

    # -- questions -----------------------------------------------------------------------------

    def done(self, seq: int) -> bool:
        """Applied, rejected or skipped in an earlier session: not to be sent again."""
        return seq in self.applied or seq in self.final

    def retryable(self, seq: int) -> bool:
        """Failed, or not sent because something it depends on failed (see the docstring)."""
        record = self.final.get(seq)
        return record is not None and record.k in FAILED_KINDS

    def root_of(self, seq: int) -> tuple[int, bool]:
        """Why events depending on `seq` (settled for good, not applied) cannot be replayed:
        the seq that failed or was skipped first, and whether it failed (False: skipped on
        purpose)."""
        record = self.final.get(seq)
        if record is None:
            return seq, True
        return record.cause or seq, record.k in FAILED_KINDS

    def settled_through(self, retry_failed: bool = False) -> int:
        """The replay's position: the last seq S such that every event up to S was settled for
        good (applied, or final and not to be sent again: with `retry_failed`, failures are)."""
        seq = 0
        while True:
            end = self.applied.end_of_run(seq + 1)
            if end is not None:
                seq = end
                continue
            record = self.final.get(seq + 1)
            if record is None or (retry_failed and record.k in FAILED_KINDS):
                return seq
            seq += 1

    def uncertain(self, seq: int) -> bool:
        """An intent with no outcome: the create may or may not have happened."""
        return seq in self._intents
