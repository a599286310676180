"""The text of a job's spec: every string in it (keys of its tables too) is one line without
control characters, and none holds a pasted token, which a job would keep, list and show."""

from __future__ import annotations

import re
import unicodedata

import msgspec

from adapters.asana.secrecy import NOT_SHOWN, looks_like_secret
from adapters.web.spec import FieldError, JobSpec


def check_text(spec: JobSpec) -> None:
    """Refuse a control character (NUL, a newline, an escape …) in any text of the spec, keys
    of its tables included: every one is a single line shown in the dashboard, the logs and
    Asana. The value is shown escaped; a token reference (which may be a pasted token) is not.
    Text holding a token's shape is refused too, never echoed: a job would keep it."""
    _check_text(msgspec.to_builtins(spec), "")


def _check_text(node: object, path: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _control(key):
                _refuse(path, key, path != "target.tokens", what="a key")
            if isinstance(key, str) and _PASTED_TOKEN.search(key):
                _refuse_token(path)
            _check_text(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_text(value, f"{path}[{index}]")
    elif isinstance(node, str) and _control(node):
        _refuse(path, node, not path.startswith("target.tokens."))
    elif isinstance(node, str) and _PASTED_TOKEN.search(node):
        _refuse_token(path)


# A token pasted into a text field (a job's name, a workspace gid, a person's name): an Asana
# personal access token (``1/<gid>:<hex>``, ``2/<gid>/<gid>:<hex>``) or an Anthropic key.
# Strict shapes only, so no ordinary text is taken for one ("Q1/2026: plan" is not).
_PASTED_TOKEN = re.compile(r"\b\d/\d{6,}(?:/\d{6,})?:[0-9A-Za-z]{16,}|sk-ant-[\w-]{8,}")


def _refuse_token(field: str) -> None:
    """A job keeps its text (its name even names its run folder): a token in it would be
    stored, listed and shown. Refused, and not echoed."""
    raise FieldError(field, f"{NOT_SHOWN}; expected text that is not a token: a job keeps its "
                            "text, and tokens belong in the server's tokens file (busywork "
                            "serve --tokens)")  # fmt: skip


def _control(text: str) -> str:
    """The first control character in `text`, or ""."""
    return next((c for c in text if unicodedata.category(c) == "Cc"), "")


def _refuse(field: str, text: str, echo: bool, what: str = "") -> None:
    char = f"U+{ord(_control(text)):04X}"
    hidden = echo and looks_like_secret(text)
    said = f"{text[:40]!r} " if echo and not hidden else ""
    holds = f"{what} holding" if what else "holds"
    if hidden:
        said, holds = f"{NOT_SHOWN}; it ", "holds" if not what else f"is {what} holding"
    raise FieldError(field, f"{said}{holds} a control character ({char}); expected one line "
                            "of text without control characters")  # fmt: skip
