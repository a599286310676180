"""What the replay client puts on the wire, seen by a loopback server: each request is built by
the client itself and handed to the transport adapter (`TokenLane.send`), so its method, path,
query, headers and body are checked here byte for byte; a redirect is never followed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from adapters.asana.client import ApiRejected, AsanaClient
from tests.loopback import LoopbackServer

TOKEN = "0/1234567890:fake-token-for-the-wire-test"


class _Recorder(BaseHTTPRequestHandler):
    """Answers 200 with Asana JSON, or what the path asks for (``/moved``: a 301 elsewhere);
    records each request's method, path, headers and body."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, dict(self.headers), body))  # type: ignore[attr-defined]
        if self.path.startswith("/api/1.0/moved"):
            self.send_response(301)
            self.send_header("Location", "/api/1.0/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        out = json.dumps({"data": {"gid": "42", "path": self.path}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[LoopbackServer]:
    with LoopbackServer(_Recorder, seen=[]) as server:
        yield server


@pytest.fixture
def client(recorder) -> Iterator[AsanaClient]:
    c = AsanaClient(recorder.base_url, {"alice": TOKEN}, seed=1)
    yield c
    c.close()


def test_a_write_carries_its_json_body_and_the_token(recorder, client):
    data = {"name": "Ünïcode task & more", "notes": "line 1\nline 2"}
    assert client.call("alice", "POST", "/tasks", data=data) == {
        "gid": "42",
        "path": "/api/1.0/tasks",
    }
    [(method, path, headers, body)] = recorder.seen
    assert (method, path) == ("POST", "/api/1.0/tasks")
    assert json.loads(body) == {"data": data}
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == str(len(body))
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Accept"] == "application/json"


def test_a_read_sends_its_query_encoded_and_no_body(recorder, client):
    params = {"opt_fields": "name,notes", "text": "a&b c/d?", "limit": "100"}
    client.get("alice", "/workspaces/7/tasks/search", params=params)
    [(method, path, headers, body)] = recorder.seen
    assert method == "GET" and body == b""
    assert (
        path
        == "/api/1.0/workspaces/7/tasks/search?opt_fields=name%2Cnotes&text=a%26b+c%2Fd%3F&limit=100"
    )
    assert "Content-Length" not in headers and "Content-Type" not in headers


def test_a_delete_without_a_body_says_its_length_is_zero(recorder, client):
    client.call("alice", "DELETE", "/tasks/9", idempotent=True)
    [(method, path, headers, body)] = recorder.seen
    assert (method, path, body) == ("DELETE", "/api/1.0/tasks/9", b"")
    assert headers["Content-Length"] == "0"


def test_a_redirect_is_not_followed_and_the_error_says_where_it_pointed(recorder, client):
    """A 301 to a write would be followed as a GET elsewhere (what HTTP clients do), which
    could pass for an answer; the call is refused instead, naming the status and the place."""
    with pytest.raises(ApiRejected) as caught:
        client.call("alice", "POST", "/moved", data={"name": "x"})
    assert caught.value.status == 301
    assert str(caught.value) == (
        "POST /api/1.0/moved: HTTP 301: redirected to '/api/1.0/elsewhere'; "
        "expected the API to answer at its base URL (--to)"
    )
    assert [(m, p) for m, p, _, _ in recorder.seen] == [("POST", "/api/1.0/moved")]
