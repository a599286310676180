"""The Asana API's address, and what makes a base URL acceptable. Light on purpose (the
standard library only): the web app checks URLs without loading the HTTP client."""

from __future__ import annotations

from urllib.parse import urlsplit

from adapters.asana.secrecy import NOT_SHOWN, looks_like_secret, shown

ASANA_URL = "https://app.asana.com/api/1.0"


def api_url_problem(url: str) -> str:
    """What is wrong with `url` as the base URL of an Asana API ("" when nothing is). A URL
    holding credentials is not echoed: what is before the @ may be a secret. What urllib
    cannot parse (a bracketed host left open, a port out of range) is said here: it would
    otherwise fail deep inside a request."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (parsing the port is the check)
    except ValueError as exc:
        # With an "@" the URL is not shown, nor a reason that quotes: it may quote part of a
        # password (a "port" that is not a number: what follows "user:" up to a "/").
        reason = f" ({exc})"
        said = f"{shown(url)} does not parse"
        if "@" in url or looks_like_secret(url):
            said, reason = "the URL does not parse", "" if _quotes(str(exc)) else reason
            if "@" not in url:
                said = f"the URL does not parse ({NOT_SHOWN})"
        return f"{said}{reason}; expected an http(s) URL of the API, e.g. {ASANA_URL}"
    # Any "@" counts, not only the user info urllib finds: a password holding "/", "?" or "#"
    # (Asana's tokens look like "2/123:abc") ends the host early, the rest passing for a path
    # or a query. An API's base URL never needs an "@".
    if parts.username is not None or parts.password is not None or "@" in url:
        return "the URL holds credentials (user:password@); tokens belong in the tokens file"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{shown(url)}; expected an http(s) URL of the API"
    # A base URL has no query string or fragment: request paths are appended to it, so they
    # would land inside either. What follows the ``?`` or ``#`` is not shown: it may hold a key.
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
    if cut >= 0:
        what = "a query string" if url[cut] == "?" else "a fragment"
        return (
            f"{shown(url[:cut])} followed by {what} ({url[cut]}…); expected the API's base URL "
            f"alone, without ? or #, e.g. {ASANA_URL}"
        )
    # urllib passes a space in the host or path, and drops a tab or newline unsaid: the request
    # would fail ("invalid character") or go elsewhere than written. (After the query check:
    # a query, which may hold a key, is never shown.)
    if any(c.isspace() for c in url):
        what = "a space" if " " in url else "whitespace"
        return (
            f"{shown(url)} holds {what}; expected an http(s) URL of the API without any, e.g. "
            f"{ASANA_URL}"
        )
    return ""


def _quotes(text: str) -> bool:
    """Whether `text` (urllib's reason) may quote part of the URL."""
    return any(c in text for c in "'\"@")
