"""The path type for command-line arguments and options: ``PathOf``, click's Path that refuses
an empty value and says what it expected.

click turns an empty path into ``Path(".")``, the current folder, so `busywork show ""` would
read the current folder as a run and say ``.: not a run folder``. ``PathOf`` refuses it first:
"RUN: '' is empty; expected a run folder such as replays/my-run"
(``adapters.command_errors.usage_error`` puts the argument's name in front and what was
expected after). Every path argument and option of every command uses it.
"""

from __future__ import annotations

from pathlib import Path

import click


class PathOf(click.Path):
    """A path argument or option that is not empty (nor only spaces); `what` it is for its
    errors ("a run folder such as replays/my-run"), else "a folder", "a file" or "a path"."""

    def __init__(self, *, what: str | None = None, **path_options) -> None:
        super().__init__(**path_options)
        self.what = what

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail(f"{value!r} is {'blank' if value else 'empty'}", param, ctx)
        return super().convert(value, param, ctx)


# The types several arguments and options share.
RUN_FOLDER = PathOf(file_okay=False, path_type=Path, what="a run folder such as replays/my-run")
SCENARIO_FILE = PathOf(dir_okay=False, path_type=Path, what="a scenario file (TOML)")
TOKENS_FILE = PathOf(dir_okay=False, path_type=Path, what="a tokens file (TOML)")
FOLDER = PathOf(file_okay=False, path_type=Path)
FILE = PathOf(dir_okay=False, path_type=Path)
