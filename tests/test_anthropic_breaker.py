"""An endpoint that stops answering: after 3 calls in a row that time out, the run stops
calling Claude, says so once, records the rest of its projects as template text, and a resume
keeps those choices even when the endpoint answers again."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from adapters.anthropic.session import LlmOptions, LlmSession
from adapters.anthropic.usage import USAGE_FILE, decisions, read_records
from tests.fake_anthropic import FakeAnthropic
from tests.test_anthropic import scenario
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-breaker-test-6c1d-secret"
SEGMENT = Path("events") / "00000001.jsonl"
WORKERS = 4  # calls the prefetcher keeps in flight


@pytest.fixture
def fake():
    with FakeAnthropic(key=KEY) as server:
        yield server


def used_decisions(run: Path) -> dict[int, str]:
    used = (run / SEGMENT).read_bytes().count(b'"type":"ProjectCreated"')
    decided = decisions(read_records(run / USAGE_FILE))
    return {index: decided.get(index, "undecided") for index in range(used)}


@pytest.mark.slow
def test_a_hung_endpoint_trips_the_breaker_and_a_resume_keeps_the_choices(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    fake.hang_routes.add("messages")  # the key check answers; no blueprint call ever does
    result = in_process(
        "simulate", "--content", "anthropic", "--days", "30", "--llm-timeout-seconds", "0.2",
        "--out", "dead", "--json", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    reason = f"Claude at {fake.base_url} did not answer 3 calls in a row"
    lines = result.stderr.splitlines()
    assert lines.count(f"{reason}; template text is used for the rest of this run") == 1
    run = tmp_path / "dead"
    decided = used_decisions(run)
    outcomes = list(decided.values())
    # 3 calls timed out, and at most the other workers' calls were in flight when the breaker
    # opened (the run did not wait for them); no later project was asked at all.
    assert set(outcomes) == {"timeout", "unreachable"}
    assert 3 <= outcomes.count("timeout") <= 3 + WORKERS - 1
    assert fake.calls["messages"] <= 3 * (3 + WORKERS - 1)  # each timed-out call: 3 tries
    unreachable = [r for r in read_records(run / USAGE_FILE) if r.outcome == "unreachable"]
    assert {r.detail for r in unreachable} == {reason}
    assert "fell back to templates" in lines[-1]
    assert KEY not in result.stdout + result.stderr

    # The endpoint answers again: the resume still uses template text where the run did.
    fake.hang_routes.clear()
    fake.release()
    whole = (run / SEGMENT).read_bytes()
    (run / SEGMENT).write_bytes(whole[: len(whole) // 2])
    resumed = in_process("simulate", "--resume", "dead", "--json", cwd=tmp_path, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert (run / SEGMENT).read_bytes() == whole
    assert used_decisions(run) == decided


def test_any_answer_closes_the_count_of_silent_calls():
    from adapters.anthropic.breaker import Breaker

    said: list[str] = []
    breaker = Breaker("http://claude.test", said.append)
    for kind in ("timeout", "connection", "rate_limited", "timeout", "ok", "timeout"):
        breaker.outcome(kind)
    assert not breaker.open and said == []
    breaker.outcome("connection")
    breaker.outcome("timeout")
    assert breaker.open
    breaker.outcome("timeout")  # said once
    assert said == [
        "Claude at http://claude.test did not answer 3 calls in a row; "
        "template text is used for the rest of this run"
    ]


def test_a_batch_that_cannot_be_submitted_counts_towards_the_breaker(tmp_path, monkeypatch):
    """The endpoint went away after the key check: the batch's submission is the first of the
    3 silent calls, so only 2 single calls follow it (one at a time, with 1 worker) before the
    run uses template text, and says so once, as a warning."""
    with socket.socket() as sock:  # a port nothing listens on: every request is refused
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("ANTHROPIC_BASE_URL", dead)
    progress: list[str] = []
    warnings: list[str] = []
    options = LlmOptions(cache_dir=tmp_path / "cache", batch_min=1, workers=1, max_retries=0)
    session = LlmSession(
        scenario(days=10), KEY, options, on_progress=progress.append, on_warning=warnings.append
    )
    run = tmp_path / "run"
    run.mkdir()
    session.start(run)
    assert all(session.prefetcher.script(i) is None for i in range(3))
    session.close()
    decided = decisions(session.ledger.records)
    assert [decided[i] for i in range(3)] == ["connection", "connection", "unreachable"]
    assert warnings == [
        f"Claude at {dead} did not answer 3 calls in a row; "
        "template text is used for the rest of this run"
    ]
    assert progress[0] == (
        f"Message batch not submitted (APIConnectionError at {dead}); "
        "fetching blueprints one by one"
    )
