"""Claude content when things go wrong, against the local fake API: an endpoint that never
answers, Ctrl-C with a call in flight, a budget shared by concurrent calls, a key or base URL
that is not usable, a model that does not exist, and a project estimate that is too high."""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time

import msgspec
import pytest

from adapters.anthropic.prefetch import Prefetcher
from adapters.anthropic.session import (
    LlmOptions,
    LlmSession,
    api_key,
    call_timeout,
    expected_projects,
    open_session,
)
from engine.errors import BusyworkError, InvalidInput
from tests.fake_anthropic import serving_this_process
from tests.runner import BUSYWORK, sigint_as_from_a_terminal
from tests.test_anthropic import scenario
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-faults-test-4d2e-secret"


@pytest.fixture
def fake(monkeypatch):
    yield from serving_this_process(monkeypatch, KEY)


def options(tmp_path, **changes) -> LlmOptions:
    base = dict(cache_dir=tmp_path / "cache", poll_seconds=0.0, max_retries=0, batch_min=1000)
    return LlmOptions(**{**base, **changes})


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


# -- an endpoint that does not answer --------------------------------------------------------


def test_key_check_against_a_silent_endpoint_fails_with_one_line_naming_it(
    fake, tmp_path, monkeypatch
):
    fake.hang_routes.add("models")
    monkeypatch.setattr("adapters.anthropic.session.SAY_SLOW_SECONDS", 0.0)
    said: list[str] = []
    warned: list[str] = []
    with pytest.raises(BusyworkError) as info:
        open_session(
            scenario(days=2),
            options(tmp_path, check_timeout_seconds=0.3),
            on_progress=said.append,
            on_warning=warned.append,
        )
    assert said == [f"Waiting for the Anthropic API at {fake.base_url} to answer the key check..."]
    assert warned == []  # a wait is progress
    assert str(info.value) == (
        f"cannot reach the Anthropic API at {fake.base_url} to check the key "
        "(APITimeoutError); try again, or unset the key to use template text"
    )
    assert fake.calls["messages"] == 0


def test_call_timeouts_follow_the_request_size():
    small, big = call_timeout(1_900), call_timeout(23_500)
    assert small.connect == big.connect == 5.0
    assert small.read < big.read
    assert call_timeout(23_500, 0.3).read == 0.3


def test_ctrl_c_does_not_wait_for_a_call_in_flight(fake, tmp_path):
    session = LlmSession(scenario(days=5), KEY, options(tmp_path))
    said: list[str] = []
    pre = Prefetcher(session.fetcher, workers=2, batch_min=1000, on_progress=said.append)
    fake.faults.append("hang")
    waiting = threading.Thread(target=pre.prepare, args=(3,), daemon=True)
    waiting.start()
    wait_until(lambda: fake.hanging == 1, "the first call to be held")
    assert said and said[0].startswith("Asking Claude (claude-haiku-5-5) for project blueprints")
    pre.close(wait=False)  # returns although the call is still held
    assert fake.hanging == 1
    assert all(t.daemon for t in pre.pool.threads)  # the process may exit meanwhile


@pytest.mark.slow
def test_ctrl_c_ends_the_command_while_the_first_blueprint_is_awaited(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    fake.faults.append("hang")
    proc = subprocess.Popen(
        [BUSYWORK, "simulate", "--content", "anthropic", "--days", "5", "--out", "r"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=sigint_as_from_a_terminal,
    )  # fmt: skip
    status = proc.stderr.readline()
    assert status.startswith("Asking Claude (claude-haiku-5-5) for project blueprints at ")
    wait_until(lambda: fake.hanging == 1, "the first call to be held")
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=20)  # without waiting for the held call
    rest = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == 130, rest
    assert rest.splitlines()[-1].startswith(
        "Interrupted. Finish it with: busywork simulate --resume"
    )
    assert fake.hanging == 1
    # It gave the held call a few seconds, then counted it as bought, at its most.
    assert "Waiting up to 5 s for 1 Claude call in flight" in rest
    assert "for 1 sent but never answered, each counted at its most" in rest


# -- the budget ------------------------------------------------------------------------------


def test_concurrent_calls_share_the_budget_in_project_order(fake, tmp_path):
    said: list[str] = []
    progress: list[str] = []
    session = LlmSession(
        scenario(days=5),
        KEY,
        options(tmp_path, budget_usd=0.000001),
        on_progress=progress.append,
        on_warning=said.append,
    )
    fetcher = session.fetcher
    fake.faults += ["slow:0.2"] * 4
    for index in range(4):
        session.ledger.expect(index)  # as the prefetcher submits them: in index order
    start = threading.Barrier(4)
    results: dict[int, object] = {}

    def fetch(index: int) -> None:
        start.wait()
        time.sleep(0.01 * (3 - index))  # the last project asks first
        results[index] = fetcher.fetch(index)

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Project 0 had the budget to itself, whoever asked first; the others waited for it to
    # settle, then stopped.
    assert fake.calls["messages"] == 1
    assert {r.item: r.outcome for r in session.ledger.records} == {
        "project 0": "ok",
        "project 1": "budget",
        "project 2": "budget",
        "project 3": "budget",
    }
    bound = fetcher.prompts.cost_bound_usd(0)
    assert session.ledger.spent_usd <= 0.000001 + bound
    assert said == [
        "LLM budget of $0.000001 reached (spent about "
        f"${session.ledger.spent_usd:.4f}); the rest of the run uses template text."
    ]
    assert progress == []  # the budget ran out: a warning, not progress


def test_cost_bound_is_above_what_a_call_costs(fake, tmp_path):
    session = LlmSession(scenario(days=5), KEY, options(tmp_path))
    assert session.fetcher.fetch(0) is not None
    sent, record = session.ledger.records
    assert sent.outcome == "sent" and sent.call == record.call
    assert sent.bound_usd == pytest.approx(session.fetcher.prompts.cost_bound_usd(0), abs=1e-6)
    assert 0 < record.cost_usd <= session.fetcher.prompts.cost_bound_usd(0)


# -- the key, the base URL, the model --------------------------------------------------------


def test_key_with_surrounding_whitespace_is_used_without_it(fake, tmp_path):
    env = environment(fake, tmp_path, key=f"  {KEY}\n")
    result = in_process(
        "simulate", "--content", "anthropic", "--days", "2", "--out", "r", cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert fake.seen_keys == {KEY}


def test_key_with_inner_whitespace_is_refused_without_showing_it(fake, tmp_path):
    env = environment(fake, tmp_path, key="sk-ant-half one")
    result = in_process(
        "simulate", "--content", "anthropic", "--days", "2", "--out", "r", cwd=tmp_path, env=env
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Error: ANTHROPIC_API_KEY contains whitespace; expected the key alone"
    ]
    assert "half" not in result.stdout + result.stderr
    assert fake.calls.total() == 0 and not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("\tsk-ant-ok-1 \n", "sk-ant-ok-1"),
        ("  ", None),
        ("sk-ant-two\tparts", "ANTHROPIC_API_KEY contains whitespace; expected the key alone"),
        ("sk-ant-caf\u00e9", "ANTHROPIC_API_KEY holds characters an API key never has"),
    ],
)
def test_key_is_read_without_surrounding_whitespace(monkeypatch, value, expected):
    monkeypatch.setenv("ANTHROPIC_API_KEY", value)
    if expected is None or expected.startswith("sk-"):
        assert api_key() == expected
        return
    with pytest.raises(InvalidInput) as info:
        api_key()
    assert str(info.value) == expected


def test_malformed_base_url_is_one_line_naming_the_variable(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    env["ANTHROPIC_BASE_URL"] = "http://proxyuser:proxy-pw-12@[::1"
    result = in_process(
        "simulate", "--content", "anthropic", "--days", "2", "--out", "r", cwd=tmp_path, env=env
    )
    assert result.returncode == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ANTHROPIC_BASE_URL: 'http://[::1' is not a usable URL")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "proxy-pw-12" not in result.stdout + result.stderr


def test_unreachable_endpoint_is_named_without_its_password(fake, tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = environment(fake, tmp_path, key=KEY)
    env["ANTHROPIC_BASE_URL"] = f"http://proxyuser:proxy-pw-91@127.0.0.1:{port}"
    result = in_process(
        "simulate", "--content", "anthropic", "--days", "2", "--out", "r", cwd=tmp_path, env=env
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: cannot reach the Anthropic API at http://127.0.0.1:{port} to check the key "
        "(APIConnectionError); try again, or unset the key to use template text"
    ]
    assert "proxy-pw-91" not in result.stdout + result.stderr


def test_unknown_model_from_the_flag_is_bad_input_naming_the_flag(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    args = ("simulate", "--content", "anthropic", "--days", "2", "--out", "r")
    result = in_process(*args, "--model", "claude-nope", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Error: --model: 'claude-nope' is not a model the Anthropic API knows; expected a model "
        "id such as 'claude-haiku-5-5'"
    ]
    shaped = in_process(*args, "--model", "Claude Haiku", cwd=tmp_path, env=env)
    assert shaped.returncode == 2 and shaped.stderr.startswith("Error: --model: 'Claude Haiku'")


def test_model_without_claude_content_is_refused(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    result = in_process(
        "simulate", "--days", "2", "--model", "claude-haiku-5-5", "--out", "r",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Error: --model: only used with --content anthropic (the scenario's content is 'templates')"
    ]
    assert fake.calls.total() == 0


# -- buying what the run uses ----------------------------------------------------------------


def test_prefetch_keeps_a_window_ahead_not_the_whole_estimate(fake, tmp_path):
    session = LlmSession(scenario(days=5), KEY, options(tmp_path))
    pre = Prefetcher(session.fetcher, workers=2, ahead=2, batch_min=1000)
    pre.prepare(50)  # an estimate far above what the run will use
    for index in range(5):
        assert pre.script(index) is not None
    wait_until(lambda: session.ledger.decision(6) is not None, "the window's last call")
    pre.close()
    assert fake.calls["messages"] == 7  # projects 0-4 and two ahead, not 50
    assert session.ledger.decision(7) is None


def test_a_run_that_makes_its_estimate_buys_no_more(fake, tmp_path):
    """The window stops at the estimate's last project: no call one past it (the run may well
    end there); past the estimate a blueprint is fetched when its project starts."""
    session = LlmSession(scenario(days=5), KEY, options(tmp_path))
    pre = Prefetcher(session.fetcher, workers=2, ahead=2, batch_min=1000)
    pre.prepare(4)
    for index in range(4):
        assert pre.script(index) is not None
    pre.close()
    assert fake.calls["messages"] == 4
    assert session.ledger.decision(4) is None


def test_the_default_month_buys_no_more_blueprints_than_it_makes_projects(fake, tmp_path):
    """The estimate comes from a template dry run; a run with Claude's blueprints may start a
    project fewer, so the prefetch buys a share of it ahead and the rest as projects start."""
    from engine import events as ev
    from tests.test_anthropic import run

    session = LlmSession(scenario(days=30), KEY, options(tmp_path))
    _, events = run(session, tmp_path / "month")
    usage = session.close()
    projects = sum(isinstance(e, ev.ProjectCreated) for e in events)
    assert 0 < usage.calls <= projects, (usage.calls, projects)


def test_project_estimate_of_a_long_run_uses_the_later_rate():
    from engine.content.templates import TemplateSource
    from engine.organisation import simulate

    long = msgspec.structs.replace(scenario(), days=180)
    made: list[int] = []
    simulate(long, TemplateSource(), lambda e: made.append(type(e).__name__ == "ProjectCreated"))
    actual = sum(made)
    # The first weeks start more projects than later ones: a plain extrapolation of the first
    # 120 days' rate buys 9% more than the run uses.
    assert abs(expected_projects(long) - actual) <= 0.06 * actual
