"""A job spec's text (its name, scenario file, scenario fields, target) holds no control
characters: each is one line shown in the dashboard, the server's log and Asana. A 422 in the
API's error shape names the field, shows the value escaped (never a token reference) and says
what is expected."""

from __future__ import annotations

import pytest

from tests.test_web import shared_web  # noqa: F401 (a fixture)

PERSON = {"name": "Alice Adams", "email": "alice@example.com", "role": "manager"}


@pytest.mark.parametrize(
    ("spec", "field", "shown"),
    [
        ({"name": "\u0000x"}, "name", r"'\x00x'"),
        ({"name": "two\nlines"}, "name", r"'two\nlines'"),
        ({"name": "bell\u0085"}, "name", r"'bell\x85'"),
        ({"scenario_file": "a\u001b[31m.toml"}, "scenario_file", r"'a\x1b[31m.toml'"),
        ({"scenario": {"name": "Team\r"}}, "scenario.name", r"'Team\r'"),
        (
            {"scenario": {"people": [PERSON, {**PERSON, "name": "Bo\tB"}]}},
            "scenario.people[1].name",
            r"'Bo\tB'",
        ),  # fmt: skip
        (
            {
                "mode": "backfill",
                "speed": "max",
                "target": {"kind": "asana", "workspace": "12\u00003"},
            },
            "target.workspace",
            r"'12\x003'",
        ),  # fmt: skip
    ],
)
def test_a_control_character_in_a_text_field_is_a_422_naming_it(shared_web, spec, field, shown):  # noqa: F811
    response = shared_web.call("POST", "/jobs", json={"start": False, **spec})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field and error["status"] == 422
    assert shown in error["message"] and "control character" in error["message"]
    assert "expected one line of text without control characters" in error["message"]


def test_a_token_reference_with_a_control_character_is_not_echoed(shared_web):  # noqa: F811
    # What a pasted token looks like, a newline inside (one around it goes, as around a URL).
    pasted = "0/12345678\n90abcdef"
    response = shared_web.call("POST", "/jobs", json={
        "mode": "backfill", "speed": "max", "start": False, "scenario": {"people": [PERSON]},
        "target": {"kind": "asana", "tokens": {"alice@example.com": pasted}}})  # fmt: skip
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "target.tokens.alice@example.com"
    assert "control character (U+000A)" in error["message"]
    assert "12345678" not in response.text and "90abcdef" not in response.text


def test_a_name_without_control_characters_is_accepted(shared_web):  # noqa: F811
    response = shared_web.call("POST", "/jobs", json={"start": False, "name": "Ünïcode — ok ✓"})
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Ünïcode — ok ✓"
