"""A Ctrl-C that cuts the SDK client's construction short leaves nothing that prints a
traceback later: `simulate --content anthropic` raises a Ctrl-C that came during the SDK's
2-second import as soon as the import ends, which is inside that constructor (it builds an
SSL context), and the SDK's HTTP client then failed in its finalizer (``AttributeError:
'SyncHttpxClientWrapper' object has no attribute '_state'``), printed on the way out."""

from __future__ import annotations

import gc
import sys

import pytest

from adapters.anthropic.session import LlmSession
from tests.test_anthropic import options, scenario

KEY = "sk-ant-setup-interrupted-5a1c-secret"


def test_a_ctrl_c_inside_the_client_constructor_leaves_no_traceback(tmp_path, monkeypatch):
    # Imported here, not at the top: the SDK takes about a second to import, which every
    # pytest worker would otherwise pay while collecting, whether or not it runs this test.
    import anthropic._base_client as sdk_client

    def ctrl_c(*args, **kwargs):  # where the Ctrl-C lands: building the HTTP transport
        raise KeyboardInterrupt

    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    monkeypatch.setattr(sdk_client, "HTTPTransport", ctrl_c)
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(KeyboardInterrupt):
        LlmSession(scenario(days=3), KEY, options(tmp_path))
    gc.collect()  # the half-built client goes, as it would at exit
    assert [f"{u.exc_type.__name__}: {u.exc_value}" for u in unraisable] == []
