"""Where a time zone's days lie in a run's time (seconds from its origin, a UTC instant): each
local day's midnight and its 96 bins of 15 minutes (``engine.person_calendar`` walks them).

Worked out once for everyone in a zone (most of a team shares one) and kept: a day costs some
20,000 instructions of datetimes with a zone, which each person's calendar paid for every day.
(The calendars keep their own days too: a look-up in a dict, not a call.)
"""

from __future__ import annotations

import functools
import math
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

BIN_SECONDS: Final = 900
BINS_PER_DAY: Final = 96


@functools.lru_cache(maxsize=1024)
def zone_day_start(tz: ZoneInfo, origin: datetime, day: date) -> float:
    """Seconds from `origin` to local midnight of `day` in `tz` (see PersonCalendar.day_start)."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
    offset = noon.utcoffset() or timedelta(0)
    midnight_utc = datetime(day.year, day.month, day.day, tzinfo=UTC) - offset
    return (midnight_utc - origin).total_seconds()


@functools.lru_cache(maxsize=1024)
def zone_day_bins(tz: ZoneInfo, origin: datetime, day: date) -> tuple[tuple[float, int, int], ...]:
    """Where the bins of local `day` in `tz` lie (see PersonCalendar.day_bins)."""
    start = zone_day_start(tz, origin, day)
    first, last = local_time(tz, origin, start), local_time(tz, origin, start + 86399.0)
    if (
        first.date() == day
        and first.hour == 0
        and first.minute == 0
        and first.second == 0
        and last.date() == day
        and last.hour == 23
        and last.minute == 59
        and last.second == 59
    ):  # one offset all day long: the bins follow each other from local midnight
        return ((start, 0, BINS_PER_DAY),)
    return _changing_day_bins(tz, origin, day)


def _changing_day_bins(
    tz: ZoneInfo, origin: datetime, day: date
) -> tuple[tuple[float, int, int], ...]:
    runs: list[tuple[float, int, int]] = []
    previous_end = -math.inf
    for b in range(BINS_PER_DAY):
        wall = datetime(day.year, day.month, day.day, b // 4, (b % 4) * 15)
        moment = (wall.replace(tzinfo=tz).astimezone(UTC) - origin).total_seconds()
        if moment < previous_end:  # a wall time already passed (a change back)
            continue
        if (
            local_time(tz, origin, moment).replace(tzinfo=None) != wall
        ):  # skipped by a change forward
            continue
        end_wall = wall + timedelta(seconds=BIN_SECONDS - 1)
        if local_time(tz, origin, moment + BIN_SECONDS - 1).replace(tzinfo=None) != end_wall:
            continue  # a change inside the bin
        base = moment - b * BIN_SECONDS
        if runs and runs[-1][0] == base and runs[-1][2] == b:
            runs[-1] = (base, runs[-1][1], b + 1)
        else:
            runs.append((base, b, b + 1))
        previous_end = moment + BIN_SECONDS
    return tuple(runs)


def local_time(tz: ZoneInfo, origin: datetime, seconds: float) -> datetime:
    """The local time in `tz` of `seconds` from `origin`."""
    return (origin + timedelta(seconds=seconds)).astimezone(tz)
