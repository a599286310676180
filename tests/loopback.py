"""The tests' loopback HTTP servers, set up one way: a threaded server on 127.0.0.1, port 0,
serving from a daemon thread once started, stopped by shutting down and closing its socket::

    with LoopbackServer(Handler, proxy=self) as server:  # the handler reads self.server.proxy
        requests.get(server.base_url + "/users/me")

Keyword arguments become attributes of the server, for the handler to reach as
``self.server.<name>``. Handler threads are daemons (a test never waits for one to end), and
the listen backlog is 128: a replay opens a connection per token at once, and socketserver's
default of 5 drops the surplus handshakes under load, each client then waiting out a TCP
retransmission. The address may be reused at once (HTTPServer's ``allow_reuse_address``).
"""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Any, Self

POLL = 0.05  # seconds: how long stop() may wait for the serve loop to look (0.5 by default)


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, handler: Any, **state: Any) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        for name, value in state.items():
            if hasattr(self, name):  # would shadow the server's own attribute
                self.server_close()
                raise ValueError(f"LoopbackServer already has an attribute {name!r}")
            setattr(self, name, value)
        self._serving = threading.Thread(target=self.serve_forever, args=(POLL,),
                                         name=f"loopback-{self.port}", daemon=True)  # fmt: skip
        self._stopped = False

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The root URL with Asana's API prefix, as the sandbox's ``base_url``."""
        return f"{self.root_url}/api/1.0"

    def start(self) -> Self:
        self._serving.start()
        return self

    def stop(self) -> None:
        """Stop serving (if started) and close the listening socket; again: nothing."""
        if self._stopped:
            return
        self._stopped = True
        if self._serving.is_alive():
            self.shutdown()
        self.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
