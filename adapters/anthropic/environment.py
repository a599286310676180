"""The settings Claude content reads from the environment: the key (ANTHROPIC_API_KEY, never
stored, logged or echoed) and the API's base URL (ANTHROPIC_BASE_URL, shown in errors without
any user or password in it). Both are checked before any work starts."""

from __future__ import annotations

import os
import re
import urllib.parse

from engine.errors import InvalidInput

KEY_VARIABLE = "ANTHROPIC_API_KEY"
URL_VARIABLE = "ANTHROPIC_BASE_URL"


def api_key() -> str | None:
    """The key from the environment, without surrounding whitespace (None: not set)."""
    key = os.environ.get(KEY_VARIABLE, "").strip()
    if not key:
        return None
    if any(c.isspace() for c in key):
        raise InvalidInput(f"{KEY_VARIABLE} contains whitespace; expected the key alone")
    if not (key.isascii() and key.isprintable()):
        raise InvalidInput(f"{KEY_VARIABLE} holds characters an API key never has")
    return key


def shown_base_url() -> str:
    """ANTHROPIC_BASE_URL for an error message, without any user or password in it: all up to
    the last "@" goes (but a scheme), also when the value is too broken to parse."""
    return without_userinfo(os.environ.get(URL_VARIABLE, ""))


def without_userinfo(value: str) -> str:
    """`value` (a URL) without any user or password: all up to its last "@" goes (but a
    scheme), also when a "/" in the password hides it from URL parsers."""
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value)
    head = scheme.group() if scheme else ""
    rest = value[len(head) :]
    return head + rest.rpartition("@")[2] if "@" in rest else value


def check_base_url() -> None:
    """A set ANTHROPIC_BASE_URL must be an http(s) URL with a host (the SDK would take
    "notaurl" as a path and fail only when it first calls, as if the API were down)."""
    value = os.environ.get(URL_VARIABLE)
    if value is None:
        return
    why = None
    try:
        parts = urllib.parse.urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        # No user or password: with an "@" in the URL a reason that quotes may quote part of
        # one (the "port" urllib read from "user:pass/…@host" is the password up to its "/").
        quotes = any(c in str(exc) for c in "'\"@")
        why = "it does not parse" if "@" in value and quotes else str(exc)
    else:
        if parts.scheme.lower() not in ("http", "https"):
            why = "no http:// or https:// at its start"
        elif not parts.hostname:
            why = "no host"
        elif "@" in value and "@" not in parts.netloc:
            # "user:pa/ss@host": the host is read as "user" and the rest as a path, shown in
            # full wherever the URL is.
            why = 'an "@" after the host; a "/", "?" or "#" in a user or password must be %-encoded'
    if why is not None:
        raise InvalidInput(
            f"{URL_VARIABLE}: {shown_base_url()!r} is not a usable URL ({why}); expected an http(s) "
            "URL such as https://api.anthropic.com, or unset it"
        )
