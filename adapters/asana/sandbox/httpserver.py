"""A small, fast HTTP/1.1 server on the standard library (threads, keep-alive, TCP_NODELAY).

``http.server`` parses headers with the email package and writes headers and body in
separate sends; with one ``requests.Session`` in a sequential loop that overhead is a
large share of each round trip. This server parses only what it needs and answers with one
``sendall``. TCP_NODELAY matters most: without it Nagle's algorithm and delayed ACKs cap a
keep-alive client at about 22 requests/s.

Stopping is orderly (``serverthread.ServerThread.stop``): no new connections; idle keep-alive connections
are closed at once; a request already being served finishes and is answered (with
``Connection: close``) within a grace period, after which what is left is cut off. Nothing is
printed: an error escaping a connection's handler is a bug of this module, kept in
``HttpServer.errors`` (the sandbox reports it with its internal errors).
"""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import struct
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus

MAX_LINE = 65536
MAX_HEADERS = 100
MAX_BODY = 16 * 1024 * 1024
TOO_LARGE = "request body too large (the sandbox takes at most 16 MiB)"
_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also takes "²", which int() refuses
_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)


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


def encode_response(response: Response, keep_alive: bool, head_only: bool = False) -> bytes:
    """The response's bytes; `head_only` (a HEAD request): the headers GET would get, no body."""
    head = [
        f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Unknown')}",
        f"Content-Type: {response.content_type}",
        f"Content-Length: {len(response.body)}",
    ]
    head += [f"{name}: {value}" for name, value in response.headers.items()]
    if not keep_alive:
        head.append("Connection: close")
    body = b"" if head_only else response.body
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class _Connection(socketserver.StreamRequestHandler):
    server: HttpServer

    def setup(self) -> None:
        self.busy = False  # between a request's first line and its answer (see HttpServer)
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()
        self.server.track(self, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # the peer went away; nothing left to flush
            super().finish()
        self.server.track(self, False)

    def handle(self) -> None:
        try:
            while not self.server.stopping.is_set():
                if not self._one():
                    return
        except (ConnectionError, TimeoutError, OSError):
            return
        except Exception:  # a bug here: keep the evidence, answer 500 if still possible
            self.server.errors.append(traceback.format_exc())
            body = b'{"errors":[{"message":"Server Error (sandbox bug; see Sandbox.internal_errors)"}]}'
            with contextlib.suppress(OSError):
                self.request.sendall(encode_response(Response(500, body), keep_alive=False))
        finally:
            self.server.done(self)

    def _one(self) -> bool:
        """Serve one request; False when the connection should close."""
        line = self.rfile.readline(MAX_LINE + 1)
        if not line or not self.server.begin(self):  # closed, or the server is stopping
            return False
        try:
            request, keep_alive = self._read(line)
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
        keep_alive = keep_alive and not self.server.stopping.is_set()
        self.request.sendall(encode_response(response, keep_alive, request.method == "HEAD"))
        self.server.done(self)
        return keep_alive

    def _read(self, line: bytes) -> tuple[Request | None, bool]:
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
            name, value = name.strip().lower(), value.strip()
            if name == "content-length" and headers.get(name, value) != value:
                # RFC 9112 6.3: a request with differing lengths is refused, not guessed at
                raise _BadRequest(400, "conflicting Content-Length headers")
            headers[name] = value
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        if headers.get("expect", "").lower() == "100-continue" and version == "HTTP/1.1":
            # curl sends larger bodies only after this (or after waiting a second for it); one
            # too large is refused first, so the client reads the 413 instead of a reset.
            _check_length(headers)
            self.request.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = self._body(headers)
        if _ABSOLUTE.match(target):  # absolute-form (RFC 9112 3.2.2): a server must take it
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        path, _, query = target.partition("?")
        return Request(method, path, query, headers, body), keep_alive

    def _body(self, headers: dict[str, str]) -> bytes:
        coding = headers.get("transfer-encoding")
        if coding is not None and coding.lower() != "chunked":
            raise _BadRequest(501, "unsupported Transfer-Encoding (only chunked)")
        if coding is not None:
            chunks: list[bytes] = []
            total = 0
            while True:
                size_line = self.rfile.readline(MAX_LINE).split(b";")[0].strip()
                if not re.fullmatch(rb"[0-9A-Fa-f]+", size_line):
                    raise _BadRequest(400, "malformed chunked body")
                size = int(size_line, 16)
                total += size
                if total > MAX_BODY:
                    raise _BadRequest(413, TOO_LARGE)
                if size == 0:
                    while self.rfile.readline(MAX_LINE) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(MAX_LINE)
        length = _check_length(headers)
        return b"" if length is None else self.rfile.read(length)


def _check_length(headers: dict[str, str]) -> int | None:
    """The body's Content-Length (None: not given), once it is a number the server takes."""
    length = headers.get("content-length")
    if length is None:
        return None
    if not _DIGITS.fullmatch(length):
        raise _BadRequest(400, "invalid Content-Length")
    if int(length) > MAX_BODY:
        raise _BadRequest(413, TOO_LARGE)
    return int(length)


class HttpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    # A replay opens a connection per token at once; socketserver's 5 would drop the surplus
    # handshakes, and each client would then wait a TCP retransmission (a second or more).
    request_queue_size = 128
    # Bound to a host name or address, never bytes: (host, port), or IPv6's (host, port, flow
    # info, scope id).
    server_address: tuple[str, int] | tuple[str, int, int, int]

    def __init__(self, address: tuple[str, int], app: App):
        self.app = app
        self.stopping = threading.Event()
        self.errors: list[str] = []  # tracebacks of this module's bugs (never printed)
        self._open: dict[_Connection, threading.Thread] = {}
        self._changed = threading.Condition()  # guards _open and each connection's `busy`
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        super().__init__(address, _Connection)

    def track(self, conn: _Connection, is_open: bool) -> None:
        with self._changed:
            if is_open:
                self._open[conn] = threading.current_thread()
            else:
                self._open.pop(conn, None)
            self._changed.notify_all()

    def begin(self, conn: _Connection) -> bool:
        """A request's first line arrived on `conn`: serve it, unless the server is stopping
        (then its connection is being closed: the request is not read, let alone applied)."""
        with self._changed:
            if self.stopping.is_set():
                return False
            conn.busy = True
            return True

    def done(self, conn: _Connection) -> None:
        with self._changed:
            conn.busy = False
            self._changed.notify_all()

    def handle_error(self, request, client_address) -> None:
        """Not printed: a connection that failed while it was set up (the peer went away)."""

    def stop_accepting(self) -> None:
        """From now on no request is begun; idle keep-alive connections are closed now."""
        with self._changed:
            self.stopping.set()
            idle = [conn for conn in self._open if not conn.busy]
        for conn in idle:
            _shut(conn.request)

    def drain(self, grace: float) -> bool:
        """Wait up to `grace` seconds for the requests being served to be answered; whether
        they all were."""
        deadline = time.monotonic() + grace
        with self._changed:
            while any(conn.busy for conn in self._open):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def cut_off(self) -> None:
        """Close every connection left, and give their threads a moment to end."""
        with self._changed:
            left_open = list(self._open.items())
        for conn, _ in left_open:
            _shut(conn.request)
        end = time.monotonic() + 1.0
        for _, thread in left_open:
            if thread is not threading.current_thread():
                thread.join(max(0.0, end - time.monotonic()))


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
