"""uvicorn around the app: `serve` (the command, until Ctrl-C) and `ServerThread` (tests, demo)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from adapters.asana.sandbox import ALL_INTERFACES, loopback_for
from adapters.interrupts import PRESSES, handle_for_good
from adapters.web.app import WebConfig, create_app
from adapters.web.datalock import DataLock
from adapters.web.destinations import is_loopback
from adapters.web.runner import JobRunner, RunnerConfig
from engine.errors import BusyworkError, InvalidInput


def check_binding(host: str, api_token: str | None) -> None:
    if not is_loopback(host) and not api_token:
        raise InvalidInput(
            f"--host {host}: other machines could reach the API; set --api-token too "
            "(clients then send Authorization: Bearer <token>)"
        )


def build_app(
    data_dir: Path,
    tokens_file: Path | None,
    web: WebConfig,
    token_urls: tuple[str, ...] = (),
    live_sandbox_runs: frozenset[str] = frozenset(),
):
    config = RunnerConfig(data_dir=data_dir, tokens_file=tokens_file, token_urls=token_urls,
                          live_sandbox_runs=live_sandbox_runs)  # fmt: skip
    runner = JobRunner(config)
    return create_app(runner, web), runner


class Server(uvicorn.Server):
    """uvicorn's server, telling the app's runner when shutdown begins: live streams (SSE)
    then end within a poll, so the graceful shutdown does not wait for them, time out and
    cancel them (a traceback)."""

    def __init__(self, config: uvicorn.Config, runner: JobRunner | None) -> None:
        super().__init__(config)
        self.runner = runner

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.runner is not None:
            self.runner.begin_shutdown()
        await super().shutdown(sockets)

    def stop_on_signals(self) -> None:
        """From now on Ctrl-C and SIGTERM stop the server (a second Ctrl-C cuts its shutdown
        short), for good (see adapters.interrupts); one that comes before it runs stops it
        as soon as it has started. Call it before saying how to stop: a press that answers
        that at once finds the handler."""
        handle_for_good(PRESSES, self.handle_exit)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Nothing: `stop_on_signals` is how a signal stops `serve`, which then ends as after
        a stop (`Stopped.`, exit 0, as `sandbox` does), not with uvicorn's own raising the
        signal again once stopped (exit 130, or killed by SIGTERM): stopping is how a
        server's run ends. A ServerThread's owner stops it (`stop`)."""
        yield


def uvicorn_config(app, host: str, port: int) -> uvicorn.Config:
    # No access log: it would be noise at one line per poll. Streams end when shutdown begins
    # (see Server); a request still running 2 s later is cut.
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                          lifespan="on", timeout_graceful_shutdown=2)  # fmt: skip


def serve(host: str, port: int, data_dir: Path, tokens_file: Path | None, web: WebConfig,
          echo=print, token_urls: tuple[str, ...] = ()) -> None:  # fmt: skip
    """Serve until Ctrl-C or SIGTERM (uvicorn shuts the runner down), then say `Stopped.`"""
    check_binding(host, web.api_token)
    listening = _listen(host, port)  # bound here, so --port 0 can say which port it got
    try:
        with DataLock(data_dir):  # before any job is loaded: one server per data folder
            app, runner = build_app(data_dir, tokens_file, web, token_urls)
            server = Server(uvicorn_config(app, host, port), runner)
            server.stop_on_signals()
            port = listening.getsockname()[1]
            # 0.0.0.0 and :: are where a server listens, not where a browser can connect.
            reach = loopback_for(host)
            shown = f"[{reach}]" if ":" in reach else reach
            echo(f"Dashboard: http://{shown}:{port}/   API: /api   OpenAPI: /schema/openapi.json")
            if host in ALL_INTERFACES:
                echo(f"Listening on all interfaces ({host or '0.0.0.0'}): from another machine, "
                     "use this machine's address instead")  # fmt: skip
            echo(f"Jobs and runs live under {data_dir}/. Press Ctrl-C to stop (running jobs "
                 "resume next time).")  # fmt: skip
            server.run(sockets=[listening])
        echo("Stopped.")
    finally:
        listening.close()


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections wait in the backlog until the app is up
    except OSError as exc:
        sock.close()
        raise BusyworkError(f"--port {port}: cannot listen on {host}: {exc.strerror}") from None
    return sock


class ServerThread:
    """The app on a real socket in a background thread (port 0 = any free port)."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = Server(uvicorn_config(app, host, port), getattr(app.state, "runner", None))
        self.thread = threading.Thread(target=self.server.run, name="web-server", daemon=True)
        self.host = host
        self.port = 0

    def start(self, timeout: float = 15.0) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise BusyworkError("the web server did not start")
            time.sleep(0.02)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
