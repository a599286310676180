"""A job whose target URL is not an API's base (``/api/1.0`` left off) is told so by the web's
field, ``target.url``, not by the command line's ``--to``; the CLI keeps ``--to``."""

from __future__ import annotations

import pytest

from adapters.asana.replay_destination import Destination, connect
from adapters.asana.tokens import Tokens
from engine.errors import InvalidInput
from tests.replay_checks import Gate
from tests.test_web import servers, wait_for

PEOPLE = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"}]


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def test_a_url_without_the_api_path_is_refused_naming_target_url(make_web, sandbox, tokens_file):
    web = make_web(tokens_file=tokens_file)
    response = web.call("POST", "/jobs", json={
        "mode": "backfill", "speed": "max", "scenario": {"days": 2, "people": PEOPLE},
        "target": {"kind": "asana", "url": sandbox.root_url}})  # fmt: skip
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "target.url"
    assert error["message"].startswith(f"target.url: {sandbox.root_url!r} answered 404 to GET")
    assert "--to" not in error["message"]
    assert web.ok("GET", "/jobs") == []


def test_the_command_line_names_its_own_flag(sandbox):
    tokens = Tokens(people={}, default=sandbox.admin_token)
    with pytest.raises(InvalidInput, match=r"^--to: .* answered 404 to GET /workspaces"):
        connect(sandbox.root_url, tokens, Destination(to=sandbox.root_url))


def test_a_job_that_could_not_check_its_url_at_creation_fails_naming_target_url(
    make_web, sandbox, tokens_file
):
    web = make_web(tokens_file=tokens_file)
    with Gate(sandbox.root_url, lambda method, path: path.endswith("/workspaces")) as gate:
        root = gate.base_url.removesuffix("/api/1.0")  # refused at creation: not checked then
        job = web.call("POST", "/jobs", json={
            "mode": "backfill", "speed": "max", "scenario": {"days": 2, "people": PEOPLE},
            "target": {"kind": "asana", "url": root}, "start": False})  # fmt: skip
        assert job.status_code == 201, job.text
        gate.refusing = False
        job_id = job.json()["id"]
        web.ok("POST", f"/jobs/{job_id}/start")
        failed = wait_for(lambda: (v := web.ok("GET", f"/jobs/{job_id}"))["status"] == "failed"
                          and v, timeout=60)  # fmt: skip
    assert failed["error"].startswith(f"target.url: {root!r} answered 404 to GET /workspaces")
    assert "--to" not in failed["error"]


def test_a_token_checked_against_a_url_without_the_api_path_is_told_so(
    make_web, sandbox, tokens_file
):
    web = make_web(tokens_file=tokens_file)
    check = web.ok("POST", "/tokens/validate",
                   json={"person": "alice@example.com", "url": sandbox.root_url})  # fmt: skip
    assert check["valid"] is False
    assert check["message"].startswith(f"url: {sandbox.root_url!r} answered 404 to GET /users/me")
    assert "ending in /api/1.0" in check["message"]
