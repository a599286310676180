"""The Claude options that shape a run (budget, batch threshold, cache) are kept with it, so
`simulate --resume` makes the same choices; and values that are not numbers are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.anthropic.usage import USAGE_FILE, fold, read_records
from tests.fake_anthropic import FakeAnthropic
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-options-test-90aa-secret"
SEGMENT = Path("events") / "00000001.jsonl"
BUDGET = 0.02


@pytest.fixture
def fake():
    with FakeAnthropic(key=KEY) as server:
        yield server


def cut_ledger_where_the_budget_ran_out(run: Path) -> None:
    """What a crash soon after the budget ran out leaves: the records up to the one that used
    it up. The projects decided after it are decided again by the resume."""
    path = run / USAGE_FILE
    lines = path.read_bytes().splitlines(keepends=True)
    spent = 0.0
    for n, line in enumerate(lines, 1):
        spent += json.loads(line).get("cost_usd") or 0.0
        if spent >= BUDGET:
            path.write_bytes(b"".join(lines[:n]))
            assert n < len(lines), "nothing left to decide again"
            return
    raise AssertionError(f"the run never spent its budget (${spent:.4f})")


def test_resume_keeps_the_runs_budget_batch_threshold_and_cache(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    claude = ("--content", "anthropic", "--days", "60", "--seed", "12")
    kept = ("--llm-budget-usd", str(BUDGET), "--llm-batch-min", "100", "--content-cache", "c4")
    first = in_process("simulate", *claude, *kept, "--out", "b1", "--json", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert f"LLM budget of ${BUDGET} reached" in first.stderr
    run = tmp_path / "b1"
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["claude"] == {
        "budget_usd": BUDGET,
        "batch_min": 100,
        "cache_dir": str(tmp_path / "c4"),
    }
    whole = (run / SEGMENT).read_bytes()
    spent = fold(read_records(run / USAGE_FILE)).cost_usd
    assert fake.calls["batches"] == 0
    bought = fake.calls["messages"]

    # Killed soon after the budget ran out: the log cut short, later decisions not on record.
    (run / SEGMENT).write_bytes(whole[: len(whole) // 3])
    cut_ledger_where_the_budget_ran_out(run)
    resumed = in_process("simulate", "--resume", "b1", "--json", cwd=tmp_path, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert f"LLM budget of ${BUDGET} reached" in resumed.stderr
    # The budget spent before the crash counts; still no batch (fewer than 100 blueprints);
    # what was bought comes from the run's cache, not the default one.
    assert fake.calls["batches"] == 0 and fake.calls["messages"] == bought
    assert fold(read_records(run / USAGE_FILE)).cost_usd == pytest.approx(spent)
    assert not list((tmp_path / "xdg").rglob("*.json"))
    assert (run / SEGMENT).read_bytes() == whole
    assert "this session: 0 calls" in resumed.stderr

    for result in (first, resumed):
        assert KEY not in result.stdout + result.stderr
    assert KEY not in (run / "manifest.json").read_text()


@pytest.mark.parametrize(
    "option, value, run_has",
    [
        ("--llm-budget-usd", "5", "0.02"),
        ("--llm-batch-min", "20", "100"),
        ("--content-cache", "elsewhere", "c4"),
    ],
)
def test_resume_refuses_claude_options_that_differ_from_the_runs(
    fake, tmp_path, option, value, run_has
):
    env = environment(fake, tmp_path, key=KEY)
    kept = ("--llm-budget-usd", "0.02", "--llm-batch-min", "100", "--content-cache", "c4")
    first = in_process(
        "simulate", "--content", "anthropic", "--days", "2", *kept, "--out", "r", "--json",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    if option == "--content-cache":
        run_has = str(tmp_path / run_has)
    again = in_process("simulate", "--resume", "r", option, value, cwd=tmp_path, env=env)
    assert again.returncode == 2
    assert again.stderr.splitlines() == [
        "Error: --resume takes its scenario from the run; drop the other options "
        f"({option}: the run has {run_has})"
    ]
    same = in_process("simulate", "--resume", "r", *kept, "--json", cwd=tmp_path, env=env)
    assert same.returncode == 0, same.stderr  # saying what the run has is no conflict


def test_a_manifest_from_before_the_options_were_kept_resumes_with_the_defaults(fake, tmp_path):
    env = environment(fake, tmp_path, key=None)
    made = in_process("simulate", "--days", "3", "--out", "old", "--json", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    run = tmp_path / "old"
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest.pop("claude") is None
    (run / "manifest.json").write_text(json.dumps(manifest))
    whole = (run / SEGMENT).read_bytes()
    (run / SEGMENT).write_bytes(whole[: len(whole) // 2])
    resumed = in_process("simulate", "--resume", "old", "--json", cwd=tmp_path, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert (run / SEGMENT).read_bytes() == whole


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_a_budget_that_is_not_a_finite_amount_is_refused(tmp_path, value):
    result = in_process(
        "simulate", "--days", "2", "--llm-budget-usd", value, "--out", "r", cwd=tmp_path,
        env={},
    )  # fmt: skip
    assert result.returncode == 2
    shown = value if value == "-1" else repr(value)  # -1 is a number, out of range
    assert result.stderr.startswith(f"Error: --llm-budget-usd: {shown} ")
    assert "expected a number ≥ 0" in result.stderr
    assert not (tmp_path / "r").exists()
