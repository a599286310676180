"""Where the server's own tokens may be sent, and which hosts count as this machine.

Tokens from the server's tokens file (``--tokens``) belong to real Asana users. A request to
the API names the URL they are used against (a job's ``target.url``, ``url`` of
``/api/tokens/validate``), so the URL decides who receives them: only the official Asana API,
a loopback host (the local sandbox) or a URL the operator allowed with ``--allow-url``. A
token the caller pasted is theirs to send anywhere.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from adapters.asana.secrecy import NOT_SHOWN, shown
from adapters.asana.urls import ASANA_URL

LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (``127.0.0.0/8``, ``::1``)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parts(url: str) -> tuple[str, str, int | None, str]:
    """(scheme, host, port, path without a trailing slash); port None = the scheme's default."""
    split = urlsplit(url.strip())
    scheme = split.scheme.lower()
    try:
        port = split.port
    except ValueError:  # a port that is not a number: matches nothing
        port = -1
    if port == {"http": 80, "https": 443}.get(scheme):
        port = None
    return scheme, (split.hostname or "").lower(), port, split.path.rstrip("/")


def _under(url: str, allowed: str) -> bool:
    scheme, host, port, path = _parts(url)
    a_scheme, a_host, a_port, a_path = _parts(allowed)
    same_server = (scheme, host, port) == (a_scheme, a_host, a_port) and bool(host)
    return same_server and (path == a_path or path.startswith(a_path + "/"))


def _echoable(url: str) -> str:
    """The URL without user info, query or fragment (which may hold a key): what an error may
    quote of it."""
    scheme, host, port, path = _parts(url)
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}{'' if port is None else f':{port}'}{path}"


def token_url_problem(url: str, allowed: tuple[str, ...] = ()) -> str:
    """Why the server's tokens may not be sent to `url` ("" when they may)."""
    scheme, host, _, _ = _parts(url)
    if scheme in ("http", "https") and is_loopback(host):
        return ""
    if _under(url, ASANA_URL) or any(_under(url, extra) for extra in allowed):
        return ""
    # Quoted as every value in a message is; `shown` hides one that still looks like a token.
    said = shown(_echoable(url))
    return (
        f"{said}{';' if said == NOT_SHOWN else ':'} the server's tokens go only to {ASANA_URL} or a local sandbox "
        "(localhost, 127.0.0.1, ::1); start the server with --allow-url URL to allow another API"
    )
