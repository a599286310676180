"""The replay client over HTTPS, against a real TLS server on loopback with a certificate from a
throwaway CA (trustme): a certificate nobody vouches for is refused before anything is sent,
and one whose CA ``REQUESTS_CA_BUNDLE`` names is trusted (the bundle is read once, when the
client is made: `TokenLane` hands every request to its transport adapter with that setting)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
import trustme

from adapters.asana.client import AsanaClient, Backoff, Unavailable
from tests.loopback import LoopbackServer
from tests.test_client_requests import TOKEN, _Recorder

FAST = Backoff(base=0.01, cap=0.02, attempts=2, timeout=(2.0, 5.0))


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https(ca) -> Iterator[LoopbackServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with LoopbackServer(_Recorder, seen=[]) as server:
        server.socket = context.wrap_socket(server.socket, server_side=True)
        yield server


def _url(server: LoopbackServer) -> str:
    return server.base_url.replace("http://", "https://")


def test_a_certificate_no_trusted_ca_signed_is_refused_before_anything_is_sent(https, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    client = AsanaClient(_url(https), {"alice": TOKEN}, backoff=FAST, seed=1)
    try:
        with pytest.raises(Unavailable) as caught:
            client.get("alice", "/users/me")
    finally:
        client.close()
    message = str(caught.value)
    assert "GET /users/me: TLS handshake failed: the server's certificate is not trusted" in message
    assert TOKEN not in message
    assert https.seen == []  # the handshake failed: no request reached the server


def test_a_ca_bundle_from_the_environment_is_trusted(https, ca, tmp_path, monkeypatch):
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    client = AsanaClient(_url(https), {"alice": TOKEN}, backoff=FAST, seed=1)
    try:
        answer = client.call("alice", "POST", "/tasks", data={"name": "over TLS"})
    finally:
        client.close()
    assert answer == {"gid": "42", "path": "/api/1.0/tasks"}
    [(method, path, headers, body)] = https.seen
    assert (method, path, headers["Authorization"]) == ("POST", "/api/1.0/tasks", f"Bearer {TOKEN}")
    assert body == b'{"data":{"name":"over TLS"}}'
