"""The report's rate checks allow for sampling noise: a short run is judged within NOISE_Z
standard errors of its count (Poisson), a long one within the 10 % floor, and a run too short
to tell noise from a wrong rate is shown for information instead of judged."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import msgspec
import pytest

from adapters.analytics.checks import (
    MIN_EXPECTED,
    NOISE_Z,
    RATE_FLOOR,
    rate_check,
    rate_tolerance,
)
from adapters.analytics.report import BLOCKS_DISPERSION, realism_report
from engine.content.templates import TemplateSource
from engine.run import create_run, read_manifest, simulate_run, write_manifest
from engine.scenario import Scenario, default_scenario

RATE_CHECKS = ("completion_rate_per_week", "blocked_rate_per_week")
SEEDS = (1, 2, 3, 4)
BLOCKS = "blocks over {:,.1f} in-progress task working weeks"


# -- the tolerance ---------------------------------------------------------------------------


def test_a_large_expected_count_is_held_to_the_floor() -> None:
    tol = rate_tolerance(3.0, 1000.0)  # 3,000 expected: 3σ is ±5.5 %
    assert tol.judged and tol.expected == pytest.approx(3000)
    assert tol.noise == pytest.approx(NOISE_Z / math.sqrt(3000))
    assert tol.relative == RATE_FLOOR == 0.10


def test_a_small_expected_count_gets_three_standard_errors() -> None:
    tol = rate_tolerance(0.25, 100.0)  # 25 expected: σ of the rate is 5 / 100 per week
    assert NOISE_Z == 3.0
    assert tol.judged and tol.expected == pytest.approx(25)
    assert tol.relative == pytest.approx(3 * (math.sqrt(25) / 100) / 0.25) == pytest.approx(0.6)


def test_fewer_than_ten_expected_is_not_judged() -> None:
    assert MIN_EXPECTED == 10
    assert not rate_tolerance(0.25, 39.9).judged  # 9.975 expected
    at_ten = rate_tolerance(0.25, 40.0)
    assert at_ten.judged and at_ten.relative == pytest.approx(3 / math.sqrt(10))
    assert not rate_tolerance(3.0, 0.0).judged


@pytest.mark.parametrize(
    ("count", "passed"), [(40, True), (41, False), (10, True), (9, False), (25, True)]
)
def test_a_rate_check_applies_the_noise_tolerance(count: int, passed: bool) -> None:
    # target 1 per week over 25 weeks: 25 expected, tolerance 3 × 5 / 25 = ±60 %: 10..40 pass
    check = rate_check("blocked_rate_per_week", "", count, 25.0, 1.0, BLOCKS)
    assert check.rule == "within_relative" and check.tolerance == pytest.approx(0.6)
    assert check.passed is passed and check.measured == pytest.approx(count / 25)
    assert check.detail == (
        f"{count} blocks over 25.0 in-progress task working weeks; tolerance ±60% (3σ of 25 expected)"
    )


def test_a_count_more_spread_than_poisson_gets_a_wider_tolerance() -> None:
    """Blocks vary 1.3x as much as a Poisson count between runs (BLOCKS_DISPERSION): 25
    expected with a variance of 1.5 x 25 allow 3 x sqrt(37.5) = ±18.4 blocks."""
    check = rate_check("blocked_rate_per_week", "", 43, 25.0, 1.0, BLOCKS, dispersion=1.5)
    assert check.passed and check.tolerance == pytest.approx(3 * math.sqrt(1.5 / 25))
    assert not rate_check("blocked_rate_per_week", "", 44, 25.0, 1.0, BLOCKS, 1.5).passed
    assert check.detail == (
        "43 blocks over 25.0 in-progress task working weeks; tolerance ±73% "
        "(3σ of 25 expected, 1.5× a Poisson count's variance)"
    )
    assert not rate_check("blocked_rate_per_week", "", 43, 25.0, 1.0, BLOCKS).passed  # Poisson


def test_the_report_judges_blocks_with_their_measured_spread(short_runs) -> None:
    assert BLOCKS_DISPERSION == 1.5
    blocked = {c.name: c for c in realism_report(short_runs[SEEDS[0]]).checks}[
        "blocked_rate_per_week"
    ]
    assert "1.5× a Poisson count's variance" in blocked.detail


def test_a_rate_check_on_a_long_run_names_the_floor() -> None:
    check = rate_check("completion_rate_per_week", "", 3301, 1000.0, 3.0, "completions")
    assert not check.passed and check.tolerance == RATE_FLOOR  # 3,300 is the edge
    assert check.detail == (
        "3,301 completions; tolerance ±10% (floor; 3σ of 3,000 expected is ±5.5%)"
    )
    assert rate_check("c", "", 3300, 1000.0, 3.0, "completions").passed


def test_a_run_too_short_to_judge_says_so() -> None:
    # 5 expected blocks; even 20 (four times the target) is not judged, and says why
    check = rate_check("blocked_rate_per_week", "", 20, 20.0, 0.25, BLOCKS)
    assert check.verdict == "too_little_data" and check.passed is None
    assert check.tolerance == 0.0 and check.measured == pytest.approx(1.0)
    assert check.detail == (
        "too little data to judge: 20 blocks over 20.0 in-progress task working weeks; "
        "5.0 expected, fewer than 10"
    )
    nothing = rate_check("blocked_rate_per_week", "", 0, 0.0, 0.25, BLOCKS)
    assert nothing.verdict == "too_little_data" and nothing.measured is None
    assert nothing.passed is None


def test_a_zero_target_is_judged_exactly() -> None:
    """No events expected means no noise: a single one is off target."""
    quiet = rate_check("completion_rate_per_week", "", 0, 40.0, 0.0, "completions")
    assert (
        quiet.passed and quiet.rule == "within_relative" and quiet.detail.endswith("none expected")
    )
    assert not rate_check("completion_rate_per_week", "", 1, 40.0, 0.0, "completions").passed


# -- on simulated runs -----------------------------------------------------------------------


def _simulate(path: Path, scenario: Scenario) -> Path:
    manifest = create_run(path, scenario, TemplateSource())
    simulate_run(path, manifest, TemplateSource())
    return path


@pytest.fixture(scope="module")
def short_runs(tmp_path_factory) -> dict[int, Path]:
    """30-day runs of the default scenario: ~94 completions (after the first week) and ~23 blocks expected each."""
    base = tmp_path_factory.mktemp("short")
    scenario = default_scenario()
    return {
        seed: _simulate(base / f"seed{seed}", msgspec.structs.replace(scenario, seed=seed, days=30))
        for seed in SEEDS
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_short_runs_of_the_default_scenario_pass_the_rate_checks(short_runs, seed) -> None:
    checks = {c.name: c for c in realism_report(short_runs[seed]).checks}
    for name in RATE_CHECKS:
        check = checks[name]
        assert check.rule == "within_relative", check  # judged, not waved through as info
        assert check.passed, check
        assert check.tolerance > RATE_FLOOR and "3σ of" in check.detail  # noise, not the floor


@pytest.mark.parametrize("seed", SEEDS)
def test_a_wrong_target_fails_the_rate_checks(short_runs, seed, tmp_path) -> None:
    """The same events judged against a manifest whose targets are wrong: completions ×2 and
    blocks ×3 (with ~23 blocks expected, a doubled blocked target is only ~3σ away, too close
    to be sure to fail)."""
    run = tmp_path / "wrong"
    shutil.copytree(short_runs[seed], run)
    manifest = read_manifest(run)
    work = manifest.scenario.work
    wrong = msgspec.structs.replace(
        work,
        completion_rate_per_week=work.completion_rate_per_week * 2,
        blocked_rate_per_week=work.blocked_rate_per_week * 3,
    )
    scenario = msgspec.structs.replace(manifest.scenario, work=wrong)
    write_manifest(run, msgspec.structs.replace(manifest, scenario=scenario))

    report = realism_report(run)
    failed = {c.name for c in report.checks if c.verdict == "fail"}
    assert failed == set(RATE_CHECKS) and not report.passed, report.checks
    assert report.verdict == "fail" and all(c.passed is False for c in report.checks
                                            if c.name in failed)  # fmt: skip


@pytest.mark.slow
def test_a_year_long_run_is_held_to_the_floor(tmp_path) -> None:
    """Over a year ~1,500 completions are expected: 3σ is ±8 %, so the 10 % floor applies."""
    scenario = msgspec.structs.replace(default_scenario(), seed=1, days=365)
    checks = {c.name: c for c in realism_report(_simulate(tmp_path / "year", scenario)).checks}
    completion = checks["completion_rate_per_week"]
    assert completion.passed and completion.tolerance == RATE_FLOOR
    assert "floor" in completion.detail
    blocked = checks["blocked_rate_per_week"]
    assert blocked.passed and blocked.rule == "within_relative"
