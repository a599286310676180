"""An endpoint that is not the Anthropic API (a 404 without the API's error body) is named,
not blamed on the model; and while busywork waits on an endpoint that does not answer, it says
so, and each call gives up after its timeout and retries."""

from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler

import pytest

from adapters.anthropic.session import LlmOptions, LlmSession
from adapters.anthropic.usage import USAGE_FILE, read_records
from tests.fake_anthropic import FakeAnthropic
from tests.loopback import LoopbackServer
from tests.test_anthropic import scenario
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-endpoint-test-3c7e-secret"
CLAUDE = ("simulate", "--content", "anthropic", "--days", "2", "--out", "r")


@pytest.fixture
def fake():
    with FakeAnthropic(key=KEY) as server:
        yield server


@pytest.fixture
def file_server(tmp_path):
    """A web server that is not the Anthropic API: 404 (HTML) for every API path."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    (tmp_path / "www").mkdir()
    handler = functools.partial(Quiet, directory=str(tmp_path / "www"))
    with LoopbackServer(handler) as server:
        yield server.root_url


def not_the_api(url: str) -> list[str]:
    return [
        f"Error: ANTHROPIC_BASE_URL: {url} is not the Anthropic API (it answered 404 Not Found "
        "to GET /v1/models/claude-haiku-5-5); expected one such as https://api.anthropic.com, "
        "or unset it"
    ]


def test_a_base_url_that_is_not_the_api_is_named_not_blamed_on_the_model(
    fake, file_server, tmp_path
):
    env = environment(fake, tmp_path, key=KEY)
    env["ANTHROPIC_BASE_URL"] = file_server.replace("http://", "http://user:pw-5521@")
    result = in_process(*CLAUDE, cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == not_the_api(file_server)
    assert "pw-5521" not in result.stderr and KEY not in result.stdout + result.stderr
    assert not (tmp_path / "r").exists()


def test_a_wrong_path_on_the_api_is_named_and_an_unknown_model_still_is_the_model(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    env["ANTHROPIC_BASE_URL"] = fake.base_url + "/wrong"
    wrong = in_process(*CLAUDE, cwd=tmp_path, env=env)
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines() == not_the_api(fake.base_url + "/wrong")
    # The API's own "not_found_error" about the model still names the model.
    env["ANTHROPIC_BASE_URL"] = fake.base_url
    model = in_process(*CLAUDE, "--model", "claude-nope", cwd=tmp_path, env=env)
    assert model.returncode == 2
    assert model.stderr.startswith("Error: --model: 'claude-nope' is not a model the Anthropic")


@pytest.mark.slow
def test_a_call_that_hangs_is_said_to_be_awaited_and_gives_up_after_its_retries(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    fake.faults += ["hang"] * 3  # project 1: the first try and the SDK's two retries
    result = in_process(
        *CLAUDE, "--json", "--llm-timeout-seconds", "1", "--llm-wait-notice-seconds", "0.2",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    waiting = [line for line in result.stderr.splitlines() if line.startswith("Still waiting")]
    assert waiting, result.stderr
    assert waiting[0].startswith(f"Still waiting for Claude at {fake.base_url} (project 1, ")
    assert waiting[0].endswith(
        " s so far; after 3 tries of up to 1 s each, template text is used)..."
    )
    outcomes = {r.item: r.outcome for r in read_records(tmp_path / "r" / USAGE_FILE)}
    assert outcomes["project 0"] == "timeout"
    assert fake.calls["messages"] > 3  # the other projects were written by Claude
    assert KEY not in result.stdout + result.stderr


def test_a_message_batch_that_is_not_answered_is_said_to_be_awaited(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    fake.hang_routes.add("batches")
    said: list[str] = []
    warned: list[str] = []
    options = LlmOptions(
        cache_dir=tmp_path / "cache", batch_min=1, max_retries=0, wait_notice_seconds=0.05
    )
    session = LlmSession(
        scenario(days=3), KEY, options, on_progress=said.append, on_warning=warned.append
    )
    run = tmp_path / "run"
    run.mkdir()
    starting = threading.Thread(target=session.start, args=(run,), daemon=True)
    starting.start()
    deadline = time.monotonic() + 30
    while not any(line.startswith("Still waiting") for line in said):
        assert time.monotonic() < deadline, said
        time.sleep(0.01)
    fake.release()  # the held request is answered 529: the run buys the blueprints singly
    starting.join(timeout=30)
    session.close()
    waiting = next(line for line in said if line.startswith("Still waiting"))
    assert waiting.startswith(
        f"Still waiting for Claude at {fake.base_url} (submitting a message batch, "
    )
    assert any("Message batch not submitted (OverloadedError 529)" in line for line in said)
    assert fake.calls["messages"] > 0
    # Waiting, and buying singly what the batch did not, changes no project's text: progress.
    assert warned == []
