"""Running an ``HttpServer`` in a background thread, and stopping it in order."""

from __future__ import annotations

import threading
from collections.abc import Callable

from adapters.asana.sandbox.httpserver import App, HttpServer

STOP_GRACE_SECONDS = 5.0  # how long `stop` waits for requests being served to be answered
LAST_ANSWERS_SECONDS = 1.0  # then, for the answers of requests the stop turned away (503)


class ServerThread:
    """Run an ``HttpServer`` in a background thread; ``stop`` is orderly and idempotent."""

    def __init__(self, host: str, port: int, app: App):
        self.server = HttpServer((host, port), app)
        self.host, self.port = self.server.server_address[:2]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"http-{self.port}", daemon=True,
        )  # fmt: skip
        self._stop_lock = threading.Lock()

    def start(self) -> None:
        self._thread.start()

    def stop(
        self, grace: float = STOP_GRACE_SECONDS, then: Callable[[], None] | None = None
    ) -> None:
        """Stop listening and close idle connections at once; let requests being served be
        answered (up to `grace` seconds); call `then` (the sandbox closes its store: requests
        still waiting get a 503) and let those be answered; then close the rest."""
        with self._stop_lock:
            if self.server.stopping.is_set():
                return
            if self._thread.is_alive():
                self.server.shutdown()  # accepts no more connections
            self.server.stop_accepting()
            self.server.server_close()
            drained = self.server.drain(grace)
            try:
                if then is not None:
                    then()
                if not drained:
                    self.server.drain(min(grace, LAST_ANSWERS_SECONDS))
            finally:
                self.server.cut_off()
