"""Answers that are not what the API sends: a status 200 whose body is not JSON (a proxy's error
page), JSON of another shape, a batch result line of another shape, and a web server at
ANTHROPIC_BASE_URL that answers everything with a page. Each project falls back to template
text (or is fetched again), or the command stops with one line; never a traceback."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from adapters.anthropic.usage import USAGE_FILE, read_records
from tests.fake_anthropic import FakeAnthropic
from tests.loopback import LoopbackServer
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-garbled-test-3b7f-secret"
CLAUDE = ("simulate", "--content", "anthropic", "--days", "5", "--out", "run")


@pytest.fixture
def fake():
    with FakeAnthropic(key=KEY) as server:
        yield server


def outcomes(tmp_path) -> list[tuple[str, str, str]]:
    records = read_records(tmp_path / "run" / USAGE_FILE)
    return [(r.item, r.outcome, r.detail) for r in records if r.outcome != "sent"]


def test_an_answer_that_is_not_json_falls_back_to_templates(fake, tmp_path):
    fake.faults += ["garbage"] * 20
    result = in_process(*CLAUDE, cwd=tmp_path, env=environment(fake, tmp_path, key=KEY))
    assert result.returncode == 0, result.exception or result.stderr
    said = f"an answer that is not JSON from {fake.base_url}"
    found = outcomes(tmp_path)
    assert found and all((o, d) == ("api_error", said) for _, o, d in found), found
    assert "Traceback" not in result.stderr and KEY not in result.stderr


def test_json_that_is_not_a_message_is_invalid_output(fake, tmp_path):
    fake.faults += ["shapeless"] * 20
    result = in_process(*CLAUDE, cwd=tmp_path, env=environment(fake, tmp_path, key=KEY))
    assert result.returncode == 0, result.exception or result.stderr
    found = outcomes(tmp_path)
    first = [o for o in found if o[0] == "project 0"]
    assert first == [
        ("project 0", "invalid", "the answer is not a message (no content blocks)"),
        ("project 0", "invalid", "the answer is not a message (no content blocks)"),
        ("project 0", "fallback", "invalid output 2 times"),
    ]


def test_a_batch_result_line_of_another_shape_is_fetched_again(fake, tmp_path):
    fake.batch_faults["p0"] = "shapeless"
    args = (*CLAUDE, "--llm-batch-min", "1", "--llm-poll-seconds", "0")
    result = in_process(*args, cwd=tmp_path, env=environment(fake, tmp_path, key=KEY))
    assert result.returncode == 0, result.exception or result.stderr
    first = [o[1] for o in outcomes(tmp_path) if o[0] == "project 0"]
    assert first == ["batch_unreadable", "ok"]  # then bought as a single call
    assert fake.calls["batches"] == 1


class _WebPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html>It works!</html>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_web_server_at_the_base_url_is_refused_before_the_run(fake, tmp_path):
    with LoopbackServer(_WebPage) as server:
        env = environment(fake, tmp_path, key=KEY)
        env["ANTHROPIC_BASE_URL"] = url = server.root_url
        result = in_process(*CLAUDE, cwd=tmp_path, env=env)
    assert result.returncode == 2, result.exception or result.stderr
    assert result.stderr == (
        f"Error: ANTHROPIC_BASE_URL: {url} is not the Anthropic API (it answered something "
        "other than a model's record to GET /v1/models/claude-haiku-5-5); expected one such "
        "as https://api.anthropic.com, or unset it\n"
    )
    assert not (tmp_path / "run").exists()
