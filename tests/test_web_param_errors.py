"""A bad query or path parameter is answered in the API's error shape with a message naming
the parameter, the value given (cut short when long) and what was expected."""

from __future__ import annotations

import pytest

from tests.test_web import shared_web  # noqa: F401 (the fixture)


@pytest.mark.parametrize(
    ("path", "field", "start"),
    [
        ("/jobs/x/activity?limit=0", "limit", "limit: '0'; expected `int` >= 1"),
        ("/jobs/x/activity?limit=1.5", "limit", "limit: '1.5'; expected `int`, got `str`"),
        ("/jobs/x/activity?before=abc", "before", "before: 'abc'; expected `int | null`"),
        ("/jobs/x/activity?since=garbage", "since", "since: 'garbage'; invalid RFC3339"),
        ("/jobs/x/stream?after=-1", "after", "after: '-1'; expected `int` >= 0"),
        ("/jobs/x?remove_run=maybe", "remove_run", "remove_run: 'maybe'; expected `bool`"),
        (f"/jobs/x/activity?q={'a' * 300}", "q", f"q: '{'a' * 60}…'; expected `str` of length"),
        (f"/jobs/{'j' * 201}", "job_id", f"job_id: '{'j' * 60}…'; expected `str` of length"),
    ],
)
def test_a_bad_parameter_is_named_with_its_value(shared_web, path, field, start):  # noqa: F811
    method = "DELETE" if "remove_run" in path else "GET"
    response = shared_web.call(method, path)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"].startswith(start), error["message"]
