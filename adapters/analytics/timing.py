"""The report's checks of when events happen: outside working time, on weekends, by hour of
the day, against the people's calendars. Events are counted per actor and UTC bucket in DuckDB
(a quarter hour, or a second where a zone's offset is not whole quarter hours: see
``zone_offsets``; a calendar's intensity is constant over each local quarter hour, so every
event of a bucket has its start's local hour and intensity) and each bucket is judged once
here, in the person's zone as zoneinfo gives it (as the engine does).

Noise: the events of one action share their moment, so they are one draw, not several. Each
bucket carries Σ(events per moment)², and the standard errors below count a moment's events
together (a compound Poisson count: its variance is Σ n², not Σ n); the hourly check counts
the actions themselves (see HOURLY_NOISE_MIN)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.analytics.calendars import Exposure
from adapters.analytics.checks import NOISE_Z, Check, judge, judge_sample, too_little_data
from adapters.analytics.zone_offsets import bucket_sql
from engine.person_calendar import PersonCalendar

# A share of events is judged on at least this many (one event is then 1 %, the finest
# tolerance a share check uses).
MIN_EVENTS = 100
# The weekend share is judged within NOISE_Z standard errors plus WEEKEND_RELATIVE of the
# expected share, and never closer than WEEKEND_FLOOR: a weekend worker has fewer colleagues
# around to answer or hand work over, so a weekend action makes fewer events than a weekday
# one, and the calendars' share over-predicts by 5-15 % however long the run (measured: 20
# runs of 60 days with 3 or 6 of 12 people off Monday and Tuesday, 0.82-0.95 of expected).
WEEKEND_FLOOR = 0.01
WEEKEND_RELATIVE = 0.20
# The hourly check counts actions (an actor's events at one moment are one action), as the
# calendars' intensity predicts actions: counting events let a morning's project set-up (one
# action, a dozen events) pull the curve. What it cannot see is the actions that make no event
# (nothing to do), and how many do varies by hour with the team's shape: someone whose
# colleagues work in other zones finds work handed over waiting each morning. So a run never
# follows its curve perfectly: the actions themselves do (r = 0.9995 where noise allowed
# 0.9997, 8 zones, 120 days), but the visible ones lost up to 4.1× the 1 − r² that noise
# predicts (220 runs of 4-20 people in 1-8 zones, evening shares 0-1). It is judged only when
# noise alone would leave r ≥ HOURLY_NOISE_MIN, where a 4.9× loss still reaches 0.95 (counting
# events from 0.985, a faithful 8-zone team of 6 people failed at r = 0.932).
HOURLY_NOISE_MIN = 0.99


def buckets_sql(fine: tuple[tuple[int, int], ...]) -> str:
    """One row per actor and UTC bucket (start in epoch seconds): events, Σ(events per
    moment)² and moments (actions). `fine`: where buckets are seconds (``zone_offsets``)."""
    bucket = bucket_sql('epoch_ms("at")', fine)
    return (
        f"SELECT actor, {bucket}, sum(n)::BIGINT, "
        'sum(n * n)::BIGINT, count(*)::BIGINT FROM (SELECT actor, "at", count(*) AS n FROM events '
        "WHERE type <> 'PersonJoined' GROUP BY ALL) GROUP BY ALL ORDER BY 1, 2"  # sums in one order
    )


@dataclass
class Counted:
    total: int = 0
    off_hours: int = 0
    weekend: int = 0
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_person: dict[str, int] = field(default_factory=dict)
    # per person, the sum over their moments of (events at that moment)²
    squares: dict[str, int] = field(default_factory=dict)
    # actions (moments with events) by local hour and per person
    actions_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    actions: dict[str, int] = field(default_factory=dict)


def count_buckets(buckets: list[tuple], calendars: dict[str, PersonCalendar]) -> Counted:
    counted = Counted()
    for actor, bucket_s, n, squares, moments in buckets:
        counted.by_person[actor] = counted.by_person.get(actor, 0) + n
        counted.squares[actor] = counted.squares.get(actor, 0) + squares
        counted.actions[actor] = counted.actions.get(actor, 0) + moments
        calendar = calendars[actor]
        moment = datetime.fromtimestamp(bucket_s, UTC)
        local = moment.astimezone(calendar.tz)
        counted.total += n
        counted.off_hours += n if calendar.intensity(moment) == 0 else 0
        counted.weekend += n if local.weekday() >= 5 else 0
        counted.by_hour[local.hour] += n
        counted.actions_by_hour[local.hour] += moments
    return counted


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def off_hours(counted: Counted) -> Check:
    return judge_sample(
        "off_hours_share",
        "events at moments when the actor's intensity is zero (outside hours, days off, "
        "holidays, out of office)",
        _share(counted.off_hours, counted.total),
        0.0,
        0.01,
        "at_most",
        "share",
        f"{counted.off_hours:,} of {counted.total:,} events",
        size=counted.total,
        minimum=MIN_EVENTS,
    )


def weekend(counted: Counted, exposures: dict[str, Exposure]) -> Check:
    """Events on local weekends against the share of each person's expected actions that
    their calendar (days off, holidays, time away, the run's window) puts on weekends; people
    are weighed by the events they made (someone with little to do acts without making
    events). The tolerance follows the sample: a binomial standard error per person (their
    calendar's weekend share p, Σ n² of their moments: p(1−p)·Σn²), plus a relative allowance
    for the fewer events a weekend action makes."""
    expected = variance = 0.0
    for person, n in counted.by_person.items():
        exp = exposures[person]
        p = exp.weekend / exp.actions if exp.actions else 0.0
        expected += n * p
        variance += p * (1 - p) * counted.squares[person]
    total = counted.total
    share = expected / total if total else 0.0
    noise = NOISE_Z * math.sqrt(variance) / total if total else 0.0
    tolerance = max(WEEKEND_FLOOR, noise + WEEKEND_RELATIVE * share)
    said = f"{counted.weekend:,} of {total:,} events"
    if total < MIN_EVENTS:
        pass  # not judged: no tolerance to explain
    elif tolerance > WEEKEND_FLOOR:
        said += (
            f"; tolerance ±{tolerance:.1%} ({NOISE_Z:g}σ ±{noise:.1%} + "
            f"{WEEKEND_RELATIVE:.0%} of the expected share)"
        )
    else:
        said += f"; tolerance ±{tolerance:.1%} (floor; {NOISE_Z:g}σ is ±{noise:.1%})"
    return judge_sample(
        "weekend_share",
        "events on the actor's local Saturday or Sunday, against their calendars' share",
        _share(counted.weekend, total),
        share,
        tolerance,
        "within",
        "share",
        said,
        size=total,
        minimum=MIN_EVENTS,
    )


def hourly(counted: Counted, exposures: dict[str, Exposure]) -> Check:
    """Measured actions per local hour against each person's expected actions per hour over
    the run, weighed by the actions they made (a Poisson count: its variance is its mean)."""
    expected = [0.0] * 24
    for person, n in counted.actions.items():
        exp = exposures[person]
        if exp.actions:
            for hour, value in enumerate(exp.by_hour):
                expected[hour] += n * value / exp.actions
    actions = sum(counted.actions.values())
    r = _pearson(counted.actions_by_hour, expected)
    noise_r = _noise_correlation(expected, actions)
    args = (
        "hourly_correlation",
        "correlation of actions (an actor's events at one moment) per local hour with the "
        "scenario's intensity curve",
        r,
        0.95,
        0.0,
        "at_least",
        "correlation",
    )
    if noise_r is None or noise_r < HOURLY_NOISE_MIN:
        # rounded down: 0.9898 is not "0.990" when judged from 0.99
        said = "–" if noise_r is None else f"{math.floor(noise_r * 1000) / 1000:.3f}"
        return too_little_data(
            *args,
            f"{actions:,} actions: noise alone allows r ≈ {said} "
            f"(judged from {HOURLY_NOISE_MIN:g})",
        )
    return judge(*args, f"{actions:,} actions; noise alone: r ≈ {noise_r:.3f}")


def _noise_correlation(expected: list[float], variance: float) -> float | None:
    """The correlation with `expected` that counting noise alone leaves, for counts whose
    variances sum to `variance` (N for a Poisson count of N): E[Σ(x − x̄)²] ≈ S + N·23/24
    where S = Σ(λ − λ̄)²."""
    total = sum(expected)
    if total <= 0:
        return None
    mean = total / len(expected)
    spread = sum((x - mean) ** 2 for x in expected)
    noise = variance * (len(expected) - 1) / len(expected)
    return math.sqrt(spread / (spread + noise)) if spread > 0 else None


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None
