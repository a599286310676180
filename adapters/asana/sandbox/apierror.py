"""The one exception handlers raise; the app turns it into Asana's error envelope."""

from __future__ import annotations


class ApiError(Exception):
    """An answer with an ``{"errors": [{"message": ...}]}`` body and this HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        phrase: str | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.phrase = phrase  # Asana's 500s carry a phrase to quote to support


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(kind: str, gid: str) -> ApiError:
    return ApiError(404, f"{kind}: unknown gid '{gid}'")


def with_article(noun: str) -> str:
    """The noun with its article, for messages: "a task", "an attachment" (the sandbox's
    kinds: none starts with a vowel sound but a, e, i, o; "a user")."""
    return f"{'an' if noun[:1] in ('a', 'e', 'i', 'o') else 'a'} {noun}"
