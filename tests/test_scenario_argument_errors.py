"""An error found inside a scenario file names the argument that named it, as an error inside
a tokens file names --tokens: "SCENARIO team.toml: people[0].timezone: …", in every command
that takes a scenario (simulate, backfill, live); a job's scenario file names the API's field."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

ZONE = "people[0].timezone: 'Mars/Base' is not a known time zone; expected an IANA name like "
ZONE += "'Europe/Berlin'"
COMMANDS = [
    ["simulate", "team.toml", "--out", "run"],
    ["backfill", "team.toml", "--to", "sandbox"],
    ["live", "team.toml", "--to", "sandbox", "--days", "1"],
]


def in_process(*args: str):
    from cli import main

    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('days = 3\n[[people]]\nname = "A"\ntimezone = "Mars/Base"\n', ZONE),
        (
            "days = 3 x\n",
            "not valid TOML (Expected newline or end of document after a statement "
            "(at line 1, column 10))",
        ),
        (
            'days = 1\ncontent_model = "gpt-4"\n',
            "content_model: 'gpt-4' is not a Claude model "
            "id; expected one such as 'claude-haiku-5-5' "
            "(or leave it empty for the default)",
        ),
    ],
    ids=["a value", "the TOML", "content_model"],
)
def test_an_error_in_the_file_names_the_scenario_argument(tmp_path, monkeypatch, args, text, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team.toml").write_text(text, encoding="utf-8")
    result = in_process(*args)
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    assert result.stderr == f"Error: SCENARIO team.toml: {said}\n"
    assert not (tmp_path / "run").exists() and not (tmp_path / "replays").exists()


def test_a_jobs_scenario_file_is_named_as_the_caller_named_it(tmp_path):
    """Under the API's field scenario_file, by the name the caller gave, not the server's
    absolute path (an unreadable file said its absolute path; a bad value the given name)."""
    import msgspec

    from adapters.web.job_scenario import resolve_scenario
    from adapters.web.spec import FieldError, JobSpec

    (tmp_path / "broken.toml").write_text("days = [", encoding="utf-8")
    (tmp_path / "zone.toml").write_text('[[people]]\nname = "A"\ntimezone = "Mars/Base"\n')
    said = {}
    for name in ("broken.toml", "zone.toml"):
        with pytest.raises(FieldError) as caught:
            resolve_scenario(msgspec.convert({"scenario_file": name}, JobSpec), tmp_path)
        said[name] = (caught.value.field, caught.value.detail)
    assert said == {
        "broken.toml": (
            "scenario_file",
            "broken.toml: not valid TOML (Invalid value (at end of document))",
        ),
        "zone.toml": ("scenario_file", f"zone.toml: {ZONE}"),
    }
