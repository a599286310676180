"""The Litestar app: the API under ``/api``, OpenAPI under ``/schema``, the dashboard at ``/``.

Security: an API token (when set) is required as ``Authorization: Bearer`` on every API
call; CORS is off unless an origin is given; requests from other sites, bodies that are not
JSON and (without a token) foreign Host names are refused (``adapters.web.guards``); request
bodies are capped; the dashboard is served with a strict Content-Security-Policy (its scripts
and styles are files of the app).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from pathlib import Path

from litestar import Litestar, Response, get
from litestar.config.cors import CORSConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import BaseRouteHandler
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from adapters.web.errors import HANDLERS
from adapters.web.guards import json_body_guard, request_guard
from adapters.web.request_schemas import RequestSchemas
from adapters.web.routes import BEARER, api_router
from adapters.web.runner import JobRunner
from engine.limits import MAX_DAYS

STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 1 << 20
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class WebConfig:
    api_token: str | None = field(default=None, repr=False)  # a secret: not in the repr
    cors_origin: str | None = None
    max_body_bytes: int = MAX_BODY_BYTES


def _auth_guard(api_token: str):
    expected = f"Bearer {api_token}".encode()

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        given = connection.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            raise NotAuthorizedException("missing or wrong API token (Authorization: Bearer …)")

    return guard


@get("/", include_in_schema=False, sync_to_thread=False)
def dashboard() -> Response:
    # The form's bounds are the API's (engine.limits), filled in here rather than copied.
    html = (STATIC / "index.html").read_bytes().replace(b"{max_days}", b"%d" % MAX_DAYS)
    return Response(html, media_type="text/html", headers={"content-security-policy": CSP})


def create_app(runner: JobRunner, config: WebConfig | None = None) -> Litestar:
    config = config or WebConfig()
    guards = [_auth_guard(config.api_token)] if config.api_token else []
    guards.append(json_body_guard)
    static = create_static_files_router(path="/static", directories=[STATIC])
    app = Litestar(
        route_handlers=[dashboard, static, api_router(guards, secured=bool(config.api_token))],
        guards=[request_guard(config.api_token, config.cors_origin)],
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        cors_config=CORSConfig(allow_origins=[config.cors_origin]) if config.cors_origin else None,
        request_max_body_size=config.max_body_bytes,
        plugins=[RequestSchemas()],  # the document says which fields a request may hold
        openapi_config=OpenAPIConfig(
            title="busywork",
            version="1",
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
            components=Components(
                security_schemes={
                    BEARER: SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="busywork serve --api-token TOKEN: every API call then sends "
                        "Authorization: Bearer TOKEN (without --api-token, no call needs it)",
                    )
                }
            ),
        ),  # fmt: skip
        # Warnings and errors only: at INFO (Litestar's default for the root logger) libraries
        # log each request's URL (httpx, for Claude: with any user and password of
        # ANTHROPIC_BASE_URL in it), and our own log is warnings and errors.
        logging_config=LoggingConfig(root={"handlers": ["queue_listener"], "level": "WARNING"}),
        on_startup=[lambda: runner.open()],
        on_shutdown=[lambda: runner.close()],
        debug=False,
    )
    app.state.runner = runner
    return app
