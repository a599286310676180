"""The report's hourly check on a team spread over many time zones: it counts actions (an
actor's events at one moment), which the calendars' intensity predicts, and is judged only
when noise leaves room for what a faithful run of any team shape loses (see
``adapters.analytics.timing.HOURLY_NOISE_MIN``). And ``report --strict`` lets a script tell
"every check passed" from "some could not be judged"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.analytics.report import realism_report
from adapters.analytics.timing import HOURLY_NOISE_MIN
from adapters.analytics.views import open_run
from engine.content.templates import TemplateSource
from engine.run import create_run, simulate_run
from engine.scenario import default_scenario, from_dict
from tests.runner import busywork

ZONES = (
    "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin",
    "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo",
)  # fmt: skip


def mixed_team(people: int, days: int, seed: int, **rhythm: float) -> dict:
    roles = ["manager", "lead"] + ["individual_contributor"] * (people - 2)
    return {
        "start": "2026-01-05",
        "days": days,
        "seed": seed,
        "rhythm": rhythm,
        "people": [
            {"name": f"Person {i} Zone", "role": role, "timezone": ZONES[i % len(ZONES)]}
            for i, role in enumerate(roles)
        ],
    }


def simulate(path: Path, raw: dict | None = None) -> Path:
    scenario = default_scenario() if raw is None else from_dict(raw)
    manifest = create_run(path, scenario, TemplateSource())
    simulate_run(path, manifest, TemplateSource())
    return path


def hourly_check(run: Path):
    return next(c for c in realism_report(run).checks if c.name == "hourly_correlation")


def test_a_faithful_team_in_eight_zones_is_not_failed_on_its_hourly_curve(tmp_path) -> None:
    # Six people in eight zones with strong evening peaks (none drawn): counting events, this
    # run was judged (noise allowed r ≈ 0.988) and failed at r = 0.932, though its people act
    # as their calendars say; its actions correlate at 0.983 (0.966, 0.993, 0.980, 0.987,
    # 0.983, 0.980, 0.984, 0.991, 0.989, 0.988, 0.985 and 0.980 before the log's realism fixes changed
    # which tasks and comments it holds).
    run = simulate(tmp_path / "mixed", mixed_team(6, 20, 339, evening_share=0.0,
                                                  evening_weight=1.0))  # fmt: skip
    check = hourly_check(run)
    assert check.verdict == "pass", check
    assert check.measured == pytest.approx(0.983, abs=0.001)


def test_the_hourly_check_counts_actions_not_events(tmp_path) -> None:
    run = simulate(tmp_path / "mixed", mixed_team(8, 30, 1, evening_share=0.5))
    with open_run(run) as opened:
        events, actions = opened.con.execute(
            'SELECT count(*), count(DISTINCT (actor, "at")) FROM events '
            "WHERE type <> 'PersonJoined'"
        ).fetchone()
    assert actions < events  # some actions make several events at one moment
    check = hourly_check(run)
    assert check.detail.startswith(f"{actions:,} actions; noise alone: r ≈ ")
    assert check.verdict == "pass", check


def test_a_noise_level_just_below_the_threshold_is_not_shown_as_reaching_it(tmp_path) -> None:
    # noise alone allows r ≈ 0.98993 here: shown rounded down, never as "0.990" (the seed
    # is one whose noise level lands there; seeds 1, 13, 44 and 11 did before the log's
    # realism fixes)
    run = simulate(tmp_path / "mixed", mixed_team(6, 20, 2, evening_share=1.0))
    check = hourly_check(run)
    assert check.verdict == "too_little_data", check
    assert check.detail.endswith(f"noise alone allows r ≈ 0.989 (judged from {HOURLY_NOISE_MIN:g})")


# -- report --strict -------------------------------------------------------------------------


@pytest.mark.slow
def test_strict_exits_1_when_a_check_could_not_be_judged(tmp_path) -> None:
    raw = {"start": "2026-01-05", "days": 1}  # one day: too little data for several checks
    run = simulate(tmp_path / "day", raw)
    plain = busywork("report", str(run), cwd=tmp_path)
    assert plain.returncode == 0 and "Inconclusive:" in plain.stdout
    strict = busywork("report", str(run), "--strict", cwd=tmp_path, check=False)
    assert strict.returncode == 1, strict.stderr
    assert "Inconclusive:" in strict.stdout and strict.stderr == ""
    data = json.loads(busywork("report", str(run), "--strict", "--json", cwd=tmp_path,
                               check=False).stdout)  # fmt: skip
    assert (data["verdict"], data["passed"]) == ("inconclusive", False)


def test_strict_exits_0_when_every_check_passes(tmp_path) -> None:
    run = simulate(tmp_path / "month")  # the built-in team's month: every check judged
    result = busywork("report", str(run), "--strict", "--json", cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["verdict"] == "pass"
