"""Sandbox fixtures (a pytest plugin: ``pytest_plugins = ["tests.sandbox_fixtures"]``).

- ``sandbox``: a started in-memory sandbox on 127.0.0.1 port 0 with alice, bob and carol plus
  an admin ``default`` token; stopped at teardown, which also fails the test if the sandbox
  hit an internal bug. Use ``sandbox.base_url``, ``sandbox.workspace_gid``,
  ``sandbox.tokens[email]`` and ``session_for(sandbox, email)``; ``ok_json`` and
  ``error_message`` read its answers.
- ``make_sandbox(**config)``: the same with custom limits, faults or a data directory.
- ``asana_spec``: Asana's OpenAPI spec, parsed once per session (skipped when the file is
  absent, a failure under CI=true).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from adapters.asana.sandbox import Sandbox, SandboxConfig, SandboxPerson

PEOPLE = (("alice@example.com", "Alice Adams"), ("bob@example.com", "Bob Brown"),
          ("carol@example.com", "Carol Chen"))  # fmt: skip
SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "asana" / "asana_oas.yaml"


def ok_json(response: requests.Response) -> dict:
    """The body of a 200 answer (the whole envelope); the answer itself when it is not one."""
    assert response.status_code == 200, response.text
    return response.json()


def error_message(response: requests.Response, status: int) -> str:
    """The first error's message of an answer that must have `status`."""
    assert response.status_code == status, response.text
    return response.json()["errors"][0]["message"]


def default_people() -> list[SandboxPerson]:
    return [SandboxPerson(email, name, secrets.token_urlsafe(16)) for email, name in PEOPLE]


def session_for(sandbox: Sandbox, email: str = "alice@example.com") -> requests.Session:
    """A keep-alive session authenticated as ``email`` (or ``"admin"`` for the default token)."""
    token = sandbox.admin_token if email == "admin" else sandbox.tokens[email]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    started: list[Sandbox] = []

    def make(**overrides: Any) -> Sandbox:
        config: dict[str, Any] = {
            "people": default_people(),
            "admin_token": secrets.token_urlsafe(16),
        }
        config.update(overrides)
        sandbox = Sandbox(SandboxConfig(**config)).start()
        started.append(sandbox)
        return sandbox

    yield make
    errors = [e for sb in started for e in sb.internal_errors]
    for sandbox in started:
        sandbox.stop()
    assert not errors, "sandbox internal errors:\n" + "\n".join(errors)


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox()


@pytest.fixture
def tokens_file(sandbox: Sandbox, tmp_path: Path) -> Path:
    """A tokens file for `sandbox`: Alice's own token, the admin's for everyone else."""
    from adapters.asana.tokens import Tokens, write_tokens

    path = tmp_path / "tokens.toml"
    write_tokens(path, Tokens(people={"alice@example.com": sandbox.tokens["alice@example.com"]},
                              default=sandbox.admin_token))  # fmt: skip
    return path


@pytest.fixture(scope="session")
def asana_spec() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        reason = f"Asana OpenAPI spec not found at {SPEC_PATH} (see DESIGN.md)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    import yaml

    with SPEC_PATH.open("rb") as spec:
        return yaml.load(spec, Loader=yaml.CSafeLoader)
