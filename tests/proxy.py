"""A gateway for tests: a threaded HTTP proxy on 127.0.0.1 port 0 in front of a server (the
sandbox) that plays the tricks a real gateway between the client and Asana can play.

A `Trick` takes the first ``times`` requests with a given method and path ending; for each it
answers ``answer`` at once (a 504 from a gateway that stopped waiting) or, with ``reset``,
hangs up with a TCP reset after reading the whole request; with ``forward_when`` it also
sends the request on to the server once the test sets that event (the write lands after the
client was told it failed: an order no machine's speed can change), then sets ``landed`` (when
given). Every other request is forwarded and its answer relayed::

    late = threading.Event()
    with GatewayProxy(sandbox.root_url, [Trick("POST", "/stories", 504, forward_when=late)]) as gw:
        client = AsanaClient(gw.base_url, ...)
        ...
        late.set()
    gw.late  # statuses the server gave the late forwards (all done once the block is left)
    gw.seen  # (method, path, outcome) of every request, in order of arrival
"""

from __future__ import annotations

import socket
import struct
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from tests.loopback import LoopbackServer

RELAYED = ("authorization", "content-type", "accept")  # request headers sent on
ANSWERED = ("content-type", "retry-after")  # answer headers relayed back


@dataclass
class Trick:
    method: str
    suffix: str  # the path (without query) ends with this
    answer: int = 504  # status answered at once (unless reset)
    reset: bool = False  # hang up with a TCP reset instead of answering
    forward_when: threading.Event | None = None  # forwarded once the test sets it (None: never)
    landed: threading.Event | None = None  # set once the server answered the late forward
    times: int = 1


class GatewayProxy:
    def __init__(self, upstream_root: str, tricks: list[Trick]):
        self.upstream = upstream_root.rstrip("/")
        self.tricks = tricks
        self.seen: list[tuple[str, str, str]] = []
        self.late: list[int] = []
        self._lock = threading.Lock()
        self._forwards: list[threading.Thread] = []
        self._http = requests.Session()
        self._server = LoopbackServer(_Handler, proxy=self)
        self.base_url = self._server.base_url

    def __enter__(self) -> GatewayProxy:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Wait for the late forwards (bounded by their timeout), then stop serving."""
        for thread in list(self._forwards):
            thread.join(30)
        self._server.stop()
        self._http.close()

    def count(self, method: str, suffix: str, outcome: str | None = None) -> int:
        with self._lock:
            return sum(1 for m, p, o in self.seen if m == method and p.endswith(suffix)
                       and (outcome is None or o == outcome))  # fmt: skip

    # -- used by the handler -------------------------------------------------------------------

    def take_trick(self, method: str, path: str) -> Trick | None:
        with self._lock:
            for trick in self.tricks:
                if trick.times > 0 and trick.method == method and path.endswith(trick.suffix):
                    trick.times -= 1
                    return trick
        return None

    def note(self, method: str, path: str, outcome: str) -> None:
        with self._lock:
            self.seen.append((method, path, outcome))

    def forward(self, method: str, target: str, headers: dict[str, str], body: bytes | None):
        return self._http.request(method, self.upstream + target, data=body, headers=headers,
                                  timeout=10, allow_redirects=False)  # fmt: skip

    def forward_later(self, when: threading.Event, landed: threading.Event | None,
                      method: str, target: str, headers, body) -> None:  # fmt: skip
        def later() -> None:
            when.wait(30)
            status = self.forward(method, target, headers, body).status_code
            with self._lock:
                self.late.append(status)
            if landed is not None:
                landed.set()

        thread = threading.Thread(target=later, daemon=True)
        with self._lock:
            self._forwards.append(thread)
        thread.start()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client's session expects
    server: Any

    def _handle(self) -> None:
        proxy: GatewayProxy = self.server.proxy
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size) if size else None
        headers = {k: v for k, v in self.headers.items() if k.lower() in RELAYED}
        path = self.path.split("?")[0]
        trick = proxy.take_trick(self.command, path)
        if trick is None:
            answer = proxy.forward(self.command, self.path, headers, body)
            proxy.note(self.command, path, str(answer.status_code))
            self._answer(answer.status_code, answer.content, answer.headers)
            return
        if trick.forward_when is not None:
            proxy.forward_later(trick.forward_when, trick.landed, self.command, self.path,
                                headers, body)  # fmt: skip
        if trick.reset:
            proxy.note(self.command, path, "reset")
            self._reset()
            return
        proxy.note(self.command, path, f"{trick.answer} at once")
        message = b'{"errors":[{"message":"injected by the test gateway"}]}'
        self._answer(trick.answer, message, {"Content-Type": "application/json"})

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def _answer(self, status: int, content: bytes, headers: Any) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() in ANSWERED:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def _reset(self) -> None:
        """Close with RST (SO_LINGER 0), not FIN: the client sees "connection reset by peer"."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # Closed for real once finish() has closed rfile (it holds the last reference), before
        # the server's shutdown(SHUT_WR) could send a FIN.
        self.connection.close()

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass
