"""engine.draws: the compiled helpers draw exactly what random.Random's methods draw."""

import random

import pytest

from engine.draws import below, between, pick, uniform


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 100, 1000, 2**31 + 5])
def test_below_is_randrange_and_leaves_the_stream_where_randrange_does(n):
    ours, theirs = random.Random(n), random.Random(n)
    assert [below(ours, n) for _ in range(300)] == [theirs.randrange(n) for _ in range(300)]
    assert ours.random() == theirs.random()


def test_pick_is_choice(rng):
    seed = rng.random()
    items = [f"t{i}" for i in range(13)]
    ours, theirs = random.Random(seed), random.Random(seed)
    for size in range(1, 14):
        assert [pick(ours, items[:size]) for _ in range(20)] == [
            theirs.choice(items[:size]) for _ in range(20)
        ]
    assert ours.getstate() == theirs.getstate()


def test_between_is_randint_and_uniform_is_uniform(rng):
    seed = rng.random()
    ours, theirs = random.Random(seed), random.Random(seed)
    for low, high in [(0, 0), (2, 6), (-3, 3), (1, 1000)]:
        assert [between(ours, low, high) for _ in range(50)] == [
            theirs.randint(low, high) for _ in range(50)
        ]
    assert [uniform(ours, 0.5, 1.5) for _ in range(50)] == [
        theirs.uniform(0.5, 1.5) for _ in range(50)
    ]


def test_pick_from_nothing_is_an_index_error():
    with pytest.raises(IndexError, match="cannot choose from an empty sequence"):
        pick(random.Random(1), [])


def test_weighted_is_choices_with_weights_or_cumulative_weights(rng):
    from itertools import accumulate

    from engine.draws import weighted

    seed = rng.random()
    items = ("low", "medium", "high", "urgent")
    for weights in [(30, 45, 20, 5), (0.7, 0.2, 0.1, 0.0), (1, 1, 1, 1)]:
        cumulative = tuple(accumulate(weights))
        ours, theirs, by_cumulative = (random.Random(seed) for _ in range(3))
        drawn = [weighted(ours, items, cumulative) for _ in range(200)]
        assert drawn == [theirs.choices(items, weights)[0] for _ in range(200)]
        assert drawn == [
            by_cumulative.choices(items, cum_weights=cumulative)[0] for _ in range(200)
        ]
    assert set(drawn) == set(items)
