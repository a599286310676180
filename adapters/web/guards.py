"""Checks on every request before a handler runs: who may call (no cross-site requests), and
what a body must be (JSON, an object).

A web page on another site can make the user's browser send "simple" requests here (a form
post, ``fetch`` with ``Content-Type: text/plain``) without any CORS preflight. So:

- a request with an ``Origin`` header other than this server's own or ``--cors-origin`` is
  refused (403); browsers send ``Origin`` on every cross-site POST and DELETE;
- a request with a body must say ``Content-Type: application/json`` (415), which a page on
  another site can only send after a preflight that CORS refuses;
- without an API token (a localhost server), the ``Host`` header must name a loopback host
  (403): a page whose own name was made to point at 127.0.0.1 (DNS rebinding) is then
  refused although the browser thinks it is same-origin.

Handlers that take a JSON body also get it checked here, so that an empty body or a number
too large for a float gets a message naming the problem (and the field).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler

from adapters.json_depth import MAX_JSON_DEPTH, nested_deeper_than
from adapters.web.destinations import is_loopback
from adapters.web.spec import FieldError

JSON = "application/json"
Guard = Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]
_INFINITY_DECODER = msgspec.json.Decoder(float_hook=float)  # 1e400 -> inf instead of failing


class UnsupportedMediaType(HTTPException):
    status_code = 415


def request_guard(api_token: str | None, cors_origin: str | None) -> Guard:
    """The app-wide guard (see the module's docstring)."""
    trusted = {cors_origin.rstrip("/").lower()} if cors_origin else set()

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        headers = connection.headers
        host = headers.get("host", "")
        if not api_token and host and not is_loopback(_host_name(host)):
            raise PermissionDeniedException(
                f"Host {host[:100]!r}: this server answers to localhost only; serve other "
                "names with --api-token"
            )
        origin = headers.get("origin")
        if origin is not None:
            own = f"{connection.url.scheme}://{host}".lower()
            if origin.rstrip("/").lower() not in trusted | {own}:
                raise PermissionDeniedException(
                    f"Origin {origin[:100]!r}: requests from other sites are refused; allow "
                    "one with busywork serve --cors-origin ORIGIN"
                )
        if connection.scope["type"] != "http":
            return
        if _has_body(headers) and _media_type(headers) != JSON:
            raise UnsupportedMediaType(
                f"Content-Type {_media_type(headers)[:100] or 'missing'!r}: the body must be "
                f"JSON sent as {JSON}"
            )

    return guard


async def json_body_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """For handlers that take a JSON body (after the API token was checked)."""
    signature = getattr(handler, "parsed_fn_signature", None)
    if signature is not None and "data" in signature.parameters:
        check_json_object(await connection.body())  # type: ignore[attr-defined]


def _host_name(host: str) -> str:
    try:
        return urlsplit(f"//{host}").hostname or ""
    except ValueError:  # e.g. "[::1" : not a name at all
        return ""


def _has_body(headers: Any) -> bool:
    if "transfer-encoding" in headers:
        return True
    try:
        return int(headers.get("content-length", "0")) > 0
    except ValueError:
        return True


def _media_type(headers: Any) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def check_json_object(body: bytes) -> None:
    """A 400 for a missing body, malformed JSON or one that is not a JSON object; a 422 naming
    the field of a number out of range."""
    if not body.strip():
        raise FieldError(None, "the request body is empty; expected a JSON object", status=400)
    try:
        value = msgspec.json.decode(body)
    except RecursionError:
        raise _too_deep() from None
    except UnicodeDecodeError:  # msgspec's, for a string that is not UTF-8 (else a 500)
        raise FieldError(None, "the request body is not UTF-8; expected JSON text in UTF-8",
                         status=400) from None  # fmt: skip
    except msgspec.DecodeError as exc:
        if "out of range" not in str(exc):  # msgspec says where, not always that it is JSON
            said = str(exc).removeprefix("JSON is malformed: ")
            said = said[:1].lower() + said[1:]
            raise FieldError(None, f"JSON is malformed: {said}", status=400) from None
        try:
            value = _INFINITY_DECODER.decode(body)
        except (msgspec.DecodeError, RecursionError):  # malformed after all: the decoder says
            return
        if nested_deeper_than(body, value):
            raise _too_deep() from None
        raise FieldError(_infinite_at(value) or None, "a number out of range") from None
    if nested_deeper_than(body, value):
        raise _too_deep()
    if not isinstance(value, dict):
        raise FieldError(None, "the request body must be a JSON object", status=400)


def _too_deep() -> FieldError:
    return FieldError(None, f"the JSON is nested too deeply; expected at most {MAX_JSON_DEPTH} "
                            "levels of objects and arrays", status=400)  # fmt: skip


def _infinite_at(value: Any, path: str = "") -> str | None:
    """The path (``scenario.days``, ``people[2].x``) of the first infinite number in `value`."""
    if isinstance(value, float) and math.isinf(value):
        return path
    items: Any = ()
    if isinstance(value, dict):
        items = ((f"{path}.{key}" if path else str(key), item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{index}]", item) for index, item in enumerate(value))
    for where, item in items:
        found = _infinite_at(item, where)
        if found is not None:
            return found
    return None
