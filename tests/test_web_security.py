"""What a web page on another site, or a caller of the API, must not be able to do: make the
user's browser steer the server (CSRF), send the server's tokens to a URL of its choosing, read
the server's files through `scenario_file`, or see a token echoed back in an error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import requests

from adapters.asana.tokens import Tokens, write_tokens
from adapters.json_depth import MAX_JSON_DEPTH
from adapters.web.destinations import token_url_problem
from tests.loopback import LoopbackServer
from tests.test_web import FAST, servers

ALICE_TOKEN = "alice-secret-token-4711"
ADMIN_TOKEN = "admin-secret-token-0815"
PEOPLE = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"}]
COLLECTOR = "http://collector.example/api/1.0"  # reached through the recording proxy below


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


@pytest.fixture
def tokens_file(tmp_path) -> Path:
    path = tmp_path / "tokens.toml"
    write_tokens(path, Tokens(people={"alice@example.com": ALICE_TOKEN}, default=ADMIN_TOKEN))
    return path


class Recorder:
    """An HTTP proxy on 127.0.0.1 that records the Authorization header of every request it
    gets and answers like a tiny Asana. With HTTP_PROXY pointing at it, a request the server
    makes to any http:// host but loopback lands here, so a token sent there is seen."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                recorder.seen.append((self.path, self.headers.get("Authorization", "")))
                me = {"gid": "1", "name": "Someone", "email": "someone@example.com"}
                data = me if self.path.endswith("/users/me") else []
                if self.path.split("?")[0].endswith("/workspaces"):
                    data = [{"gid": "1", "name": "Collected"}]
                body = json.dumps({"data": data}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args) -> None:
                pass

        self.server = LoopbackServer(Handler).start()
        self.url = self.server.root_url

    def tokens(self) -> set[str]:
        return {auth.removeprefix("Bearer ") for _, auth in self.seen}

    def close(self) -> None:
        self.server.stop()


@pytest.fixture
def recorder(monkeypatch) -> Iterator[Recorder]:
    rec = Recorder()
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, rec.url)
    for name in ("NO_PROXY", "no_proxy"):  # the test's own calls to the web app go direct
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    yield rec
    rec.close()


def _error(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status
    return error


# -- cross-site requests -----------------------------------------------------------------------


def test_a_text_plain_body_or_a_foreign_origin_is_refused(make_web):
    web = make_web()
    spec = json.dumps({"scenario": {"days": 1}, "start": False})
    plain = {"Content-Type": "text/plain"}
    error = _error(web.call("POST", "/jobs", data=spec, headers=plain), 415)
    assert "application/json" in error["message"]
    bare = requests.post(f"{web.url}/api/jobs", data=spec.encode(), timeout=10)  # no type
    _error(bare, 415)
    evil = {"Origin": "http://evil.example"}
    error = _error(web.call("POST", "/jobs", data=spec, headers={**plain, **evil}), 403)
    assert "other sites" in error["message"]
    _error(web.call("POST", "/jobs", json={"start": False}, headers=evil), 403)
    _error(web.call("POST", "/jobs", json={"start": False}, headers={"Origin": "null"}), 403)
    assert web.ok("GET", "/jobs") == []  # nothing was made
    # The dashboard's own requests carry its origin: accepted.
    own = {"Origin": web.url}
    job = web.ok("POST", "/jobs", json={"scenario": {"days": 1}, "start": False}, headers=own)
    # Steering without a body is refused from another site too, and the job is untouched.
    for action in ("start", "stop"):
        _error(web.call("POST", f"/jobs/{job['id']}/{action}", headers=evil), 403)
    _error(web.call("DELETE", f"/jobs/{job['id']}", headers=evil), 403)
    assert web.ok("GET", f"/jobs/{job['id']}")["status"] == "pending"


def test_the_configured_cors_origin_may_call(make_web):
    web = make_web(cors_origin="https://dash.example")
    allowed = {"Origin": "https://dash.example"}
    response = web.call("POST", "/jobs", json={"scenario": {"days": 1}, "start": False},
                        headers=allowed)  # fmt: skip
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == "https://dash.example"
    other = {"Origin": "https://other.example"}
    _error(web.call("GET", "/jobs", headers=other), 403)


def test_a_foreign_host_name_is_refused_without_an_api_token(make_web):
    # DNS rebinding: a page on rebind.example whose name now points at 127.0.0.1 is
    # same-origin to the browser; its requests still say Host: rebind.example.
    web = make_web()
    rebound = {"Host": "rebind.example:8000", "Origin": "http://rebind.example:8000"}
    error = _error(web.call("GET", "/jobs", headers=rebound), 403)
    assert "localhost" in error["message"]
    assert web.call("GET", "/jobs", headers={"Host": "localhost"}).status_code == 200
    served = make_web(api_token="tok-1234")  # off localhost a token is required instead
    assert served.call("GET", "/jobs", headers={"Host": "busywork.internal"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "field", "words"),
    [(b"", 400, None, "empty"), (b"null", 400, None, "JSON object"),
     (b"[1, 2]", 400, None, "JSON object"), (b'{"speed": 1e400}', 422, "speed", "out of range"),
     (b'{"scenario": {"people": [{"x": -1e999}]}}', 422, "scenario.people[0].x",
      "out of range"),
     (b'{"scenario": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400, None, "nested too deeply"),
     # one level past the limit, which msgspec decodes on every Python; with a number out of
     # range inside, that the path to it would be too long to say
     (b'{"scenario": ' + b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH + b"}", 400, None,
      f"nested too deeply; expected at most {MAX_JSON_DEPTH} levels"),
     (b'{"scenario": ' + b"[" * MAX_JSON_DEPTH + b"1e400" + b"]" * MAX_JSON_DEPTH + b"}", 400,
      None, "nested too deeply"),
     (b'{"name": "\xff"}', 400, None, "not UTF-8"),
     (b"nul", 400, None, "JSON is malformed: input data was truncated")],
)  # fmt: skip
def test_bodies_that_are_not_a_json_object(make_web, body, status, field, words):
    web = make_web()
    response = web.call("POST", "/jobs", data=body, headers={"Content-Type": "application/json"})
    error = _error(response, status)
    assert error["field"] == field and words in error["message"]
    assert "'data'" not in error["message"]


def test_a_body_nested_as_deep_as_the_limit_is_checked_as_usual(make_web):
    levels = MAX_JSON_DEPTH - 1  # with the body's own object: the limit
    body = b'{"scenario": ' + b"[" * levels + b"]" * levels + b"}"
    response = make_web().call("POST", "/jobs", data=body,
                               headers={"Content-Type": "application/json"})  # fmt: skip
    error = _error(response, 400)
    assert error["field"] == "scenario" and "expected `object`" in error["message"].lower()


# -- where the server's tokens may go ----------------------------------------------------------


def test_the_destination_rule():
    assert token_url_problem("https://app.asana.com/api/1.0") == ""
    assert token_url_problem("https://APP.asana.com:443/api/1.0/") == ""
    for local in ("http://127.0.0.1:9/api/1.0", "http://localhost:8080/x", "http://[::1]:1/"):
        assert token_url_problem(local) == ""
    for far in ("https://app.asana.com.evil.example/api/1.0", "http://app.asana.com/api/1.0",
                "https://app.asana.com/api/1.0x", "https://app.asana.com/other",
                "http://10.0.0.1/api/1.0", COLLECTOR):  # fmt: skip
        assert "--allow-url" in token_url_problem(far), far
    allowed = ("https://asana.corp.example/api/1.0",)
    assert token_url_problem("https://asana.corp.example/api/1.0/", allowed) == ""
    assert token_url_problem("https://asana.corp.example:8443/api/1.0", allowed)
    assert token_url_problem("https://asana.corp.example/api", allowed)


def test_the_destination_rule_quotes_the_url_as_every_message_does_never_its_secrets():
    far = "https://asana.corp.example/api/1.0"
    assert token_url_problem(far).startswith(f"{far!r}: the server's tokens go only to ")
    # What may hold a key (a query, a fragment, user info) is never echoed; nor a token-shaped URL.
    for hiding in ("?key=sk-live-1234", "#sk-live-1234"):
        said = token_url_problem(far + hiding)
        assert said.startswith(f"{far!r}: ") and "sk-live" not in said
    said = token_url_problem("https://me:sk-live-1234@asana.corp.example/api/1.0")
    assert said.startswith(f"{far!r}: ") and "sk-live" not in said
    said = token_url_problem("https://x.example/" + "ab12" * 10)
    assert said.startswith("the value is not shown: it looks like a token; ") and "ab12" not in said


def test_validate_never_sends_a_file_token_to_a_url_not_allowed(make_web, tokens_file, recorder):
    web = make_web(tokens_file=tokens_file)
    refused = web.call("POST", "/tokens/validate",
                       json={"person": "alice@example.com", "url": COLLECTOR})  # fmt: skip
    error = _error(refused, 422)
    assert error["field"] == "url" and "--allow-url" in error["message"]
    assert recorder.seen == []
    # A token the caller pasted is theirs: it may go anywhere (and the recorder does see it).
    pasted = web.ok("POST", "/tokens/validate", json={"token": "my-own-token", "url": COLLECTOR})
    assert pasted["valid"] and recorder.tokens() == {"my-own-token"}
    # With --allow-url the operator allows the URL; the file's token then goes there.
    allowing = make_web(tokens_file=tokens_file, token_urls=(COLLECTOR,))
    allowing.ok("POST", "/tokens/validate", json={"person": "alice@example.com", "url": COLLECTOR})
    assert ALICE_TOKEN in recorder.tokens()


def test_jobs_never_send_file_tokens_to_a_url_not_allowed(make_web, tokens_file, recorder,
                                                          tmp_path):  # fmt: skip
    data = tmp_path / "replays"
    target = {"kind": "asana", "url": COLLECTOR, "workspace": "1"}
    spec = {"mode": "backfill", "speed": "max", "scenario": {"days": 1, "people": PEOPLE},
            "target": target}  # fmt: skip
    web = make_web(data_dir=data, tokens_file=tokens_file)
    error = _error(web.call("POST", "/jobs", json=spec), 422)
    assert error["field"] == "target.url" and "--allow-url" in error["message"]
    # A job made while the URL was allowed, started on a server that no longer allows it: the
    # start is refused with the reason (the job waits for a server that allows it), and no
    # token is sent.
    allowing = make_web(data_dir=data, tokens_file=tokens_file, token_urls=(COLLECTOR,))
    job = allowing.create(**spec, start=False)  # its workspace checked there: allowed then
    allowing.stop()
    allowed_then = len(recorder.seen)
    again = make_web(data_dir=data, tokens_file=tokens_file)
    refused = _error(again.call("POST", f"/jobs/{job['id']}/start"), 409)
    assert "target.url" in refused["message"] and "--allow-url" in refused["message"]
    assert again.ok("GET", f"/jobs/{job['id']}")["status"] == "pending"
    cleaning = again.call("DELETE", f"/jobs/{job['id']}", params={"clean_target": "true"})
    assert _error(cleaning, 422)["field"] == "clean_target"
    assert recorder.seen[allowed_then:] == []


# -- scenario files ----------------------------------------------------------------------------


def test_scenario_file_must_be_a_toml_file_under_the_working_directory(make_web, tmp_path,
                                                                       tokens_file):  # fmt: skip
    home = tmp_path / "home"
    (home / ".secret").mkdir(parents=True)
    web = make_web(base_dir=home, tokens_file=tokens_file)
    outside = tmp_path / "outside.toml"
    outside.write_text('industry = "outside-value-123"\n', encoding="utf-8")
    (home / ".secret" / "s.toml").write_text('industry = "hidden-value-456"\n', encoding="utf-8")
    (home / "notes.txt").write_text('industry = "text-value-789"\n', encoding="utf-8")
    (home / "link.toml").symlink_to(outside)
    home_tokens = home / "tokens.toml"
    home_tokens.write_bytes(tokens_file.read_bytes())
    inside_tokens = make_web(base_dir=home, tokens_file=home_tokens)
    cases = [(web, str(outside)), (web, "../outside.toml"), (web, "link.toml"),
             (web, ".secret/s.toml"), (web, "notes.txt"), (web, str(tokens_file)),
             (inside_tokens, "tokens.toml"), (web, "/etc/passwd")]  # fmt: skip
    for server, name in cases:
        error = _error(server.call("POST", "/jobs", json={"scenario_file": name}), 422)
        assert error["field"] == "scenario_file", name
        for secret in ("value-", ALICE_TOKEN, ADMIN_TOKEN, "root:"):
            assert secret not in error["message"], (name, error["message"])
    (home / "team.toml").write_text('industry = "finance"\n', encoding="utf-8")
    assert web.create(scenario_file="team.toml", start=False)["status"] == "pending"


# -- tokens are never echoed -------------------------------------------------------------------


def test_a_token_pasted_where_an_email_belongs_is_not_echoed(make_web, tokens_file):
    web = make_web(tokens_file=tokens_file)
    pasted = "SGrx7Y0Dpasted-token-value"
    target = {"kind": "asana", "tokens": {"alice@example.com": pasted}}
    response = web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max",
                        "scenario": {"people": PEOPLE}, "target": target})  # fmt: skip
    error = _error(response, 422)
    assert error["field"] == "target.tokens.alice@example.com"
    assert "GET /api/tokens" in error["message"] and pasted not in response.text
    response = web.call("POST", "/tokens/validate", json={"person": pasted})
    assert _error(response, 422)["field"] == "person" and pasted not in response.text


def test_a_content_model_that_is_no_claude_id_is_refused_without_a_key(make_web, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    web = make_web()
    scenario = {"days": 1, "content": "anthropic", "content_model": "sk-ant-oops"}
    response = web.call("POST", "/jobs", json={"scenario": scenario, "start": False})
    error = _error(response, 422)
    assert error["field"] == "scenario.content_model" and "sk-ant-oops" not in response.text
    scenario["content_model"] = "claude-haiku-5-5"  # well formed: templates, with a warning
    job = web.create(scenario=scenario, speed=FAST, start=False)
    assert any("templates" in w for w in job["warnings"])


def test_allow_url_must_be_an_http_url_without_credentials():
    from click.testing import CliRunner

    from cli import main

    for url, words in (("ftp://x.example/api", "http(s) URL"),
                       ("https://me:pw-99@x.example/api", "credentials")):  # fmt: skip
        result = CliRunner().invoke(main, ["serve", "--port", "0", "--allow-url", url])
        assert result.exit_code == 2 and words in result.output and "pw-99" not in result.output
