"""When each person works: an intensity function over time (actions per hour), walked by
``PersonCalendar.next_activity``. ``engine.calendar`` builds one for each person from the scenario.

A person's day is 96 bins of 15 minutes in local time. On a working day each bin holds the
expected number of actions in it: the daily rhythm (``engine.calendar.daily_curve``: double
hump with a lunch dip, mixed with bursts at start of day, after lunch and late afternoon, plus an optional evening peak) scaled
to the day's action budget. Weekends, days off, holidays and out-of-office days are zero.

People differ and so do days: each person has a steady pace of their own (the day's budget
times their personal factor, see engine.world), and each working day a factor of its own: most
days a little busier or quieter than usual (lognormal), now and then one spent in meetings
with nothing in the workspace. Day factors average 1, so a person's expected actions over
weeks are their budget's; they come from a hash of (person, day), so any day's factor is the
same whichever way the calendar is walked.

Activity is a non-homogeneous Poisson process with this intensity; ``next_activity`` draws
its next point by inverting the integrated intensity, so a quiet night or weekend costs one
draw, not thousands of polls.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from engine.zone_days import BIN_SECONDS, BINS_PER_DAY, local_time, zone_day_bins, zone_day_start

ONE_DAY: Final = timedelta(days=1)
_CACHED_DAYS: Final = 120
_WALKED_DAYS: Final = 16  # days next_activity keeps at hand (see _walk_day)
# Day-to-day variation: a day in meetings (no workspace activity) this often, and the spread
# (σ of the log) of the other days' busyness.
MEETING_DAY_SHARE: Final = 0.03
FIRST_WEEK: Final = 7  # days from the run's start without a day in meetings
DAY_SIGMA: Final = 0.35


class PersonCalendar:
    """One person's working time. Times are seconds since the run's origin (a UTC instant)."""

    def __init__(
        self,
        *,
        timezone: str,
        profile: list[float],
        days_off: Iterable[int],
        holidays: Iterable[date],
        origin: datetime,
        day_key: str = "",
    ) -> None:
        """`day_key` names the person's stream of day factors ("" for every day alike)."""
        self.tz = ZoneInfo(timezone)
        self.profile = profile  # expected actions per bin on a working day
        # cumulative[b] = expected actions before bin b; cumulative[96] = the day's total
        self.cumulative = [0.0]
        for value in profile:
            self.cumulative.append(self.cumulative[-1] + value)
        self.days_off = frozenset(days_off)  # weekday numbers, Monday = 0
        self.holidays: set[date] = set(holidays)
        self.away: list[tuple[date, date]] = []
        self.origin = origin
        self._day_starts: dict[date, float] = {}
        self._working: dict[date, bool] = {}
        self.day_key = day_key
        self._factors: dict[date, float] = {}
        # Nobody spends a run's first week in meetings: a short run (a backfill of a few days)
        # would otherwise lose its only working day, and with a manager's, all of its work.
        self._first_meeting_day = origin.astimezone(self.tz).date() + timedelta(days=FIRST_WEEK)
        # The local day of the last moment next_activity returned (calls come in time order).
        self.last_day = origin.astimezone(self.tz).date()
        # Where each day's bins lie in time (see day_bins), cached like the day starts.
        self._bins: dict[date, tuple[tuple[float, int, int], ...]] = {}
        # What next_activity needs of each day, in one look-up (see _walk_day).
        self._walk: dict[date, tuple[float, float, tuple[tuple[float, int, int], ...]]] = {}
        # (local day, its first moment, the next day's first moment) of the last moment
        # returned, for a day without a clock change (see _cursor_for).
        self._cursor = self._cursor_for(self.last_day)

    def add_away(self, start_on: date, end_on: date) -> None:
        self.away.append((start_on, end_on))
        self._working.clear()
        self._walk.clear()

    def add_holidays(self, days: Iterable[date]) -> None:
        self.holidays.update(days)
        self._working.clear()
        self._walk.clear()

    def is_away(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.away)

    def is_working_day(self, day: date) -> bool:
        working = self._working.get(day)
        if working is None:
            working = self._working[day] = (
                day.weekday() not in self.days_off
                and day not in self.holidays
                and not self.is_away(day)
            )
        return working

    def day_factor(self, day: date) -> float:
        """How busy a working day is against the person's usual one (mean 1; 0: meetings)."""
        factor = self._factors.get(day)
        if factor is None:
            meetings = day >= self._first_meeting_day
            factor = self._factors[day] = _day_factor(self.day_key, day, meetings)
        return factor

    def working_days_between(self, start: float, end: float) -> int:
        """Working days (on this calendar, time away excluded) strictly after the local day of
        `start` and strictly before the local day of `end` (seconds since origin)."""
        day, last = self.local(start).date() + ONE_DAY, self.local(end).date()
        count = 0
        while day < last:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count

    def local(self, seconds: float) -> datetime:
        return local_time(self.tz, self.origin, seconds)

    def local_hour(self, seconds: float) -> int:
        """``local(seconds).hour``, read from the day the person last acted on when it is one
        without a clock change and holds the moment (most calls: a comment asks it of its
        author, at the moment they act), instead of converting time zones."""
        _day, low, high = self._cursor
        if low <= seconds < high:
            into = seconds - low
            hour = int(into // 3600.0)
            # (local() rounds to the microsecond: within one of the next hour, ask it.)
            if into - hour * 3600.0 < 3599.999999:
                return hour
        return self.local(seconds).hour

    def day_start(self, day: date) -> float:
        """Seconds from origin to local midnight of `day` (offset taken at noon, so DST
        changes in the small hours do not shift working hours). On a day whose clocks change
        before noon this is not the day's first moment: day_bins says where its bins lie."""
        start = self._day_starts.get(day)
        if start is None:
            if len(self._day_starts) > _CACHED_DAYS:  # a cache: keep memory flat in run length
                self._day_starts.clear()
                self._working.clear()
                self._factors.clear()
                self._bins.clear()
                self._walk.clear()
            start = self._day_starts[day] = zone_day_start(self.tz, self.origin, day)
        return start

    def intensity(self, at: datetime) -> float:
        """Expected actions per hour at a UTC instant (0 outside working time)."""
        local = at.astimezone(self.tz)
        if not self.is_working_day(local.date()):
            return 0.0
        factor = self.day_factor(local.date())
        return self.profile[(local.hour * 60 + local.minute) // 15] * 4 * factor

    def day_bins(self, day: date) -> tuple[tuple[float, int, int], ...]:
        """Where the bins of local `day` lie in time: runs (base, first, end) whose bins
        first..end-1 start at base + bin * BIN_SECONDS, each bin at its own local wall time.

        A day without a clock change is one run from day_start. On a day whose clocks change,
        a bin whose wall time does not exist that day (skipped by a change forward) or that
        a change falls inside is left out, and a wall time that happens twice (a change back)
        counts once, the first time; so activity stays inside the person's local hours and
        always moves forward in time."""
        bins = self._bins.get(day)
        if bins is None:
            bins = self._bins[day] = zone_day_bins(self.tz, self.origin, day)
        return bins

    def _walk_day(self, day: date) -> tuple[float, float, tuple[tuple[float, int, int], ...]]:
        """(day_start, day_factor, day_bins) of `day`, the factor 0 on a day with no activity
        (not a working day, or one in meetings), cached like the rest."""
        walk = self._walk.get(day)
        if walk is None:
            # Calls walk forward in time, so a few days suffice; kept as long as the other
            # caches, these tuples took 14 MB of a 1,000-person run.
            if len(self._walk) >= _WALKED_DAYS:
                self._walk.clear()
            start = self.day_start(day)  # first: it may empty the caches
            factor = self.day_factor(day) if self.is_working_day(day) else 0.0
            bins = self.day_bins(day) if factor > 0.0 else ()
            walk = self._walk[day] = (start, factor, bins)
        return walk

    def _cursor_for(self, day: date) -> tuple[date, float, float]:
        """(day, its first moment, the next day's first moment) for a day without a clock
        change; on a day with one, an empty span (the day is looked up again each time)."""
        bins = self.day_bins(day)
        if len(bins) == 1 and bins[0][1] == 0 and bins[0][2] == BINS_PER_DAY:
            start = bins[0][0]
            if start == self.day_start(day):
                return (day, start, start + 86400.0)
        return (day, math.inf, -math.inf)

    def next_activity(self, now: float, rng: random.Random, horizon: float) -> float:
        """The next moment this person acts after `now` (or `math.inf` past the horizon).

        Inverts the integrated intensity: draw Exp(1) and walk forward through the day's
        cumulative profile (bisect), then whole days, until that much expected activity
        has passed; a day's factor stretches or shrinks the activity it holds. A day whose
        clocks change walks only the bins it has (day_bins). Calls must come with
        non-decreasing `now` (a person's own clock); the moment returned is never before it."""
        day, low, high = self._cursor
        if not low <= now < high:
            day = self.local(now).date()
        start, factor, bins = self._walk_day(day)
        need = -math.log(1.0 - rng.random())  # rng.expovariate(1.0), without its call
        cumulative, profile = self.cumulative, self.profile
        while start < horizon:
            if factor > 0.0:  # 0: not a working day, or one in meetings
                for base, first, end in bins:
                    position = (now - base) / BIN_SECONDS
                    if position < first:
                        position = float(first)
                    b = int(position)
                    if b >= end:
                        continue
                    target = cumulative[b] + profile[b] * (position - b) + need / factor
                    if target < cumulative[end]:
                        b = _last_at_or_below(cumulative, target)
                        while profile[b] == 0 and b > first:  # on a boundary before
                            b -= 1  # closed bins
                        within = (target - cumulative[b]) / profile[b] if profile[b] else 0.0
                        moment = base + (b + within) * BIN_SECONDS
                        if moment < now:  # rounding, or need drawn as 0
                            moment = now
                        if day != self._cursor[0]:
                            self._cursor = self._cursor_for(day)
                        self.last_day = day
                        return moment if moment < horizon else math.inf
                    need = (target - cumulative[end]) * factor
            day += ONE_DAY
            start, factor, bins = self._walk_day(day)
        return math.inf


def _last_at_or_below(cumulative: list[float], target: float) -> int:
    """bisect_right(cumulative, target) - 1, compiled: the float comparisons stay native."""
    low, high = 0, len(cumulative)
    while low < high:
        middle = (low + high) // 2
        if target < cumulative[middle]:
            high = middle
        else:
            low = middle + 1
    return low - 1


def _day_factor(key: str, day: date, meetings: bool) -> float:
    if not key:
        return 1.0
    rng = random.Random(f"{key}:{day.toordinal()}")
    if rng.random() < MEETING_DAY_SHARE and meetings:
        return 0.0
    busy = math.exp(rng.gauss(0.0, DAY_SIGMA) - DAY_SIGMA * DAY_SIGMA / 2)  # mean 1
    return busy / (1 - MEETING_DAY_SHARE)  # the meeting days' activity spread over the others
