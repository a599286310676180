"""Where the sandbox followed Asana's spec (/work/shared/asana/asana_oas.yaml) too loosely: a
project made in an organization without a team, a workspace that is not an organization (whose
projects have no team: the spec's ``team`` is never null), and tag and portfolio colours (no
``none`` on create or update). Each rule is read from the spec where the spec states it, so
drift fails here."""

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


# -- portfolio colours ---------------------------------------------------------------------------


def test_the_spec_updates_portfolios_with_the_colours_it_creates_them_with(asana_spec):
    schemas = asana_spec["components"]["schemas"]
    for request in ("PortfolioRequest", "PortfolioUpdateRequest"):
        assert schemas[request]["allOf"][0] == {"$ref": "#/components/schemas/PortfolioBase"}
    colors = _spec_colors(asana_spec, "PortfolioBase")
    assert "none" not in colors and None not in colors  # unlike projects and tags


def test_portfolios_take_the_spec_colours_and_no_other(sandbox, asana_spec):
    colors = _spec_colors(asana_spec, "PortfolioBase")
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    conformance = Conformance(asana_spec)
    for i, color in enumerate(colors):
        made = s.post(f"{base}/portfolios", json={"data": {"name": f"p{i}", "workspace": ws,
                                                            "color": color}})  # fmt: skip
        assert made.status_code == 201 and made.json()["data"]["color"] == color, made.text
    plain = s.post(f"{base}/portfolios", json={"data": {"name": "plain", "workspace": ws}})
    assert plain.status_code == 201 and plain.json()["data"]["color"] in colors
    conformance.check_response("POST", "/portfolios", 201, plain.json())
    gid = plain.json()["data"]["gid"]
    for bad in ("none", None, "red"):
        shown = "null" if bad is None else repr(bad)
        refused = s.post(f"{base}/portfolios", json={"data": {"name": "x", "workspace": ws,
                                                               "color": bad}})  # fmt: skip
        assert _error(refused).startswith(f"data.color: {shown} is not one of dark-pink")
        conformance.check_response("POST", "/portfolios", 400, refused.json())
        refused = s.put(f"{base}/portfolios/{gid}", json={"data": {"color": bad}})
        assert _error(refused).startswith(f"data.color: {shown} is not one of dark-pink")
        conformance.check_response("PUT", f"/portfolios/{gid}", 400, refused.json())
    assert (
        s.get(f"{base}/portfolios/{gid}").json()["data"]["color"] == plain.json()["data"]["color"]
    )
    mine = s.get(f"{base}/portfolios", params={"workspace": ws, "owner": "me"}).json()["data"]
    assert len(mine) == len(colors) + 1  # the refused ones made nothing
    updated = s.put(f"{base}/portfolios/{gid}", json={"data": {"color": "dark-teal", "name": "P"}})
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["color"] == "dark-teal" and updated.json()["data"]["name"] == "P"
    conformance.check_response("PUT", f"/portfolios/{gid}", 200, updated.json())
    sandbox.store.records["portfolio"][gid].color = "none"  # as an older sandbox kept it
    assert s.get(f"{base}/portfolios/{gid}").json()["data"]["color"] in colors


def test_a_portfolio_update_changes_only_what_is_sent(sandbox):
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    made = s.post(f"{base}/portfolios", json={"data": {"name": "Q3", "workspace": ws,
                                                        "color": "dark-red"}}).json()["data"]  # fmt: skip
    url = f"{base}/portfolios/{made['gid']}"
    dated = s.put(url, json={"data": {"start_on": "2030-01-01", "due_on": "2030-03-31",
                                      "default_access_level": "viewer"}}).json()["data"]  # fmt: skip
    assert (dated["name"], dated["color"]) == ("Q3", "dark-red")
    assert (dated["start_on"], dated["due_on"]) == ("2030-01-01", "2030-03-31")
    assert dated["default_access_level"] == "viewer"
    cases = [({"due_on": None}, "data.due_on: the portfolio has a start date"),
             ({"due_on": "2029-12-01"}, "data.due_on: must be after the portfolio's start date"),
             ({"workspace": ws}, "data.workspace: create-only"),
             ({"colour": "dark-red"}, "data.colour: unknown field (did you mean 'color'?)")]  # fmt: skip
    for body, expected in cases:
        assert _error(s.put(url, json={"data": body})).startswith(expected)
    assert s.get(url).json()["data"]["due_on"] == "2030-03-31"


# -- a project without a team ---------------------------------------------------------------------


def test_the_spec_never_lets_a_project_s_team_be_null(asana_spec):
    (team,) = [part["properties"]["team"]
               for part in asana_spec["components"]["schemas"]["ProjectResponse"]["allOf"]
               if "team" in part.get("properties", {})]  # fmt: skip
    assert all(not part.get("nullable") for part in team["allOf"]) and "nullable" not in team


def test_a_project_in_a_workspace_without_teams_has_no_team_field(make_sandbox, asana_spec):
    sandbox = make_sandbox(organization=False)
    s, base, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    conformance = Conformance(asana_spec)
    made = s.post(f"{base}/projects", json={"data": {"name": "P", "workspace": ws}})
    assert made.status_code == 201 and "team" not in made.json()["data"], made.text
    conformance.check_response("POST", "/projects", 201, made.json())
    gid = made.json()["data"]["gid"]
    got = s.get(f"{base}/projects/{gid}")
    assert "team" not in got.json()["data"] and got.json()["data"]["workspace"]["gid"] == ws
    conformance.check_response("GET", f"/projects/{gid}", 200, got.json())
    picked = s.get(f"{base}/projects/{gid}", params={"opt_fields": "name,team.name"})
    assert picked.json()["data"] == {"gid": gid, "name": "P"}
    listed = s.get(f"{base}/workspaces/{ws}/projects", params={"opt_fields": "team,name"})
    assert listed.json()["data"] == [{"gid": gid, "name": "P"}]
    conformance.check_response("GET", f"/workspaces/{ws}/projects", 200, listed.json(), True)
    made = s.post(f"{base}/workspaces/{ws}/projects", json={"data": {"name": "W"}})
    conformance.check_response("POST", f"/workspaces/{ws}/projects", 201, made.json())
