"""How the realism report judges: a check compares a measured value with a target under a
rule and a tolerance; rates get a tolerance that allows for the noise of short runs."""

from __future__ import annotations

import math
from typing import Literal

import msgspec

Rule = Literal["at_most", "at_least", "within", "within_relative", "info"]

# A rate is a count over an exposure, so a short run's rate is noisy: a rate check allows
# NOISE_Z standard errors of the rate (Poisson: sqrt(expected count) / exposure) and never less
# than RATE_FLOOR of the target. 3σ: an on-target run fails a check by chance ~0.3 % of the time.
NOISE_Z = 3.0
RATE_FLOOR = 0.10
MIN_EXPECTED = 10.0  # fewer expected events than this say too little to judge a rate


class Check(msgspec.Struct):
    name: str
    description: str
    measured: float | None  # None: nothing to measure (the check passes)
    target: float
    tolerance: float
    rule: Rule  # at_most: ≤ target + tolerance; at_least: ≥ target − tolerance;
    # within: |measured − target| ≤ tolerance; within_relative: ≤ tolerance × target;
    # info: shown for context, always passes
    unit: Literal["share", "per_week", "correlation"]
    passed: bool
    detail: str = ""


class Report(msgspec.Struct):
    run_id: str | None
    events: int
    passed: bool
    checks: list[Check]


def judge(name, description, measured, target, tolerance, rule, unit, detail="") -> Check:
    """A check of `measured` against `target` under `rule` (nothing measured passes)."""
    if measured is None or (isinstance(measured, float) and math.isnan(measured)):
        passed, measured = True, None
    elif rule == "info":
        passed = True
    elif rule == "at_most":
        passed = measured <= target + tolerance + 1e-12
    elif rule == "at_least":
        passed = measured >= target - tolerance - 1e-12
    elif rule == "within":
        passed = abs(measured - target) <= tolerance + 1e-12
    else:
        passed = abs(measured - target) <= tolerance * abs(target) + 1e-12
    return Check(name, description, measured, target, tolerance, rule, unit, passed, detail)


class RateTolerance(msgspec.Struct, frozen=True):
    expected: float  # events the target predicts over the exposure
    noise: float  # NOISE_Z standard errors of the measured rate, relative to the target
    relative: float  # the tolerance applied: max(RATE_FLOOR, noise); 0 when not judged
    judged: bool  # False: too few events expected to tell noise from a wrong rate


def rate_tolerance(target: float, exposure: float) -> RateTolerance:
    """The tolerance for a rate of `target` events per unit measured over `exposure` units.

    The standard error of the measured rate is sqrt(expected) / exposure, so relative to the
    target it is 1 / sqrt(expected). A zero target has no noise: any event is off target."""
    expected = target * exposure
    if target == 0:
        return RateTolerance(0.0, 0.0, 0.0, judged=True)
    if expected < MIN_EXPECTED:
        return RateTolerance(expected, math.inf, 0.0, judged=False)
    noise = NOISE_Z * math.sqrt(expected) / exposure / target
    return RateTolerance(expected, noise, max(RATE_FLOOR, noise), judged=True)


def rate_check(
    name: str, description: str, count: int, exposure: float, target: float, what: str
) -> Check:
    """Judge `count` events over `exposure` weeks against `target` per week; `what` names
    them, e.g. "blocks over {:,.1f} in-progress task working weeks"."""
    said = f"{count:,} {what.format(exposure)}"
    tol = rate_tolerance(target, exposure)
    measured = count / exposure if exposure else None
    if not tol.judged:
        detail = (
            f"{said}; too short a run to judge: {tol.expected:.1f} expected, "
            f"fewer than {MIN_EXPECTED:.0f}"
        )
        return judge(name, description, measured, target, 0.0, "info", "per_week", detail)
    if target == 0:
        detail = f"{said}; none expected"
    elif tol.noise >= RATE_FLOOR:
        detail = (
            f"{said}; tolerance ±{tol.relative:.0%} ({NOISE_Z:g}σ of {tol.expected:,.0f} expected)"
        )
    else:
        detail = (
            f"{said}; tolerance ±{tol.relative:.0%} (floor; {NOISE_Z:g}σ of "
            f"{tol.expected:,.0f} expected is ±{tol.noise:.1%})"
        )
    return judge(
        name, description, measured, target, tol.relative, "within_relative", "per_week", detail
    )
