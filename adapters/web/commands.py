"""The ``serve`` command: the jobs API and the dashboard.

Registered on the group in ``cli.py``, whose ``BusyworkGroup`` turns library errors into a
message and an exit code. Litestar and uvicorn are imported inside the command only, so
``busywork --help`` stays fast.
"""

from __future__ import annotations

import click

from adapters.number_options import PORT
from adapters.path_options import FOLDER_TO_WRITE, TOKENS_FILE
from adapters.run_setup import DEFAULT_REPLAYS

ORIGIN_EXAMPLE = "https://tools.example.com"


def _api_token(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A token given blank would protect nothing (or, from the environment, look set)."""
    if value is not None and not value.strip():
        source = ctx.get_parameter_source(param.name or "")
        hint = "--api-token"
        if source is click.core.ParameterSource.ENVIRONMENT:
            hint = "--api-token (from BUSYWORK_API_TOKEN)"
        raise click.BadParameter(
            f"{value!r} is {'blank' if value else 'empty'}; expected a token that clients send "
            'as Authorization: Bearer TOKEN, such as --api-token "$(openssl rand -hex 16)"',
            param_hint=hint,
        )
    return value


def _origin(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An origin as browsers send it (scheme://host[:port]), a trailing / dropped; anything
    else could never match a browser's Origin header."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    origin = value.strip().removesuffix("/")
    expected = f"expected scheme://host[:port], such as {ORIGIN_EXAMPLE}"
    try:
        parts = urlsplit(origin)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} does not parse ({exc}); {expected}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{value!r} is not an origin; {expected}")
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise click.BadParameter(f"{value!r} is more than an origin; {expected}")
    return origin


# -- serve: the jobs API and the dashboard (litestar, uvicorn; imported only here) -----------


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 or :: for every interface (needs --api-token).")  # fmt: skip
@click.option("--port", type=PORT, default=8000, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.option(
    "--data",
    "data_dir",
    type=FOLDER_TO_WRITE,
    metavar="DIR",
    default=DEFAULT_REPLAYS,
    show_default=True,
    help="Where runs and job state live.",
)
@click.option(
    "--tokens",
    "tokens_file",
    type=TOKENS_FILE,
    help="Tokens file (TOML) that jobs refer to by person; never sent to browsers.",
)
@click.option(
    "--api-token",
    envvar="BUSYWORK_API_TOKEN",
    metavar="TOKEN",
    callback=_api_token,
    help="Require 'Authorization: Bearer TOKEN' on every API call (needed off localhost).",
)
@click.option("--cors-origin", metavar="ORIGIN",
              callback=_origin,
              help="Allow this browser origin, e.g. https://tools.example.com (CORS is off).")  # fmt: skip
@click.option(
    "--allow-url",
    "allow_urls",
    multiple=True,
    metavar="URL",
    help="Also send the tokens file's tokens to this API (repeatable; by default only to "
    "https://app.asana.com/api/1.0 and local sandboxes).",
)
def serve_command(host, port, data_dir, tokens_file, api_token, cors_origin, allow_urls) -> None:
    """Serve the dashboard (/) and the jobs API (/api, OpenAPI at /schema) until Ctrl-C.

    Jobs simulate (dry run), backfill or run continuously into a sandbox or Asana; their
    state lives with their runs under --data, and running jobs resume after a restart. One
    server per --data folder: a second one on the same folder refuses to start.
    """
    from adapters.web.app import WebConfig
    from adapters.web.serve import serve

    if tokens_file is not None:
        from adapters.web.targets import server_tokens

        server_tokens(tokens_file)  # a broken file fails now, not at the first job
    from adapters.asana.urls import api_url_problem
    from engine.errors import InvalidInput

    for url in allow_urls:
        if problem := api_url_problem(url):
            raise InvalidInput(f"--allow-url: {problem}")
    web = WebConfig(api_token=api_token, cors_origin=cors_origin)
    serve(host, port, data_dir, tokens_file, web, echo=click.echo, token_urls=tuple(allow_urls))
