"""Connections a stop can cut. A request sent to a target that took it and never answers holds
its thread until the read timeout (30 s): the thread of a stopped replay, and what it holds,
lingered that long after the stop.

`CuttableAdapter`, one per token's session, keeps the connections of its pools; `cut()` shuts
their sockets down from any thread, which wakes a read blocked on one at once. A request cut
so ends as a connection dropped after it was sent: in doubt, as after any such drop (a create
is looked for before it is sent again, see `client_landing`). From `cut()` on, the adapter
makes no new connection. Not cut: a TLS handshake under way (it ends at the connect
timeout, seconds) and connections through a SOCKS proxy (at their timeouts, as before)."""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
import weakref
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.poolmanager import PoolManager, ProxyManager

CUT = "the client was stopped: no new connection"


class Connections:
    """An adapter's connections, open or not yet; `cut()` ends them and any to come."""

    def __init__(self) -> None:
        self._all: weakref.WeakSet[HTTPConnection] = weakref.WeakSet()
        self._lock = threading.Lock()
        self.cut_off = False

    def add(self, conn: HTTPConnection) -> None:
        """Before `conn` connects: raises NewConnectionError (nothing was sent) once cut."""
        with self._lock:
            if self.cut_off:
                raise NewConnectionError(conn, CUT)
            self._all.add(conn)

    def cut(self) -> None:
        with self._lock:
            self.cut_off = True
            conns = list(self._all)
        for conn in conns:
            shut(conn.sock)


def shut(sock: socket.socket | None) -> None:
    """Shut `sock` down for reading and writing: a read blocked on it in another thread
    returns at once. The OS socket's own shutdown, also for a TLS socket: the SSLSocket's
    would drop its TLS state under the thread reading it."""
    if sock is None:
        return
    with contextlib.suppress(OSError):  # closed or never connected meanwhile
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Kept:
    """A connection that its adapter's `Connections` knows of before it connects (so a cut
    during the connect finds it) and that is shut at once if a cut came meanwhile."""

    connections: Connections  # set by its pool

    def connect(self) -> None:
        self.connections.add(self)  # type: ignore[arg-type]
        super().connect()  # type: ignore[misc]
        if self.connections.cut_off:
            shut(self.sock)  # type: ignore[attr-defined]


class _Connection(_Kept, HTTPConnection):
    pass


class _SecureConnection(_Kept, HTTPSConnection):
    pass


class _KeptPool:
    """A pool whose connections its adapter's `Connections` keeps."""

    def __init__(self, *args: Any, connections: Connections, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections = connections

    def _new_conn(self):
        conn = super()._new_conn()  # type: ignore[misc]
        conn.connections = self.connections
        return conn


class _Pool(_KeptPool, HTTPConnectionPool):
    ConnectionCls = _Connection


class _SecurePool(_KeptPool, HTTPSConnectionPool):
    ConnectionCls = _SecureConnection


class CuttableAdapter(HTTPAdapter):
    def __init__(self, **kwargs: Any) -> None:
        self.connections = Connections()  # first: the base's __init__ makes the pool manager
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self._keep(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if type(manager) in (PoolManager, ProxyManager):  # a SOCKS one has pools of its own
            self._keep(manager)
        return manager

    def _keep(self, manager: PoolManager) -> None:
        # urllib3 only calls these (host, port, **kw), though its annotation asks for classes.
        manager.pool_classes_by_scheme = {
            "http": functools.partial(_Pool, connections=self.connections),  # type: ignore[dict-item]
            "https": functools.partial(_SecurePool, connections=self.connections),  # type: ignore[dict-item]
        }

    def cut(self) -> None:
        """End every request in flight at once, and make no new connection."""
        self.connections.cut()
