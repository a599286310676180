"""A value shaped like a token is never repeated in an error, whichever check found it: a
scenario's own checks quote the value they refuse (`people[0].timezone: '…' is not a known time
zone`), from a web job's fields or from a scenario file; the command line's options quote theirs.
Every error line of the CLI, and every error body of the web API, hides it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.runner import busywork
from tests.test_web import Web, servers

ASANA_TOKEN = "1/1204711234567890:0f1e2d3c4b5a69788796a5b4c3d2e1f0"
ANTHROPIC_KEY = "sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0"
HIDDEN = "<token hidden>"
NOT_SHOWN = "the value is not shown: it looks like a token"


def _scenario_file(folder: Path, timezone: str) -> Path:
    path = folder / "team.toml"
    path.write_text(f'[[people]]\nname = "Ada"\ntimezone = "{timezone}"\n')
    return path


@pytest.mark.parametrize("secret", [ASANA_TOKEN, ANTHROPIC_KEY])
def test_the_cli_hides_a_token_a_scenario_file_holds(tmp_path, secret):
    path = _scenario_file(tmp_path, secret)
    result = busywork("simulate", str(path), "--out", str(tmp_path / "run"), cwd=tmp_path,
                      check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert secret not in result.stderr + result.stdout
    assert result.stderr == (f"Error: SCENARIO {path}: people[0].timezone: '{HIDDEN}' is not a known "
                             "time zone; expected an IANA name like 'Europe/Berlin'\n")  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ("simulate", "--days", ASANA_TOKEN),  # click's own check of a number option
        ("simulate", "--start", ASANA_TOKEN),
        ("show", ASANA_TOKEN),
        ("query", ANTHROPIC_KEY, "select 1"),
    ],
)
def test_the_cli_hides_a_token_given_to_an_option(tmp_path, args):
    result = busywork(*args, cwd=tmp_path, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: ") and HIDDEN in result.stderr, result.stderr
    assert ASANA_TOKEN not in result.stderr and ANTHROPIC_KEY not in result.stderr


@pytest.fixture
def make_web(tmp_path) -> Iterator[Callable[..., Web]]:
    yield from servers(tmp_path)


@pytest.mark.parametrize(
    "spec, field",
    [
        ({"scenario": {"people": [{"name": "Ada", "timezone": ASANA_TOKEN}]}},
         "scenario.people[0].timezone"),
        ({"scenario": {"industry": ANTHROPIC_KEY}}, "scenario.industry"),
        ({"scenario": {"holidays": {"country": ASANA_TOKEN}}}, "scenario.holidays.country"),
        ({"scenario": {ASANA_TOKEN: 1}}, "scenario"),
        ({"scenario_file": "team.toml"}, "scenario_file"),  # the file's value
        ({"scenario_file": f"{ASANA_TOKEN}.toml"}, "scenario_file"),
    ],
)  # fmt: skip
def test_the_web_api_hides_a_token_in_any_field_error(tmp_path, make_web, spec, field):
    _scenario_file(tmp_path, ASANA_TOKEN)
    web = make_web(base_dir=tmp_path)
    response = web.call("POST", "/jobs", json={"mode": "dry_run", **spec})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field, error
    # Refused as a token where the job's own text holds it; hidden where a check quoted it.
    assert HIDDEN in error["message"] or NOT_SHOWN in error["message"], error
    assert ASANA_TOKEN not in response.text and ANTHROPIC_KEY not in response.text
