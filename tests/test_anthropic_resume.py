"""Nothing lost on a crash: a Claude run cut short (its log truncated, or the process killed
with SIGKILL while a Message Batch is polled) resumes to the byte-identical log without buying
any blueprint twice, and a resume without the key stops before touching the run."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from adapters.anthropic.ledger import Ledger
from adapters.anthropic.prices import Usage
from adapters.anthropic.session import LlmOptions, LlmSession
from adapters.anthropic.usage import USAGE_FILE, UsageRecord, fold, read_records
from engine.errors import BusyworkError
from tests.fake_anthropic import FakeAnthropic
from tests.runner import BUSYWORK
from tests.test_anthropic import scenario
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-resume-test-71c0-secret"
SEGMENT = Path("events") / "00000001.jsonl"


@pytest.fixture
def fake():
    with FakeAnthropic(key=KEY) as server:
        yield server


def cut_log_in_half(run: Path) -> None:
    """What a crash leaves: the log's first half, its last line torn."""
    path = run / SEGMENT
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def usage(run: Path) -> list[UsageRecord]:
    return read_records(run / USAGE_FILE)


def test_run_with_fallbacks_resumes_identically_without_buying_again(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    fake.faults += ["429"] * 3  # project 0: the first try and the SDK's two retries
    args = ("simulate", "--content", "anthropic", "--days", "30", "--json")
    first = in_process(*args, "--out", "b30", "--llm-budget-usd", "0.005", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert "Asking Claude (claude-haiku-5-5) for project blueprints at http://127.0.0.1:" in (
        first.stderr
    )
    assert "LLM budget of $0.005 reached" in first.stderr  # as given, not rounded to $0.01
    run = tmp_path / "b30"
    before = usage(run)
    outcomes = [r.outcome for r in before]
    assert "rate_limited" in outcomes and "budget" in outcomes and "ok" in outcomes
    whole = (run / SEGMENT).read_bytes()
    bought = fake.calls["messages"]

    cut_log_in_half(run)
    # No budget this time: the projects that fell back must still fall back (their template
    # text is in the log), and none is bought again.
    resumed = in_process("simulate", "--resume", "b30", "--json", cwd=tmp_path, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert (run / SEGMENT).read_bytes() == whole
    assert fake.calls["messages"] == bought
    assert "this session: 0 calls" in resumed.stderr
    assert fold(usage(run)) == fold(before)  # the same totals: nothing counted twice

    # Without the key, a resume stops at once, saying why, and leaves the run alone.
    cut_log_in_half(run)
    cut = (run / SEGMENT).read_bytes()
    no_key = in_process(
        "simulate", "--resume", "b30", cwd=tmp_path, env=environment(fake, tmp_path, key=None)
    )
    assert no_key.returncode == 1
    assert no_key.stderr.splitlines() == [
        "Error: b30: this run's text was written by Claude; set ANTHROPIC_API_KEY to resume"
    ]
    assert (run / SEGMENT).read_bytes() == cut
    for result in (first, resumed, no_key):
        assert KEY not in result.stdout + result.stderr


def test_resumed_ledger_keeps_spending_and_decisions_and_cuts_a_torn_line(tmp_path):
    first = Ledger("claude-haiku-5-5", budget_usd=0.01)
    first.attach(tmp_path)
    first.record("project 0", "ok", usage=Usage(input_tokens=1000, output_tokens=30_000))
    first.record("project 1", "budget")
    with open(tmp_path / USAGE_FILE, "ab") as fh:
        fh.write(b'{"item": "project 2", "outc')  # killed mid-write
    said: list[str] = []
    again = Ledger("claude-haiku-5-5", budget_usd=0.01, on_warning=said.append)
    again.attach(tmp_path)
    assert again.spent_usd == pytest.approx(first.spent_usd) and again.spent_usd > 0.01
    assert again.decision(0) == "ok" and again.decision(1) == "budget"
    assert again.decision(2) is None
    assert not again.grant(2, 0.001)  # spent before the crash: the budget is used up
    assert said == [
        "LLM budget of $0.01 reached (spent about $0.0151); the rest of the run uses template text."
    ]
    again.record("project 2", "cached")
    assert [r.item for r in read_records(tmp_path / USAGE_FILE)] == [
        "project 0",
        "project 1",
        "project 2",
    ]


def test_fold_counts_each_projects_final_outcome():
    def rec(item: str, outcome: str, **kw) -> UsageRecord:
        return UsageRecord(item=item, outcome=outcome, model="claude-haiku-5-5", **kw)

    records = [
        rec("batch msgbatch_1", "batch_submitted", batch=True, covers=[1, 2]),
        rec("project 1", "batch_errored", batch=True),
        rec("project 2", "invalid", batch=True, output_tokens=10, cost_usd=0.001),
        rec("batch msgbatch_1", "batch_collected", batch=True),
        rec("project 1", "ok", output_tokens=20, cost_usd=0.002),
        rec("project 2", "invalid", output_tokens=10, cost_usd=0.002),
        rec("project 2", "fallback"),
        rec("project 3", "timeout"),  # a project's first final outcome is its decision...
        rec("project 3", "cached"),  # ...and stands (no later outcome counts twice)
        rec("project 4", "cached"),
    ]
    total = fold(records)
    assert total.calls == 3 and total.batch_calls == 1 and total.output_tokens == 40
    assert total.cost_usd == pytest.approx(0.005)
    assert total.fallbacks == {"fallback": 1, "timeout": 1}
    assert total.from_cache == 1


def _start_and_kill_while_polling(fake: FakeAnthropic, tmp: Path, env: dict) -> subprocess.Popen:
    args = ("simulate", "--content", "anthropic", "--days", "10", "--llm-batch-min", "1",
            "--llm-poll-seconds", "0.05", "--out", "k9", "--json")  # fmt: skip
    proc = subprocess.Popen(
        [BUSYWORK, *args], cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while fake.calls["batch_polls"] < 2:  # submitted, recorded, and being polled
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the batch was never polled"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    return proc


@pytest.mark.slow
def test_kill_9_while_a_batch_is_polled_then_resume_collects_that_batch(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    fake.batch_polls = 10**9  # the batch stays in progress until the resume
    proc = _start_and_kill_while_polling(fake, tmp_path, env)
    assert proc.returncode == -signal.SIGKILL
    run = tmp_path / "k9"
    (submitted,) = [r for r in usage(run) if r.outcome == "batch_submitted"]
    assert submitted.covers and fake.calls["batches"] == 1 and fake.calls["messages"] == 0

    fake.batch_polls = 0  # it ends now
    resumed = in_process("simulate", "--resume", "k9", "--json", cwd=tmp_path, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert "collecting what an earlier attempt bought" in resumed.stderr
    assert fake.calls["batches"] == 1  # the same batch, not a second one
    singles = {json.dumps(r["messages"]) for r in fake.requests}
    covered = {f"Project {i + 1} of" for i in submitted.covers}
    assert not any(project in text for text in singles for project in covered)
    records = usage(run)
    batched = [r for r in records if r.batch and r.outcome == "ok"]
    assert {int(r.item.split()[1]) for r in batched} == set(submitted.covers)
    assert all(r.cost_usd for r in batched)  # the batch's cost is on record
    assert [r.outcome for r in records if r.item.startswith("batch ")] == [
        "batch_submitted",
        "batch_collected",
    ]

    # The log equals an uninterrupted run's (the same blueprints, from the cache).
    again = in_process(
        "simulate", "--content", "anthropic", "--days", "10", "--out", "ref", "--json",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert (run / SEGMENT).read_bytes() == (tmp_path / "ref" / SEGMENT).read_bytes()


def test_a_batch_the_api_lost_is_recorded_and_its_projects_bought_singly(
    fake, tmp_path, monkeypatch
):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    run = tmp_path / "run"
    run.mkdir()
    earlier = Ledger("claude-haiku-5-5")
    earlier.attach(run)
    earlier.record_batch("msgbatch_gone", [0, 1])  # paid for by an earlier attempt, now gone
    said: list[str] = []
    opts = LlmOptions(cache_dir=tmp_path / "cache", poll_seconds=0.0, batch_min=1000)
    session = LlmSession(scenario(days=2), KEY, opts, on_progress=said.append)
    session.start(run)
    assert session.prefetcher.script(0) is not None and session.prefetcher.script(1) is not None
    session.close()
    lost = [r for r in usage(run) if r.outcome == "batch_lost"]
    assert len(lost) == 1 and lost[0].item == "batch msgbatch_gone"
    assert any("msgbatch_gone: the API no longer has it" in line for line in said)
    assert session.ledger.pending_batches() == {}
    assert fake.calls["messages"] >= 2  # bought again, one by one


def test_a_batch_that_cannot_be_polled_stops_the_run_and_a_resume_collects_it(
    fake, tmp_path, monkeypatch
):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    run = tmp_path / "run"
    run.mkdir()
    opts = LlmOptions(cache_dir=tmp_path / "cache", poll_seconds=0.0, batch_min=1, max_retries=0)
    fake.poll_faults += ["500"] * 3
    first = LlmSession(scenario(days=3), KEY, opts)
    with pytest.raises(BusyworkError, match=r"msgbatch_0001: cannot read it .* stays on record"):
        first.start(run)
    first.close(wait=False)
    assert list(first.ledger.pending_batches()) == ["msgbatch_0001"]

    again = LlmSession(scenario(days=3), KEY, opts)
    again.start(run)
    covered = again.ledger.records[0].covers
    assert all(again.prefetcher.script(i) is not None for i in covered)
    again.close()
    assert fake.calls["batches"] == 1 and fake.calls["messages"] == 0
    assert again.ledger.pending_batches() == {}


def test_the_resume_command_for_a_batch_that_cannot_be_polled_quotes_the_run(
    fake, tmp_path, monkeypatch
):
    """The `busywork simulate --resume` it names can be pasted into a shell as it is."""
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    run = tmp_path / "it's a run"
    run.mkdir()
    opts = LlmOptions(cache_dir=tmp_path / "cache", poll_seconds=0.0, batch_min=1, max_retries=0)
    fake.poll_faults += ["500"] * 3
    session = LlmSession(scenario(days=3), KEY, opts)
    with pytest.raises(BusyworkError) as stopped:
        session.start(run)
    session.close(wait=False)
    assert str(stopped.value).endswith(
        f"; it stays on record and `busywork simulate --resume '{tmp_path}/it'\"'\"'s a run'` "
        "collects it"
    )
