"""A relay in front of a sandbox that lets chosen requests through and then spoils their answer:
the target applied them, the client cannot tell (a drop), or is told late (a hold).

`Relay(upstream, rule)`: `rule(method, path)` (the path without the query) says what to do
with the answer of a request already forwarded: None (pass it on), ``DROP`` (reset the
connection instead, as a network failure after the request was sent would) or a number of
seconds to hold it first.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from tests.loopback import LoopbackServer

DROP = "drop"
Rule = Callable[[str, str], "str | float | None"]


class Relay:
    def __init__(self, upstream: str, rule: Rule):
        self.upstream, self.rule = upstream.rstrip("/"), rule
        self.spoiled: list[str] = []  # "METHOD /path" of each answer dropped or held
        self.lock = threading.Lock()
        self._server = LoopbackServer(_RelayHandler, relay=self)
        self.base_url = self._server.base_url

    def decide(self, method: str, path: str) -> str | float | None:
        with self.lock:
            action = self.rule(method, path)
            if action is not None:
                self.spoiled.append(f"{method} {path}")
            return action

    def __enter__(self) -> Relay:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()


class _RelayHandler(BaseHTTPRequestHandler):
    server: Any
    protocol_version = "HTTP/1.1"

    def _relay(self) -> None:
        relay: Relay = self.server.relay
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size) if size else None
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() in ("authorization", "content-type", "accept")}  # fmt: skip
        answer = requests.request(self.command, relay.upstream + self.path, data=body,
                                  headers=headers, timeout=30)  # fmt: skip
        action = relay.decide(self.command, self.path.split("?")[0])
        if action == DROP:  # applied upstream; the client sees a reset, never the answer
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))  # fmt: skip
            self.close_connection = True
            return
        if action is not None:
            time.sleep(float(action))
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = do_PUT = do_DELETE = _relay

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass
