"""Teams of any shape get the work their weekly rates need: a manager of many starts projects
more often and adds several tasks in a sitting, contributors of a team short of leads review
each other's work, and a busier activity level brings projects sooner. Each end-to-end test
failed its report's completion_rate_per_week check before (1.63 a week against 3 for a manager
of fifteen, 2.44 for one of thirty; 4.62 against 6 at activity "high")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import scenario as sc
from engine.content.templates import TemplateSource
from engine.people import peer_reviewing_teams, project_paces
from engine.world import World
from tests.runner import busywork


def wide_team_toml(contributors: int, days: int = 60) -> str:
    lines = ['name = "Wide team"', f"days = {days}", ""]
    for i in range(contributors + 1):
        role = "manager" if i == 0 else "individual_contributor"
        lines += ["[[people]]", f'name = "Person {i}"', f'role = "{role}"', ""]
    return "\n".join(lines)


def world_of(text: str, tmp_path: Path) -> World:
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    return World(sc.load(path), TemplateSource(), lambda event: None)


def completion_check(run: Path, cwd: Path) -> dict:
    report = json.loads(busywork("report", str(run), "--json", cwd=cwd, check=False).stdout)
    return next(c for c in report["checks"] if c["name"] == "completion_rate_per_week")


def test_a_manager_of_many_starts_projects_proportionally_more_often(tmp_path):
    assert project_paces(world_of(wide_team_toml(10), tmp_path).actors) == {"Wide team": 2.0}
    assert project_paces(world_of(wide_team_toml(5), tmp_path).actors) == {"Wide team": 1.0}


def test_the_default_teams_keep_the_scenario_cadence_and_their_reviewers():
    world = World(sc.resolve(sc.default_scenario()), TemplateSource(), lambda event: None)
    assert set(world.project_paces.values()) == {1.0}
    assert world.peer_reviewing_teams == frozenset()


def test_contributors_review_each_other_only_in_a_team_short_of_reviewers(tmp_path):
    assert peer_reviewing_teams(world_of(wide_team_toml(9), tmp_path).actors) == {"Wide team"}
    assert peer_reviewing_teams(world_of(wide_team_toml(8), tmp_path).actors) == frozenset()


@pytest.mark.slow
def test_a_manager_of_fifteen_gets_the_teams_weekly_completions(tmp_path):
    (tmp_path / "wide.toml").write_text(wide_team_toml(15))
    busywork("simulate", "wide.toml", "--out", "run", cwd=tmp_path)
    check = completion_check(tmp_path / "run", tmp_path)
    assert check["verdict"] == "pass", check["detail"]
    asked = [
        json.loads(line)
        for segment in sorted((tmp_path / "run" / "events").glob("*.jsonl"))
        for line in segment.read_text().splitlines()
    ]
    reviewers = {e["to"] for e in asked if e.get("kind") == "review_request"}
    assert reviewers - {"u1"}, "only the manager was asked to review"


@pytest.mark.slow
def test_a_manager_of_thirty_sets_up_tasks_fast_enough_for_the_team(tmp_path):
    """One at a time, the manager's own actions capped the team: 2.44 completions a
    contributor-week against 3."""
    (tmp_path / "wide.toml").write_text(wide_team_toml(30))
    busywork("simulate", "wide.toml", "--out", "run", cwd=tmp_path)
    check = completion_check(tmp_path / "run", tmp_path)
    assert check["verdict"] == "pass", check["detail"]


@pytest.mark.slow
def test_a_busier_activity_level_brings_projects_sooner(tmp_path):
    busywork("init", "busy.toml", cwd=tmp_path)
    text = (tmp_path / "busy.toml").read_text()
    for line in ("days = 30 ", 'activity = "medium"'):
        assert line in text, f"the example scenario changed: no {line!r}"
    text = text.replace("days = 30 ", "days = 60 ").replace(
        'activity = "medium"', 'activity = "high"'
    )
    (tmp_path / "busy.toml").write_text(text)
    busywork("simulate", "busy.toml", "--out", "run", cwd=tmp_path)
    check = completion_check(tmp_path / "run", tmp_path)
    assert check["target"] == 6.0
    assert check["verdict"] == "pass", check["detail"]
