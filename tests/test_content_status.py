"""Template status updates that read right: no progress claimed that the numbers do not show,
nor any other edge misread (nothing done, nothing left, one task left, all or some blocked,
most done), no sentence contradicting another, projects counted in a portfolio's."""

from __future__ import annotations

import random

import pytest

from engine.content import PersonRef
from engine.content.templates import TemplateSource
from tests import realism_probe as probe

SOURCE = TemplateSource()
ALICE = PersonRef(name="Alice Chen", role="manager")


def test_status_middles_claim_progress_only_when_half_the_tasks_are_done():
    rng = random.Random(3)
    claim = "The hardest items are behind us."
    for done, total, allowed in ((0, 12, False), (5, 12, False), (6, 12, True), (12, 12, True)):
        texts = [
            SOURCE.status_update(
                rng, project_name="P", status_type="on_track", done=done, total=total,
                author=ALICE,
            )[1]
            for _ in range(200)
        ]  # fmt: skip
        assert any(claim in t for t in texts) == allowed, (done, total)


@pytest.mark.parametrize("edge", list(probe.STATUS_EDGES))
def test_a_status_reads_right_at_the_edges_of_its_numbers(edge):
    """Nothing done yet, everything done, one task left, every open task blocked, some blocked:
    no "0 of 12 complete and the rest are moving", no "the rest" with nothing left, no plural
    for the one task left, no "no blockers" with a task blocked."""
    done, total, blocked = probe.STATUS_EDGES[edge]
    rng = random.Random(4)
    for status_type in ("on_track", "at_risk", "off_track", "on_hold"):
        for _ in range(150):
            title, text = SOURCE.status_update(
                rng, project_name="P", status_type=status_type, done=done, total=total,
                author=ALICE, blocked=blocked,
            )  # fmt: skip
            assert not probe.status_misreads(text, done, total, blocked), (status_type, text)


def test_a_portfolio_status_counts_projects():
    rng = random.Random(2)
    texts = [
        SOURCE.status_update(
            rng, project_name="Q3", status_type="on_track", done=2, total=5, author=ALICE,
            unit="project",
        )[1]
        for _ in range(50)
    ]  # fmt: skip
    assert any("of 5 projects" in t for t in texts) and not any("task" in t for t in texts)


def test_a_status_says_nothing_its_numbers_or_other_sentences_contradict():
    """Not "the remaining 28 depend on outside input. Two items are waiting on outside sign-off"
    (all and two), "the rest are moving" with tasks blocked, "around the blockers" with none."""
    rng = random.Random(10)
    for total in (2, 5, 12, 66):
        for done in range(0, total + 1, max(1, total // 6)):
            for blocked in sorted({0, 1, (total - done) // 2, total - done}):
                if blocked > total - done:
                    continue
                kinds = ["on_track", "at_risk", "off_track", "on_hold"]
                for status_type in kinds + ["complete"] * (done == total):
                    for _ in range(20):
                        _, text = SOURCE.status_update(
                            rng, project_name="P", status_type=status_type, done=done,
                            total=total, author=ALICE, blocked=blocked,
                        )  # fmt: skip
                        misreads = probe.status_misreads(text, done, total, blocked)
                        assert not misreads, (done, total, blocked, text, misreads)
