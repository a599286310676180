"""A Claude run stopped with calls in flight accounts for every call it sent: the real command
is killed (SIGKILL) or interrupted (SIGINT) while the fake API holds or delays answers, and the
calls the fake received must equal the calls the ledger, the resume and `stats` report."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from adapters.anthropic.usage import USAGE_FILE, fold, read_records
from tests.fake_anthropic import FakeAnthropic
from tests.runner import BUSYWORK, sigint_as_from_a_terminal
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-interrupt-test-9e4f-secret"
SEGMENT = Path("events") / "00000001.jsonl"
CLAUDE = ("--content", "anthropic", "--days", "60", "--content-cache", "cache")


def start(tmp: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [BUSYWORK, "simulate", *CLAUDE, "--out", "k", "--json"], cwd=tmp, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        preexec_fn=sigint_as_from_a_terminal,
    )  # fmt: skip


def wait_until(proc: subprocess.Popen, condition, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def answered(run: Path) -> int:
    return sum(r.outcome == "ok" for r in read_records(run / USAGE_FILE))


def projects_asked_for(fake: FakeAnthropic) -> Counter[str]:
    """How many requests the fake received for each project."""
    return Counter(
        re.search(r"Project \d+ of", json.dumps(r["messages"])).group() for r in fake.requests
    )


def claude_line(stderr: str) -> str:
    (line,) = [x for x in stderr.splitlines() if x.startswith("Claude (")]
    return line


@pytest.mark.slow
def test_kill_9_with_calls_in_flight_counts_them_and_the_resume_and_stats_agree(tmp_path):
    with FakeAnthropic(key=KEY) as fake:
        fake.random_delays(random.Random(1), 0.3)
        fake.faults += ["", "", "hang"]  # the third call is surely in flight at the kill
        env = environment(fake, tmp_path, key=KEY)
        proc = start(tmp_path, env)
        run = tmp_path / "k"
        wait_until(proc, lambda: fake.hanging and answered(run) >= 3, "a held call")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()
        killed = fold(read_records(run / USAGE_FILE))
        assert killed.calls == fake.calls["messages"]
        assert killed.unanswered_calls >= 1  # the held call, at least

        fake.release()
        resumed = in_process("simulate", "--resume", "k", "--json", cwd=tmp_path, env=env)
        assert resumed.returncode == 0, resumed.stderr
        received = fake.calls["messages"]
        reference = in_process("simulate", *CLAUDE, "--out", "ref", "--json", cwd=tmp_path, env=env)
        assert reference.returncode == 0, reference.stderr
    total = fold(read_records(run / USAGE_FILE))
    assert total.calls == received  # every call the API received is on the bill
    assert total.unanswered_calls == killed.unanswered_calls
    assert total.cost_usd == pytest.approx(
        fold([r for r in read_records(run / USAGE_FILE) if r.outcome != "sent"]).cost_usd
        + total.unanswered_cost_usd
    )
    line = claude_line(resumed.stderr)
    assert f"{received} calls" in line
    assert f"est. ${total.cost_usd:.4f}, of which ${total.unanswered_cost_usd:.4f} for " in line
    stats = in_process("stats", "k", "--json", cwd=tmp_path, env=env)
    assert stats.returncode == 0, stats.stderr
    llm = json.loads(stats.stdout)["llm"]
    assert llm["calls"] == received and llm["cost_usd"] == total.cost_usd
    table = in_process("stats", "k", cwd=tmp_path, env=env).stdout
    assert "of which sent, never answered" in table and f"${total.unanswered_cost_usd:.4f}" in table
    assert (run / SEGMENT).read_bytes() == (tmp_path / "ref" / SEGMENT).read_bytes()
    assert KEY not in (run / USAGE_FILE).read_text() + resumed.stderr


@pytest.mark.slow
def test_ctrl_c_lets_calls_in_flight_finish_so_the_resume_buys_nothing_twice(tmp_path):
    with FakeAnthropic(key=KEY) as fake:
        fake.random_delays(random.Random(2), 1.5)
        fake.faults += ["", "", "slow:1"]  # the third call is surely in flight at Ctrl-C
        env = environment(fake, tmp_path, key=KEY)
        proc = start(tmp_path, env)
        wait_until(proc, lambda: fake.calls["messages"] >= 3, "three calls")
        proc.send_signal(signal.SIGINT)
        stderr = proc.communicate(timeout=60)[1]
        assert proc.returncode == 130, stderr
        run = tmp_path / "k"
        interrupted = fold(read_records(run / USAGE_FILE))
        assert interrupted.calls == fake.calls["messages"]  # answered and recorded
        assert f"{interrupted.calls} calls" in claude_line(stderr)
        assert f"est. ${interrupted.cost_usd:.4f}" in claude_line(stderr)
        assert "Claude calls in flight, so what they bought is recorded" in stderr
        assert interrupted.unanswered_calls == 0

        resumed = in_process("simulate", "--resume", "k", "--json", cwd=tmp_path, env=env)
        assert resumed.returncode == 0, resumed.stderr
        asked = projects_asked_for(fake)
    assert max(asked.values()) == 1  # no blueprint bought twice
    assert fold(read_records(run / USAGE_FILE)).calls == sum(asked.values())
