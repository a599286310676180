"""The request pipeline: route → auth → faults → rate limits → handler → JSON answer."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import msgspec

from adapters.asana.sandbox import browse, routes
from adapters.asana.sandbox.api_attachments import serve_file
from adapters.asana.sandbox.apierror import ApiError
from adapters.asana.sandbox.batch import run_batch
from adapters.asana.sandbox.call import Answer, Call, wants_pretty
from adapters.asana.sandbox.faults import FaultDice, FaultPlan
from adapters.asana.sandbox.forms import as_written, decode_form
from adapters.asana.sandbox.httpserver import DROP, Drop, Request, Response
from adapters.asana.sandbox.ratelimit import Limits, RateLimiter
from adapters.asana.sandbox.store import Store

API_PREFIX = "/api/1.0"
UPLOAD = ("POST", "/attachments")  # the one endpoint that takes a file part
NOT_AUTHORIZED = "Not Authorized"
STOPPING = "Service Unavailable (the sandbox is stopping)"
_ENCODER = msgspec.json.Encoder()


@dataclass
class Identity:
    """Tokens → user gids, and the tokens a fault plan revokes after N requests."""

    users_by_token: dict[str, str] = field(repr=False)  # keyed by secrets: not in the repr
    revoke_after: dict[str, int] = field(default_factory=dict, repr=False)


class SandboxApp:
    def __init__(
        self,
        store: Store,
        identity: Identity,
        limits: Limits,
        faults: FaultPlan | None,
        root_url: str,
    ):
        self.store = store
        self.identity = identity
        self.limiter = RateLimiter(limits)
        self.set_faults(faults)
        self.root_url = root_url
        self.stopping = threading.Event()  # wakes "slow" faults at shutdown
        self.internal_errors: list[str] = []  # tracebacks of bugs (500s we did not inject)
        # Sees every API exchange: (request, status, response body). Conformance tests use it.
        self.observer: Callable[[Request, int, dict[str, Any]], None] | None = None
        self._lock = threading.Lock()
        self._uses: dict[str, int] = {}
        self._revoked: set[str] = set()

    def set_faults(self, faults: FaultPlan | None) -> None:
        """Inject these faults from the next request on (None: none)."""
        self.dice = FaultDice(faults) if faults else None
        self.slow_seconds = faults.slow_seconds if faults else 0.0

    def revoke(self, token: str) -> None:
        with self._lock:
            self._revoked.add(token)

    def __call__(self, request: Request) -> Response | Drop:
        if request.path.startswith(API_PREFIX + "/"):
            try:
                response = self._api(request)
            except ApiError as err:  # before the request became a call: auth, limits, faults
                response = _error(err, wants_pretty(dict(parse_qsl(request.query))))
            if self.observer is not None and isinstance(response, Response):
                self.observer(request, response.status, msgspec.json.decode(response.body))
            return response
        if request.path in ("/", "/index.html") and request.method in ("GET", "HEAD"):
            with self.store.lock:
                page = browse.page(self.store, _root(request, self.root_url))
            return Response(200, page.encode(), "text/html; charset=utf-8")
        if request.method in ("GET", "HEAD"):
            with self.store.lock:
                download = serve_file(self.store, request.path)
            if download is not None:
                return download
        return _error(ApiError(404, f"{routes.NO_ROUTE}: {request.method} {request.path}"))

    def _authenticate(self, request: Request) -> tuple[str, str]:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        user_gid = self.identity.users_by_token.get(token) if scheme.lower() == "bearer" else None
        if user_gid is None:
            raise ApiError(401, NOT_AUTHORIZED)
        with self._lock:
            if token in self._revoked:
                raise ApiError(401, NOT_AUTHORIZED)
            limit = self.identity.revoke_after.get(token)
            if limit is not None:
                self._uses[token] = uses = self._uses.get(token, 0) + 1
                if uses > limit:
                    self._revoked.add(token)
                    raise ApiError(401, NOT_AUTHORIZED)
        return token, user_gid

    def _api(self, request: Request) -> Response | Drop:
        token, user_gid = self._authenticate(request)
        self.limiter.charge(token)
        write = routes.is_write(request.method)
        self.limiter.enter(token, write)
        try:
            fault = self.dice.draw() if self.dice else None
            if fault == "500":
                assert self.dice is not None  # it drew the fault
                raise ApiError(500, "Server Error (injected fault)", phrase=self.dice.phrase())
            if fault == "503":
                raise ApiError(503, "Service Unavailable (injected fault)")
            if fault == "reset":
                return DROP
            if fault == "slow":
                self.stopping.wait(self.slow_seconds)
            response = self._handle(request, token, user_gid)
            # `lost` drops the answer of a request that was applied; an error applied nothing
            return DROP if fault == "lost" and response.status < 400 else response
        finally:
            self.limiter.leave(token, write)

    def _handle(self, request: Request, token: str, user_gid: str) -> Response:
        path = request.path[len(API_PREFIX) :].rstrip("/") or "/"
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        form = None
        if request.body.strip():
            form = decode_form(request.headers.get("content-type", ""), request.body)
        if form is not None:  # a form's opt_fields and opt_pretty; the query's own, if any, stay
            query = {**form.options, **query}
            if form.files and (request.method, path) != UPLOAD:
                raise ApiError(400, f"{next(iter(form.files))}: a file part; only POST "
                                    "/attachments takes a file (as its field file)")  # fmt: skip
        call = Call(
            store=self.store,
            user_gid=user_gid,
            method=request.method,
            path=path,
            query=query,
            root_url=_root(request, self.root_url),
            body=request.body,
            envelope=None if form is None else form.envelope,
            form=form is not None,
            files={} if form is None else form.files,
        )
        try:
            status, body = self._run(call, token)
        except ApiError as err:
            if call.form:  # name the fields as the form wrote them, not as a JSON body would
                err.message = as_written(err.message)
            return _error(err, wants_pretty(call.query))
        return Response(status, _encode(body, wants_pretty(call.query)), headers=call.headers)

    def _run(self, call: Call, token: str) -> Answer:
        with self.store.lock:
            if self.store.closed:  # stopped while this request waited: nothing is applied
                raise ApiError(503, STOPPING)
            try:
                if call.method == "POST" and call.path == "/batch":
                    return run_batch(call, self._execute, lambda n: self.limiter.charge(token, n))
                return self._execute(call)
            finally:
                self._commit(call)

    def _commit(self, call: Call) -> None:
        """Save the request's changes (with ``--data``) and journal them as the caller's; a
        failure to save is a 500 saying so."""
        try:
            self.store.commit(call.user_gid, call.now)
        except Exception as exc:
            self.internal_errors.append(traceback.format_exc())
            message = f"Server Error (the sandbox could not save the change: {exc})"
            raise ApiError(500, message) from None

    def _execute(self, call: Call) -> Answer:
        try:
            return routes.dispatch(call)
        except ApiError:
            raise
        except Exception:  # a sandbox bug: answer like Asana's 500 and keep the evidence
            self.internal_errors.append(traceback.format_exc())
            raise ApiError(500, "Server Error (sandbox bug; see Sandbox.internal_errors)") from None


def _root(request: Request, default: str) -> str:
    host = request.headers.get("host")
    return f"http://{host}" if host else default


def _encode(body: dict[str, Any], pretty: bool) -> bytes:
    raw = _ENCODER.encode(body)
    return msgspec.json.format(raw, indent=2) if pretty else raw


def _error(err: ApiError, pretty: bool = False) -> Response:
    error = {"message": err.message}
    if err.phrase:
        error["phrase"] = err.phrase
    return Response(err.status, _encode({"errors": [error]}, pretty), headers=err.headers)
