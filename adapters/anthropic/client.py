"""The SDK client a session calls Claude with.

Its HTTP client is our own subclass of the SDK's default one: the SDK's wrapper closes itself
when collected, but reads a field its constructor had not set yet when a Ctrl-C (raised as
soon as the 2-second SDK import ends, see ``adapters.interrupts``) cut that constructor short,
and Python then printed that error's traceback on the way out.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from adapters.anthropic.environment import URL_VARIABLE, shown_base_url
from engine.errors import InvalidInput


def make_client(key: str, *, timeout: Any, max_retries: int) -> Any:
    import anthropic  # slow import (~2.6 s): only when Claude is really used

    class HttpClient(anthropic.DefaultHttpxClient):
        def __del__(self) -> None:
            # Closed when collected, as the SDK's own; never an error from a half-built one.
            with contextlib.suppress(Exception):
                if not self.is_closed:
                    self.close()

    try:
        return anthropic.Anthropic(
            api_key=key, timeout=timeout, max_retries=max_retries, http_client=HttpClient()
        )
    except Exception as exc:  # the SDK's URL parser raises its own exception types
        if URL_VARIABLE not in os.environ:
            raise
        why = str(exc) if "@" not in str(exc) else type(exc).__name__  # no user or password
        raise InvalidInput(
            f"{URL_VARIABLE}: {shown_base_url()!r} is not a usable URL ({why}); expected one "
            "such as https://api.anthropic.com, or unset it"
        ) from None
