"""The nesting limit on JSON request bodies (adapters.json_depth), on its own."""

import msgspec
import pytest

from adapters.json_depth import MAX_JSON_DEPTH, nested_deeper_than


def _checked(text: str, limit: int) -> bool:
    body = text.encode()
    return nested_deeper_than(body, msgspec.json.decode(body), limit)


@pytest.mark.parametrize(
    ("text", "depth"),
    [("1", 0), ('"[[[[{{{{"', 0), ("[]", 1), ("{}", 1), ('{"a": [1, {"b": []}]}', 4),
     ("[[], [[]], [[[]]], 2]", 4), ('[{"a": {"b": [[]]}}, []]', 5)],
)  # fmt: skip
def test_the_limit_is_the_number_of_levels(text, depth):
    assert not _checked(text, depth)  # as deep as the limit: allowed
    if depth:
        assert _checked(text, depth - 1)


def test_brackets_in_strings_and_wide_bodies_are_not_depth():
    # More brackets than the limit (so the values are walked), none of them deep.
    assert not _checked('["' + "[" * 100 + '"]', 3)
    assert not _checked("[" + ", ".join(["[]"] * 500) + "]", 2)
    assert _checked("[" + ", ".join(["[]"] * 500) + ", [[[]]]]", 3)


def test_a_body_far_deeper_than_pythons_recursion_limit_is_walked_without_recursion():
    levels = 20_000  # msgspec refuses this itself; the check on a value built by hand must not fail
    value: list[object] = []
    for _ in range(levels - 1):
        value = [value]
    body = b"[" * levels + b"]" * levels
    assert nested_deeper_than(body, value)
    assert not nested_deeper_than(body, value, limit=levels)


def test_the_default_limit_is_far_above_what_requests_nest():
    scenario = {"scenario": {"people": [{"days_off": ["2026-01-02"]}]}, "target": {}}
    body = msgspec.json.encode(scenario)
    assert not nested_deeper_than(body, scenario) and MAX_JSON_DEPTH >= 16
