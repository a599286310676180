"""Where the sandbox must follow Asana's spec for a replay to work against real Asana: at most 20
custom fields per project or portfolio (and a scenario that declares more is refused at load),
the status types of projects and portfolios, creating a project in its team without the
deprecated `team` parameter, and a workspace with teams being an organization. Each rule is
read from the spec (/work/shared/asana/asana_oas.yaml) where the spec states it, so drift fails
here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec

from adapters.asana.sandbox.api_projects import TEAM_DEPRECATION
from adapters.asana.sandbox.api_status import GOAL_ONLY_STATUS_TYPES, PROJECT_STATUS_TYPES
from adapters.asana.tokens import Tokens, write_tokens
from engine import events as ev
from engine import scenario as sc
from engine.scenario_checks import MAX_CUSTOM_FIELDS_PER_PROJECT
from engine.workspace_defaults import INDUSTRY_FIELDS, custom_fields
from tests.runner import busywork
from tests.sandbox_fixtures import session_for
from tests.test_replay_premium import Log

FIELDS = [f"Field {i}" for i in range(1, MAX_CUSTOM_FIELDS_PER_PROJECT + 2)]


def _replay(run_dir: Path, to: str, tokens: Path, cwd: Path) -> tuple[int, dict]:
    done = busywork("replay", str(run_dir), "--to", to, "--tokens", str(tokens), "--json",
                    cwd=cwd, check=False)  # fmt: skip
    return done.returncode, json.loads(done.stdout)


def _project_creates(sandbox) -> list[tuple[str, dict]]:
    """Every project-creating request the sandbox answers: (path, request data)."""
    seen: list[tuple[str, dict]] = []

    def observe(request, status, body) -> None:
        path = request.path.removeprefix("/api/1.0")
        if request.method == "POST" and path.endswith("/projects"):
            seen.append((path, msgspec.json.decode(request.body)["data"]))

    sandbox.app.observer = observe
    return seen


# -- 20 custom fields per project or portfolio -------------------------------------------------


def test_the_spec_caps_custom_fields_at_what_scenarios_and_the_sandbox_allow(asana_spec):
    portfolios = next(t for t in asana_spec["tags"] if t["name"] == "Portfolios")
    cap = re.search(r"like projects, a maximum of (\d+) custom fields", portfolios["description"])
    assert cap and int(cap.group(1)) == MAX_CUSTOM_FIELDS_PER_PROJECT


def test_the_21st_custom_field_of_a_project_or_portfolio_is_refused(sandbox):
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    fields = [s.post(f"{base}/custom_fields", json={"data": {
        "workspace": ws, "name": name, "resource_subtype": "text"}}).json()["data"]["gid"]
        for name in FIELDS]  # fmt: skip
    project = s.post(f"{base}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "P"}})
    portfolio = s.post(f"{base}/portfolios", json={"data": {"name": "F", "workspace": ws}})
    for kind, parent in (("project", project), ("portfolio", portfolio)):
        url = f"{base}/{kind}s/{parent.json()['data']['gid']}"
        for gid in fields[:-1]:
            added = s.post(f"{url}/addCustomFieldSetting", json={"data": {"custom_field": gid}})
            assert added.status_code == 200, added.text
        refused = s.post(
            f"{url}/addCustomFieldSetting", json={"data": {"custom_field": fields[-1]}}
        )
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["message"] == (
            f"data.custom_field: {kind} '{parent.json()['data']['gid']}' already has 20 custom "
            f"fields; expected at most 20 per {kind} (Asana's limit)"
        )
        settings = s.get(f"{url}/custom_field_settings").json()["data"]
        assert [x["custom_field"]["gid"] for x in settings] == fields[:-1]


def test_a_scenario_declaring_more_fields_than_a_project_takes_is_refused(tmp_path):
    declared = ", ".join(f'{{ name = "{name}", type = "text" }}' for name in FIELDS)
    (tmp_path / "s.toml").write_text(f"[workspace]\ncustom_fields = [{declared}]\n")
    refused = busywork("simulate", "s.toml", "--days", "1", cwd=tmp_path, check=False)
    assert refused.returncode == 2
    assert refused.stderr.strip().endswith(
        "workspace.custom_fields: 21 fields; expected at most 20, Asana's limit per project"
    )
    at_most = ", ".join(f'{{ name = "{name}", type = "text" }}' for name in FIELDS[:-1])
    (tmp_path / "s.toml").write_text(f"[workspace]\ncustom_fields = [{at_most}]\n")
    assert len(sc.load(tmp_path / "s.toml").workspace.custom_fields) == 20


def test_no_industry_gets_more_default_fields_than_a_project_takes():
    for industry in INDUSTRY_FIELDS:
        scenario = msgspec.structs.replace(sc.default_scenario(), industry=industry)
        assert len(custom_fields(scenario)) <= MAX_CUSTOM_FIELDS_PER_PROJECT, industry


def test_a_run_with_21_fields_fails_its_project_as_asana_would(sandbox, tokens_file, tmp_path):
    """A run written before the scenario check (or by hand): the project fails at its 21st
    field, and the events on it depend on that failure."""
    log = Log()
    log.person("u1")
    for i, name in enumerate(FIELDS):
        log.add(ev.CustomFieldCreated, "u1", field=f"cf{i}", name=name, kind="text")
    log.add(ev.ProjectCreated, "u1", project="p1", name="Launch", owner="u1",
            custom_fields=tuple(f"cf{i}" for i in range(len(FIELDS))))  # fmt: skip
    log.add(ev.SectionCreated, "u1", section="s1", project="p1", name="To do")
    log.add(ev.TaskCreated, "u1", task="t1", project="p1", section="s1", name="Plan it")
    run_dir = log.write(tmp_path / "run")
    code, summary = _replay(run_dir, sandbox.base_url, tokens_file, tmp_path)
    assert code == 1
    assert (summary["failed"], summary["skipped_after_failure"]) == (1, 2), summary
    assert "already has 20 custom fields" in json.dumps(summary["errors"])


# -- status types ------------------------------------------------------------------------------


def _spec_status_types(spec: dict) -> dict[str, tuple[str, ...]]:
    """`Projects: ...` lines of StatusUpdateBase.status_type's description, by parent kind."""
    schema = spec["components"]["schemas"]["StatusUpdateBase"]["allOf"][1]
    text = schema["properties"]["status_type"]["description"]
    return {kind: tuple(re.findall(r"`(\w+)`", values))
            for kind, values in re.findall(r"^- (\w+): (.*)$", text, re.M)}  # fmt: skip


def test_status_types_follow_the_spec_for_projects_and_portfolios(sandbox, asana_spec):
    allowed = _spec_status_types(asana_spec)
    assert allowed["Projects"] == allowed["Portfolios"] == PROJECT_STATUS_TYPES
    goal_only = tuple(t for t in allowed["Goals"] if t not in allowed["Projects"])
    assert goal_only == GOAL_ONLY_STATUS_TYPES
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    project = s.post(f"{base}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "P"}})
    portfolio = s.post(f"{base}/portfolios", json={"data": {"name": "F", "workspace": ws}})
    for parent in (project.json()["data"]["gid"], portfolio.json()["data"]["gid"]):
        for status in (*allowed["Projects"], *GOAL_ONLY_STATUS_TYPES):
            r = s.post(f"{base}/status_updates", json={"data": {
                "parent": parent, "status_type": status, "text": "t"}})  # fmt: skip
            expected = 201 if status in allowed["Projects"] else 400
            assert r.status_code == expected, (status, r.text)


# -- projects made in their team; the workspace is an organization -----------------------------


def test_the_spec_deprecates_team_on_create_project_not_create_project_for_team(asana_spec):
    paths = asana_spec["paths"]
    assert "`Asana-Change` response header" in paths["/projects"]["post"]["description"]
    request = asana_spec["components"]["schemas"]["ProjectRequest"]["allOf"][1]
    assert request["properties"]["team"]["deprecated"] is True
    for_team = paths["/teams/{team_gid}/projects"]["post"]
    assert for_team["operationId"] == "createProjectForTeam"
    assert "deprecat" not in for_team["description"].lower()


def test_the_deprecated_team_parameter_is_flagged_with_asana_change(sandbox):
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    team = sandbox.team_gid
    flagged = [
        s.post(f"{base}/projects", json={"data": {"name": "A", "team": team}}),
        s.post(f"{base}/workspaces/{ws}/projects", json={"data": {"name": "A2", "team": team}}),
        s.post(
            f"{base}/teams/{team}/projects",
            json={"data": {"name": "B", "privacy_setting": "private_to_team"}},
        ),
    ]
    plain = [
        s.post(f"{base}/teams/{team}/projects", json={"data": {"name": "C"}}),
        s.post(
            f"{base}/teams/{team}/projects",
            json={"data": {"name": "D", "privacy_setting": "private"}},
        ),
    ]
    gid = plain[0].json()["data"]["gid"]
    flagged.append(s.put(f"{base}/projects/{gid}", json={"data": {"team": team}}))
    plain.append(s.put(f"{base}/projects/{gid}", json={"data": {"name": "C2"}}))
    for answer in flagged:
        assert answer.ok and answer.headers["Asana-Change"] == TEAM_DEPRECATION
    for answer in plain:
        assert answer.ok and "Asana-Change" not in answer.headers
    assert "affected=true" in TEAM_DEPRECATION
    batch = s.post(f"{base}/batch", json={"data": {"actions": [{"method": "post",
        "relative_path": "/projects", "data": {"name": "E", "team": team}}]}})  # fmt: skip
    assert batch.json()["data"][0]["headers"] == {"Asana-Change": TEAM_DEPRECATION}


def test_replay_makes_projects_in_their_team_without_the_team_parameter(
    sandbox, tokens_file, tmp_path
):
    creates = _project_creates(sandbox)
    log = Log()
    log.person("u1", team="Platform")
    log.add(ev.ProjectCreated, "u1", project="p1", name="Launch", owner="u1", team="Platform")
    log.add(ev.SectionCreated, "u1", section="s1", project="p1", name="To do")
    code, summary = _replay(log.write(tmp_path / "run"), sandbox.base_url, tokens_file, tmp_path)
    assert code == 0 and summary["applied"] == 3, summary
    (team,) = [t for t in session_for(sandbox).get(
        f"{sandbox.base_url}/workspaces/{sandbox.workspace_gid}/teams").json()["data"]
        if t["name"] == "Platform"]  # fmt: skip
    assert [path for path, _ in creates] == [f"/teams/{team['gid']}/projects"]
    assert not {"team", "workspace"} & set(creates[0][1])


def test_without_teams_replay_makes_projects_in_the_workspace(make_sandbox, tmp_path):
    """A workspace that is not an organization has no teams: none is found, none can be made."""
    sandbox = make_sandbox(organization=False)
    tokens_file = tmp_path / "tokens.toml"
    write_tokens(tokens_file, Tokens(people={"alice@example.com": sandbox.tokens["alice@example.com"]},
                                     default=sandbox.admin_token))  # fmt: skip
    creates = _project_creates(sandbox)
    log = Log()
    log.person("u1", team="Platform")
    log.add(ev.ProjectCreated, "u1", project="p1", name="Launch", owner="u1", team="Platform")
    code, summary = _replay(log.write(tmp_path / "run"), sandbox.base_url, tokens_file, tmp_path)
    assert code == 0 and summary["applied"] == 2, summary
    assert "team 'Platform' cannot be found or created here" in json.dumps(summary["notes"])
    assert creates == [("/projects", {"name": "Launch", "notes": "", "default_view": "board",
                                      "workspace": sandbox.workspace_gid,
                                      "owner": sandbox.users["alice@example.com"]})]  # fmt: skip


def test_a_workspace_with_teams_is_an_organization(sandbox):
    s = session_for(sandbox)
    workspace = s.get(f"{sandbox.base_url}/workspaces/{sandbox.workspace_gid}").json()["data"]
    teams = s.get(f"{sandbox.base_url}/workspaces/{sandbox.workspace_gid}/teams").json()["data"]
    assert teams and workspace["is_organization"] is True
