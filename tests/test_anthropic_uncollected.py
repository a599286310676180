"""A Message Batch that was submitted (so bought) but whose results were never read, because
the run stopped while polling it, counts in the run's cost at its most until a resume
collects it: `simulate`'s closing line and `stats` say so, and after the resume the cost is
what was read."""

from __future__ import annotations

import json

import pytest

from adapters.anthropic.usage import USAGE_FILE, fold, read_records
from tests.fake_anthropic import FakeAnthropic
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-uncollected-test-9d2e-secret"
CLAUDE = ("--content", "anthropic", "--days", "10", "--llm-batch-min", "1",
          "--llm-poll-seconds", "0")  # fmt: skip


@pytest.fixture
def fake():
    with FakeAnthropic(key=KEY) as server:
        yield server


def test_a_batch_not_collected_counts_at_its_most_until_a_resume_collects_it(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    fake.poll_faults += ["500"] * 9  # three polls, each after the SDK's two retries
    first = in_process("simulate", *CLAUDE, "--out", "run", cwd=tmp_path, env=env)
    assert first.returncode == 1 and "cannot read it from the Anthropic API" in first.stderr
    run = tmp_path / "run"
    records = read_records(run / USAGE_FILE)
    bound = next(r.bound_usd for r in records if r.outcome == "sent")
    covers = next(r.covers for r in records if r.outcome == "batch_submitted")
    assert bound and bound > 0

    usage = fold(records)
    assert (usage.uncollected_batches, usage.uncollected_blueprints) == (1, len(covers))
    assert usage.cost_usd == usage.uncollected_cost_usd == pytest.approx(bound, abs=1e-6)
    assert f"est. ${bound:.4f}, of which ${bound:.4f} for 1 Message batch not collected" in (
        first.stderr
    )
    stats = in_process("stats", "run", "--json", cwd=tmp_path, env=env)
    llm = json.loads(stats.stdout)["llm"]
    assert llm["cost_usd"] == pytest.approx(bound, abs=1e-6)
    assert (llm["uncollected_batches"], llm["uncollected_blueprints"]) == (1, len(covers))
    table = in_process("stats", "run", cwd=tmp_path, env=env).stdout
    assert f"1 ({len(covers)} blueprints, ${bound:.4f})" in table
    assert KEY not in first.stderr + stats.stdout + table

    resumed = in_process(
        "simulate", "--resume", "run", "--llm-poll-seconds", "0", cwd=tmp_path, env=env
    )
    assert resumed.returncode == 0, resumed.stderr
    after = fold(read_records(run / USAGE_FILE))
    assert after.uncollected_batches == 0 and after.uncollected_cost_usd == 0
    assert 0 < after.cost_usd < bound  # what the results cost, read
    assert "not collected" not in in_process("stats", "run", cwd=tmp_path, env=env).stdout


def test_a_batch_cut_off_while_its_results_were_read_counts_only_what_is_left(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    done = in_process("simulate", *CLAUDE, "--out", "run", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "run" / USAGE_FILE
    lines = path.read_bytes().splitlines(keepends=True)
    records = read_records(path)
    first_item = next(i for i, r in enumerate(records) if r.batch_id)
    # A crash after reading one result: the batch not marked collected yet.
    path.write_bytes(b"".join(lines[: first_item + 1]))
    cut = read_records(path)
    bound = next(r.bound_usd for r in cut if r.outcome == "sent")
    read = cut[first_item].cost_usd
    usage = fold(cut)
    assert usage.uncollected_batches == 1
    assert usage.uncollected_cost_usd == pytest.approx(bound - read, abs=1e-6)
    assert usage.cost_usd == pytest.approx(bound, abs=1e-6)  # read + what is left, at most
