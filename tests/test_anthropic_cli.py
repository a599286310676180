"""`busywork simulate --content anthropic` and `busywork stats` against the local fake API; the
key must never show up in files or output. The first run is a real subprocess (the installed
command); the others run in-process with click's runner, to spare the SDK's slow import."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.fake_anthropic import FakeAnthropic
from tests.runner import BUSYWORK

KEY = "sk-ant-cli-test-5f3a9c-secret"


@pytest.fixture(scope="module")
def fake():
    with FakeAnthropic(key=KEY, batch_polls=1) as server:
        yield server


def busywork(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BUSYWORK, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def in_process(*args: str, cwd: Path, env: dict[str, str]):
    """The same command through click's runner (stdout, stderr and exit code kept apart)."""
    from click.testing import CliRunner

    from cli import main

    unset = {k: None for k in os.environ if k.startswith("ANTHROPIC_") and k not in env}
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), env={**env, **unset})
    finally:
        os.chdir(old)
    result.returncode = result.exit_code
    return result


def environment(fake: FakeAnthropic, tmp: Path, key: str | None = KEY) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.update(ANTHROPIC_BASE_URL=fake.base_url, XDG_CACHE_HOME=str(tmp / "xdg"))
    if key is not None:
        env["ANTHROPIC_API_KEY"] = key
    return env


def test_claude_run_batches_caches_and_shows_cost_in_stats(fake, tmp_path):
    env = environment(fake, tmp_path)
    claude = ("--content", "anthropic", "--days", "10", "--llm-batch-min", "1")
    first = busywork(
        "simulate", *claude, "--llm-poll-seconds", "0", "--out", "one", "--json",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "Message batch msgbatch_" in first.stderr and "submitted" in first.stderr
    calls = fake.calls["batch_items"]
    assert calls > 0 and fake.calls["batches"] == 1
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert manifest["content_source"] == "anthropic"
    assert manifest["scenario"]["content"] == "anthropic"

    calls += fake.calls["messages"]  # projects past the estimate: single calls
    second = in_process("simulate", *claude, "--out", "two", "--json", cwd=tmp_path, env=env)
    assert second.returncode == 0, second.stderr
    assert "0 calls (0 batched), " in second.stderr and f"{calls} from cache" in second.stderr
    assert (
        fake.calls["batches"] == 1 and fake.calls["messages"] + fake.calls["batch_items"] == calls
    )
    one = (tmp_path / "one" / "events" / "00000001.jsonl").read_bytes()
    assert one == (tmp_path / "two" / "events" / "00000001.jsonl").read_bytes()

    resumed = in_process("simulate", "--resume", "one", "--json", cwd=tmp_path, env=env)
    assert resumed.returncode == 0, resumed.stderr  # re-simulated from the cache, identical
    assert f"{calls} calls (" in resumed.stderr and "this session: 0 calls" in resumed.stderr
    assert fake.calls["messages"] + fake.calls["batch_items"] == calls

    stats = in_process("stats", "one", "--json", cwd=tmp_path, env=env)
    assert stats.returncode == 0, stats.stderr
    llm = json.loads(stats.stdout)["llm"]
    assert llm["calls"] == calls and llm["batch_calls"] == fake.calls["batch_items"]
    assert llm["output_tokens"] > 0 and 0 < llm["cost_usd"] < 0.10
    table = in_process("stats", "one", cwd=tmp_path, env=env)
    assert "Claude content (claude-haiku-5-5)" in table.stdout
    assert "estimated cost" in table.stdout

    for result in (first, second, stats, table):
        assert KEY not in result.stdout + result.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_no_key_runs_on_templates_with_a_one_line_notice(fake, tmp_path):
    env = environment(fake, tmp_path, key=None)
    result = in_process(
        "simulate", "--content", "anthropic", "--days", "2", "--out", "r", cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "ANTHROPIC_API_KEY is not set; using template text instead of Claude."
    ]
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["content_source"] == "templates"
    assert manifest["scenario"]["content"] == "templates"


def test_rejected_key_fails_before_the_run_starts(fake, tmp_path):
    env = environment(fake, tmp_path, key="sk-ant-revoked-77")
    result = in_process(
        "simulate", "--content", "anthropic", "--days", "2", "--out", "r", cwd=tmp_path, env=env
    )
    assert result.returncode == 1
    assert "Error: the Anthropic API rejected ANTHROPIC_API_KEY (401)" in result.stderr
    assert "revoked" not in result.stderr + result.stdout
    assert not (tmp_path / "r").exists()
