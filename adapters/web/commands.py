"""The ``serve`` command: the jobs API and the dashboard.

Registered on the group in ``cli.py``, whose ``BusyworkGroup`` turns library errors into a
message and an exit code. Litestar and uvicorn are imported inside the command only, so
``busywork --help`` stays fast.
"""

from __future__ import annotations

import click

from adapters.number_options import PORT
from adapters.path_options import FOLDER, TOKENS_FILE
from adapters.run_setup import DEFAULT_REPLAYS

# -- serve: the jobs API and the dashboard (litestar, uvicorn; imported only here) -----------


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 or :: for every interface (needs --api-token).")  # fmt: skip
@click.option("--port", type=PORT, default=8000, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.option(
    "--data",
    "data_dir",
    type=FOLDER,
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
    help="Require 'Authorization: Bearer TOKEN' on every API call (needed off localhost).",
)
@click.option("--cors-origin", metavar="ORIGIN", help="Allow this browser origin (CORS is off).")
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
        from adapters.asana.tokens import load_tokens

        load_tokens(tokens_file)  # a broken file fails now, not at the first job
    from adapters.asana.urls import api_url_problem
    from engine.errors import InvalidInput

    for url in allow_urls:
        if problem := api_url_problem(url):
            raise InvalidInput(f"--allow-url: {problem}")
    web = WebConfig(api_token=api_token, cors_origin=cors_origin)
    serve(host, port, data_dir, tokens_file, web, echo=click.echo, token_urls=tuple(allow_urls))
