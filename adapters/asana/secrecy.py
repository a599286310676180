"""What may be a secret, and keeping it out of messages. Light on purpose (the standard library
only): the web app's checks and the command line use it without loading the HTTP client.

A value that belongs elsewhere (a workspace gid, a URL, a speed) is echoed in its error, unless
it looks like a token: a user pasting an Asana personal access token (``1/1234567890:abc…``,
``2/…``) or an Anthropic key (``sk-ant-…``) into the wrong field must not see it repeated in
an error, a log or a screenshot of either.
"""

from __future__ import annotations

import re

HIDDEN = "<token hidden>"
NOT_SHOWN = "the value is not shown: it looks like a token"
SECRET_MIN = 20  # characters of a run of letters and digits that may be a key
# An Asana personal access token: 1/<user gid>:<hex>, or 2/<user gid>/<app gid>:<hex>.
_ASANA_TOKEN = re.compile(r"\b\d/\d{4,}(?:/\d+)?:[0-9A-Za-z]{4,}")
_ANTHROPIC_KEY = re.compile(r"sk-ant-[\w-]*")
# What separates the pieces of a URL or of a sentence: no key holds one, so a URL (which as a
# whole is long and mixes letters and digits) is judged by its pieces.
_PIECES = re.compile(r"[\s/:.?#&=@,;'\"]+")


def looks_like_secret(value: object) -> bool:
    """Whether `value` (as text) may be or hold a token: an Asana token's shape, an Anthropic
    key's prefix, or a piece of `SECRET_MIN` or more characters mixing letters and digits."""
    text = str(value)
    if _ASANA_TOKEN.search(text) or "sk-ant-" in text:
        return True
    return any(_mixed(piece) for piece in _PIECES.split(text))


def _mixed(piece: str) -> bool:
    return (
        len(piece) >= SECRET_MIN
        and any(c.isdigit() for c in piece)
        and any(c.isalpha() for c in piece)
    )


def shown(value: object, limit: int | None = None) -> str:
    """`value`'s repr (its first `limit` characters) for an error, or `NOT_SHOWN` when it
    looks like a token."""
    if looks_like_secret(value):
        return NOT_SHOWN
    return repr(value)[:limit]


def redact_known(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """`text` with each of the known `secrets` (longest first) replaced by `HIDDEN`: what the
    Asana client does to a target's text, which may echo a token."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    return text


def redact(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """`redact_known`, and anything shaped like an Asana token or an Anthropic key hidden too."""
    text = _ASANA_TOKEN.sub(HIDDEN, redact_known(text, secrets))
    return _ANTHROPIC_KEY.sub(HIDDEN, text)
