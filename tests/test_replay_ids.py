"""The id map's tries (`IdMap.attempt`): a failed one gives back exactly its own claims."""

from __future__ import annotations

import threading

import pytest

from engine.replay_ids import IdMap


class Failed(Exception):
    pass


def _claim(ids: IdMap, target_id: str) -> str | None:
    return ids.claim(lambda taken: None if taken(target_id) else target_id)


def _taken(ids: IdMap, *target_ids: str) -> list[str]:
    return [t for t in target_ids if ids.taken(t)]


def test_a_failed_try_gives_back_its_claims_and_touches_nothing_else():
    ids = IdMap()
    ids.update({"s1": "t1"})
    assert _claim(ids, "before") == "before"  # outside any try: kept
    with pytest.raises(Failed), ids.attempt():
        assert _claim(ids, "lost") == "lost"
        assert _claim(ids, "kept") == "kept"
        ids.update({"s2": "kept"})  # recorded as an event's before the try failed: stays taken
        raise Failed
    assert _taken(ids, "t1", "before", "lost", "kept") == ["t1", "before", "kept"]
    assert ids.items() == [("s1", "t1"), ("s2", "kept")]
    assert _claim(ids, "lost") == "lost"  # the next try may adopt it


def test_a_failed_try_that_claimed_nothing_leaves_every_id_as_it_was():
    ids = IdMap()
    ids.update({"s1": "t1"})
    assert _claim(ids, "claimed") == "claimed"
    with pytest.raises(Failed), ids.attempt():
        raise Failed
    with ids.attempt():  # a try that succeeds keeps its claims
        assert _claim(ids, "ok") == "ok"
    assert _taken(ids, "t1", "claimed", "ok") == ["t1", "claimed", "ok"]
    assert ids.items() == [("s1", "t1")]


def test_a_nested_try_s_claims_are_the_enclosing_try_s_too():
    ids = IdMap()
    with pytest.raises(Failed), ids.attempt():
        with ids.attempt():
            assert _claim(ids, "inner") == "inner"
        assert ids.taken("inner")  # the inner try succeeded
        with pytest.raises(Failed), ids.attempt():
            raise Failed  # claimed nothing: gives back nothing of the outer try's
        assert ids.taken("inner")
        raise Failed
    assert not ids.taken("inner")  # the outer try failed: given back


def test_a_failed_try_that_claimed_nothing_does_not_wait_for_another_lane_s_claim():
    """A long replay's many failed tries (retried sends) claim nothing; they must not wait on
    the lock, nor look over every id recorded, while another lane chooses what to adopt."""
    ids = IdMap()
    choosing, chosen = threading.Event(), threading.Event()

    def choose(taken):
        choosing.set()
        chosen.wait(30)
        return "theirs"

    def fail_a_try() -> None:
        with pytest.raises(Failed), ids.attempt():
            raise Failed

    lane = threading.Thread(target=lambda: ids.claim(choose))
    lane.start()
    try:
        assert choosing.wait(30)
        other = threading.Thread(target=fail_a_try)
        other.start()
        other.join(20)  # returns at once with the fix; without it, blocked until `chosen`
        assert not other.is_alive(), "a failed try with no claims waited for another lane"
    finally:
        chosen.set()
        lane.join()
    assert ids.taken("theirs")
