"""Every error is one line on stderr, click's usage errors too; and --model (or a scenario's
content_model) must be a Claude model id, the check the web API makes."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from tests.runner import busywork


def in_process(*args: str, env: dict | None = None):
    from cli import main

    return CliRunner().invoke(main, list(args), env=env)


A_RUN_FOLDER = "a run folder such as replays/my-run"
DAYS_OUT_OF_RANGE = "--days: 0 is out of range; expected a whole number from 1 to 3660"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["simulate", "--days", "0"], DAYS_OUT_OF_RANGE),
        (["show", "--tail", "-1", "r"], "--tail: -1 is out of range; expected a whole number ≥ 0"),
        (
            ["simulate", "--content", "foo"],
            "--content: 'foo' is not one of 'templates', 'anthropic'",
        ),
        (["show", "scenario.toml"], f"RUN: 'scenario.toml' is a file; expected {A_RUN_FOLDER}"),
        (
            ["live", "--run", "scenario.toml"],
            f"--run: 'scenario.toml' is a file; expected {A_RUN_FOLDER}",
        ),
        (
            ["simulate", "--out", "scenario.toml"],
            f"--out: 'scenario.toml' is a file; expected {A_RUN_FOLDER}",
        ),
        (["show"], f"Missing argument 'RUN'; expected {A_RUN_FOLDER}"),
        (
            ["export", "."],
            "Missing option '--out'; expected a folder to write the files to, such as --out "
            "exports/my-run",
        ),  # fmt: skip
        (["simulate", "--dayz", "3"], "No such option '--dayz'. Did you mean '--days'?"),
        (["nosuch"], "No such command 'nosuch'"),
        (["--bogus"], "No such option '--bogus'"),
    ],
)
def test_usage_errors_are_one_line(tmp_path, monkeypatch, args, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenario.toml").write_text("")
    result = in_process(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {said}")
    assert result.stderr.count("\n") == 1 and "Usage:" not in result.stderr


def test_a_usage_error_is_one_line_from_the_installed_command_too(tmp_path):
    result = busywork("simulate", "--days", "0", cwd=tmp_path, check=False)
    assert (result.returncode, result.stderr) == (
        2, f"Error: {DAYS_OUT_OF_RANGE}\n"
    )  # fmt: skip


# Every numeric option says what it expected, not click's "is not a valid float range".
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["simulate", "--llm-budget-usd", "abc"],
         "--llm-budget-usd: 'abc' is not a number of US dollars; expected a number ≥ 0, like 2.50"),
        (["simulate", "--llm-budget-usd", "nan"],
         "--llm-budget-usd: 'nan' is not a number of US dollars; expected a number ≥ 0, like 2.50"),
        (["simulate", "--llm-budget-usd", "-1"],
         "--llm-budget-usd: -1 is out of range; expected a number ≥ 0, like 2.50"),
        (["simulate", "--days", "abc"],
         "--days: 'abc' is not a number of days; expected a whole number from 1 to 3660"),
        (["show", "--tail", "x", "r"],
         "--tail: 'x' is not a number of lines; expected a whole number ≥ 0"),
        (["sandbox", "--port", "abc"],
         "--port: 'abc' is not a port number; expected a whole number from 0 to 65535"),
        (["serve", "--port", "70000"],
         "--port: 70000 is out of range; expected a whole number from 0 to 65535"),
        (["replay", "r", "--rate-limit", "2000000"],
         "--rate-limit: 2000000 is out of range; expected a whole number from 1 to 1,000,000"),
        (["live", "--speed", "fast"],
         "--speed: 'fast' is not a speed; expected a number from 0.01 to 1,000,000"),
        (["backfill", "--seed", "abc"], "--seed: 'abc' is not a random seed; expected a whole number"),
        (["simulate", "--llm-timeout-seconds", "0"],
         "--llm-timeout-seconds: 0 is out of range; expected a number > 0"),
    ],
)  # fmt: skip
def test_a_bad_number_says_what_was_expected(tmp_path, args, said):
    result = busywork(*args, cwd=tmp_path, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"Error: {said}\n")


def test_help_shows_a_range_in_words(tmp_path):
    helped = busywork("simulate", "--help", cwd=tmp_path).stdout
    assert "to 3660]" in helped and "[default: 20; ≥ 1]" in helped
    assert "<=x" not in helped and "x>=" not in helped


def test_busywork_alone_still_shows_the_help(tmp_path):
    result = busywork(cwd=tmp_path, check=False)
    assert result.returncode == 2 and "Commands:" in result.stdout + result.stderr


# -- Claude model ids ----------------------------------------------------------------------------


def test_model_must_be_a_claude_model_id_even_without_a_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    result = in_process("simulate", "--days", "1", "--content", "anthropic", "--model", "gpt-4",
                        "--out", "r")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --model: 'gpt-4' is not a Claude model id; expected one such as "
        "'claude-haiku-5-5' (or leave it empty for the default)\n"
    )
    assert not (tmp_path / "r").exists()


def test_a_scenarios_content_model_must_be_a_claude_model_id(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team.toml").write_text('days = 1\ncontent_model = "gpt-4"\n')
    result = in_process("simulate", "team.toml", "--out", "r")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: SCENARIO team.toml: content_model: 'gpt-4' is not a Claude model id; expected one such "
        "as 'claude-haiku-5-5' (or leave it empty for the default)\n"
    )
    (tmp_path / "ok.toml").write_text('days = 1\ncontent_model = "claude-sonnet-9"\n')
    assert in_process("simulate", "ok.toml", "--out", "ok").exit_code == 0


def test_the_web_api_makes_the_same_check(tmp_path):
    import msgspec

    from adapters.run_setup import claude_model_problem
    from adapters.web.llm import open_for_new_job
    from adapters.web.spec import FieldError
    from engine.scenario import default_scenario, resolve

    templates = msgspec.structs.replace(resolve(default_scenario()), content_model="gpt-4")
    with pytest.raises(FieldError) as info:
        open_for_new_job(templates, None, [])
    assert info.value.field == "scenario.content_model"
    assert str(claude_model_problem("gpt-4")) in str(info.value)
    assert "gpt-4" not in str(info.value)  # the web does not echo the value


# -- empty paths: click would read "" as the current folder ---------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["show", ""], f"RUN: '' is empty; expected {A_RUN_FOLDER}"),
        (["show", "  "], f"RUN: '  ' is blank; expected {A_RUN_FOLDER}"),
        (["stats", ""], f"RUN: '' is empty; expected {A_RUN_FOLDER}"),
        (["query", "", "select 1"], f"RUN: '' is empty; expected {A_RUN_FOLDER}"),
        (["query", "r", "select 1", "--out", ""], "--out: '' is empty; expected a file"),
        (["export", "r", "--out", ""], "--out: '' is empty; expected a folder to write the files to, such as --out exports/my-run"),
        (["report", ""], f"RUN: '' is empty; expected {A_RUN_FOLDER}"),
        (["replay", ""], f"RUN: '' is empty; expected {A_RUN_FOLDER}"),
        (["clean", "", "--yes"], f"RUN: '' is empty; expected {A_RUN_FOLDER}"),
        (["replay", "r", "--tokens", ""], "--tokens: '' is empty; expected a tokens file (TOML)"),
        (["live", "--run", ""], f"--run: '' is empty; expected {A_RUN_FOLDER}"),
        (["backfill", ""], "SCENARIO: '' is empty; expected a scenario file (TOML)"),
        (["sandbox", "--data", ""], "--data: '' is empty; expected a folder"),
        (["sandbox", "--for", "", "--write-tokens", "t.toml"],
         f"--for: '' is empty; expected {A_RUN_FOLDER}"),
        (["serve", "--data", ""], "--data: '' is empty; expected a folder"),
        (["simulate", "--content-cache", ""], "--content-cache: '' is empty; expected a folder"),
    ],
)  # fmt: skip
def test_an_empty_path_is_refused_naming_it(tmp_path, monkeypatch, args, said):
    monkeypatch.chdir(tmp_path)
    result = in_process(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {said}\n")
    assert list(tmp_path.iterdir()) == []  # nothing made in (or read as) the current folder


def test_every_path_parameter_refuses_an_empty_value():
    from adapters.path_options import PathOf
    from cli import main

    plain = [
        f"{name} {param.name}"
        for name, command in main.commands.items()
        for param in command.params
        if isinstance(param.type, click.Path) and not isinstance(param.type, PathOf)
    ]
    assert plain == []


def test_clean_without_to_says_why_the_default_sandbox_has_nothing_to_clean(tmp_path, monkeypatch):
    """`clean RUN` after `replay RUN` (both default to --to sandbox) said only "give the URL or
    asana": neither which option, nor that sandbox was its default, nor what a URL looks like."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r").mkdir()
    result = in_process("clean", "r", "--yes")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: --to sandbox (the default): an in-process sandbox ends with its replay, and what "
        "the run created there with it, so there is nothing to clean; expected the URL of a "
        "sandbox you serve (such as --to http://127.0.0.1:8765/api/1.0) or --to asana\n"
    )
