"""A job's "today": the events of its run's log dated today.

Today is the current calendar day in the scenario's time zone (the day the dashboard's
events-per-day chart uses), and an event is dated by its simulated time. For a continuous job at
real-time speed that is what its team did today; a run of other dates (a dry run of past
days, a backfill of the days before today) has none. Read from the log, so a restarted server
shows the same figure as the one before it.

Counted once per day by reading the log backwards from its end until an event dated before
today (simulated time never goes back along the log), then only from the lines written since.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec

from engine.log import FileLog

DESCRIPTION = (
    "Events in the job's log dated today: their simulated time falls on the current day in "
    "the scenario's time zone. A continuous job at real-time speed counts what its team did "
    "today; a run of other dates (a dry run of past days, a backfill of the days before today) "
    "counts 0. Read from the run's log, so a restarted server shows the same figure."
)
WINDOW = 1024  # events read at a time when counting back from the log's end


class _Stamp(msgspec.Struct):
    """The part of an event line that dates it (the rest is skipped, not decoded)."""

    seq: int
    at: datetime


_STAMP = msgspec.json.Decoder(_Stamp)


class TodayCount:
    """Events dated today in the run at `run_dir`, kept up to date by `count` (thread-safe)."""

    def __init__(self, run_dir: Path, timezone: str) -> None:
        self.run_dir = Path(run_dir)
        self.zone = ZoneInfo(timezone)
        self._day: date | None = None
        self._seq = 0  # the last event counted from
        self._count = 0
        self._lock = threading.Lock()

    def count(self, now: datetime | None = None) -> int:
        today = (now or datetime.now(UTC)).astimezone(self.zone).date()
        start = datetime.combine(today, time(), self.zone)
        end = datetime.combine(today + timedelta(days=1), time(), self.zone)
        with self._lock:
            if not (self.run_dir / "events").is_dir():  # nothing written yet (or deleted)
                return self._count if self._day == today else 0
            log = FileLog.open_readonly(self.run_dir)
            last = log.last_seq
            if today != self._day:
                self._day, self._count = today, _count_back(log, last, start, end)
            elif last > self._seq:
                self._count += _count(log, self._seq + 1, last, start, end)
            self._seq = last
            return self._count


def _count(log: FileLog, first: int, last: int, start: datetime, end: datetime) -> int:
    """Events `first`..`last` dated in [start, end)."""
    n = 0
    for raw in log.read_lines(first):
        stamp = _STAMP.decode(raw)
        if stamp.seq > last:
            break
        n += start <= stamp.at < end
    return n


def _count_back(log: FileLog, last: int, start: datetime, end: datetime) -> int:
    """Events up to `last` dated in [start, end), reading windows back from `last` until one
    begins before `start`."""
    n, high = 0, last
    while high >= 1:
        low = max(1, high - WINDOW + 1)
        stamps = [_STAMP.decode(raw) for raw, _ in zip(log.read_lines(low), range(high - low + 1),
                                                        strict=False)]  # fmt: skip
        n += sum(start <= s.at < end for s in stamps)
        if not stamps or stamps[0].at < start:
            break
        high = low - 1
    return n
