"""A set of event seqs kept as sorted runs of consecutive seqs.

A replay's checkpoint remembers every applied event (`engine.replay_journal`). Nearly all of a
log is applied, in order but for the events in flight, so the runs are few (one per gap: an
event that failed, was skipped or is still on its way) while a set would hold one entry per
event of a run that goes on for years.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterator


class SeqRanges:
    """Seqs (positive ints) as disjoint runs ``[starts[i], ends[i]]``, sorted, never adjacent.
    Safe to share between threads (a replay's workers add while its dispatcher asks)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._count = 0
        self._lock = threading.Lock()

    def add(self, seq: int) -> None:
        with self._lock:
            self._add(seq)

    def _add(self, seq: int) -> None:
        starts, ends = self._starts, self._ends
        i = bisect.bisect_right(starts, seq) - 1  # the run starting at or before seq
        if i >= 0 and seq <= ends[i]:
            return
        joins_before = i >= 0 and ends[i] == seq - 1
        joins_after = i + 1 < len(starts) and starts[i + 1] == seq + 1
        if joins_before and joins_after:  # seq fills the gap between two runs
            ends[i] = ends[i + 1]
            del starts[i + 1], ends[i + 1]
        elif joins_before:
            ends[i] = seq
        elif joins_after:
            starts[i + 1] = seq
        else:
            starts.insert(i + 1, seq)
            ends.insert(i + 1, seq)
        self._count += 1

    def __contains__(self, seq: object) -> bool:
        if not isinstance(seq, int):
            return False
        with self._lock:
            i = bisect.bisect_right(self._starts, seq) - 1
            return i >= 0 and seq <= self._ends[i]

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        with self._lock:
            runs = list(zip(self._starts, self._ends, strict=True))
        for start, end in runs:
            yield from range(start, end + 1)

    def end_of_run(self, seq: int) -> int | None:
        """The last seq of the run that holds `seq`; None when it does not hold `seq`."""
        with self._lock:
            i = bisect.bisect_right(self._starts, seq) - 1
            return self._ends[i] if i >= 0 and seq <= self._ends[i] else None

    def as_runs(self) -> list[tuple[int, int]]:
        """The runs, (first, last) each, in order: what a checkpoint's snapshot stores."""
        with self._lock:
            return list(zip(self._starts, self._ends, strict=True))

    @classmethod
    def from_runs(cls, runs: list[tuple[int, int]]) -> SeqRanges:
        """The set `as_runs` gave (runs that overlap or touch are merged)."""
        ranges = cls()
        for first, last in sorted(runs):
            if last < first:
                continue
            if ranges._ends and first <= ranges._ends[-1] + 1:
                added = max(0, last - ranges._ends[-1])
                ranges._ends[-1] = max(ranges._ends[-1], last)
            else:
                added = last - first + 1
                ranges._starts.append(first)
                ranges._ends.append(last)
            ranges._count += added
        return ranges

    def runs(self) -> int:
        """How many runs of consecutive seqs it holds (its size in memory)."""
        with self._lock:
            return len(self._starts)

    def count_between(self, low: int, high: int) -> int:
        """How many seqs s it holds with low < s <= high."""
        with self._lock:
            runs = list(zip(self._starts, self._ends, strict=True))
        total = 0
        for start, end in runs:
            first, last = max(start, low + 1), min(end, high)
            if first <= last:
                total += last - first + 1
        return total
