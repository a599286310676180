"""Secrets never leak: canary tokens and keys sent down every path where one could surface
(a target that quotes our Authorization header in its errors, a password in a URL, a token
with characters no header may hold, a token where an email belongs, the repr of every object
holding one, the web server's log), then looked for in all the run left behind: its output,
its folder, the API's answers and the server's log."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import requests

from adapters.asana.client import ApiRejected, AsanaClient, Unavailable
from adapters.asana.tokens import Tokens, write_tokens
from tests.loopback import LoopbackServer
from tests.replay_checks import FAST, run_people, synthetic_run, tokens_of, write_tokens_file
from tests.runner import BUSYWORK, busywork
from tests.test_web import servers

CANARY = "CANARY"  # in every secret below, and in nothing else
ALICE = "0/CANARY-asana-alice-1234567890abcdef"
ADMIN = "0/CANARY-asana-admin-1234567890abcdef"
API_TOKEN = "CANARY-api-token-9876543210"
PEOPLE = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"}]
TEAM = [*PEOPLE, {"name": "Bob Brown", "email": "bob@example.com", "role": "lead"}]


def leaks(texts: dict[str, str]) -> dict[str, str]:
    """The texts (by name) holding a canary, each cut around the first one."""
    found = {}
    for name, text in texts.items():
        at = text.find(CANARY)
        if at >= 0:
            found[name] = text[max(0, at - 120) : at + 60]
    return found


def folder_texts(folder: Path) -> dict[str, str]:
    return {str(p): p.read_bytes().decode("utf-8", "replace")
            for p in folder.rglob("*") if p.is_file()}  # fmt: skip


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


@pytest.fixture
def web_log() -> Iterator[list[str]]:
    """The web server's log lines (logger busywork.web) while the test runs: a handler of our
    own, as the app's logging config sends them through a queue and stops them propagating."""
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(handler.format(record))  # type: ignore[method-assign]
    logger = logging.getLogger("busywork.web")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


@pytest.fixture
def canary_tokens(tmp_path) -> Path:
    path = tmp_path / "tokens.toml"
    write_tokens(path, Tokens(people={"alice@example.com": ALICE}, default=ADMIN))
    return path


# -- a target whose error answers quote our Authorization header -------------------------------


class EchoingGateway:
    """An HTTP server on 127.0.0.1 that answers requests whose path ends with `suffix` with
    `status`, quoting the request's Authorization header in the JSON error message (or, with
    ``json=False``, in the reason phrase of a body that is not JSON), as a misconfigured proxy
    or a debugging server may; every other request goes on to `upstream` (None: answered the
    same way)."""

    def __init__(self, status: int, *, suffix: str = "", json_body: bool = True,
                 upstream: str | None = None):  # fmt: skip
        self.status, self.suffix, self.json_body = status, suffix, json_body
        self.upstream = upstream.rstrip("/") if upstream else None
        self.http = requests.Session()
        self.server = LoopbackServer(_Echo, gateway=self)
        self.base_url = self.server.base_url

    def __enter__(self) -> EchoingGateway:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
        self.http.close()


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def _handle(self) -> None:
        gateway: EchoingGateway = self.server.gateway
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size) if size else None
        auth = self.headers.get("Authorization", "")
        if gateway.upstream is None or self.path.split("?")[0].endswith(gateway.suffix):
            if gateway.json_body:
                content = json.dumps({"errors": [{"message": f"refused: {auth}"}]}).encode()
                self.send_response(gateway.status)
            else:
                content = f"<html>refused for {auth}</html>".encode()
                self.send_response(gateway.status, f"Refused {auth}")
            kind = "application/json" if gateway.json_body else "text/html"
            self.send_header("Content-Type", kind)
        else:
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() in ("authorization", "content-type")}  # fmt: skip
            answer = gateway.http.request(self.command, gateway.upstream + self.path, data=body,
                                          headers=headers, timeout=10)  # fmt: skip
            content = answer.content
            self.send_response(answer.status_code)
            self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize(
    ("status", "json_body", "raised"),
    [
        (400, True, ApiRejected),
        (403, True, ApiRejected),
        (403, False, ApiRejected),  # the reason phrase quotes it
        (404, True, ApiRejected),
        (500, True, Unavailable),  # sent again, then given up naming the last answer
        (503, False, Unavailable),
        (504, True, Unavailable),  # a write in doubt: waited for, then given up
    ],
)
def test_a_target_quoting_the_token_in_its_error_is_redacted(status, json_body, raised):
    with EchoingGateway(status, json_body=json_body) as gateway:
        client = AsanaClient(gateway.base_url, {"default": ADMIN, "alice@example.com": ALICE},
                             backoff=FAST)  # fmt: skip
        try:
            with pytest.raises(raised) as error:
                client.call("alice@example.com", "POST", "/tasks/1/stories", data={"text": "x"})
        finally:
            client.close()
    message = str(error.value)
    assert f"HTTP {status}" in message and "<token hidden>" in message, message
    assert not leaks({"message": message, "repr": repr(error.value)})


def test_a_replay_into_a_target_quoting_tokens_leaves_none_behind(tmp_path, make_sandbox):
    run_dir = synthetic_run(tmp_path / "run", people=2, tasks=2, comments=2)
    people = [p.__class__(p.email, p.name, f"0/CANARY-{i}-{p.token}")
              for i, p in enumerate(run_people(run_dir))]  # fmt: skip
    sandbox = make_sandbox(people=people, admin_token=ADMIN)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, ADMIN))
    with EchoingGateway(403, suffix="/stories", upstream=sandbox.root_url) as gateway:
        result = busywork("replay", str(run_dir), "--to", gateway.base_url, "--tokens",
                          str(tokens), "--json", cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["failed"] > 0, summary
    assert "HTTP 403: refused: Bearer <token hidden>" in summary["errors"][0]
    texts = {"stdout": result.stdout, "stderr": result.stderr, **folder_texts(run_dir)}
    assert not leaks(texts)


# -- a password in a URL, where a "/" hides it from URL parsers ---------------------------------

# Asana's tokens hold a "/": in user:password@host, urllib then reads the host as "user", the
# port as what precedes the "/" and the rest (token and real host) as the path.
URLS_WITH_A_TOKEN = [
    "http://user:0/CANARY-asana-1234@127.0.0.1:9/api/1.0",
    "http://0/CANARY-asana-1234@127.0.0.1:9/api/1.0",
    "http://user:CANARYpw/x@127.0.0.1:9/api/1.0",  # a "port" that is not a number
    "http://user:CANARY?x@127.0.0.1:9/api/1.0",
]


@pytest.mark.parametrize("url", URLS_WITH_A_TOKEN)
def test_a_url_with_a_token_before_an_at_sign_is_refused_unechoed(tmp_path, url, make_web,
                                                                   canary_tokens):  # fmt: skip
    run_dir = synthetic_run(tmp_path / "run", people=1, tasks=1, comments=0)
    replay = busywork("replay", str(run_dir), "--to", url, "--tokens", str(canary_tokens),
                      cwd=tmp_path, check=False)  # fmt: skip
    assert replay.returncode == 2, replay.stderr
    assert replay.stderr.startswith("Error: --to: the URL ")
    web = make_web(tokens_file=canary_tokens)
    job = web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max",
                   "scenario": {"days": 1, "people": PEOPLE},
                   "target": {"kind": "asana", "url": url}})  # fmt: skip
    check = web.call("POST", "/tokens/validate", json={"token": "pasted-1234", "url": url})
    assert job.status_code == check.status_code == 422, (job.text, check.text)
    assert job.json()["error"]["field"] == "target.url" and check.json()["error"]["field"] == "url"
    from click.testing import CliRunner

    from cli import main

    serve = CliRunner().invoke(main, ["serve", "--port", "0", "--data", str(tmp_path / "d"),
                                      "--allow-url", url])  # fmt: skip
    assert serve.exit_code == 2, serve.output
    texts = {"replay": replay.stdout + replay.stderr, "job": job.text, "check": check.text,
             "serve": serve.output, **folder_texts(run_dir)}  # fmt: skip
    assert not leaks(texts)


@pytest.mark.parametrize(
    "password", ["0/sk-ant-CANARY-inurl", "CANARYpw/x", "CANARY?x"], ids=["slash", "port", "query"]
)
def test_an_anthropic_base_url_with_a_password_parsers_misread_is_refused_unechoed(tmp_path,
                                                                                    password):  # fmt: skip
    from tests.fake_anthropic import FakeAnthropic
    from tests.test_anthropic_cli import environment, in_process

    key = "sk-ant-CANARY-key-0123456789"
    with FakeAnthropic(key=key) as fake:
        env = environment(fake, tmp_path, key=key)
        env["ANTHROPIC_BASE_URL"] = fake.base_url.replace("http://", f"http://user:{password}@")
        result = in_process("simulate", "--content", "anthropic", "--days", "2", "--out", "r",
                            cwd=tmp_path, env=env)  # fmt: skip
    assert result.returncode == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ANTHROPIC_BASE_URL: ") and "is not a usable URL" in line
    assert not leaks({"output": result.output}) and not (tmp_path / "r").exists()


def test_the_web_servers_log_holds_no_claude_url_password_nor_key(tmp_path):
    """The server logs warnings and errors, not every request its libraries make (httpx logs
    each URL at INFO, with the user and password of ANTHROPIC_BASE_URL in it)."""
    import os
    import re
    import signal
    import time

    from tests.fake_anthropic import FakeAnthropic

    key = "sk-ant-CANARY-key-0123456789"
    with FakeAnthropic(key=key) as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
        env.update(ANTHROPIC_API_KEY=key, XDG_CACHE_HOME=str(tmp_path / "xdg"),
                   ANTHROPIC_BASE_URL=fake.base_url.replace("http://", "http://u:CANARYpw@"))  # fmt: skip
        server = subprocess.Popen(
            [BUSYWORK, "serve", "--port", "0", "--data", str(tmp_path / "data")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env,
        )  # fmt: skip
        try:
            first = server.stdout.readline()  # type: ignore[union-attr]
            api = re.search(r"http://127\.0\.0\.1:\d+", first).group() + "/api"  # type: ignore[union-attr]
            created = requests.post(f"{api}/jobs", timeout=60, json={
                "scenario": {"days": 3, "content": "anthropic"}, "speed": "max"})  # fmt: skip
            assert created.status_code == 201, created.text
            job = created.json()["id"]
            deadline = time.monotonic() + 60
            while (view := requests.get(f"{api}/jobs/{job}", timeout=10).json())["status"] not in (
                "completed", "failed"):  # fmt: skip
                assert time.monotonic() < deadline, "the job never ended"
                time.sleep(0.2)
        finally:
            server.send_signal(signal.SIGINT)
            out, err = server.communicate(timeout=60)
    assert fake.calls.total() > 0  # Claude was asked (and refused the key: its user and password)
    texts = {"created": created.text, "view": json.dumps(view), "out": out, "err": err,
             **folder_texts(tmp_path / "data")}  # fmt: skip
    assert not leaks(texts)


def test_the_anthropic_endpoint_named_in_messages_never_holds_a_password(monkeypatch):
    """What messages call the endpoint (at ... / Still waiting for Claude at ...) drops a
    user and password also where the SDK's URL parser did not see one (a "/" in it)."""
    from adapters.anthropic.client import make_client
    from adapters.anthropic.fetch import endpoint

    for url in ("http://user:0/sk-ant-CANARY@127.0.0.1:9", "http://u:CANARY@127.0.0.1:9/v"):
        monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
        shown = endpoint(make_client("sk-ant-CANARY-key", timeout=1, max_retries=0))
        assert shown.startswith("http://127.0.0.1:9") and not leaks({url: shown})


# -- a token no HTTP header can carry --------------------------------------------------------


BAD_CHARACTERS = ["\u2019", "\x01", "\x7f", "\x00", "é"]  # a curly quote pasted along, ...


@pytest.mark.parametrize("char", BAD_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("where", ["default", "people"])
def test_a_token_with_a_character_no_header_holds_is_refused_naming_its_place(tmp_path, char,
                                                                               where):  # fmt: skip
    token = json.dumps(f"0/CANARY-{char}-tail")
    line = f"default = {token}\n" if where == "default" else f'[people]\n"a@x.org" = {token}\n'
    tokens = tmp_path / "tokens.toml"
    tokens.write_text(line, encoding="utf-8")
    run_dir = synthetic_run(tmp_path / "run", people=1, tasks=1, comments=0)
    place = "'default'" if where == "default" else "people.'a@x.org'"
    for args in (["replay", str(run_dir), "--to", "http://127.0.0.1:9/api/1.0"],
                 ["sandbox", "--port", "0"]):  # fmt: skip
        result = busywork(*args, "--tokens", str(tokens), cwd=tmp_path, check=False, timeout=60)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines() == [
            f"Error: --tokens {tokens}: {place} must be a token: printable ASCII without spaces "
            "or quotes"
        ]
        assert not leaks({"out": result.stdout + result.stderr})


NOT_TOML = [  # keys and values swapped, so tokens are keys; the TOML decoder quotes some keys
    ('[people."0/CANARY-1"]\n[people."0/CANARY-1"]\n',
     "Cannot declare ('people', '…') twice (at line 2, column 21)"),
    ('people = {"0/CANARY-2" = "a@x.org", "0/CANARY-2" = "b@x.org"}\n',
     "Duplicate inline table key '…' (at line 1, column 61)"),
    ('people = {"0/CANARY-3" = {}}\n[people."0/CANARY-3".y]\n',
     "Cannot declare ('people', '…', 'y') twice (at line 2, column 23)"),
    ('[people]\n"a@x.org" = """0/CANARY-4\x01"""\n',
     "Illegal character '\\x01' (at line 2, column 26)"),  # short: shown
]  # fmt: skip


def _refuses_the_tokens_file_naming_the_place_only(tmp_path, args, text, reason) -> None:
    tokens = tmp_path / "tokens.toml"
    tokens.write_text(text, encoding="utf-8")
    result = busywork(*args, "--tokens", str(tokens), cwd=tmp_path, check=False, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"Error: --tokens {tokens}: not valid TOML ({reason})"]
    assert not leaks({"out": result.stdout + result.stderr})


@pytest.mark.parametrize(("text", "reason"), NOT_TOML)
def test_a_tokens_file_that_is_no_toml_is_refused_naming_the_place_only(tmp_path, text, reason):
    run_dir = synthetic_run(tmp_path / "run", people=1, tasks=1, comments=0)
    args = ["replay", str(run_dir), "--to", "http://127.0.0.1:9/api/1.0"]
    _refuses_the_tokens_file_naming_the_place_only(tmp_path, args, text, reason)


@pytest.mark.parametrize("args", [["sandbox", "--port", "0"], ["serve", "--port", "0"]],
                         ids=["sandbox", "serve"])  # fmt: skip
def test_every_command_taking_tokens_refuses_a_file_that_is_no_toml_alike(tmp_path, args):
    """The same reading and message as replay's (each TOML error is checked there)."""
    _refuses_the_tokens_file_naming_the_place_only(tmp_path, args, *NOT_TOML[0])


@pytest.mark.parametrize("char", BAD_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_pasted_token_no_header_holds_is_a_422_not_a_logged_500(make_web, sandbox, char,
                                                                   web_log):  # fmt: skip
    web = make_web()
    response = web.call("POST", "/tokens/validate",
                        json={"token": f"0/CANARY-{char}-tail", "url": sandbox.base_url})  # fmt: skip
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "token"
    assert not leaks({"answer": response.text, "log": "\n".join(web_log)})


def test_the_web_servers_log_of_an_unexpected_error_holds_no_repr(web_log):
    """A repr may hold what failed (a UnicodeError holds the whole text: here a header)."""
    from litestar import Litestar, get
    from litestar.testing import TestClient

    from adapters.web.errors import HANDLERS

    @get("/boom", sync_to_thread=False)
    def boom() -> str:
        return f"Bearer 0/CANARY-{chr(0x2019)}".encode("latin-1").decode()

    app = Litestar(route_handlers=[boom], exception_handlers=HANDLERS)  # type: ignore[arg-type]
    with TestClient(app) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    log = "\n".join(web_log)
    assert "internal error on GET /boom: UnicodeEncodeError" in log
    assert not leaks({"answer": response.text, "log": log})


# -- a token where an email belongs ------------------------------------------------------------


def test_a_job_mapping_a_token_to_an_email_is_refused_unechoed(make_web, canary_tokens):
    web = make_web(tokens_file=canary_tokens)
    target = {"kind": "asana", "tokens": {"0/CANARY-pasted-5555": "alice@example.com"}}
    response = web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max",
                        "scenario": {"days": 1, "people": PEOPLE}, "target": target})  # fmt: skip
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "target.tokens" and "key number 1 is not an email" in error["message"]
    assert not leaks({"answer": response.text})
    assert web.ok("GET", "/jobs") == []


# -- reprs -------------------------------------------------------------------------------------


def _holders() -> Iterator[tuple[str, Any]]:
    from adapters.asana.client_pacing import Limits, TokenLane
    from adapters.asana.sandbox import Sandbox, SandboxConfig, SandboxPerson
    from adapters.web.app import WebConfig
    from adapters.web.routes_tokens import TokenRequest

    people = [SandboxPerson("alice@example.com", "Alice Adams", ALICE)]
    config = SandboxConfig(people=people, admin_token=ADMIN)
    sandbox = Sandbox(config)  # not started: its objects are what a traceback could show
    yield "Tokens", Tokens(people={"alice@example.com": ALICE}, default=ADMIN)
    yield "SandboxPerson", people[0]
    yield "SandboxConfig", config
    yield "Sandbox", sandbox
    yield "Identity", sandbox.app.identity
    yield "SandboxApp", sandbox.app
    yield "AsanaClient", AsanaClient("http://127.0.0.1:9/api/1.0", {"default": ADMIN})
    yield "TokenLane", TokenLane(ALICE, Limits(), "http://127.0.0.1:9/api/1.0")
    yield "WebConfig", WebConfig(api_token=API_TOKEN)
    yield "TokenRequest", TokenRequest(person=ALICE, token=ADMIN, url=f"http://u:{ALICE}@x/")


def test_no_object_holding_a_token_shows_it_in_its_repr():
    shown = {name: repr(holder) for name, holder in _holders()}
    assert not leaks(shown)
    assert len(shown) == 10


# -- a whole job through the web server, as a subprocess (its own log included) ---------------


@pytest.mark.slow  # a backfill job and a server: several seconds
def test_a_web_job_with_a_revoked_token_leaves_no_token_anywhere(tmp_path, make_sandbox,
                                                                 canary_tokens):  # fmt: skip
    """Alice's token is revoked after a few requests and the target quotes the token in its
    answers to comments (403): the job, its activity, its files and the server's own output
    name people, never tokens; so do the answers to a wrong API token."""
    import re
    import signal
    import time

    from adapters.asana.sandbox import FaultPlan, SandboxPerson

    people = [
        SandboxPerson("alice@example.com", "Alice Adams", ALICE),
        SandboxPerson("bob@example.com", "Bob Brown", "0/CANARY-asana-bob-1234567890"),
    ]
    sandbox = make_sandbox(people=people, admin_token=ADMIN,
                           faults=FaultPlan(revoke={"alice@example.com": 60}))  # fmt: skip
    data = tmp_path / "data"
    server = subprocess.Popen(
        [BUSYWORK, "serve", "--port", "0", "--data", str(data), "--tokens", str(canary_tokens),
         "--api-token", API_TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    answers: dict[str, str] = {}
    gateway = EchoingGateway(403, suffix="/stories", upstream=sandbox.root_url)
    try:
        gateway.__enter__()
        first = server.stdout.readline()  # type: ignore[union-attr]
        root = re.search(r"http://127\.0\.0\.1:\d+", first).group()  # type: ignore[union-attr]
        auth = {"Authorization": f"Bearer {API_TOKEN}"}

        def call(method: str, path: str, **kw: Any) -> requests.Response:
            response = requests.request(method, root + path, timeout=30, **kw)
            answers[f"{len(answers)} {method} {path} {response.status_code}"] = response.text
            return response

        call("GET", "/api/jobs")  # no API token
        call("GET", "/api/jobs", headers={"Authorization": "Bearer CANARY-wrong"})
        call("GET", "/api/tokens", headers=auth)
        call("POST", "/api/tokens/validate", headers=auth,
             json={"person": "alice@example.com", "url": gateway.base_url})  # fmt: skip
        target = {"kind": "asana", "url": gateway.base_url,
                  "tokens": {"alice@example.com": "alice@example.com"}}  # fmt: skip
        created = call("POST", "/api/jobs", headers=auth, json={
            "mode": "backfill", "speed": "max", "scenario": {"days": 10, "people": TEAM},
            "target": target})  # fmt: skip
        assert created.status_code == 201, created.text
        job = created.json()["id"]
        deadline = time.monotonic() + 120
        while call("GET", f"/api/jobs/{job}", headers=auth).json()["status"] not in (
            "completed", "failed"):  # fmt: skip
            assert time.monotonic() < deadline, "the job never ended"
            time.sleep(0.3)
        view = call("GET", f"/api/jobs/{job}", headers=auth).json()
        assert "<token hidden>" in view["replay"]["first_problem"]  # the target quoted it
        call("GET", f"/api/jobs/{job}/activity", headers=auth)
        call("GET", "/api/jobs", headers=auth)
        call("GET", "/")
        call("GET", "/schema/openapi.json", headers=auth)
    finally:
        gateway.__exit__()
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=60)
    texts = {**answers, "server stdout": out, "server stderr": err, **folder_texts(data)}
    assert not leaks(texts)
