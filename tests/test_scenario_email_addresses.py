"""Written email addresses are checked as addresses (one @, a mailbox name, a domain like
example.com, no whitespace or control characters), not only for an @; nothing is stripped."""

import json

import pytest

from engine import scenario as sc
from engine.errors import InvalidInput
from tests.runner import busywork

MANAGER = '[[people]]\nname = "Ann"\nrole = "manager"\n'


def people(*emails: str) -> dict:
    rows = [{"name": "Ann", "role": "manager"}]
    rows += [{"name": f"P{i}", "email": email} for i, email in enumerate(emails)]
    return {"people": rows}


@pytest.mark.parametrize(
    ("email", "why"),
    [
        ("a@example.com ", "it starts or ends with whitespace; remove it"),
        (" a@example.com", "it starts or ends with whitespace; remove it"),
        ("@", "nothing before the @"),
        ("a b@c.com", "it contains a space"),
        ("a@", "no domain after the @"),
        ("@example.com", "nothing before the @"),
        ("a@b.com\nx", "it contains a line break"),
        ("a@exa\u0000mple.com", "it contains a control character"),
        ("a@@example.com", "it needs exactly one @"),
        ("a@b@example.com", "it needs exactly one @"),
        ("nobody", "it has no @"),
        ("a@localhost", "'localhost' is not a domain like example.com"),
        ("a@example..com", "'example..com' is not a domain like example.com"),
        ("a@-example.com", "'-example.com' is not a domain like example.com"),
        ("a..b@example.com", "'a..b' before the @ is not a plain mailbox name"),
        ("a<b>@example.com", "'a<b>' before the @ is not a plain mailbox name"),
    ],
)
def test_a_malformed_address_is_refused_naming_the_field_and_why(email, why):
    with pytest.raises(InvalidInput) as info:
        sc.from_dict(people(email))
    assert str(info.value) == (
        f"scenario: people[1].email: {email!r} is not an email address ({why}); expected one "
        "like 'jo.smith@example.com'"
    )


@pytest.mark.parametrize(
    "email",
    ["a@example.com", "jo.smith.2@example.com", "o'brien+tag@mail.example.co.uk",
     "josé@bücher.de", "A_B-c@x-y.example"],
)  # fmt: skip
def test_ordinary_addresses_are_kept_as_written(email):
    assert sc.from_dict(people(email)).people[1].email == email


def test_an_address_and_the_same_with_a_trailing_space_are_not_two_people():
    with pytest.raises(InvalidInput) as info:
        sc.from_dict(people("b@x.com", "b@x.com "))
    assert "people[2].email: 'b@x.com ' is not an email address (it starts or ends" in str(
        info.value
    )


def test_the_command_line_refuses_it_with_exit_2_and_one_line(tmp_path):
    text = f'{MANAGER}[[people]]\nname = "Bo"\nemail = {json.dumps("bo@example.com ")}\n'
    (tmp_path / "s.toml").write_text(text)
    result = busywork("simulate", "s.toml", "--out", "run", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr == (
        "Error: SCENARIO s.toml: people[1].email: 'bo@example.com ' is not an email address (it starts "
        "or ends with whitespace; remove it); expected one like 'jo.smith@example.com'\n"
    )
    assert not (tmp_path / "run").exists()
