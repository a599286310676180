"""How the realism report judges: a check compares a measured value with a target under a
rule and a tolerance. Every check has a minimum sample: below it the check is shown as "too
little data to judge", neither a pass nor a failure, and the report cannot pass as a whole.
Rates and shares get tolerances that allow for the noise of short or small runs."""

from __future__ import annotations

import math
from typing import Literal

import msgspec

Rule = Literal["at_most", "at_least", "within", "within_relative", "info"]
# pass / fail: judged; info: shown for context; too_little_data: the sample is too small to
# tell noise from a real difference, so it is not judged.
Verdict = Literal["pass", "fail", "info", "too_little_data"]
# The report as a whole: fail when any check fails, else inconclusive when any check had too
# little data, else pass.
Overall = Literal["pass", "fail", "inconclusive"]

# A rate is a count over an exposure, so a short run's rate is noisy: a rate check allows
# NOISE_Z standard errors of the rate (Poisson: sqrt(expected count) / exposure) and never less
# than RATE_FLOOR of the target. 3σ: an on-target run fails a check by chance ~0.3 % of the time.
NOISE_Z = 3.0
RATE_FLOOR = 0.10
MIN_EXPECTED = 10.0  # fewer expected events than this say too little to judge a rate
TOO_LITTLE_PREFIX = "too little data to judge: "  # how an unjudged check's detail starts


class Check(msgspec.Struct):
    name: str
    description: str
    measured: float | None  # None: nothing to measure (too little data)
    target: float
    tolerance: float
    rule: Rule  # at_most: ≤ target + tolerance; at_least: ≥ target − tolerance;
    # within: |measured − target| ≤ tolerance; within_relative: ≤ tolerance × target;
    # info: shown for context, never judged (passed stays true)
    unit: Literal["share", "per_week", "correlation"]
    verdict: Verdict
    passed: bool | None  # True: pass (or info), False: fail, None: too little data to judge
    detail: str = ""


class Report(msgspec.Struct):
    run_id: str | None
    events: int
    verdict: Overall
    passed: bool  # the verdict is "pass": every check was judged and none failed
    checks: list[Check]


def overall(checks: list[Check]) -> Overall:
    verdicts = {c.verdict for c in checks}
    if "fail" in verdicts:
        return "fail"
    return "inconclusive" if "too_little_data" in verdicts or not checks else "pass"


def report(run_id: str | None, events: int, checks: list[Check]) -> Report:
    verdict = overall(checks)
    return Report(run_id, events, verdict, verdict == "pass", checks)


def judge(name, description, measured, target, tolerance, rule, unit, detail="") -> Check:
    """A check of `measured` against `target` under `rule` (nothing measured: too little
    data)."""
    if measured is None or (isinstance(measured, float) and math.isnan(measured)):
        return too_little_data(name, description, None, target, tolerance, rule, unit, detail)
    if rule == "info":
        return Check(name, description, measured, target, tolerance, rule, unit, "info", True,
                     detail)  # fmt: skip
    if rule == "at_most":
        passed = measured <= target + tolerance + 1e-12
    elif rule == "at_least":
        passed = measured >= target - tolerance - 1e-12
    elif rule == "within":
        passed = abs(measured - target) <= tolerance + 1e-12
    else:
        passed = abs(measured - target) <= tolerance * abs(target) + 1e-12
    verdict: Verdict = "pass" if passed else "fail"
    return Check(name, description, measured, target, tolerance, rule, unit, verdict, passed,
                 detail)  # fmt: skip


def too_little_data(name, description, measured, target, tolerance, rule, unit, detail="") -> Check:
    """A check whose sample is too small to judge: shown with what was measured, not judged."""
    if isinstance(measured, float) and math.isnan(measured):
        measured = None
    detail = f"{TOO_LITTLE_PREFIX}{detail}" if detail else TOO_LITTLE_PREFIX.removesuffix(": ")
    return Check(name, description, measured, target, tolerance, rule, unit, "too_little_data",
                 None, detail)  # fmt: skip


def judge_sample(
    name, description, measured, target, tolerance, rule, unit, detail, *, size: float, minimum
) -> Check:
    """`judge`, when the sample (`size` events, tasks, comments…) reaches `minimum`."""
    if size < minimum:
        return too_little_data(name, description, measured, target, tolerance, rule, unit,
                               f"{detail}; fewer than {minimum:,}")  # fmt: skip
    return judge(name, description, measured, target, tolerance, rule, unit, detail)


class RateTolerance(msgspec.Struct, frozen=True):
    expected: float  # events the target predicts over the exposure
    noise: float  # NOISE_Z standard errors of the measured rate, relative to the target
    relative: float  # the tolerance applied: max(RATE_FLOOR, noise); 0 when not judged
    judged: bool  # False: too few events expected to tell noise from a wrong rate


def rate_tolerance(target: float, exposure: float, dispersion: float = 1.0) -> RateTolerance:
    """The tolerance for a rate of `target` events per unit measured over `exposure` units.

    The standard error of the measured rate is sqrt(dispersion * expected) / exposure, so
    relative to the target it is sqrt(dispersion / expected); `dispersion` is the count's
    variance over a Poisson count's (1: Poisson). A zero target has no noise: any event is off
    target."""
    expected = target * exposure
    if target == 0 and exposure > 0:
        return RateTolerance(0.0, 0.0, 0.0, judged=True)
    if expected < MIN_EXPECTED:
        return RateTolerance(expected, math.inf, 0.0, judged=False)
    noise = NOISE_Z * math.sqrt(dispersion * expected) / exposure / target
    return RateTolerance(expected, noise, max(RATE_FLOOR, noise), judged=True)


def rate_check(
    name: str,
    description: str,
    count: int,
    exposure: float,
    target: float,
    what: str,
    dispersion: float = 1.0,
) -> Check:
    """Judge `count` events over `exposure` weeks against `target` per week; `what` names
    them, e.g. "blocks over {:,.1f} in-progress task working weeks"; `dispersion`: see
    `rate_tolerance`."""
    said = f"{count:,} {what.format(exposure)}"
    tol = rate_tolerance(target, exposure, dispersion)
    spread = f", {dispersion:g}× a Poisson count's variance" if dispersion != 1 else ""
    measured = count / exposure if exposure else None
    if not tol.judged:
        detail = f"{said}; {tol.expected:.1f} expected, fewer than {MIN_EXPECTED:.0f}"
        return too_little_data(
            name, description, measured, target, 0.0, "within_relative", "per_week", detail
        )
    if target == 0:
        detail = f"{said}; none expected"
    elif tol.noise >= RATE_FLOOR:
        detail = (
            f"{said}; tolerance ±{tol.relative:.0%} ({NOISE_Z:g}σ of {tol.expected:,.0f} expected"
            f"{spread})"
        )
    else:
        detail = (
            f"{said}; tolerance ±{tol.relative:.0%} (floor; {NOISE_Z:g}σ of "
            f"{tol.expected:,.0f} expected{spread} is ±{tol.noise:.1%})"
        )
    return judge(
        name, description, measured, target, tol.relative, "within_relative", "per_week", detail
    )
