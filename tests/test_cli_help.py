"""Every command's --help ends with examples that run as written: the command's own name and
only options it has."""

import shlex

import click
import pytest

from cli import main
from tests.runner import busywork


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_help_ends_with_examples_of_that_command(name):
    epilog = main.commands[name].epilog or ""
    examples = [line.strip() for line in epilog.splitlines()[2:]]
    assert epilog.startswith("\b\nExamples:\n") and examples, f"busywork {name} --help: no examples"
    for example in examples:
        words = shlex.split(example.split(" | ")[0])
        assert words[:2] == ["busywork", name], example
        command = main.commands[name]
        ctx = click.Context(command, info_name=name)
        # The parser alone: it refuses an unknown option or a stray argument, and converts
        # nothing, so the example's files need not exist.
        _opts, rest, _order = command.make_parser(ctx).parse_args(words[2:])
        assert not rest, f"{example}: {rest} left over"


def test_help_shows_the_examples_on_their_own_lines(tmp_path):
    helped = busywork("replay", "--help", cwd=tmp_path).stdout
    assert "\n  Examples:\n    busywork replay replays/my-team --to sandbox --serve\n" in helped


@pytest.mark.parametrize("name", ["query", "export"])
def test_query_and_export_help_name_every_view(name):
    """Their help named five views of the ten a run has (custom_field_values, tags,
    dependencies, dependency_blocks and approvals were left out)."""
    from adapters.analytics.views import VIEWS

    helped = " ".join((main.commands[name].help or "").split())
    assert f"Views: {', '.join(VIEWS)}" in helped, helped
