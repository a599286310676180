"""A URL that urllib cannot parse (an IPv6 host left open, a port out of range) is a 422
naming its field, not a 500 from deep inside a request: a job's ``target.url``, the token
check's ``url``; ``busywork serve --allow-url`` refuses it too."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from adapters.asana.tokens import Tokens, write_tokens
from cli import main
from tests.test_web import servers

BAD = ["http://[::1/api/1.0", "http://127.0.0.1:99999/api/1.0", "http://127.0.0.1:-1/api/1.0"]


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


@pytest.fixture
def tokens(tmp_path):
    path = tmp_path / "tokens.toml"
    write_tokens(path, Tokens(people={"alice@example.com": "a" * 20}, default="d" * 20))
    return path


@pytest.mark.parametrize("url", BAD)
def test_a_job_with_an_unparsable_target_url_is_a_422(make_web, tokens, url):
    web = make_web(tokens_file=tokens)
    response = web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max",
                        "scenario": {"days": 2}, "target": {"kind": "asana", "url": url}})  # fmt: skip
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "target.url"
    assert error["message"].startswith(f"target.url: {url!r} does not parse (")
    assert "expected an http(s) URL of the API" in error["message"]
    assert web.ok("GET", "/jobs") == []


@pytest.mark.parametrize("url", BAD)
@pytest.mark.parametrize("who", [{"person": "alice@example.com"}, {"token": "t" * 20}])
def test_a_token_check_against_an_unparsable_url_is_a_422(make_web, tokens, url, who):
    web = make_web(tokens_file=tokens)
    response = web.call("POST", "/tokens/validate", json={"url": url, **who})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "url"
    assert "does not parse" in response.json()["error"]["message"]


def test_a_url_with_credentials_that_does_not_parse_is_not_echoed(make_web, tokens):
    web = make_web(tokens_file=tokens)
    url = "http://user:s3cret@[::1/api/1.0"
    response = web.call("POST", "/tokens/validate", json={"url": url, "token": "t" * 20})
    assert response.status_code == 422, response.text
    assert "s3cret" not in response.text


def test_serve_refuses_an_unparsable_allow_url(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--data", str(tmp_path),
                                       "--allow-url", BAD[0]])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"--allow-url: {BAD[0]!r} does not parse" in result.output


SPACED = "http://exa mple.com/api/1.0"
SPACED_SAYS = (f"{SPACED!r} holds a space; expected an http(s) URL of the API without any, "
               "e.g. https://app.asana.com/api/1.0")  # fmt: skip


def test_a_target_url_with_a_space_inside_is_a_422_naming_it(make_web, tokens):
    web = make_web(tokens_file=tokens)
    response = web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max",
                        "scenario": {"days": 2}, "target": {"kind": "asana", "url": SPACED}})  # fmt: skip
    assert response.status_code == 422, response.text
    assert response.json() == {"error": {"status": 422, "field": "target.url",
                                         "message": f"target.url: {SPACED_SAYS}"}}  # fmt: skip
    assert web.ok("GET", "/jobs") == []


def test_the_command_line_refuses_a_url_with_a_space_naming_to(tmp_path, tokens):
    # The one check (api_url_problem), before anything connects: not the HTTP client's
    # "Failed to parse" without the option.
    run = tmp_path / "run"
    assert CliRunner().invoke(main, ["simulate", "--out", str(run), "--days", "1"]).exit_code == 0
    result = CliRunner().invoke(main, ["replay", str(run), "--to", SPACED, "--tokens", str(tokens)])
    assert result.exit_code == 2, result.output
    assert f"Error: --to: {SPACED_SAYS}" in result.output
