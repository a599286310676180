"""The path type for command-line arguments and options: ``PathOf``, click's Path that refuses
an empty value, checks the path as the command will use it, and says what it expected.

click turns an empty path into ``Path(".")``, the current folder, so `busywork show ""` would
read the current folder as a run and say ``.: not a run folder``. ``PathOf`` refuses it first:
"RUN: '' is empty; expected a run folder such as replays/my-run"
(``adapters.command_errors.usage_error`` puts the argument's name in front and what was
expected after). A path the command reads must be there and open; one it writes may be new, but
not under a file; one of the other kind is refused. The three read the same for every option
(``engine.files.path_problem``): "--tokens: 'nofile.toml' is not an existing file; expected a
tokens file (TOML)", "--tokens: 'adir' is a folder; …", "--data: 'a-file/dir' cannot be created
('a-file' is a file, not a folder); expected a folder". Every path argument and option of every
command uses it.
"""

from __future__ import annotations

from pathlib import Path

import click


class PathOf(click.Path):
    """A path argument or option that is not empty (nor only spaces); `what` it is for its
    errors ("a run folder such as replays/my-run"), else "a folder", "a file" or "a path"."""

    def __init__(
        self, *, what: str | None = None, reads: bool = False, writes: bool = False, **path_options
    ) -> None:
        super().__init__(**path_options)
        self.what, self.reads, self.writes = what, reads, writes

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail(f"{value!r} is {'blank' if value else 'empty'}", param, ctx)
        if isinstance(value, str):
            from engine.files import path_problem  # here: `busywork --help` imports this module

            kind = "folder" if not self.file_okay else "file" if not self.dir_okay else "path"
            if problem := path_problem(value, kind, reads=self.reads, writes=self.writes):
                self.fail(problem, param, ctx)
        return super().convert(value, param, ctx)


# The types several arguments and options share.
RUN_FOLDER = PathOf(
    file_okay=False, reads=True, path_type=Path, what="a run folder such as replays/my-run"
)
NEW_RUN_FOLDER = PathOf(
    file_okay=False, writes=True, path_type=Path, what="a run folder such as replays/my-run"
)
SCENARIO_FILE = PathOf(dir_okay=False, reads=True, path_type=Path, what="a scenario file (TOML)")
TOKENS_FILE = PathOf(dir_okay=False, reads=True, path_type=Path, what="a tokens file (TOML)")
FOLDER_TO_WRITE = PathOf(file_okay=False, writes=True, path_type=Path)
FILE_TO_WRITE = PathOf(dir_okay=False, writes=True, path_type=Path)
