"""The run's ledger (`llm_usage.jsonl`) as a resume reads it: a torn last line is cut, a damaged
line before it stops the command naming the file and line (a damaged batch line must not make
a paid-for batch disappear), and a request sent but never answered counts at its bound."""

from __future__ import annotations

import pytest

from adapters.anthropic.ledger import Ledger
from adapters.anthropic.prices import Usage
from adapters.anthropic.usage import USAGE_FILE, UsageDamaged, fold, read_records
from tests.fake_anthropic import FakeAnthropic
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-ledger-test-2a7d-secret"
MODEL = "claude-haiku-5-5"


def test_a_damaged_line_in_the_middle_stops_the_resume_naming_file_and_line(tmp_path):
    with FakeAnthropic(key=KEY) as fake:
        env = environment(fake, tmp_path, key=KEY)
        args = ("simulate", "--content", "anthropic", "--days", "3", "--out", "r", "--json")
        assert in_process(*args, cwd=tmp_path, env=env).returncode == 0
        path = tmp_path / "r" / USAGE_FILE
        lines = path.read_bytes().splitlines(keepends=True)
        assert len(lines) >= 2
        lines[0] = lines[0][:-9] + b"\n"  # damaged, not the last line
        path.write_bytes(b"".join(lines))
        for command in (("simulate", "--resume", "r"), ("stats", "r")):
            result = in_process(*command, cwd=tmp_path, env=env)
            assert result.returncode == 1, result.output
            line = result.stderr.splitlines()[-1]
            assert "Traceback" not in result.output
            assert line.startswith(f"Error: r/{USAGE_FILE}, line 1: damaged (")
            assert line.endswith("expected one JSON usage record per line (the file records "
                                 "what the run paid for, so it is not read past it)")  # fmt: skip
            assert KEY not in result.output


def test_a_torn_last_line_is_ignored_and_cut_even_with_its_newline(tmp_path):
    first = Ledger(MODEL)
    first.attach(tmp_path)
    first.record("batch msgbatch_1", "batch_submitted", batch=True, covers=[0, 1])
    path = tmp_path / USAGE_FILE
    with open(path, "ab") as fh:
        fh.write(b'{"item": "project 2", "outc\x00\x00\n')  # a crash left garbage behind
    assert [r.item for r in read_records(path)] == ["batch msgbatch_1"]
    again = Ledger(MODEL)
    again.attach(tmp_path)  # cuts it, so the next record does not bury it in the middle
    again.record("project 2", "cached")
    assert [r.item for r in read_records(path)] == ["batch msgbatch_1", "project 2"]
    assert again.pending_batches() == {"msgbatch_1": [0, 1]}


def test_damaged_middle_line_is_an_error_not_skipped(tmp_path):
    path = tmp_path / USAGE_FILE
    ledger = Ledger(MODEL)
    ledger.attach(tmp_path)
    ledger.record_batch("msgbatch_7", [0, 1, 2])
    ledger.record("project 3", "cached")
    data = path.read_bytes().replace(b"batch_submitted", b'batch_submitted\x00"', 1)
    path.write_bytes(data)
    with pytest.raises(UsageDamaged, match=rf"^{path}, line 1: damaged \("):
        read_records(path)
    with pytest.raises(UsageDamaged):
        Ledger(MODEL).attach(tmp_path)  # a resume does not lose track of the batch


def test_requests_sent_but_never_answered_count_at_their_bound_and_against_the_budget(tmp_path):
    call = Usage(input_tokens=1000, output_tokens=1000)
    earlier = Ledger(MODEL, budget_usd=0.007)
    earlier.attach(tmp_path)
    answered = earlier.send("project 0", 0.004)
    earlier.record("project 0", "ok", usage=call, call=answered)
    earlier.send("project 1", 0.004)  # killed before its answer came
    earlier.send("batch", 0.003, batch=True, covers=[2, 3])  # killed before the batch's id came
    total = fold(read_records(tmp_path / USAGE_FILE))
    billed = fold([r for r in read_records(tmp_path / USAGE_FILE) if r.outcome != "sent"])
    assert billed.calls == 1
    assert total.calls == 3 and total.batch_calls == 1 and total.unanswered_calls == 2
    assert total.unanswered_cost_usd == pytest.approx(0.007)
    assert total.cost_usd == pytest.approx(billed.cost_usd + 0.007)
    assert total.output_tokens == 1000  # tokens only as the API reported them

    again = Ledger(MODEL, budget_usd=0.007)
    again.attach(tmp_path)
    assert again.spent_usd == pytest.approx(total.cost_usd)
    assert again.in_flight() == 0  # those were an earlier session's
    assert again.grant(1, 0.001)  # projects 0-1 spent $0.0046 (estimated): room for one more
    again.release(1)
    again.finish(1)
    assert not again.grant(2, 0.001)  # with the batch's $0.003 bound: nothing left below 2
