"""`busywork serve --tokens FILE` reads the file when it starts and again at each use (the
token list, a token's check, a job into Asana): an error found on a later read names --tokens
and the file as the first read's does, not the file alone."""

from __future__ import annotations

import pytest

from tests.runner import busywork
from tests.test_web import servers


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def test_a_tokens_file_broken_since_the_start_is_named_as_at_the_start(make_web, tmp_path):
    tokens = tmp_path / "tokens.toml"
    tokens.write_text('[people]\n"alice@example.com" = "tok-alice-0123456789"\n')
    web = make_web(tokens_file=tokens)  # a real server on loopback
    assert web.ok("GET", "/tokens")["people"] == ["alice@example.com"]
    tokens.write_text('default = "not a token"\n')  # edited while the server runs
    at_start = busywork("serve", "--port", "0", "--data", "data", "--tokens", str(tokens),
                        cwd=tmp_path, check=False, timeout=30)  # fmt: skip
    assert (at_start.returncode, at_start.stdout) == (2, ""), at_start.stderr
    said = at_start.stderr.removeprefix("Error: ").removesuffix("\n")
    assert said == (f"--tokens {tokens}: 'default' must be a token: printable ASCII without "
                    "spaces or quotes")  # fmt: skip
    people = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"}]
    asana = {"kind": "asana", "tokens": {"alice@example.com": "alice@example.com"}}
    for method, path, body in [
        ("GET", "/tokens", None),
        ("POST", "/tokens/validate", {"person": "alice@example.com"}),
        (
            "POST",
            "/jobs",
            {"mode": "backfill", "speed": "max", "scenario": {"people": people}, "target": asana},
        ),
    ]:
        response = web.call(method, path, json=body)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["message"] == said, path
