"""What every module of the REST API shares: the error responses it documents, in the API's
one error shape, and the job runner a request is for."""

from __future__ import annotations

from litestar import Request
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example

from adapters.web.errors import ErrorResponse
from adapters.web.runner import JobRunner

# Error responses as the API answers them: {"error": {"status", "message", "field"}}.
_EXAMPLES = {
    400: ("Malformed request (not JSON, or a value of the wrong type)", "forever",
          "Expected `bool`, got `str`"),
    401: ("Missing or wrong API token (only when the server runs with --api-token)", None,
          "missing or wrong API token (Authorization: Bearer …)"),
    403: ("Request from another site or host", None, "Origin 'https://elsewhere.example': "
          "requests from other sites are refused; allow one with busywork serve --cors-origin "
          "ORIGIN"),
    404: ("No such job", None, "job 'default-7d-20260105-0800': no such job"),
    409: ("The job's status does not allow this", None,
          "job 'default-7d-20260105-0800' is completed; pause needs running"),
    413: ("Body larger than the server accepts (1 MiB)", None, "Request Entity Too Large"),
    415: ("Body not sent as application/json", None,
          "Content-Type 'text/plain': the body must be JSON sent as application/json"),
    422: ("Invalid value (the field is named)", "scenario.people[2].timezone",
          "'Mars/Olympus' is not a known time zone; expected an IANA name like 'Europe/Berlin'"),
    502: ("The target failed (the field that named it)", "url",
          "cannot reach http://127.0.0.1:9/api/1.0: GET /users/me: connection refused"),
}  # fmt: skip


def _error_spec(status: int) -> ResponseSpec:
    description, field, message = _EXAMPLES[status]
    shown = f"{field}: {message}" if field else message
    body = {"error": {"status": status, "message": shown, "field": field}}
    return ResponseSpec(data_container=ErrorResponse, description=description,
                        generate_examples=False, examples=[Example(summary=description, value=body)])  # fmt: skip


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """The error responses of a route: those of every API call, and `codes`."""
    return {code: _error_spec(code) for code in sorted({401, 403, 415, *codes})}


def runner_of(request: Request) -> JobRunner:
    return request.app.state.runner
