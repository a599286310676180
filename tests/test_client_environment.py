"""The client reads the environment's proxy settings once, for its one server, and sends every
request with the token it was given: a proxy named by HTTP_PROXY is used (unless NO_PROXY names
the server), and a ~/.netrc entry for the server never takes the token's place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.asana.client import AsanaClient
from adapters.asana.sandbox import Sandbox, SandboxConfig, SandboxPerson
from tests.test_web_security import Recorder

TOKEN = "alice-token-0042"
FAR = "http://asana.example/api/1.0"  # no such server: reached only through the proxy


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    people = [SandboxPerson("alice@example.com", "Alice Adams", TOKEN)]
    sb = Sandbox(SandboxConfig(people=people)).start()
    yield sb
    sb.stop()


@pytest.fixture
def proxy(monkeypatch) -> Iterator[Recorder]:
    rec = Recorder()
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, rec.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield rec
    rec.close()


def test_a_proxy_from_the_environment_carries_every_request(proxy):
    client = AsanaClient(FAR, {"a": TOKEN})
    try:
        for _ in range(3):
            assert client.get("a", "/users/me")["name"] == "Someone"
    finally:
        client.close()
    assert proxy.seen == [("http://asana.example/api/1.0/users/me", f"Bearer {TOKEN}")] * 3


def test_no_proxy_naming_the_server_goes_straight_to_it(proxy, sandbox, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = AsanaClient(sandbox.base_url, {"a": TOKEN})
    try:
        assert client.get("a", "/users/me")["email"] == "alice@example.com"
    finally:
        client.close()
    assert proxy.seen == []


def test_a_netrc_entry_for_the_server_does_not_replace_the_token(sandbox, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password not-a-token\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    client = AsanaClient(sandbox.base_url, {"a": TOKEN})
    try:
        assert client.get("a", "/users/me")["email"] == "alice@example.com"
    finally:
        client.close()
