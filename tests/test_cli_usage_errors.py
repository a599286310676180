"""Every error is one line on stderr, click's usage errors too; and --model (or a scenario's
content_model) must be a Claude model id, the check the web API makes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.runner import busywork


def in_process(*args: str, env: dict | None = None):
    from cli import main

    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["simulate", "--days", "0"], "--days: 0 is not in the range 1<=x<=3660"),
        (["show", "--tail", "-1", "r"], "--tail: -1 is not in the range x>=0"),
        (
            ["simulate", "--content", "foo"],
            "--content: 'foo' is not one of 'templates', 'anthropic'",
        ),
        (["show", "scenario.toml"], "RUN: Directory 'scenario.toml' is a file"),
        (["show"], "Missing argument 'RUN'"),
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
        2, "Error: --days: 0 is not in the range 1<=x<=3660\n"
    )  # fmt: skip


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
        "Error: team.toml: content_model: 'gpt-4' is not a Claude model id; expected one such "
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
