"""The REST API's token routes: who is in the server's tokens file (never a token), and
checking a token against a target."""

from __future__ import annotations

from typing import Any

import anyio
import msgspec
from litestar import Request, get, post
from litestar.params import JSONBody

from adapters.asana.tokens import is_token_text
from adapters.asana.urls import ASANA_URL, api_url_problem
from adapters.web.destinations import token_url_problem
from adapters.web.errors import Unavailable
from adapters.web.route_parts import errors, runner_of
from adapters.web.runner import JobRunner
from adapters.web.spec import FieldError
from engine.errors import BusyworkError


class TokenRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # A person (email) from the server's tokens file, or a token to check once (never kept).
    person: str = ""
    token: str = ""
    url: str = ""  # the API base URL; default app.asana.com

    def __repr__(self) -> str:  # no value: each may be a token pasted in, or hold one (url)
        given = [name for name in ("person", "token", "url") if getattr(self, name)]
        return f"TokenRequest({', '.join(given)} given)"


class Workspace(msgspec.Struct):
    gid: str | None
    name: str


class TokenCheck(msgspec.Struct, kw_only=True):
    valid: bool
    message: str = ""
    user: dict[str, str | None] | None = None
    workspaces: list[Workspace] = []


@get("/tokens", sync_to_thread=True, responses=errors(422))
def list_tokens(request: Request) -> dict[str, Any]:
    """The people (emails) in the server's tokens file; never the tokens."""
    people, has_default = token_people(runner_of(request))
    return {"people": people, "default": has_default}


def token_people(runner: JobRunner) -> tuple[list[str], bool]:
    """The emails in the server's tokens file, and whether it has a default token."""
    if runner.config.tokens_file is None:
        return [], False
    from adapters.web.targets import server_tokens

    tokens = server_tokens(runner.config.tokens_file)
    return sorted(tokens.people), tokens.default is not None


@post("/tokens/validate", status_code=200, responses=errors(400, 413, 422, 502))
async def validate_token(request: Request, data: JSONBody[TokenRequest]) -> TokenCheck:
    """Who the token is (`/users/me`) and which workspaces it sees (`/workspaces`). A pasted
    `token` may be checked against any URL; a `person`'s token from the server's tokens file
    only against Asana, a local sandbox or a URL the server allows (`--allow-url`)."""
    from adapters.web.targets import check_token

    runner = runner_of(request)
    token = _token_for(runner, data)
    url = data.url or ASANA_URL
    problem = api_url_problem(url)
    if not problem and data.person:
        problem = token_url_problem(url, runner.config.token_urls)
        problem = problem and f"{problem}; or check a token you paste (token)"
    if problem:
        raise FieldError("url", problem)
    try:
        result = await anyio.to_thread.run_sync(check_token, url, token)
    except BusyworkError as exc:  # the client's message names the URL when it was never reached
        raise Unavailable(f"url: {exc}") from None
    return msgspec.convert(result, TokenCheck)


def _token_for(runner: JobRunner, data: TokenRequest) -> str:
    if bool(data.person) == bool(data.token):
        raise FieldError("person", "give either person (from the tokens file) or token")
    if data.token:
        if not is_token_text(data.token) or len(data.token) > 500:
            raise FieldError(
                "token", "not a token (printable ASCII without spaces, at most 500 characters)"
            )
        return data.token
    if runner.config.tokens_file is None:
        raise FieldError("person", "the server has no tokens file (start it with --tokens)")
    from adapters.web.targets import server_tokens

    token = server_tokens(runner.config.tokens_file).people.get(data.person.lower())
    if token is None:  # not echoed: a token pasted into the wrong field would be
        raise FieldError(
            "person", "not a person in the server's tokens file; expected an email that "
            "GET /api/tokens lists (or paste a token as token)",
        )  # fmt: skip
    return token
