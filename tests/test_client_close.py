"""Closing a client ends its waits: a thread in a retry backoff (here up to 30 s) ends with
`Stopped` at once. A token check cut short by SIGTERM once left such a worker behind, and
`busywork live` printed "Interrupted." but did not exit until the worker gave up."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from adapters.asana.client import AsanaClient
from adapters.asana.client_errors import Stopped
from adapters.asana.client_retry import Backoff
from tests.loopback import LoopbackServer


class _Unavailable(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.asked.set()  # type: ignore[attr-defined]
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def unavailable() -> Iterator[LoopbackServer]:
    with LoopbackServer(_Unavailable, asked=threading.Event()) as server:
        yield server


def test_closing_the_client_ends_a_retry_backoff_at_once(unavailable):
    client = AsanaClient(
        unavailable.base_url, {"a": "token-a"}, backoff=Backoff(base=30.0, cap=30.0), seed=1
    )
    ended: list[BaseException] = []

    def check() -> None:
        try:
            client.get("a", "/users/me")
        except BaseException as exc:  # what ended the call
            ended.append(exc)

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    assert unavailable.asked.wait(10), "the client never asked"
    worker.join(0.5)
    assert worker.is_alive(), "the call should still be waiting to retry"
    client.close()
    worker.join(5)
    assert not worker.is_alive(), "close() left the call waiting in its backoff"
    assert len(ended) == 1 and isinstance(ended[0], Stopped), ended
