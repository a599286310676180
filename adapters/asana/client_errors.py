"""What an `AsanaClient` call raises. No message of these contains a token value: tokens are
named by their key (an email, or "default")."""

from __future__ import annotations

from engine.errors import BusyworkError


class ApiRejected(BusyworkError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class TokenInvalid(BusyworkError):
    def __init__(self, key: str):
        super().__init__(f"the token for {key} was rejected (401 Not Authorized)")
        self.key = key


class NoToken(TokenInvalid):
    """The tokens file has no token for this key (e.g. no ``default``)."""

    def __init__(self, key: str):
        BusyworkError.__init__(self, f"the tokens file has no token for {key}")
        self.key = key


class Unavailable(BusyworkError):
    """Retries exhausted on 5xx, resets or timeouts."""


class Stopped(BusyworkError):
    """The caller's stop event was set while this call waited: to send (nothing was sent), to
    retry, or for a write in doubt to land (it may still: look for it before sending again)."""
