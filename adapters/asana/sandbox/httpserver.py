"""A small, fast HTTP/1.1 server on the standard library (threads, keep-alive, TCP_NODELAY).

``http.server`` parses headers with the email package and writes headers and body in
separate sends; with one ``requests.Session`` in a sequential loop that overhead is a
large share of each round trip. This server parses only what it needs and answers with one
``sendall``. TCP_NODELAY matters most: without it Nagle's algorithm and delayed ACKs cap a
keep-alive client at about 22 requests/s.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus

MAX_LINE = 65536
MAX_HEADERS = 100
MAX_BODY = 16 * 1024 * 1024


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class Drop:
    """Returned by an app to close the connection without answering (with a TCP reset)."""


DROP = Drop()
App = Callable[[Request], "Response | Drop"]
_REASONS = {s.value: s.phrase for s in HTTPStatus}


class _BadRequest(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


def encode_response(response: Response, keep_alive: bool) -> bytes:
    head = [
        f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Unknown')}",
        f"Content-Type: {response.content_type}",
        f"Content-Length: {len(response.body)}",
    ]
    head += [f"{name}: {value}" for name, value in response.headers.items()]
    if not keep_alive:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + response.body


class _Connection(socketserver.StreamRequestHandler):
    server: HttpServer

    def setup(self) -> None:
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()
        self.server.track(self.request, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # the peer went away; nothing left to flush
            super().finish()
        self.server.track(self.request, False)

    def handle(self) -> None:
        try:
            while not self.server.stopping.is_set():
                if not self._one():
                    return
        except (ConnectionError, TimeoutError, OSError):
            return

    def _one(self) -> bool:
        """Serve one request; False when the connection should close."""
        try:
            request, keep_alive = self._read()
        except _BadRequest as bad:
            body = b'{"errors":[{"message":"' + bad.message.encode() + b'"}]}'
            self.request.sendall(encode_response(Response(bad.status, body), keep_alive=False))
            return False
        if request is None:
            return False
        response = self.server.app(request)
        if isinstance(response, Drop):
            # SO_LINGER 0 makes close() send RST: the client sees a reset, as with a real drop.
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        self.request.sendall(encode_response(response, keep_alive))
        return keep_alive

    def _read(self) -> tuple[Request | None, bool]:
        line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            return None, False
        if len(line) > MAX_LINE:
            raise _BadRequest(414, "request line too long")
        parts = line.decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequest(400, "malformed request line")
        method, target, version = parts
        headers: dict[str, str] = {}
        while True:
            raw = self.rfile.readline(MAX_LINE + 1)
            if raw in (b"\r\n", b"\n"):
                break
            if not raw:
                return None, False
            if len(headers) >= MAX_HEADERS or len(raw) > MAX_LINE:
                raise _BadRequest(431, "request headers too large")
            name, sep, value = raw.decode("latin-1").partition(":")
            if not sep:
                raise _BadRequest(400, "malformed header line")
            headers[name.strip().lower()] = value.strip()
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        body = self._body(headers)
        path, _, query = target.partition("?")
        return Request(method, path, query, headers, body), keep_alive

    def _body(self, headers: dict[str, str]) -> bytes:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            total = 0
            while True:
                size_line = self.rfile.readline(MAX_LINE).split(b";")[0].strip()
                try:
                    size = int(size_line, 16)
                except ValueError:
                    raise _BadRequest(400, "malformed chunked body") from None
                total += size
                if total > MAX_BODY:
                    raise _BadRequest(413, "request body too large")
                if size == 0:
                    while self.rfile.readline(MAX_LINE) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(MAX_LINE)
        length = headers.get("content-length")
        if length is None:
            return b""
        if not length.isdigit():
            raise _BadRequest(400, "invalid Content-Length")
        if int(length) > MAX_BODY:
            raise _BadRequest(413, "request body too large")
        return self.rfile.read(int(length))


class HttpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: App):
        self.app = app
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Connection)

    def track(self, sock: socket.socket, is_open: bool) -> None:
        with self._open_lock:
            (self._open.add if is_open else self._open.discard)(sock)

    def close_connections(self) -> None:
        """Wake threads blocked on idle keep-alive connections so shutdown is prompt."""
        with self._open_lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class ServerThread:
    """Run an ``HttpServer`` in a background thread; ``stop`` is prompt and idempotent."""

    def __init__(self, host: str, port: int, app: App):
        self.server = HttpServer((host, port), app)
        self.host, self.port = self.server.server_address[:2]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"http-{self.port}", daemon=True,
        )  # fmt: skip

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self.server.stopping.is_set():
            return
        self.server.stopping.set()
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.server_close()
        self.server.close_connections()
