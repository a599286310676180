"""Task search (``GET /workspaces/{gid}/tasks/search``): its filters, sorting and limit, its
errors, and the free plan's 402."""

from __future__ import annotations

import pytest

from tests.sandbox_fixtures import error_message, session_for

pytest_plugins = ["tests.sandbox_fixtures"]


@pytest.fixture
def world(sandbox):
    """Two projects; tasks with assignees, notes, due dates, a subtask, one complete, a tag."""
    s, b = session_for(sandbox), sandbox.base_url
    team = sandbox.team_gid

    def post(path: str, **data) -> str:
        response = s.post(f"{b}{path}", json={"data": data})
        assert response.status_code == 201, response.text
        return response.json()["data"]["gid"]

    launch = post(f"/teams/{team}/projects", name="Launch")
    ops = post(f"/teams/{team}/projects", name="Ops")
    tag = post(f"/workspaces/{sandbox.workspace_gid}/tags", name="urgent")
    gids = {
        "report": post("/tasks", name="Write the launch report", projects=[launch],
                       assignee="bob@example.com", due_on="2030-01-10", notes="numbers"),
        "slides": post("/tasks", name="Slides", projects=[launch], assignee="me",
                       due_on="2030-01-05", notes="for the launch review", tags=[tag]),
        "backup": post("/tasks", name="Check the backups", projects=[ops],
                       assignee="bob@example.com", completed=True),
        "both": post("/tasks", name="Shared", projects=[launch, ops]),
    }  # fmt: skip
    gids["sub"] = post(f"/tasks/{gids['report']}/subtasks", name="Report figures",
                       assignee="bob@example.com")  # fmt: skip
    return s, f"{b}/workspaces/{sandbox.workspace_gid}/tasks/search", gids, (launch, ops, tag)


def _found(world, **params: str) -> set[str]:
    s, url, gids, _ = world
    response = s.get(url, params=params)
    assert response.status_code == 200, response.text
    names = {gid: name for name, gid in gids.items()}
    return {names[t["gid"]] for t in response.json()["data"]}


def test_search_filters(world, sandbox):
    _, _, _, (launch, ops, tag) = world
    every = {"report", "slides", "backup", "both", "sub"}
    assert _found(world) == every  # complete or not, subtasks too
    assert _found(world, text="LAUNCH") == {"report", "slides"}  # name or notes
    assert _found(world, text="launch report") == {"report"}  # every word
    assert _found(world, **{"assignee.any": "bob@example.com"}) == {"report", "backup", "sub"}
    assert _found(world, **{"assignee.any": f"me,{sandbox.users['bob@example.com']}"}) == (
        every - {"both"}
    )
    assert _found(world, **{"assignee.not": "bob@example.com"}) == {"slides", "both"}
    assert _found(world, **{"projects.any": launch}) == {"report", "slides", "both"}
    assert _found(world, **{"projects.all": f"{launch},{ops}"}) == {"both"}
    assert _found(world, **{"projects.not": launch}) == {"backup", "sub"}
    assert _found(world, **{"tags.any": tag}) == {"slides"}
    assert _found(world, completed="true") == {"backup"}
    assert _found(world, completed="false") == every - {"backup"}
    assert _found(world, is_subtask="true") == {"sub"}
    assert _found(world, is_subtask="false", **{"assignee.any": "bob@example.com"}) == {
        "report", "backup"}  # fmt: skip
    assert _found(world, **{"due_on.before": "2030-01-10"}) == {"slides"}
    assert _found(world, **{"due_on.after": "2030-01-05"}) == {"report"}
    assert _found(world, due_on="null") == {"backup", "both", "sub"}
    assert _found(world, **{"created_at.after": "2000-01-01T00:00:00Z"}) == every
    assert _found(world, **{"created_at.before": "2000-01-01T00:00:00Z"}) == set()
    assert _found(world, **{"teams.any": sandbox.team_gid}) == every - {"sub"}


def test_search_sorts_and_limits(world):
    s, url, gids, _ = world

    def order(**params: str) -> list[str]:
        names = {gid: name for name, gid in gids.items()}
        return [names[t["gid"]] for t in s.get(url, params=params).json()["data"]]

    made = ["report", "slides", "backup", "both", "sub"]
    assert order(sort_by="created_at", sort_ascending="true") == made
    assert order(sort_by="created_at") == made[::-1]
    assert order() == made[::-1]  # modified_at, newest first
    assert order(sort_by="due_date", sort_ascending="true")[:2] == ["slides", "report"]
    assert order(sort_by="due_date")[:2] == ["report", "slides"]  # no due date: last either way
    body = s.get(url, params={"limit": 2, "sort_by": "created_at", "sort_ascending": "true",
                              "opt_fields": "name,assignee.name"}).json()  # fmt: skip
    assert body == {"data": [  # not paginated: no next_page
        {"gid": gids["report"], "name": "Write the launch report",
         "assignee": {"gid": body["data"][0]["assignee"]["gid"], "name": "Bob Brown"}},
        {"gid": gids["slides"], "name": "Slides",
         "assignee": {"gid": body["data"][1]["assignee"]["gid"], "name": "Alice Adams"}}]}  # fmt: skip


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"completed": "yes"}, "completed: expected true or false, got 'yes'"),
        ({"assignee.any": "nobody@x.org"}, "assignee.any: unknown user 'nobody@x.org'"),
        ({"projects.any": "1"}, "projects.any: unknown project '1'"),
        ({"sort_by": "name"}, "sort_by: 'name' is not one of modified_at, relevance, created_at, "
                              "completed_at, due_date, likes"),
        ({"due_on.before": "soon"}, "due_on.before: 'soon' is not a date (expected YYYY-MM-DD)"),
        ({"limit": "101"}, "limit: must be an integer from 1 to 100, got '101'"),
        ({"offset": "abc"}, "offset: search results are not paginated (sort_by=created_at and "
                            "filter with created_at.after instead)"),
        ({"due_at.before": "2030-01-01T00:00:00Z"},
         "due_at.before: not supported by the sandbox (the sandbox keeps no due times: use due_on)"),
        ({"custom_fields.123.is_set": "true"}, "custom_fields.123.is_set: not supported by the "
                                               "sandbox (the sandbox does not search custom field values)"),
        ({"resource_subtype": "task"}, "resource_subtype: 'task' is not one of default_task, "
                                       "milestone, approval, custom"),
        ({"assignee.all": "me"}, "assignee.all: unknown query parameter"),
    ],
)  # fmt: skip
def test_a_bad_search_parameter_is_a_400_naming_it(world, params, message):
    s, url, _, _ = world
    assert error_message(s.get(url, params=params), 400).startswith(message)


def test_search_in_an_unknown_workspace_is_a_404(sandbox):
    r = session_for(sandbox).get(f"{sandbox.base_url}/workspaces/1/tasks/search")
    assert error_message(r, 404) == "workspace: unknown gid '1'"


def test_the_free_plan_refuses_search_with_402(make_sandbox):
    sb = make_sandbox(plan="free")
    r = session_for(sb).get(f"{sb.base_url}/workspaces/{sb.workspace_gid}/tasks/search",
                            params={"text": "x"})  # fmt: skip
    assert error_message(r, 402) == "Search is only available to premium users."
