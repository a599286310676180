"""Time-zone offsets as Python's ``zoneinfo`` gives them, for local times in DuckDB.

``zoneinfo`` reads the pinned tzdata package here as in the engine (engine.zones, applied
when the engine is imported), so both see the same rules on any machine.

The engine places people on their local calendars with ``zoneinfo``; DuckDB's own time-zone
data (ICU) differs for historic offsets (Europe/Amsterdam in January 1920: ICU +00:00,
zoneinfo +00:19:32), so an event made at 09:00 local would land in hour 8. Local times are
therefore derived in SQL from a small table of zoneinfo's offsets over the zones and span of a
run (``_zone_days``: one row per zone, UTC day and stretch of constant offset, joined on zone
and day; converting every row with ``timezone()`` was measured 2× slower on 5M rows).

Counting per UTC quarter hour is exact only where every zone's offset is a whole number of
quarter hours and changes on a quarter hour (true of every zone since the 1970s). Elsewhere
(``fine`` intervals) events are counted per UTC second: offsets are whole seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.analytics.sqlmath import floor_div
from engine.zones import use_pinned_zones

use_pinned_zones()  # importing engine.zones did this already; said here, where it matters

QUARTER_S = 900
DAY_S = 86_400
# Offsets are probed once a UTC day and a change is bisected to its second. The closest two
# transitions of any zone in tzdata are 4 days apart (Africa/Freetown, 1939), so a day
# misses none.
PROBE_S = DAY_S
# Before the first / after the last transition seen: further than any timestamp DuckDB holds.
NEVER_BEFORE, NEVER_AFTER = -(2**62), 2**62


@dataclass(frozen=True)
class ZoneOffsets:
    """zoneinfo's offsets of some zones over a UTC span, and where quarter hours won't do."""

    stretches: tuple[tuple[str, int, int, int], ...]  # (zone, from_s, to_s, offset_s)
    fine: tuple[tuple[int, int], ...]  # UTC [from_s, to_s): count per second here
    first_s: int
    last_s: int


def offset_stretches(zone: str, first_s: int, last_s: int) -> list[tuple[int, int, int]]:
    """(from_s, to_s, offset_s) of each stretch of constant UTC offset of `zone` that meets
    [first_s, last_s]; the first starts at NEVER_BEFORE, the last ends at NEVER_AFTER. A zone
    zoneinfo does not know counts as UTC (as ``run_timezone`` treats it)."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [(NEVER_BEFORE, NEVER_AFTER, 0)]

    def offset(s: int) -> int:
        delta = datetime.fromtimestamp(s, UTC).astimezone(tz).utcoffset()
        assert delta is not None  # an aware time has one
        return int(delta.total_seconds())

    current, start, s = offset(first_s), NEVER_BEFORE, first_s
    stretches = []
    while s < last_s:
        probe = min(s + PROBE_S, last_s)
        if offset(probe) == current:
            s = probe
            continue
        lo, hi = s, probe  # offset(lo) == current != offset(hi): find the first changed second
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if offset(mid) == current else (lo, mid)
        stretches.append((start, hi, current))
        current, start, s = offset(hi), hi, hi
    stretches.append((start, NEVER_AFTER, current))
    return stretches


def zone_offsets(zones: set[str], first_s: int, last_s: int) -> ZoneOffsets:
    """The offsets of `zones` over [first_s, last_s] (UTC epoch seconds)."""
    stretches, rough = [], []
    for zone in sorted(zones):
        for start, end, offset in offset_stretches(zone, first_s, last_s):
            stretches.append((zone, start, end, offset))
            if offset % QUARTER_S:
                rough.append((start, end))
            if start != NEVER_BEFORE and start % QUARTER_S:  # a change inside a quarter hour
                rough.append((start, start + 1))
    return ZoneOffsets(tuple(stretches), _fine(rough, first_s, last_s), first_s, last_s)


def _fine(rough: list[tuple[int, int]], first_s: int, last_s: int) -> tuple[tuple[int, int], ...]:
    """The quarter hours of the span that meet a rough interval, merged."""
    lo_q, hi_q = _floor(first_s, QUARTER_S), _floor(last_s, QUARTER_S) + QUARTER_S
    merged: list[list[int]] = []
    for start, end in sorted(rough):
        start = max(_floor(start, QUARTER_S), lo_q)
        end = min(_floor(end - 1, QUARTER_S) + QUARTER_S, hi_q)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def _floor(s: int, n: int) -> int:
    return s - s % n  # Python's % is a floor modulo, also before 1970


def bucket_sql(ms: str, fine: tuple[tuple[int, int], ...]) -> str:
    """SQL: the UTC start (epoch seconds) of the bucket an event at `ms` (epoch
    milliseconds) is counted in: its quarter hour, or its second inside a fine interval."""
    quarter = f"({floor_div(ms, QUARTER_S * 1000)} * {QUARTER_S})"
    if not fine:
        return quarter  # every modern run: the same SQL as before offsets were looked up
    inside = " OR ".join(f"({ms} >= {a * 1000} AND {ms} < {b * 1000})" for a, b in fine)
    return f"(CASE WHEN {inside} THEN {floor_div(ms, 1000)} ELSE {quarter} END)"


def register(con, offsets: ZoneOffsets) -> None:
    """(Re)create ``_zone_days``: (zone, day, from_s, to_s, offset_s) for each UTC day of the
    span (a day either side spare) and each stretch of constant offset that meets it."""
    first_day = _floor(offsets.first_s, DAY_S) // DAY_S - 1
    last_day = _floor(offsets.last_s, DAY_S) // DAY_S + 1
    start = f"greatest(from_s, {first_day * DAY_S})"
    end = f"least(to_s, {(last_day + 1) * DAY_S})"
    rows = ", ".join(f"({_sql_text(z)}, {a}, {b}, {o})" for z, a, b, o in offsets.stretches)
    stretches = (
        f"(VALUES {rows}) s(zone, from_s, to_s, offset_s)"
        if rows
        else "(SELECT ''::VARCHAR, 0, 0, 0 WHERE false) s(zone, from_s, to_s, offset_s)"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _zone_days AS
        SELECT zone::VARCHAR AS zone,
            unnest(range({floor_div(start, DAY_S)}, {floor_div(f"{end} - 1", DAY_S)} + 1)) AS day,
            from_s::BIGINT AS from_s, to_s::BIGINT AS to_s, offset_s::BIGINT AS offset_s
        FROM {stretches} WHERE {start} < {end}"""
    )


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def offset_join(alias: str, zone: str, seconds: str, kind: str = "JOIN") -> str:
    """SQL: join ``_zone_days`` as `alias`, the stretch of `zone` holding the UTC epoch
    second `seconds` (its offset is then ``{alias}.offset_s``)."""
    return (
        f"{kind} _zone_days {alias} ON {alias}.zone = {zone} "
        f"AND {alias}.day = {floor_div(seconds, DAY_S)} "
        f"AND {seconds} >= {alias}.from_s AND {seconds} < {alias}.to_s"
    )


def run_offsets(
    con, src: str, old: dict[str, str] | None, zone: str, *, old_span: bool = True
) -> ZoneOffsets:
    """The offsets of every zone the events `src` may be seen in (its people's, those of the
    older summary `old`, and the scenario's `zone`) over the span of `src` and, with
    `old_span`, of `old`."""
    older = "NULL, NULL, NULL"
    if old is not None:
        older = f"""(SELECT min(epoch_ms(first_at)) FROM {old["actors"]}),
            (SELECT max(epoch_ms(last_at)) FROM {old["actors"]}),
            (SELECT list(DISTINCT timezone) FILTER (timezone IS NOT NULL) FROM {old["people"]})"""
    first, last, zones, before, after, older_zones = con.execute(
        f"""SELECT min(epoch_ms("at")), max(epoch_ms("at")),
            list(DISTINCT timezone) FILTER (type = 'PersonJoined' AND timezone IS NOT NULL),
            {older}
        FROM {src}"""
    ).fetchone()
    seen = {zone, *(zones or []), *(older_zones or [])}
    if old is not None and old_span:
        first = before if first is None else first if before is None else min(first, before)
        last = after if last is None else last if after is None else max(last, after)
    first_s = _floor(first, 1000) // 1000 if first is not None else 0
    last_s = _floor(last, 1000) // 1000 + 1 if last is not None else 0
    return zone_offsets(seen, first_s, last_s)
