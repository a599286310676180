"""Where the sandbox followed Asana's spec (/work/shared/asana/asana_oas.yaml) too loosely: a
project made in an organization without a team, a workspace that is not an organization, and
tag colours. Each rule is read from the spec where the spec states it, so drift fails here."""

from __future__ import annotations

import pytest

from tests.sandbox_fixtures import session_for
from tests.test_sandbox_conformance import Conformance

ORGANIZATION_NEEDS_A_TEAM = (
    "If the workspace for your project is an organization, you must also supply a"
)


def _error(response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    (error,) = response.json()["errors"]
    return error["message"]


# -- a project in an organization is shared with a team ----------------------------------------


def test_the_spec_requires_a_team_for_projects_in_an_organization(asana_spec):
    paths = asana_spec["paths"]
    for path in ("/projects", "/workspaces/{workspace_gid}/projects"):
        assert ORGANIZATION_NEEDS_A_TEAM in " ".join(paths[path]["post"]["description"].split())


@pytest.mark.parametrize("where", ["/projects", "/workspaces/{ws}/projects"])
def test_a_project_without_a_team_in_an_organization_is_refused(sandbox, asana_spec, where):
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    path = where.format(ws=ws)
    in_body = {"workspace": ws} if where == "/projects" else {}
    workspace = s.get(f"{base}/workspaces/{ws}").json()["data"]
    assert workspace["is_organization"] is True
    refused = s.post(f"{base}{path}", json={"data": {"name": "Teamless", **in_body}})
    message = _error(refused)
    assert message.startswith("data.team: required in an organization"), message
    assert "/teams/{team_gid}/projects" in message
    Conformance(asana_spec).check_response("POST", path, 400, refused.json())
    listed = s.get(f"{base}/projects", params={"workspace": ws}).json()["data"]
    assert listed == []  # nothing was made
    made = s.post(f"{base}{path}", json={"data": {"name": "Shared", **in_body,
                                                  "team": sandbox.team_gid}})  # fmt: skip
    assert made.status_code == 201 and made.json()["data"]["team"]["gid"] == sandbox.team_gid


def test_a_workspace_that_is_not_an_organization_has_no_teams(make_sandbox):
    sandbox = make_sandbox(organization=False)
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    assert s.get(f"{base}/workspaces/{ws}").json()["data"]["is_organization"] is False
    assert s.get(f"{base}/workspaces/{ws}/teams").json()["data"] == []
    message = _error(s.post(f"{base}/teams", json={"data": {"name": "T", "organization": ws}}))
    assert message.startswith(f"data.organization: {ws} is a workspace, not an organization")
    made = s.post(f"{base}/projects", json={"data": {"name": "P", "workspace": ws}})
    assert made.status_code == 201, made.text
    with pytest.raises(Exception, match="not an organization"):
        sandbox.team_gid  # noqa: B018 (the property raises)


def test_a_workspace_kept_on_disk_stays_what_it_was_made_as(make_sandbox, tmp_path):
    first = make_sandbox(organization=False, data_dir=tmp_path)
    first.stop()
    second = make_sandbox(data_dir=tmp_path)  # the default (an organization) does not apply
    workspace = session_for(second).get(f"{second.base_url}/workspaces/{second.workspace_gid}")
    assert workspace.json()["data"]["is_organization"] is False


# -- tag colours ---------------------------------------------------------------------------------


def _spec_colors(asana_spec, schema: str) -> list[str | None]:
    (color,) = [part["properties"]["color"] for part in asana_spec["components"]["schemas"][schema]["allOf"]
                if "color" in part.get("properties", {})]  # fmt: skip
    return color["enum"]


def test_tags_take_the_spec_colours_and_no_other(sandbox, asana_spec):
    colors = _spec_colors(asana_spec, "TagBase")
    assert "none" not in colors and None in colors
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    for i, color in enumerate(colors):
        made = s.post(f"{base}/tags", json={"data": {"name": f"t{i}", "workspace": ws,
                                                     "color": color}})  # fmt: skip
        assert made.status_code == 201 and made.json()["data"].get("color", color) == color
    refused = s.post(f"{base}/tags", json={"data": {"name": "x", "workspace": ws, "color": "none"}})
    assert _error(refused).startswith("data.color: 'none' is not one of dark-pink")


def test_projects_take_the_spec_colours(sandbox, asana_spec):
    colors = _spec_colors(asana_spec, "ProjectBase")
    assert "none" in colors
    s, base = session_for(sandbox), sandbox.base_url
    for i, color in enumerate(colors):
        made = s.post(f"{base}/teams/{sandbox.team_gid}/projects",
                      json={"data": {"name": f"p{i}", "color": color}})  # fmt: skip
        assert made.status_code == 201, (color, made.text)
