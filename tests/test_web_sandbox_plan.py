"""A web sandbox job on Asana's free plan, as ``busywork replay --to sandbox --plan free``: the
sandbox refuses the paid features (402), and the job's figures note each refusal once, as the
command's summary does; on the paid plan nothing is refused."""

from __future__ import annotations

import pytest

from tests.test_web import servers, wait_for

PAID_FEATURES = ("custom fields", "portfolios", "task dependencies")


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def _backfill(web, **target) -> dict:
    job = web.create(mode="backfill", scenario={"days": 5, "seed": 4},
                     target={"kind": "sandbox", **target})  # fmt: skip
    done = wait_for(lambda: (v := web.ok("GET", f"/jobs/{job['id']}"))["status"]
                    in ("completed", "failed") and v, timeout=60)  # fmt: skip
    assert done["status"] == "completed", done["error"]
    return done


def test_a_free_plan_sandbox_job_notes_the_paid_features_refused_a_paid_one_does_not(make_web):
    web = make_web()
    free, paid = _backfill(web, plan="free"), _backfill(web)
    assert free["spec"]["target"] == {"kind": "sandbox", "plan": "free"}
    notes = free["replay"]["notes"]
    for feature in PAID_FEATURES:  # the command's words: "Note: portfolios are not available…"
        said = [n for n in notes if n.startswith(f"{feature} are not available on this plan (")]
        assert len(said) == 1 and "HTTP 402" in said[0], notes
        assert any(w == f"note: {said[0]}" for w in free["warnings"]), free["warnings"]
    assert free["replay"]["skipped"] > 0 and free["replay"]["failed"] == 0
    assert "not available on this plan" in free["replay"]["first_problem"]

    assert paid["spec"]["target"] == {"kind": "sandbox", "plan": "paid"}
    assert not any("not available on this plan" in n for n in paid["replay"]["notes"])
    assert not any("not available on this plan" in w for w in paid["warnings"])
    assert paid["replay"]["failed"] == 0
    assert paid["replay"]["applied"] > free["replay"]["applied"]
