"""A budget that runs out mid-run buys the same projects whatever order the concurrent calls
finish in: the fake endpoint delays each answer at random (seeded, the seed printed), and the
runs' logs and per-project outcomes must still be identical; and a run killed with SIGKILL
while calls are in flight (one held below others already answered) resumes keeping its
choices, with the held call (maybe billed) counted at its bound."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from adapters.anthropic.fetch import ATTEMPTS
from adapters.anthropic.usage import USAGE_FILE, decisions, fold, read_records
from tests.fake_anthropic import FakeAnthropic
from tests.runner import BUSYWORK
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-budget-test-3b81-secret"
SEGMENT = Path("events") / "00000001.jsonl"
CLAUDE = ("--content", "anthropic", "--seed", "8")


def projects_used(run: Path) -> int:
    return (run / SEGMENT).read_bytes().count(b'"type":"ProjectCreated"')


def outcomes(run: Path) -> dict[int, str]:
    """Each project's decision, for the projects the run used (calls still in flight past them
    when the run ended may or may not have been recorded)."""
    used = projects_used(run)
    decided = decisions(read_records(run / USAGE_FILE))
    return {index: decided.get(index, "undecided") for index in range(used)}


def sent(run: Path) -> list:
    return [r for r in read_records(run / USAGE_FILE) if r.outcome == "sent"]


def in_project_order(decided: dict[int, str]) -> bool:
    """Every project after the first one the budget refused is refused too."""
    values = list(decided.values())
    return values == sorted(values, key=lambda outcome: outcome == "budget")


def budgets_for_one_held_call(run: Path) -> tuple[float, float]:
    """The budgets (least, too much) with which a run whose call for one of projects 1-4 is
    held gets projects 0-5 answered but never starts project 6 (so the held call is the only
    one unanswered at a kill). With the held call at its worst (ATTEMPTS tries at its bound),
    project k starts once the others below it spent and it still fits its own bound. From the
    records of an uninterrupted run of the same scenario."""
    records = read_records(run / USAGE_FILE)
    cost = {int(r.item.split()[1]): r.cost_usd or 0.0 for r in records if r.outcome == "ok"}
    held_worst_and_own = (ATTEMPTS + 1) * max(r.bound_usd or 0.0 for r in sent(run))
    below_5, below_6 = sum(cost[i] for i in range(5)), sum(cost[i] for i in range(6))
    least = below_5 - min(cost[i] for i in range(1, 5)) + held_worst_and_own
    too_much = below_6 - max(cost[i] for i in range(1, 5)) + held_worst_and_own
    return least, too_much


def budgeted_run(
    tmp: Path, out: str, budget: str, delays: random.Random, days: str = "60"
) -> tuple[bytes, dict[int, str]]:
    """A fresh endpoint and cache, answers delayed by 0-100 ms at random."""
    with FakeAnthropic(key=KEY) as fake:
        fake.random_delays(delays, 0.1)
        env = environment(fake, tmp, key=KEY)
        args = (*CLAUDE, "--days", days, "--llm-budget-usd", budget, "--out", out, "--json")
        result = in_process("simulate", *args, "--content-cache", f"cache-{out}", cwd=tmp, env=env)
    assert result.returncode == 0, result.stderr
    assert f"LLM budget of ${budget} reached" in result.stderr
    decided = outcomes(tmp / out)
    assert "ok" in decided.values() and "budget" in decided.values()  # it ran out mid-run
    # 4 calls at once, yet the budget is passed by one call at most.
    records = read_records(tmp / out / USAGE_FILE)
    dearest = max(r.cost_usd for r in records if r.outcome == "ok")
    spent = fold(records).cost_usd
    print(f"budget ${budget}: spent ${spent:.6f}, dearest call ${dearest:.6f}")
    assert spent <= float(budget) + dearest
    return (tmp / out / SEGMENT).read_bytes(), decided


def test_budget_buys_the_same_projects_whatever_order_calls_finish_in(tmp_path, rng):
    first_log, first = budgeted_run(tmp_path, "r0", "0.02", random.Random(rng.random()))
    assert in_project_order(first)
    for n in (1, 2):
        log, decided = budgeted_run(tmp_path, f"r{n}", "0.02", random.Random(rng.random()))
        assert decided == first
        assert log == first_log


@pytest.mark.slow
def test_a_budgeted_run_killed_mid_run_resumes_keeping_its_choices_and_the_held_calls_cost(
    tmp_path, rng
):
    # Lets projects 0-5 (but not 6) start while a call is held, and runs out part-way through
    # these 90 days (19 projects; 60 days cost less than such a budget). Both are checked: a
    # change to the calls' bound (max_tokens, the prompt, prices) moves the budget it needs.
    budget, days = "0.042", "90"
    _, reference = budgeted_run(tmp_path, "ref", budget, random.Random(rng.random()), days)
    assert in_project_order(reference)
    least, too_much = budgets_for_one_held_call(tmp_path / "ref")
    assert least <= float(budget) < too_much, f"pick a budget from ${least:.6f} to ${too_much:.6f}"
    with FakeAnthropic(key=KEY) as fake:
        fake.random_delays(random.Random(rng.random()), 0.1)
        # The third call is held while later projects' calls are answered: the kill leaves a
        # project undecided below projects whose outcomes are on record.
        fake.faults += ["", "", "hang"]
        env = environment(fake, tmp_path, key=KEY)
        args = (*CLAUDE, "--days", days, "--llm-budget-usd", budget, "--content-cache", "cache-k9")
        proc = subprocess.Popen(
            [BUSYWORK, "simulate", *args, "--out", "k9", "--json"], cwd=tmp_path, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        run = tmp_path / "k9"
        deadline = time.monotonic() + 60
        while (
            fake.hanging < 1 or sum(r.outcome == "ok" for r in read_records(run / USAGE_FILE)) < 5
        ):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the run never had 5 answers and a call held"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()
        before = decisions(read_records(run / USAGE_FILE))
        assert "budget" not in before.values()  # killed before the budget ran out
        assert set(range(max(before))) - set(before)  # the held project, below decided ones

        fake.release()
        resumed = in_process("simulate", "--resume", "k9", "--json", cwd=tmp_path, env=env)
        received = fake.calls["messages"]
    assert resumed.returncode == 0, resumed.stderr
    after = outcomes(run)
    assert all(after[index] == outcome for index, outcome in before.items() if index in after)
    assert in_project_order(after) and "budget" in after.values()  # the resume ran out too
    # The held call may have been billed: it counts, at its bound, against the budget too; so
    # the resume decides as the uninterrupted run did up to the held project, and may run out
    # of budget sooner after it.
    held = min(set(range(max(before))) - set(before))
    assert {i: after[i] for i in range(held)} == {i: reference[i] for i in range(held)}
    total = fold(read_records(run / USAGE_FILE))
    assert total.unanswered_calls == 1 and total.calls == received
    assert total.cost_usd <= float(budget) + max(r.bound_usd for r in sent(run))


def test_a_resumed_ledger_grants_by_what_the_projects_before_spent(tmp_path):
    from adapters.anthropic.ledger import Ledger
    from adapters.anthropic.prices import Usage

    call = Usage(input_tokens=10_000, output_tokens=10_000)  # $0.006 each
    earlier = Ledger("claude-haiku-5-5", budget_usd=0.01)
    earlier.attach(tmp_path)
    earlier.record("project 0", "ok", usage=call)
    earlier.record("project 2", "ok", usage=call)  # finished first; project 1 was in flight
    assert earlier.spent_usd > 0.01
    # Killed. Project 1's turn came after project 0 only, whatever finished before the crash.
    again = Ledger("claude-haiku-5-5", budget_usd=0.01)
    again.attach(tmp_path)
    assert again.grant(1, 0.006)
    again.record("project 1", "ok", usage=call, settles=True)
    again.finish(1)
    assert again.decision(2) == "ok"  # on record: it stands
    assert not again.grant(3, 0.006)  # projects 0-2 spent the budget
