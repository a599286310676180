"""ANTHROPIC_BASE_URL must be an http(s) URL: anything else stops `simulate --content
anthropic` before any work, with exit 2 and one line naming the variable, the value (without
a user or password in it) and what is expected."""

from __future__ import annotations

import pytest

from tests.fake_anthropic import FakeAnthropic
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-base-url-test-6c1b-secret"


@pytest.fixture(scope="module")
def fake():
    with FakeAnthropic(key=KEY) as server:
        yield server


@pytest.mark.parametrize(
    "value, shown, why",
    [
        ("notaurl", "notaurl", "no http:// or https:// at its start"),
        ("", "", "no http:// or https:// at its start"),
        ("ftp://files.example.com/", "ftp://files.example.com/", "no http:// or https://"),
        ("user:hunter2-pw@api.example.com", "api.example.com", "no http:// or https://"),
        ("https://", "https://", "no host"),
        ("https://u:hunter2-pw@host:99999/", "https://host:99999/", "Port out of range"),
    ],
)
def test_a_base_url_that_is_not_an_http_url_is_bad_input(fake, tmp_path, value, shown, why):
    env = environment(fake, tmp_path, key=KEY)
    env["ANTHROPIC_BASE_URL"] = value
    result = in_process(
        "simulate", "--content", "anthropic", "--days", "2", "--out", "r", cwd=tmp_path, env=env
    )
    assert result.returncode == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: ANTHROPIC_BASE_URL: {shown!r} is not a usable URL ({why}")
    assert line.endswith("; expected an http(s) URL such as https://api.anthropic.com, or unset it")
    assert "hunter2" not in result.output and KEY not in result.output
    assert fake.calls.total() == 0 and not (tmp_path / "r").exists()
