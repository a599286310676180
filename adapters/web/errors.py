"""One JSON error shape for every failure: ``{"error": {"status", "message", "field"}}``.

Library errors (`BusyworkError` and friends) and Litestar's own (validation, 404, 405, 413)
all end up here. Unexpected exceptions become a 500 that says nothing about internals.
"""

from __future__ import annotations

import logging
import re

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from adapters.asana.secrecy import NOT_SHOWN, looks_like_secret, redact
from adapters.web.runner import Conflict, NotFound
from adapters.web.spec import FieldError, allowed_values
from adapters.web.store import RunFolderGone
from engine.errors import BusyworkError, InvalidInput

log = logging.getLogger("busywork.web")
_LEADING_FIELD = re.compile(r"^([A-Za-z_][\w.\[\]]*): ")
_UNKNOWN = re.compile(r"unknown field `([^`]+)`")
_BAD_ENUM = re.compile(r"Invalid enum value (.+)")  # msgspec's words for a bad Literal
_WRONG_TYPE = re.compile(r"Expected `str`, got (`\w+`)")
SHOWN_VALUE = 60  # characters of a bad parameter's value repeated in its error


class ErrorBody(msgspec.Struct, kw_only=True):
    status: int
    message: str
    field: str | None = None


class ErrorResponse(msgspec.Struct, kw_only=True):
    error: ErrorBody


class Unavailable(BusyworkError):
    """Something the API relies on (a target's server) could not be reached or failed; a
    leading ``field: `` in the message names the request's field (the URL, clean_target)."""


def error_response(status: int, message: str, field: str | None = None) -> Response:
    # A value shaped like a token is hidden wherever the message came from (a scenario file's
    # value quoted by its check, a library's message): the fields' own checks say "not shown".
    body = ErrorResponse(error=ErrorBody(status=status, message=redact(message), field=field))
    return Response(body, status_code=status, media_type="application/json")


def on_busywork_error(_: Request, exc: BusyworkError) -> Response:
    if isinstance(exc, FieldError):
        return error_response(exc.status, str(exc), exc.field)
    if isinstance(exc, NotFound):
        return error_response(404, str(exc))
    if isinstance(exc, Conflict | RunFolderGone):  # a job without its run has no activity
        return error_response(409, str(exc))
    if isinstance(exc, Unavailable | InvalidInput):
        match = _LEADING_FIELD.match(str(exc))
        status = 502 if isinstance(exc, Unavailable) else 422
        return error_response(status, str(exc), match.group(1) if match else None)
    return error_response(500, str(exc))


def on_http_error(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list) and exc.extra:
        first = exc.extra[0] if isinstance(exc.extra[0], dict) else {}
        message = str(first.get("message", exc.detail))
        field = first.get("key")
        if (given := _parameter_given(request, first)) is not None:
            message = f"{given}; {message[:1].lower()}{message[1:]}"
        unknown = _UNKNOWN.search(message)
        if unknown:
            field = unknown.group(1) if field in (None, "data") else f"{field}.{unknown.group(1)}"
        elif field == "data":
            field = None
        elif field and "[...]" in field:  # msgspec's stand-in for a table's key: name the table
            field, message = field.split("[...]")[0], f"{message}, for one of its values"
        enum = _BAD_ENUM.fullmatch(message)
        allowed = allowed_values(field) if field and first.get("source") == "body" else None
        if enum and allowed:  # a value of the right type, not among the field's choices
            status = 422
        elif allowed and (wrong := _WRONG_TYPE.fullmatch(message)):  # still a 400: its shape
            message = f"got {wrong.group(1)}; expected one of " + ", ".join(map(repr, allowed))
        if enum and looks_like_secret(enum.group(1)):  # a token pasted into a choice
            choices = ", ".join(repr(v) for v in allowed or ())
            message = f"{NOT_SHOWN}; expected one of {choices}" if allowed else (
                f"Invalid enum value ({NOT_SHOWN})")  # fmt: skip
        elif enum and allowed:
            message = f"{enum.group(1)} is not one of " + ", ".join(repr(v) for v in allowed)
        where = f"{field}: " if field else ""
        return error_response(status, f"{where}{message}", field)
    return error_response(status, str(exc.detail))


def _parameter_given(request: Request, error: dict) -> str | None:
    """The value a query or path parameter was given, quoted and cut short, for the message
    (a body's values are not at hand here: its messages name the type given instead)."""
    key, source = error.get("key"), error.get("source")
    if key is None:
        return None
    if source == "query":
        value = request.query_params.get(key)
    elif source == "path":
        value = request.path_params.get(key)
    else:
        return None
    if value is None:
        return None
    value = str(value)
    if looks_like_secret(value):
        return NOT_SHOWN
    return repr(value if len(value) <= SHOWN_VALUE else value[:SHOWN_VALUE] + "…")


def on_unexpected(request: Request, exc: Exception) -> Response:
    # The exception's str, not its repr: a repr may hold what it failed on (a UnicodeError
    # holds the whole text, e.g. a header with a token).
    log.error("internal error on %s %s: %s: %s", request.method, request.url.path,
              type(exc).__name__, exc)  # fmt: skip
    return error_response(500, "internal error; see the server log")


HANDLERS = {
    BusyworkError: on_busywork_error,
    HTTPException: on_http_error,
    Exception: on_unexpected,
}
